"""Embedded search index on tantivy (Rust, Lucene-class: BM25, block-max top-k): one directory, no server.

Why: at archive scale (10^5–10^6 pages) the SQLite FTS5 index scores every matching page in SQL and
counts facets with joins over all matches (issue 19; docs/performance.md "Search at archive scale").

Layout: one tantivy document per PAGE (like `search.elastic`), carrying its document's fields:
- `exact`, `folded`: the page text (NFC) and `donthu.text.fold` of it, tokenizer `vi` (split on every
  non-letter/digit, lower-case; the same cut as `search.analysis.TOKEN`), positions kept (phrases). `exact` is
  stored (snippets are made from the stored text of the returned page only, `search.analysis.highlight`).
- `masked_exact`, `masked_folded`: only on a page whose masked copy differs (`IndexPage.masked_text`, a
  denouncer's identity masked; `has_masked` = 1); a searcher without clearance (`SearchQuery.cleared` False)
  matches `masked_*` on such pages and `exact`/`folded` on the others, and gets snippets of the masked text.
- one more row per document holding its places (`places_exact`, `places_folded`; classify.gazetteer names of
  both systems), `ordinal` −1: a document whose places hold every unit of the query is a hit at its first page
  with no matched pages, as in SQLite.
- filter fields (raw keys computed in Python, the same as SQLite's: `search.analysis.value_key`, `place_keys`,
  `parcel_key`): `type_key`, `kind_key`, `commune_keys` (commune, old and new communes), `district_keys`
  (district and old districts), `parcels` ("no/sheet"), `parcel_nos`, `unit_paths` (the unit and every unit
  above it), `year`; facet fields (raw, fast): `type`, `kind`, `f_commune`, `f_district`, `f_new_commune`,
  `year`; `sortkey` = YYYYMMDD·10^10 + doc_id (newest first, then the highest id, as SQLite).

Matching and ranking: every unit (term or phrase, `search.analysis.parse_query`) must match `folded` (so `dat`
finds `đất` and `đất` finds `dat`); a unit typed with diacritics that also matches `exact` adds `EXACT_BONUS`
(a constant larger than any BM25 sum), so exactly spelled pages rank above folded-only ones (the tier); then
BM25 of `folded`. A document's score is its best page's: the top `(offset + limit) × 4` pages are read (doc id
and page from fast fields, no stored document), grouped per document, widened while too few documents came back.

Totals and facets count DOCUMENTS: when at most `EXACT_COUNT_PAGES` pages match, exactly (the matched
documents' ids, then term aggregations over their first-page rows, one row per document); above, the total is
tantivy's cardinality (HyperLogLog) of `doc_id` and each facet bucket's a cardinality sub-aggregation (error
about 1 %, as Elasticsearch's `cardinality` in `search.elastic`), and above `SAMPLE_ABOVE_PAGES` those are
counted on a fixed sample of the documents (`sample`, a hash of doc_id) holding about that many matching pages
and scaled up (`SearchResults.approximate` is then True): counting a million matches would alone exceed the
latency target. Browsing without text counts first-page rows: always exact.

Writing: each `index_many`/`delete` opens the index writer (tantivy allows one per index: another process
holding it makes this one retry for up to `LOCK_TIMEOUT_S`), deletes the documents' rows by `doc_id`, adds,
commits, waits for the merges the commit started and releases the writer, so the CLI, the workers and the
web process can all write one index in turn, and the number of segments stays logarithmic.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import tantivy

from donthu.access import normalise_unit, unit_paths
from donthu.text import fold_text, nfc
from search.analysis import ParsedQuery, Term, highlight, parcel_key, parse_parcel, parse_query, place_keys, value_key
from search.backend import FACETS, IndexDocument, SearchHit, SearchQuery, SearchResults

EXACT_BONUS = 10_000.0
MAX_LIMIT = 1000
#: at most this many matching pages: totals and facets are counted exactly (see module docstring)
EXACT_COUNT_PAGES = 5_000
#: above this many matching pages, totals and facets are estimated on a sample of the documents: those whose
#: `sample` (a hash of doc_id, 0 … SAMPLES−1) is below a share chosen to keep about this many pages
SAMPLE_ABOVE_PAGES = 10_000
SAMPLES = 256
FACET_SIZE = 100
LOCK_TIMEOUT_S = 30.0
WRITER_HEAP = 128_000_000
#: facet name → fast field
_FACET_FIELDS = {"type": "type", "kind": "kind", "district": "f_district", "commune": "f_commune",
                 "year": "year", "new_commune": "f_new_commune"}
_TOKENIZER = "vi"


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    b.add_integer_field("page", stored=True, fast=True)
    b.add_integer_field("ordinal", indexed=True, fast=True)
    b.add_integer_field("has_masked", indexed=True, fast=True)
    b.add_integer_field("year", indexed=True, fast=True)
    b.add_integer_field("sortkey", fast=True)
    b.add_integer_field("sample", indexed=True, fast=True)
    for name in ("file", "file_masked", "date"):
        b.add_text_field(name, stored=True, tokenizer_name="raw")
    for name in ("type", "kind", "f_commune", "f_district", "f_new_commune"):
        b.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    for name in ("type_key", "kind_key", "commune_keys", "district_keys", "parcels", "parcel_nos", "unit_paths"):
        b.add_text_field(name, tokenizer_name="raw", index_option="basic")
    b.add_text_field("exact", stored=True, tokenizer_name=_TOKENIZER)
    b.add_text_field("folded", tokenizer_name=_TOKENIZER)
    b.add_text_field("masked_exact", stored=True, tokenizer_name=_TOKENIZER)
    b.add_text_field("masked_folded", tokenizer_name=_TOKENIZER)
    b.add_text_field("places_exact", stored=True, tokenizer_name=_TOKENIZER)
    b.add_text_field("places_folded", tokenizer_name=_TOKENIZER)
    return b.build()


def sample_of(doc_id: int) -> int:
    """The document's sample bucket, 0 … SAMPLES−1 (a multiplicative hash: consecutive ids spread)."""
    return ((int(doc_id) * 2654435761) % 2**32) * SAMPLES // 2**32


