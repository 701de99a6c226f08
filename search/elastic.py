"""Scale-out search index: Elasticsearch (official client), one ES document per PAGE.

Page documents carry their document's fields (for filters and facets) and are collapsed per
`doc_id` at query time: the top page of each group is the best-matching page (hit page, score and
highlight), `inner_hits` lists the matching page numbers, a `cardinality` aggregation counts documents
and facets are `terms` aggregations whose buckets count documents (a `cardinality` sub-aggregation on
`doc_id`, since buckets count pages).

Text field `text`: analyzer `vi_exact` (standard tokenizer + lowercase, diacritics kept); sub-field
`text.folded`: analyzer `vi_folded` (char_filter đ→d/Đ→D, standard tokenizer, lowercase, asciifolding;
no ICU plugin needed). Query: every unit (term or phrase from `search.analysis.parse_query`) must match
`text` (boost 3) or `text.folded` (boost 1), summed (most_fields); a unit typed with diacritics adds
a constant bonus when matched exactly, so exact spellings rank above folded-only matches as in SQLite.
Filters are `term` queries on keyword fields holding folded keys computed in Python (the same keys as
the SQLite backend: `search.analysis.place_keys`, `value_key`, `parcel_key`).

Confidentiality: every page document also holds `text_masked` (the page with a denouncer's identity masked,
`IndexPage.masked`; same analyzers and sub-field) and `file_masked`; a query with `cleared=False` matches,
scores and highlights only `text_masked` and names the file by `file_masked`. An index created before these
fields gets them added to its mapping on open; its pages without them are found by such searchers only after
`donthu reindex`.

Places across 1 July 2025 (classify.gazetteer): keyword fields `old_communes`, `old_districts`, `new_communes`
(with `*_keys`) on every page; the commune filter matches commune, old and new commune keys, the district filter
district and old district keys; the text field `places` (with `places.folded`) holds the names of both systems,
and a query matches a page whose text holds every unit OR whose document's places hold every unit (as in
SQLite). `ensure_index` adds these fields to an index created before them (put_mapping; adding is allowed).

Document ids: page i (0-based, in `IndexDocument.pages` order) of document d is `"{d}-{i}"`; page 0 also
stores `page_count`, read back with a real-time GET when a document is re-indexed or deleted so the pages
it no longer has are deleted in the same bulk request.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from elasticsearch import Elasticsearch, NotFoundError, helpers

from donthu.access import normalise_unit
from search.analysis import ParsedQuery, Term, highlight, parse_parcel, parse_query, place_keys, value_key
from search.backend import IndexDocument, SearchHit, SearchQuery, SearchResults
from search.fields import document_values, page_texts

EXACT_BONUS = 10.0
#: inner_hits size limit (index.max_inner_result_window defaults to 100)
MAX_MATCHED_PAGES = 100
FACET_SIZE = 100
#: largest page of hits returned at once (as in the SQLite backend)
MAX_LIMIT = 1000

SETTINGS: dict[str, Any] = {
    "analysis": {
        "char_filter": {
            "vi_d": {"type": "mapping", "mappings": ["đ => d", "Đ => D"]},
        },
        "analyzer": {
            "vi_exact": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
            "vi_folded": {
                "type": "custom",
                "tokenizer": "standard",
                "char_filter": ["vi_d"],
                "filter": ["lowercase", "asciifolding"],
            },
        },
    },
}

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "doc_id": {"type": "long"},
        "ordinal": {"type": "integer"},
        "page": {"type": "integer"},
        "page_count": {"type": "integer"},
        "file": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "type": {"type": "keyword"},
        "kind_key": {"type": "keyword"},
        "type_key": {"type": "keyword"},
        "date": {"type": "date", "format": "strict_date"},
        "year": {"type": "integer"},
        "dossier_id": {"type": "long"},
        "communes": {"type": "keyword"},
        "commune_keys": {"type": "keyword"},
        "districts": {"type": "keyword"},
        "district_keys": {"type": "keyword"},
        "parcels": {"type": "keyword"},
        "parcel_nos": {"type": "keyword"},
        "unit": {"type": "keyword"},
        "unit_paths": {"type": "keyword"},  # the unit and every unit above it ("" = the root)
        "parties": {"type": "text", "analyzer": "vi_exact",
                    "fields": {"folded": {"type": "text", "analyzer": "vi_folded"}}},
        "old_communes": {"type": "keyword"},
        "old_commune_keys": {"type": "keyword"},
        "old_districts": {"type": "keyword"},
        "old_district_keys": {"type": "keyword"},
        "new_communes": {"type": "keyword"},
        "new_commune_keys": {"type": "keyword"},
        "places": {"type": "text", "analyzer": "vi_exact",
                   "fields": {"folded": {"type": "text", "analyzer": "vi_folded"}}},
        "text": {"type": "text", "analyzer": "vi_exact",
                 "fields": {"folded": {"type": "text", "analyzer": "vi_folded"}}},
        "text_masked": {"type": "text", "analyzer": "vi_exact",
                        "fields": {"folded": {"type": "text", "analyzer": "vi_folded"}}},
        "file_masked": {"type": "keyword"},
    },
}


def _text_field(q: SearchQuery) -> str:
    """The text field a query reads: the full text, or the masked one for a searcher without clearance."""
    return "text" if q.cleared else "text_masked"

_FACET_FIELDS = {"type": "type", "kind": "kind", "district": "districts", "commune": "communes", "year": "year",
                 "new_commune": "new_communes"}
#: the place names (old and new) fields beside a page's text
_PLACE_FIELDS = ("old_communes", "old_districts", "new_communes")


def _valid_date(value: str | None) -> str | None:
    """`value` if it is a real YYYY-MM-DD date (else ES would reject the page), otherwise None."""
    try:
        return date.fromisoformat(value).isoformat() if value and len(value) == 10 else None
    except ValueError:
        return None


def page_sources(doc: IndexDocument) -> list[dict[str, Any]]:
    """The ES page documents of one IndexDocument (one with empty text when it has no pages); the values are
    `search.fields.document_values` (shared with the tantivy index)."""
    values = document_values(doc)
    common = {name: values[name] for name in (
        "doc_id", "file", "kind", "type", "kind_key", "type_key", "year", "dossier_id", "communes", "commune_keys",
        "districts", "district_keys", "parcels", "parcel_nos", "parties", "file_masked", *_PLACE_FIELDS,
        *(name[:-1] + "_keys" for name in _PLACE_FIELDS), "places", "unit", "unit_paths")}
    common["date"] = _valid_date(doc.date)
    pages = page_texts(doc)
    out = []
    for page in pages:
        source = dict(common, ordinal=page.ordinal, page=page.number, text=page.text, text_masked=page.masked)
        if page.ordinal == 0:
            source["page_count"] = len(pages)
        out.append(source)
    return out


def _unit_query(term: Term, field: str = "text") -> dict[str, Any]:
    if term.phrase:
        return {"bool": {"should": [
            {"match_phrase": {field: {"query": term.exact, "boost": 3}}},
            {"match_phrase": {f"{field}.folded": {"query": term.folded, "boost": 1}}},
        ], "minimum_should_match": 1}}
    return {"multi_match": {"query": term.exact, "fields": [f"{field}^3", f"{field}.folded"],
                            "type": "most_fields", "operator": "and"}}


def _exact_bonus(term: Term, field: str = "text") -> dict[str, Any]:
    match = {"match_phrase": {field: term.exact}} if term.phrase else {"match": {field: term.exact}}
    return {"constant_score": {"filter": match, "boost": EXACT_BONUS}}


def _text_or_places(terms: list[Term], field: str = "text") -> dict[str, Any]:
    """Every unit on the page's text (`field`: `text`, or `text_masked` for a searcher without clearance), or
    every unit in the document's places."""
    return {"bool": {"should": [
        {"bool": {"must": [_unit_query(t, field) for t in terms]}},
        {"bool": {"must": [_unit_query(t, "places") for t in terms]}},
    ], "minimum_should_match": 1}}


