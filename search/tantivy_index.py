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
finds `đất` and `đất` finds `dat`); a unit typed with diacritics that the page also spells so (`exact`) puts the
page in a higher tier: pages spelling every such unit exactly first, then the others by `EXACT_BONUS` (a
constant larger than any BM25 sum) per exactly spelled unit, then BM25. When many pages match, the top tier is
ranked on its own by BM25 of the exact fields (a query on `exact` alone, cheaper than the folded query with
the bonus clauses); only when it holds fewer documents than the page of hits asks for are the other documents
ranked after it (folded BM25 + bonuses). A phrase scores the sum of its words' BM25 on the pages holding it
(`_scored`: its positions are checked, not scored), so every page is ranked by a sum of single-word BM25
terms. On a cleared search without filters, a tier holding a phrase, or of several words all common
(`UNION_TIER_SHARE`), is ranked from the top pages of its words' CONJUNCTION (no positions read) or, when every
word is common, their UNION (tantivy skips blocks of a union, block-max WAND, but scores every page of an
intersection), kept where they are pages of the tier (`_top_by_words`, which reads the phrase's positions on
those pages only): the same ranking; a phrase without diacritics is ranked so too (its places rows added).
When a few thousand pages match, one pass ranks them all that way (folded BM25 + bonuses). A
document's score is its best page's: the top `(offset + limit) × 4` pages are read (doc id and page from fast
fields, no stored document), grouped per document, widened while too few documents came back. Searches hold
no lock: each takes a searcher (a snapshot of the last commit, thread-safe).

