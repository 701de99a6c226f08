"""Index backends (SQLite FTS5 embedded, Elasticsearch scale-out) and Vietnamese query analysis."""