def filter_clauses(q: SearchQuery) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if q.unit is not None and normalise_unit(q.unit):
        clauses.append({"term": {"unit_paths": normalise_unit(q.unit)}})
    if q.type:
        clauses.append({"term": {"type_key": value_key(q.type)}})
    if q.kind:
        clauses.append({"term": {"kind_key": value_key(q.kind)}})
    if q.commune:
        keys = place_keys(q.commune) or [""]
        clauses.append({"bool": {"should": [{"terms": {f: keys}} for f in
                                            ("commune_keys", "old_commune_keys", "new_commune_keys")],
                                 "minimum_should_match": 1}})
    if q.district:
        keys = place_keys(q.district) or [""]
        clauses.append({"bool": {"should": [{"terms": {f: keys}} for f in ("district_keys", "old_district_keys")],
                                 "minimum_should_match": 1}})
    parcel = parse_parcel(q.parcel) if q.parcel else None
    if parcel:
        no, sheet = parcel
        clauses.append({"term": {"parcels": f"{no}/{sheet}"}} if sheet else {"term": {"parcel_nos": no}})
    if q.year_from is not None or q.year_to is not None:
        bounds = {}
        if q.year_from is not None:
            bounds["gte"] = int(q.year_from)
        if q.year_to is not None:
            bounds["lte"] = int(q.year_to)
        clauses.append({"range": {"year": bounds}})
    return clauses


