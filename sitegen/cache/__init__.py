"""The cache: the up-to-date record, the cache file, and page digests for incremental builds."""