def _sortkey(doc: IndexDocument) -> int:
    date = (doc.date or "")[:10]
    digits = date.replace("-", "")
    day = int(digits) if len(digits) == 8 and digits.isdigit() else 0
    return day * 10**10 + int(doc.doc_id) % 10**10


def _rows(doc: IndexDocument) -> list[tantivy.Document]:
    """The tantivy documents of one IndexDocument: its pages (one with empty text when it has none) and,
    when it has places, the places row."""
    common: dict[str, Any] = {
        "doc_id": int(doc.doc_id), "sortkey": _sortkey(doc), "sample": sample_of(doc.doc_id),
        "file": doc.file, "file_masked": doc.masked_file if doc.masked_file is not None else doc.file,
        "type": doc.type, "kind": doc.kind, "type_key": value_key(doc.type), "kind_key": value_key(doc.kind),
        "f_commune": sorted({nfc(c).strip() for c in doc.communes if c and nfc(c).strip()}),
        "f_district": sorted({nfc(d).strip() for d in doc.districts if d and nfc(d).strip()}),
        "f_new_commune": sorted({nfc(c).strip() for c in doc.new_communes if c and nfc(c).strip()}),
        "commune_keys": sorted({k for c in [*doc.communes, *doc.old_communes, *doc.new_communes] if c
                                for k in place_keys(c)}),
        "district_keys": sorted({k for d in [*doc.districts, *doc.old_districts] if d for k in place_keys(d)}),
        "unit_paths": unit_paths(doc.unit),
    }
    parcels = sorted({parcel_key(no, sheet) for no, sheet in doc.parcels if no}, key=str)
    common["parcels"] = [f"{no}/{sheet}" if sheet else no for no, sheet in parcels]
    common["parcel_nos"] = sorted({no for no, _ in parcels})
    if doc.date:
        common["date"] = doc.date
    if doc.year is not None:
        common["year"] = doc.year
    common = {k: v for k, v in common.items() if v != []}
    rows = []
    pages = doc.pages or []
    for ordinal in range(max(1, len(pages))):
        page = pages[ordinal] if pages else None
        text = nfc(page.text or "") if page else ""
        fields = dict(common, ordinal=ordinal, page=page.number if page else 1, exact=text, folded=fold_text(text))
        masked = nfc(page.masked_text or "") if page and page.masked_text is not None else None
        if masked is not None and masked != text:
            fields.update(has_masked=1, masked_exact=masked, masked_folded=fold_text(masked))
        else:
            fields["has_masked"] = 0
        rows.append(tantivy.Document(**fields))
    place_text = "\n".join(nfc(p) for p in doc.places if p)
    if place_text:
        rows.append(tantivy.Document(**dict(common, ordinal=-1, page=pages[0].number if pages else 1,
                                            has_masked=0, places_exact=place_text, places_folded=fold_text(place_text))))
    return rows