def build_request(parsed: ParsedQuery, q: SearchQuery) -> dict[str, Any]:
    """Keyword arguments for `Elasticsearch.search` (no index)."""
    filters = filter_clauses(q)
    field = _text_field(q)
    date_sort = [{"date": {"order": "desc", "missing": "_last"}}, {"doc_id": {"order": "desc"}}]
    if parsed.empty:
        query: dict[str, Any] = {"bool": {"filter": filters}}
        sort: list[Any] = date_sort + [{"ordinal": {"order": "asc"}}]
    else:
        query = {"bool": {
            "must": [_text_or_places(parsed.terms, field)],
            "should": [_exact_bonus(t, field) for t in parsed.terms if t.has_diacritics],
            "filter": filters,
        }}
        sort = ["_score"] + date_sort
    facet_aggs = {
        name: {"terms": {"field": field, "size": FACET_SIZE},
               "aggs": {"docs": {"cardinality": {"field": "doc_id", "precision_threshold": 40000}}}}
        for name, field in _FACET_FIELDS.items()
    }
    request: dict[str, Any] = {
        "query": query,
        "sort": sort,
        "track_scores": True,
        "from_": max(0, int(q.offset)),
        "size": max(0, min(int(q.limit), MAX_LIMIT)),
        "source_includes": ["doc_id", "page", "file" if q.cleared else "file_masked", "kind", "type", "date",
                            field, "places"],
        "collapse": {
            "field": "doc_id",
            "inner_hits": {"name": "pages", "size": MAX_MATCHED_PAGES, "_source": False,
                           "docvalue_fields": ["page"], "sort": [{"page": "asc"}]},
        },
        "aggs": {"total": {"cardinality": {"field": "doc_id", "precision_threshold": 40000}}, **facet_aggs},
        "track_total_hits": True,
    }
    if not parsed.empty:
        request["highlight"] = {
            "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html",
            "fields": {f"{field}.folded": {"number_of_fragments": 1, "fragment_size": 240},
                       field: {"number_of_fragments": 1, "fragment_size": 240},
                       "places.folded": {"number_of_fragments": 1, "fragment_size": 240}},
        }
    return request


def _hit(raw: dict[str, Any], parsed: ParsedQuery, browsing: bool, field: str = "text") -> SearchHit:
    source = raw.get("_source", {})
    fragments = raw.get("highlight", {})
    snippet_parts = (fragments.get(f"{field}.folded") or fragments.get(field)
                     or fragments.get("places.folded"))
    snippet = " ".join(snippet_parts[0].split()) if snippet_parts else highlight(source.get(field, ""), parsed)
    file = source.get("file", source.get("file_masked", "")) if field == "text" else source.get("file_masked", "")
    pages: list[int] = []
    if not browsing:
        inner = raw.get("inner_hits", {}).get("pages", {}).get("hits", {}).get("hits", [])
        pages = sorted({int(h["fields"]["page"][0]) for h in inner if h.get("fields", {}).get("page")})
    return SearchHit(
        doc_id=int(source["doc_id"]), file=file, kind=source.get("kind", ""),
        type=source.get("type", ""), score=float(raw.get("_score") or 0.0), page=int(source.get("page", 1)),
        snippet=snippet, matched_pages=pages, date=source.get("date"),
    )


