"""Index backends (SQLite FTS5 and tantivy embedded, Elasticsearch scale-out) and Vietnamese query analysis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.backend import (
    IndexDocument, IndexPage, SearchBackend, SearchHit, SearchQuery, SearchResults,
)

if TYPE_CHECKING:
    from donthu.config import Settings

__all__ = [
    "IndexDocument", "IndexPage", "SearchBackend", "SearchHit", "SearchQuery", "SearchResults",
    "open_backend",
]


def open_backend(settings: "Settings") -> SearchBackend:
    """The backend `settings.search_backend` names: "tantivy" (the default; directory `settings.tantivy_path`,
    made when missing), "sqlite" (file `settings.index_path`) or "elasticsearch" (`settings.es_url`, index
    "donthu-pages"). Opens the index as it is: `ingest.indexing.open_index` also builds a missing embedded
    index from the records."""
    name = settings.search_engine
    if name == "sqlite":
        from search.sqlite_fts import SqliteFtsBackend

        return SqliteFtsBackend(settings.index_path)
    if name == "tantivy":
        from search.tantivy_index import TantivyBackend

        return TantivyBackend(settings.tantivy_path)
    if name == "elasticsearch":
        if not settings.es_url:
            raise ValueError("search backend 'elasticsearch' needs DONTHU_ES_URL")
        from search.elastic import ElasticBackend

        return ElasticBackend(settings.es_url)
    raise ValueError(f"unknown search backend {settings.search_backend!r} (use 'sqlite', 'tantivy' or 'elasticsearch')")