Totals and facets count DOCUMENTS. An upper bound of the matching rows comes free from the terms' document
frequencies (and the filters' count): at most `EXACT_COUNT_PAGES`, every matching row is read once, ranked,
and the total and facets are exact (term aggregations over the matched documents' first-page rows). Above,
the rows are counted on a fixed sample of the documents (`sample`, a hash of doc_id) sized from that bound to
hold about `SAMPLE_ABOVE_PAGES` matching rows (widened when the bound was loose): the total is tantivy's
cardinality (HyperLogLog) of `doc_id` on the sample and each facet bucket's a cardinality sub-aggregation,
scaled up, and `SearchResults.approximate` is True (counting a million matches would alone exceed the latency
target); a sample estimating at most `EXACT_COUNT_PAGES` rows sends the search to the exact path after all.
Browsing without text counts first-page rows: always exact.

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

from donthu.access import normalise_unit
from donthu.text import fold_text
from search.analysis import ParsedQuery, Term, highlight, parse_parcel, parse_query, place_keys, value_key
from search.backend import FACETS, IndexDocument, SearchHit, SearchQuery, SearchResults
from search.fields import document_values, page_texts

EXACT_BONUS = 10_000.0
MAX_LIMIT = 1000
#: at most this many matching pages: totals and facets are counted exactly (see module docstring)
EXACT_COUNT_PAGES = 5_000
#: above this many matching pages, totals and facets are estimated on a sample of the documents: those whose
#: `sample` (a hash of doc_id, 0 … SAMPLES−1) is below a share chosen to keep about this many pages. Each
#: sampled row costs ~0.9 µs of aggregation, and a phrase's positions ~2 µs more (7 words): 10,000 was 10–28 ms
#: of each large answer at 10^6; 5,000 (branch search19e) halves that, for estimates √2 noisier (bench queries
#: at 10^6: facet buckets of ≥ 1,000 documents off by 7.3 % on average instead of 5.3 %; totals 2.3 / 2.9 %)
SAMPLE_ABOVE_PAGES = 5_000
SAMPLES = 256
FACET_SIZE = 100
#: the top pages first read to rank documents: at least this many, and 4 a document wanted
TOP_PAGES_MIN = 64
#: the exact tier of several words is ranked from their union when even the rarest is on this share of the rows
#: (measured at 10^6 on branch search19c: `ủy ban nhân dân xã` 19.6 against 29.9 ms from the union; with one
#: rarer word — a name, `tái định cư`, `quyền sử dụng đất` at 36 % — the intersection, led by that word, is
#: cheaper)
UNION_TIER_SHARE = 0.5
LOCK_TIMEOUT_S = 30.0
WRITER_HEAP = 128_000_000
#: a write of fewer documents than this uses one indexing thread: one document costs 31–34 ms CPU instead of
#: 47–49 with a thread per core (branch search-default, 3 alternated rounds); a bulk write keeps every core
ONE_THREAD_BELOW_DOCS = 64
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
    when it has places, the places row. Field values: `search.fields` (shared with `search.elastic`)."""
    v = document_values(doc)
    common: dict[str, Any] = {
        "doc_id": v["doc_id"], "sortkey": _sortkey(doc), "sample": sample_of(doc.doc_id),
        "file": v["file"], "file_masked": v["file_masked"], "type": v["type"], "kind": v["kind"],
        "type_key": v["type_key"], "kind_key": v["kind_key"],
        "f_commune": v["communes"], "f_district": v["districts"], "f_new_commune": v["new_communes"],
        "commune_keys": sorted({*v["commune_keys"], *v["old_commune_keys"], *v["new_commune_keys"]}),
        "district_keys": sorted({*v["district_keys"], *v["old_district_keys"]}),
        "unit_paths": v["unit_paths"], "parcels": v["parcels"], "parcel_nos": v["parcel_nos"],
    }
    if v["date"]:
        common["date"] = v["date"]
    if v["year"] is not None:
        common["year"] = v["year"]
    common = {k: val for k, val in common.items() if val != []}
    rows = []
    pages = page_texts(doc)
    for page in pages:
        fields = dict(common, ordinal=page.ordinal, page=page.number, exact=page.text, folded=fold_text(page.text))
        if page.masked != page.text:
            fields.update(has_masked=1, masked_exact=page.masked, masked_folded=fold_text(page.masked))
        else:
            fields["has_masked"] = 0
        rows.append(tantivy.Document(**fields))
    place_text = "\n".join(v["places"])
    if place_text:
        rows.append(tantivy.Document(**dict(common, ordinal=-1, page=pages[0].number, has_masked=0,
                                            places_exact=place_text, places_folded=fold_text(place_text))))
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
        self._lock = threading.RLock()  # writes (one writer per index) and closing
        self._reload_lock = threading.Lock()
        self._stamp: int | None = None
        Query = tantivy.Query
        self._bonus = Query.const_score_query(Query.all_query(), EXACT_BONUS)
        self._masked_rows = Query.term_query(self.schema, "has_masked", 1)

    # -- writing ---------------------------------------------------------------------------

    def _writer(self, docs: int) -> Any:
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        threads = 1 if docs < ONE_THREAD_BELOW_DOCS else 0  # 0: tantivy's choice, one a core
        while True:
            try:
                return self._index.writer(WRITER_HEAP, threads)
            except ValueError as exc:  # another writer (process) holds the index lock
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _write(self, deletes: list[int], docs: list[IndexDocument]) -> None:
        with self._lock:
            writer = self._writer(len(docs))
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
        """A searcher on the latest commit. A searcher is a snapshot and thread-safe: each search takes its own
        and holds no lock while it runs; only reloading after a commit (this process's or another's: the
        index's meta.json changed) is serialised."""
        try:
            stamp = (self.path / "meta.json").stat().st_mtime_ns
        except OSError:
            stamp = None
        if stamp != self._stamp:
            with self._reload_lock:
                if stamp != self._stamp:
                    self._index.reload()
                    self._stamp = stamp
        return self._index.searcher()

    def count(self) -> int:
        return self._searcher().search(self._term("ordinal", 0), 1, count=True).count

    def _term(self, field: str, value: Any) -> Any:
        return tantivy.Query.term_query(self.schema, field, value)

    def _any(self, field: str, values: list[str]) -> Any:
        return tantivy.Query.term_set_query(self.schema, field, values)

    def _any_int(self, field: str, values: list[int]) -> Any:
        return tantivy.Query.term_set_query(self.schema, field, [int(v) for v in values])

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
        """The rows whose `field` holds the unit (a phrase: its words in a row); scored by tantivy's BM25 (of
        the phrase's frequency for a phrase): used to match and count, not to rank pages."""
        words = term.exact_tokens if exact else term.folded_tokens
        if len(words) == 1:
            return self._term(field, words[0])
        return tantivy.Query.phrase_query(self.schema, field, words)

    def _scored(self, term: Term, field: str, exact: bool) -> Any:
        """The same rows as `_unit`, scored for ranking: a word by its BM25; a phrase by the sum of its (distinct)
        words' BM25, the phrase's positions checked but not scored (`const_score` 0), so that a page's score
        is a sum of single-word BM25 terms and the tier can be ranked from the top pages of its words'
        conjunction or union (`_top_by_words`) instead of reading the positions of every candidate page
        (tantivy's phrase score, from the phrase's frequency, needs them all)."""
        words = term.exact_tokens if exact else term.folded_tokens
        if len(words) == 1:
            return self._term(field, words[0])
        Occur, Query = tantivy.Occur, tantivy.Query
        return Query.boolean_query(
            [(Occur.Must, Query.const_score_query(Query.phrase_query(self.schema, field, words), 0.0))]
            + [(Occur.Must, self._term(field, w)) for w in dict.fromkeys(words)])

    def _folded(self, parsed: ParsedQuery, prefix: str) -> Any:
        """Every unit on the page's folded text (`prefix` "" or "masked_"): the pages that match."""
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, self._unit(t, f"{prefix}folded", False))
                                            for t in parsed.terms])

    def _ranked(self, parsed: ParsedQuery, prefix: str) -> Any:
        """The same pages, scored: BM25 of the folded units, plus EXACT_BONUS for each unit typed with
        diacritics that the page spells so (an optional clause: only looked up on the matching pages)."""
        Occur, Query = tantivy.Occur, tantivy.Query
        must = [(Occur.Must, self._scored(t, f"{prefix}folded", False)) for t in parsed.terms]
        bonus = [(Occur.Should, Query.const_score_query(self._unit(t, f"{prefix}exact", True), EXACT_BONUS))
                 for t in parsed.terms if t.has_diacritics]
        return Query.boolean_query(must + bonus)

    def _tier(self, parsed: ParsedQuery, prefix: str) -> Any:
        """The top tier of `_ranked`: every unit typed with diacritics spelled so, the other units folded;
        scored by BM25 of those fields (the caller adds the bonuses)."""
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Must, self._scored(t, f"{prefix}exact" if t.has_diacritics else f"{prefix}folded",
                                              t.has_diacritics)) for t in parsed.terms])

    def _pages(self, q: SearchQuery, make: Any) -> Any:
        """`make(prefix)` over the page text the searcher may read: the page, or for a searcher without
        clearance the masked copy on a page that has one (`has_masked` = 1, a sparse term: excluded with
        MustNot rather than intersecting the dense `has_masked` = 0)."""
        if q.cleared:
            return make("")
        Occur, Query = tantivy.Occur, tantivy.Query
        return Query.boolean_query([
            (Occur.Should, Query.boolean_query([(Occur.Must, make("")), (Occur.MustNot, self._masked_rows)])),
            (Occur.Should, Query.boolean_query([(Occur.Must, self._masked_rows), (Occur.Must, make("masked_"))])),
        ])

    def _places(self, parsed: ParsedQuery) -> Any:
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, self._unit(t, "places_folded", False))
                                            for t in parsed.terms])

    def _upper_bound(self, searcher: Any, parsed: ParsedQuery, q: SearchQuery, filters: list[Any]) -> int:
        """At most this many rows match (from the terms' document frequencies, and the filters' count)."""
        def least(field: str) -> int:
            return min(min(searcher.doc_freq(field, w) for w in t.folded_tokens) for t in parsed.terms)

        bound = least("folded") + least("places_folded") + (0 if q.cleared else least("masked_folded"))
        if bound and filters:
            both = tantivy.Query.boolean_query([(tantivy.Occur.Must, f) for f in filters])
            bound = min(bound, searcher.search(both, 1, count=True).count)
        return bound

    def _sample(self, share: int) -> Any:
        """The rows of the documents whose `sample` bucket is below `share` (a term set while it is small, so
        that it leads the intersection; a range above)."""
        if share <= 32:
            return self._any_int("sample", list(range(share)))
        return tantivy.Query.range_query(self.schema, "sample", tantivy.FieldType.Integer, 0, share - 1)

    def search(self, q: SearchQuery) -> SearchResults:
        parsed = parse_query(q.text)
        limit = max(0, min(int(q.limit), MAX_LIMIT))
        offset = max(0, int(q.offset))
        Occur, Query = tantivy.Occur, tantivy.Query
        filters = self._filters(q)
        searcher = self._searcher()

        def where(query: Any) -> Any:
            return Query.boolean_query([(Occur.Must, query), *[(Occur.Must, f) for f in filters]])

        if parsed.empty:
            query = where(self._term("ordinal", 0))
            total, facets = self._facets(searcher, query)
            hits = []
            if limit and total > offset:
                found = searcher.search(query, limit, count=False, order_by_field="sortkey", offset=offset)
                hits = [self._browse_hit(searcher.doc(addr), q) for _, addr in found.hits]
            return SearchResults(total=total, hits=hits, facets=facets)
        nothing = SearchResults(total=0, hits=[], facets={name: {} for name in FACETS})
        bound = self._upper_bound(searcher, parsed, q, filters)
        if bound == 0:
            return nothing
        match = where(Query.boolean_query([(Occur.Should, self._pages(q, lambda p: self._folded(parsed, p))),
                                           (Occur.Should, self._places(parsed))]))
        ranked = where(Query.boolean_query([(Occur.Should, self._pages(q, lambda p: self._ranked(parsed, p))),
                                            (Occur.Should, self._places(parsed))]))
        wanted = offset + limit
        if bound <= EXACT_COUNT_PAGES:
            return self._every_match(searcher, ranked, bound, parsed, q, offset, limit) or nothing
        # count on a sample of the documents holding about SAMPLE_ABOVE_PAGES matching rows (estimated from the
        # bound; widened when the bound was loose), which also tells whether the exact path applies after all
        share = SAMPLES if bound <= SAMPLE_ABOVE_PAGES else max(1, -(-SAMPLES * SAMPLE_ABOVE_PAGES // bound))
        while True:
            counted = match if share >= SAMPLES else Query.boolean_query([(Occur.Must, self._sample(share)),
                                                                          (Occur.Must, match)])
            resp = searcher.aggregate(counted, self._aggs(exact_rows=False))
            rows = int(resp.get("rows", {}).get("value") or 0)
            if share >= SAMPLES or rows >= SAMPLE_ABOVE_PAGES // 2:
                break
            share = min(SAMPLES, max(share * 2, -(-share * SAMPLE_ABOVE_PAGES // max(rows, 1))))
        if share >= SAMPLES and rows == 0:
            return nothing
        if rows * SAMPLES / share <= EXACT_COUNT_PAGES:
            every = rows if share >= SAMPLES else searcher.search(match, 1, count=True).count
            return self._every_match(searcher, ranked, every, parsed, q, offset, limit) or nothing
        total, facets = self._read_facets(resp, exact_rows=False, scale=SAMPLES / share)
        chosen: list[dict[str, Any]] = []
        if limit:
            exact_units = sum(t.has_diacritics for t in parsed.terms)
            top: list[dict[str, Any]] = []
            plan = self._words_plan(searcher, parsed, q, filters)
            if exact_units:  # the top tier (every unit typed with diacritics spelled so) on its own
                tier = where(self._pages(q, lambda p: self._tier(parsed, p)))
                if plan:
                    top, complete = self._top_by_words(searcher, parsed, tier, plan, wanted, EXACT_BONUS * exact_units)
                else:
                    top, complete = self._top_docs(searcher, tier, wanted, EXACT_BONUS * exact_units)
                if len(top) < wanted and complete:  # the whole tier, then the other documents
                    rest, _ = self._top_docs(searcher, ranked, wanted - len(top), exclude={g["doc_id"] for g in top})
                    top += rest
            elif plan:
                top, _ = self._top_by_words(searcher, parsed, ranked, plan, wanted, 0.0,
                                            places=where(self._places(parsed)))
            else:
                top, _ = self._top_docs(searcher, ranked, wanted)
            chosen = top[offset:offset + limit]
        pages_of = self._matched_pages(searcher, match, [g["doc_id"] for g in chosen])
        hits = [self._hit(searcher, g, pages_of.get(g["doc_id"], []), parsed, q) for g in chosen]
        return SearchResults(total=total, hits=hits, facets=facets, approximate=True)

    def _every_match(self, searcher: Any, ranked: Any, at_most: int, parsed: ParsedQuery, q: SearchQuery,
                     offset: int, limit: int) -> SearchResults | None:
        """Exact totals and facets from every matching row (at most `at_most`, a few thousand), ranked in one
        pass; None when nothing matches."""
        every = searcher.search(ranked, max(1, at_most), count=False).hits
        if not every:
            return None
        addrs = [a for _, a in every]
        doc_ids = searcher.fast_field_values("doc_id", addrs)
        pages: dict[int, set[int]] = {}
        for doc_id, ordinal, page in zip(doc_ids, searcher.fast_field_values("ordinal", addrs),
                                         searcher.fast_field_values("page", addrs)):
            if ordinal >= 0:
                pages.setdefault(doc_id, set()).add(page)
        distinct = sorted(set(doc_ids))
        first_rows = tantivy.Query.boolean_query([(tantivy.Occur.Must, self._term("ordinal", 0)),
                                                  (tantivy.Occur.Must, self._any_int("doc_id", distinct))])
        total, facets = self._facets(searcher, first_rows, total=len(distinct))
        chosen = self._group(searcher, every)[offset:offset + limit]
        hits = [self._hit(searcher, g, sorted(pages.get(g["doc_id"], ())), parsed, q) for g in chosen]
        return SearchResults(total=total, hits=hits, facets=facets)

    def _group(self, searcher: Any, hits: list[tuple[float, Any]], add: float = 0.0) -> list[dict[str, Any]]:
        """Best row per document (a page row before the places row), ranked score ↓, date ↓, doc_id ↓; `add`
        is added to every score."""
        addrs = [a for _, a in hits]
        doc_ids = searcher.fast_field_values("doc_id", addrs)
        ordinals = searcher.fast_field_values("ordinal", addrs)
        sortkeys = searcher.fast_field_values("sortkey", addrs)
        best: dict[int, dict[str, Any]] = {}
        for (score, addr), doc_id, ordinal, sortkey in zip(hits, doc_ids, ordinals, sortkeys):
            score += add
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

    def _top_docs(self, searcher: Any, query: Any, wanted: int, add: float = 0.0,
                  exclude: set[int] | frozenset[int] = frozenset()) -> tuple[list[dict[str, Any]], bool]:
        """At least `wanted` documents' best rows (documents in `exclude` left out) from the top pages of
        `query` (widened until enough documents), and whether every matching row was read."""
        fetch = max(TOP_PAGES_MIN, wanted * 4)
        while True:
            hits = searcher.search(query, fetch, count=False).hits
            grouped = [g for g in self._group(searcher, hits, add) if g["doc_id"] not in exclude]
            if len(grouped) >= wanted or len(hits) < fetch:
                return grouped, len(hits) < fetch
            fetch *= 4

    def _words_plan(self, searcher: Any, parsed: ParsedQuery, q: SearchQuery, filters: list[Any]) -> str | None:
        """How `_top_by_words` finds the candidate pages of the tier (None: rank the tier's intersection
        itself, `_top_docs`). Only for a cleared search without filters: with a phrase (ranking its tier reads
        the positions of every candidate page: measured 40–52 ms at 10^6 for the bench's phrases, against 6–8
        for the top pages of its words' conjunction), "union" when even the rarest word is on
        `UNION_TIER_SHARE` of the rows, else "conjunction"; several words, no phrase: "union" when every word
        is that common (the intersection scores every page it holds: `ủy ban nhân dân xã` 30 against 20 ms)."""
        if not q.cleared or filters:
            return None
        phrase = any(t.phrase for t in parsed.terms)
        if not phrase and len(parsed.terms) < 2:
            return None
        least = min(searcher.doc_freq(field, w) for field, w in self._tier_words(parsed))
        if least >= UNION_TIER_SHARE * searcher.num_docs:
            return "union"
        return "conjunction" if phrase else None

    @staticmethod
    def _tier_words(parsed: ParsedQuery) -> list[tuple[str, str]]:
        """The tier's single-word BM25 terms (`_scored`) as (field, word): each unit's distinct words, on
        `exact` when typed with diacritics, else `folded`."""
        out = []
        for t in parsed.terms:
            field = "exact" if t.has_diacritics else "folded"
            out += [(field, w) for w in dict.fromkeys(t.exact_tokens if t.has_diacritics else t.folded_tokens)]
        return out

    def _top_by_words(self, searcher: Any, parsed: ParsedQuery, query: Any, plan: str, wanted: int, add: float,
                      places: Any = None) -> tuple[list[dict[str, Any]], bool]:
        """`_top_docs(query)` for the tier (or, without diacritics, the ranked query: `places` then holds the
        places rows' query) of a cleared search without filters, cheaper (`_words_plan`). A page of `query`
        holds every word of `_tier_words` and scores the sum of their BM25 (`_scored`), as it scores in the
        words' union (top pages by block-max WAND) or conjunction (no positions read): so the pages of `query`
        among the top `fetch` pages of those are its pages scoring at least the lowest of them, and once they
        hold `wanted` documents those are its top documents. They are told by `query` restricted to their
        documents (a short `doc_id` set leads that intersection: a phrase's positions are read on those pages
        only). The places rows (few, short) are ranked by their own query and added. Widened twice, then
        `_top_docs(query)`."""
        Occur, Query = tantivy.Occur, tantivy.Query
        occur = Occur.Should if plan == "union" else Occur.Must
        words = Query.boolean_query([(occur, self._term(f, w)) for f, w in self._tier_words(parsed)])
        fetch = max(TOP_PAGES_MIN, wanted * 4)
        for _ in range(3):
            hits = searcher.search(words, fetch, count=False).hits
            extra = searcher.search(places, fetch, count=False).hits if places is not None else []
            if len(hits) < fetch or len(extra) >= fetch:
                break  # every candidate read (`query` itself is as cheap), or too many places rows
            doc_ids = sorted(set(searcher.fast_field_values("doc_id", [a for _, a in hits])))
            check = Query.boolean_query([(Occur.Must, query), (Occur.Must, self._any_int("doc_id", doc_ids))])
            inside = {(a.segment_ord, a.doc) for _, a in searcher.search(check, len(doc_ids) * 64, count=False).hits}
            kept = [(score, a) for score, a in hits if (a.segment_ord, a.doc) in inside]
            grouped = self._group(searcher, kept + extra, add)
            lowest = hits[-1][0] + add
            if sum(g["score"] >= lowest for g in grouped) >= wanted:
                return grouped, False
            fetch *= 4
        return self._top_docs(searcher, query, wanted, add)

    def _matched_pages(self, searcher: Any, match: Any, doc_ids: list[int]) -> dict[int, list[int]]:
        if not doc_ids:
            return {}
        Occur = tantivy.Occur
        q = tantivy.Query.boolean_query([(Occur.Must, self._any_int("doc_id", doc_ids)), (Occur.Must, match),
                                         (Occur.MustNot, self._term("ordinal", -1))])
        hits = searcher.search(q, 100_000, count=False).hits
        addrs = [a for _, a in hits]
        out: dict[int, set[int]] = {}
        for doc_id, page in zip(searcher.fast_field_values("doc_id", addrs),
                                searcher.fast_field_values("page", addrs)):
            out.setdefault(doc_id, set()).add(page)
        return {d: sorted(p) for d, p in out.items()}

    @staticmethod
    def _aggs(exact_rows: bool) -> dict[str, Any]:
        """Facet aggregations; `exact_rows`: over one row per document (terms counts), else counting distinct
        `doc_id` (cardinality) per bucket and in all, and the rows (`rows`)."""
        sub = {} if exact_rows else {"aggs": {"docs": {"cardinality": {"field": "doc_id"}}}}
        aggs: dict[str, Any] = {name: {"terms": {"field": field, "size": FACET_SIZE}, **sub}
                                for name, field in _FACET_FIELDS.items()}
        if not exact_rows:
            aggs["total"] = {"cardinality": {"field": "doc_id"}}
            aggs["rows"] = {"value_count": {"field": "doc_id"}}
        return aggs

    def _facets(self, searcher: Any, query: Any, total: int | None = None) -> tuple[int, dict[str, dict[str, int]]]:
        """Total (unless known) and facet counts of `query`'s documents, `query` having one row per document."""
        resp = searcher.aggregate(query, self._aggs(exact_rows=True))
        if total is None:
            total = searcher.search(query, 1, count=True).count
        return self._read_facets(resp, exact_rows=True, total=total)

    @staticmethod
    def _read_facets(resp: dict[str, Any], exact_rows: bool, scale: float = 1.0,
                     total: int = 0) -> tuple[int, dict[str, dict[str, int]]]:
        """`_aggs`'s answer as (total, facets); `scale`: the inverse of the share of documents counted."""
        if not exact_rows:
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