def parse_response(resp: dict[str, Any], parsed: ParsedQuery, cleared: bool = True) -> SearchResults:
    aggs = resp.get("aggregations", {})
    facets: dict[str, dict[str, int]] = {}
    for name in _FACET_FIELDS:
        buckets = aggs.get(name, {}).get("buckets", [])
        counts = {str(b.get("key_as_string", b["key"])): int(b["docs"]["value"]) for b in buckets}
        facets[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    field = "text" if cleared else "text_masked"
    hits = [_hit(h, parsed, parsed.empty, field) for h in resp.get("hits", {}).get("hits", [])]
    return SearchResults(total=int(aggs.get("total", {}).get("value", 0)), hits=hits, facets=facets)


class ElasticBackend:
    """`SearchBackend` on an Elasticsearch cluster. `refresh=True` makes writes visible at once
    (tests, the CLI); leave it off for bulk loads and call `refresh()` at the end."""

    def __init__(self, url: str, index: str = "donthu-pages", *, refresh: bool = False,
                 client: Elasticsearch | None = None) -> None:
        self.index_name = index
        self.refresh_writes = refresh
        self._es = client or Elasticsearch(url)
        self.ensure_index()

    def ensure_index(self) -> None:
        """Put the index template (idempotent) and create the index if it does not exist."""
        self._es.indices.put_index_template(
            name=self.index_name, index_patterns=[self.index_name], priority=200,
            template={"settings": SETTINGS, "mappings": MAPPINGS},
        )
        if not self._es.indices.exists(index=self.index_name):
            self._es.options(ignore_status=400).indices.create(index=self.index_name)
        else:  # an index made before a field was added gets it (new fields only; nothing is re-analysed)
            self._es.indices.put_mapping(index=self.index_name, properties=MAPPINGS["properties"])

    def _old_counts(self, doc_ids: list[int]) -> dict[int, int]:
        if not doc_ids:
            return {}
        resp = self._es.mget(index=self.index_name, ids=[f"{d}-0" for d in doc_ids],
                             source_includes=["page_count"], realtime=True)
        counts = {}
        for doc_id, found in zip(doc_ids, resp["docs"]):
            if found.get("found"):
                counts[doc_id] = int(found["_source"].get("page_count", 1))
        return counts

    def _bulk(self, actions: Iterable[dict[str, Any]]) -> None:
        helpers.bulk(self._es, actions, ignore_status=(404,),
                     refresh="wait_for" if self.refresh_writes else False)

    def index(self, doc: IndexDocument) -> None:
        self.index_many([doc])

    def index_many(self, docs: list[IndexDocument]) -> None:
        latest = {doc.doc_id: doc for doc in docs}
        old = self._old_counts(list(latest))
        actions: list[dict[str, Any]] = []
        for doc_id, doc in latest.items():
            sources = page_sources(doc)
            for source in sources:
                actions.append({"_op_type": "index", "_index": self.index_name,
                                "_id": f"{doc_id}-{source['ordinal']}", "_source": source})
            for ordinal in range(len(sources), old.get(doc_id, 0)):
                actions.append({"_op_type": "delete", "_index": self.index_name, "_id": f"{doc_id}-{ordinal}"})
        self._bulk(actions)

    def delete(self, doc_id: int) -> None:
        count = self._old_counts([doc_id]).get(doc_id)
        if count is None:
            self._es.delete_by_query(index=self.index_name, query={"term": {"doc_id": doc_id}},
                                     refresh=self.refresh_writes, conflicts="proceed")
            return
        self._bulk({"_op_type": "delete", "_index": self.index_name, "_id": f"{doc_id}-{i}"}
                   for i in range(count))

    def refresh(self) -> None:
        self._es.indices.refresh(index=self.index_name)

    def search(self, q: SearchQuery) -> SearchResults:
        parsed = parse_query(q.text)
        resp = self._es.search(index=self.index_name, **build_request(parsed, q))
        return parse_response(resp.body, parsed, q.cleared)

    def count(self) -> int:
        try:
            return int(self._es.count(index=self.index_name, query={"term": {"ordinal": 0}})["count"])
        except NotFoundError:
            return 0

    def close(self) -> None:
        self._es.close()
