"""The cache: the cache folder's layout, the up-to-date record, the build
state and its file format, page digests for incremental builds."""