class TantivyBackend:
    """`SearchBackend` on a tantivy index directory (see module docstring)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.schema = _schema()
        self._index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                    .filter(tantivy.Filter.lowercase()).build())
        self._index.register_tokenizer(_TOKENIZER, analyzer)
        self._lock = threading.RLock()
        self._stamp: int | None = None

    # -- writing ---------------------------------------------------------------------------

    def _writer(self) -> Any:
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            try:
                return self._index.writer(WRITER_HEAP, 0)
            except ValueError as exc:  # another writer (process) holds the index lock
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _write(self, deletes: list[int], docs: list[IndexDocument]) -> None:
        with self._lock:
            writer = self._writer()
            try:
                for doc_id in deletes:
                    writer.delete_documents_by_term("doc_id", int(doc_id))
                for doc in docs:
                    for row in _rows(doc):
                        writer.add_document(row)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # releases the lock once the commit's merges are done
            self._index.reload()
            self._stamp = None

    def index(self, doc: IndexDocument) -> None:
        self.index_many([doc])

    def index_many(self, docs: list[IndexDocument]) -> None:
        latest = list({doc.doc_id: doc for doc in docs}.values())
        if latest:
            self._write([d.doc_id for d in latest], latest)

    def delete(self, doc_id: int) -> None:
        self._write([doc_id], [])

    # -- reading ---------------------------------------------------------------------------

    def _searcher(self) -> Any:
        try:  # another process may have committed: reload when the index's meta.json changed
            stamp = (self.path / "meta.json").stat().st_mtime_ns
        except OSError:
            stamp = None
        if stamp != self._stamp:
            self._index.reload()
            self._stamp = stamp
        return self._index.searcher()

    def count(self) -> int:
        with self._lock:
            searcher = self._searcher()
            return searcher.search(self._term("ordinal", 0), 1, count=True).count

    def _term(self, field: str, value: Any) -> Any:
        return tantivy.Query.term_query(self.schema, field, value)

    def _any(self, field: str, values: list[str]) -> Any:
        return tantivy.Query.term_set_query(self.schema, field, values)

    def _filters(self, q: SearchQuery) -> list[Any]:
        out = []
        if q.unit is not None and normalise_unit(q.unit):
            out.append(self._term("unit_paths", normalise_unit(q.unit)))
        if q.type:
            out.append(self._term("type_key", value_key(q.type)))
        if q.kind:
            out.append(self._term("kind_key", value_key(q.kind)))
        if q.commune:
            out.append(self._any("commune_keys", place_keys(q.commune) or [""]))
        if q.district:
            out.append(self._any("district_keys", place_keys(q.district) or [""]))
        parcel = parse_parcel(q.parcel) if q.parcel else None
        if parcel:
            no, sheet = parcel
            out.append(self._term("parcels", f"{no}/{sheet}") if sheet else self._term("parcel_nos", no))
        if q.year_from is not None or q.year_to is not None:
            out.append(tantivy.Query.range_query(
                self.schema, "year", tantivy.FieldType.Integer,
                int(q.year_from) if q.year_from is not None else None,
                int(q.year_to) if q.year_to is not None else None))
        return out

    def _unit(self, term: Term, field: str, exact: bool) -> Any:
        words = term.exact_tokens if exact else term.folded_tokens
        if len(words) == 1:
            return self._term(field, words[0])
        return tantivy.Query.phrase_query(self.schema, field, words)

    def _text_query(self, parsed: ParsedQuery, prefix: str) -> Any:
        """Every unit on the page (`prefix` "" or "masked_"), plus the exact-spelling bonus."""
        must = [(tantivy.Occur.Must, self._unit(t, f"{prefix}folded", False)) for t in parsed.terms]
        bonus = [(tantivy.Occur.Should, tantivy.Query.const_score_query(self._unit(t, f"{prefix}exact", True),
                                                                       EXACT_BONUS))
                 for t in parsed.terms if t.has_diacritics]
        return tantivy.Query.boolean_query(must + bonus)

    def _match_query(self, parsed: ParsedQuery, q: SearchQuery) -> Any:
        Occur, Query = tantivy.Occur, tantivy.Query
        if q.cleared:
            pages = self._text_query(parsed, "")
        else:
            pages = Query.boolean_query([
                (Occur.Should, Query.boolean_query([(Occur.Must, self._term("has_masked", 0)),
                                                   (Occur.Must, self._text_query(parsed, ""))])),
                (Occur.Should, Query.boolean_query([(Occur.Must, self._term("has_masked", 1)),
                                                   (Occur.Must, self._text_query(parsed, "masked_"))])),
            ])
        places = Query.boolean_query([(Occur.Must, self._unit(t, "places_folded", False)) for t in parsed.terms])
        return Query.boolean_query([(Occur.Should, pages), (Occur.Should, places)])

    def search(self, q: SearchQuery) -> SearchResults:
        parsed = parse_query(q.text)
        limit = max(0, min(int(q.limit), MAX_LIMIT))
        offset = max(0, int(q.offset))
        Occur, Query = tantivy.Occur, tantivy.Query
        filters = [(Occur.Must, f) for f in self._filters(q)]
        with self._lock:
            searcher = self._searcher()
            if parsed.empty:
                query = Query.boolean_query([(Occur.Must, self._term("ordinal", 0)), *filters])
                total, facets = self._facets(searcher, query, exact_rows=True)
                hits = []
                if limit and total > offset:
                    found = searcher.search(query, limit, count=False, order_by_field="sortkey", offset=offset)
                    for _, addr in found.hits:
                        hits.append(self._browse_hit(searcher.doc(addr), q))
                return SearchResults(total=total, hits=hits, facets=facets)
            query = Query.boolean_query([(Occur.Must, self._match_query(parsed, q)), *filters])
            wanted = offset + limit
            first = searcher.search(query, max(64, wanted * 4), count=True)
            n_pages = first.count
            if n_pages == 0:
                return SearchResults(total=0, hits=[], facets={name: {} for name in FACETS})
            approximate = False
            if n_pages <= EXACT_COUNT_PAGES:
                every = first.hits if len(first.hits) >= n_pages else searcher.search(query, n_pages, count=False).hits
                doc_ids = sorted(set(searcher.fast_field_values("doc_id", [a for _, a in every])))
                first_rows = Query.boolean_query([(Occur.Must, self._term("ordinal", 0)),
                                                  (Occur.Must, self._any_int("doc_id", doc_ids))])
                total, facets = self._facets(searcher, first_rows, exact_rows=True)
            else:
                share = SAMPLES if n_pages <= SAMPLE_ABOVE_PAGES else max(1, -(-SAMPLES * SAMPLE_ABOVE_PAGES // n_pages))
                counted = query if share >= SAMPLES else Query.boolean_query([
                    (Occur.Must, query),
                    (Occur.Must, Query.range_query(self.schema, "sample", tantivy.FieldType.Integer, 0, share - 1))])
                total, facets = self._facets(searcher, counted, exact_rows=False, scale=SAMPLES / share)
                approximate = True
            ranked = self._top_docs(searcher, query, wanted, n_pages, first.hits)
            chosen = ranked[offset:offset + limit]
            pages_of = self._matched_pages(searcher, query, [g["doc_id"] for g in chosen])
            hits = [self._hit(searcher, g, pages_of.get(g["doc_id"], []), parsed, q) for g in chosen]
        return SearchResults(total=total, hits=hits, facets=facets, approximate=approximate)

    def _any_int(self, field: str, values: list[int]) -> Any:
        return tantivy.Query.term_set_query(self.schema, field, [int(v) for v in values])

    def _group(self, searcher: Any, hits: list[tuple[float, Any]]) -> list[dict[str, Any]]:
        """Best row per document (a page row before the places row), ranked score ↓, date ↓, doc_id ↓."""
        addrs = [a for _, a in hits]
        doc_ids = searcher.fast_field_values("doc_id", addrs)
        ordinals = searcher.fast_field_values("ordinal", addrs)
        sortkeys = searcher.fast_field_values("sortkey", addrs)
        best: dict[int, dict[str, Any]] = {}
        for (score, addr), doc_id, ordinal, sortkey in zip(hits, doc_ids, ordinals, sortkeys):
            row = (ordinal >= 0, score)  # a page row before the places row, then the better page
            g = best.get(doc_id)
            if g is None:
                best[doc_id] = {"doc_id": doc_id, "score": score, "addr": addr, "row": row,
                                "page_row": row[0], "sortkey": sortkey}
                continue
            g["score"] = max(g["score"], score)
            if row > g["row"]:
                g.update(addr=addr, row=row, page_row=row[0])
        return sorted(best.values(), key=lambda g: (-g["score"], -g["sortkey"]))

    def _top_docs(self, searcher: Any, query: Any, wanted: int, n_pages: int,
                  hits: list[tuple[float, Any]]) -> list[dict[str, Any]]:
        """At least `wanted` documents' best rows, from the top pages `hits` (widened until enough documents)."""
        fetch = len(hits)
        while True:
            grouped = self._group(searcher, hits)
            if len(grouped) >= wanted or fetch >= n_pages:
                return grouped
            fetch *= 4
            hits = searcher.search(query, min(fetch, n_pages), count=False).hits

    def _matched_pages(self, searcher: Any, query: Any, doc_ids: list[int]) -> dict[int, list[int]]:
        if not doc_ids:
            return {}
        Occur = tantivy.Occur
        q = tantivy.Query.boolean_query([(Occur.Must, query), (Occur.Must, self._any_int("doc_id", doc_ids)),
                                         (Occur.MustNot, self._term("ordinal", -1))])
        hits = searcher.search(q, 100_000, count=False).hits
        addrs = [a for _, a in hits]
        out: dict[int, set[int]] = {}
        for doc_id, page in zip(searcher.fast_field_values("doc_id", addrs),
                                searcher.fast_field_values("page", addrs)):
            out.setdefault(doc_id, set()).add(page)
        return {d: sorted(p) for d, p in out.items()}

    def _facets(self, searcher: Any, query: Any, exact_rows: bool,
                scale: float = 1.0) -> tuple[int, dict[str, dict[str, int]]]:
        """Total and facet counts of documents; `exact_rows`: `query` has one row per document; `scale`: the
        inverse of the share of documents `query` keeps (a sample)."""
        sub = {} if exact_rows else {"aggs": {"docs": {"cardinality": {"field": "doc_id"}}}}
        aggs: dict[str, Any] = {name: {"terms": {"field": field, "size": FACET_SIZE}, **sub}
                                for name, field in _FACET_FIELDS.items()}
        if not exact_rows:
            aggs["total"] = {"cardinality": {"field": "doc_id"}}
        resp = searcher.aggregate(query, aggs)
        if exact_rows:
            total = searcher.search(query, 1, count=True).count
        else:
            total = int(round((resp.get("total", {}).get("value") or 0) * scale))
        facets: dict[str, dict[str, int]] = {}
        for name in _FACET_FIELDS:
            counts: dict[str, int] = {}
            for bucket in resp.get(name, {}).get("buckets", []):
                key = bucket["key"]
                key = str(int(key)) if isinstance(key, (int, float)) else str(key)
                n = bucket["doc_count"] if exact_rows else int(round(bucket["docs"]["value"] * scale))
                if key and n:
                    counts[key] = n
            facets[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return total, facets

    def _browse_hit(self, stored: Any, q: SearchQuery) -> SearchHit:
        d = stored.to_dict()
        text = (d.get("masked_exact") or d.get("exact") or [""])[0] if not q.cleared else (d.get("exact") or [""])[0]
        return SearchHit(
            doc_id=int(d["doc_id"][0]), file=self._file(d, q), kind=d["kind"][0], type=d["type"][0], score=0.0,
            page=int(d["page"][0]), snippet=highlight(text, ParsedQuery()), matched_pages=[],
            date=(d.get("date") or [None])[0],
        )

    @staticmethod
    def _file(d: dict[str, list[Any]], q: SearchQuery) -> str:
        return (d.get("file") if q.cleared else d.get("file_masked") or d.get("file") or [""])[0]

    def _hit(self, searcher: Any, g: dict[str, Any], pages: list[int], parsed: ParsedQuery,
             q: SearchQuery) -> SearchHit:
        d = searcher.doc(g["addr"]).to_dict()
        if g["page_row"]:
            masked = d.get("masked_exact") if not q.cleared else None
            text = (masked or d.get("exact") or [""])[0]
        else:
            text = (d.get("places_exact") or [""])[0]
            pages = []
        return SearchHit(
            doc_id=int(d["doc_id"][0]), file=self._file(d, q), kind=d["kind"][0], type=d["type"][0],
            score=float(g["score"]), page=int(d["page"][0]), snippet=highlight(text, parsed), matched_pages=pages,
            date=(d.get("date") or [None])[0],
        )

    def close(self) -> None:
        with self._lock:
            self._index = None  # type: ignore[assignment]

    def __enter__(self) -> "TantivyBackend":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
