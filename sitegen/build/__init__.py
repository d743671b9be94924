"""The build: the builder running every stage in order, and the writer (the only place that writes output)."""
