"""Embedded search index: SQLite FTS5 (stdlib sqlite3), one FTS row per page.

Layout (created on open):
- `pages_fts(exact, folded)`: FTS5, tokenizer unicode61 with remove_diacritics 0 for both columns.
  `exact` holds the NFC page text (the original spelling; unicode61 lower-cases it), `folded` holds
  `donthu.text.fold` of it (FTS5 cannot fold đ). Both are cut into the same words, so word N of one
  column is word N of the other.
- `pages_masked_fts(exact, folded)`: the same for every page with a denouncer's identity masked
  (`IndexPage.masked`), same rowid; `masked_files(doc_id, file)` the masked file names that differ. A query
  with `cleared=False` matches, ranks and snippets only these (an index written before they existed has no
  rows there: such searchers find nothing in it until `donthu reindex`).
- `pages(id = pages_fts.rowid, doc_id, number)`; `docs` one row of fields per document;
  `doc_places` (commune/district, folded key + name) and `doc_parcels` (folded keys) for filters/facets;
  `doc_places` also holds the resolved names across 1 July 2025 (fields old_commune, old_district,
  new_commune; classify.gazetteer) and `places_fts(exact, folded)` (rowid = doc_id) their text.

Matching: every query unit must match the `folded` column (of one page, or of the document's places row: a
document whose places match the whole query is a hit at its first page, snippet from its place names) (so `dat` finds `đất`, and `đất` finds `dat`);
a unit typed with diacritics also matches `exact`. Page score = number of diacritic units matched in
their exact spelling (the tier) + r/(1+r) with r = −bm25 (exact column weighted 2, folded 1), so an
exactly-spelled page always ranks above a page matching only after folding. A document's score is
its best page's. Filters compare folded keys (see `search.analysis`).

Concurrency: WAL, busy_timeout; writes go in `BEGIN IMMEDIATE` transactions so several processes can
index into one file. One connection per backend object, guarded by a lock (usable from threads).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from donthu.access import normalise_unit
from donthu.text import fold_text, nfc
from search.analysis import ParsedQuery, Term, highlight, parcel_key, parse_parcel, parse_query, place_keys, value_key
from search.backend import IndexDocument, SearchHit, SearchQuery, SearchResults

BUSY_TIMEOUT_MS = 30_000
MAX_LIMIT = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    doc_id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    kind TEXT NOT NULL,
    type TEXT NOT NULL,
    kind_key TEXT NOT NULL,
    type_key TEXT NOT NULL,
    date TEXT,
    year INTEGER,
    dossier_id INTEGER,
    communes TEXT NOT NULL DEFAULT '[]',
    districts TEXT NOT NULL DEFAULT '[]',
    parcels TEXT NOT NULL DEFAULT '[]',
    parties TEXT NOT NULL DEFAULT '[]',
    unit TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS docs_date ON docs(date);
CREATE INDEX IF NOT EXISTS docs_year ON docs(year);
CREATE TABLE IF NOT EXISTS doc_places (
    doc_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    canonical INTEGER NOT NULL  -- 1 for the key facets group by (see search.analysis.place_keys)
);
CREATE INDEX IF NOT EXISTS doc_places_key ON doc_places(field, key);
CREATE INDEX IF NOT EXISTS doc_places_doc ON doc_places(doc_id);
CREATE TABLE IF NOT EXISTS doc_parcels (
    doc_id INTEGER NOT NULL,
    parcel_no TEXT NOT NULL,
    map_sheet TEXT
);
CREATE INDEX IF NOT EXISTS doc_parcels_key ON doc_parcels(parcel_no, map_sheet);
CREATE INDEX IF NOT EXISTS doc_parcels_doc ON doc_parcels(doc_id);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL,
    number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_doc ON pages(doc_id, number);
CREATE VIRTUAL TABLE IF NOT EXISTS pages_fts USING fts5(
    exact, folded, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE IF NOT EXISTS pages_masked_fts USING fts5(
    exact, folded, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TABLE IF NOT EXISTS masked_files (
    doc_id INTEGER PRIMARY KEY,
    file TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS places_fts USING fts5(
    exact, folded, tokenize = 'unicode61 remove_diacritics 0'
);
"""


def _fts_string(text: str) -> str:
    """An FTS5 string literal (a phrase when it holds several words)."""
    return '"' + text.replace('"', '""') + '"'


def _fts_table(q: SearchQuery) -> str:
    """The FTS table a query reads: the full texts, or the masked ones for a searcher without clearance."""
    return "pages_fts" if q.cleared else "pages_masked_fts"


def match_expression(parsed: ParsedQuery) -> str:
    """FTS5 MATCH expression: every unit must match (folded; or exact when typed with diacritics)."""
    parts = []
    for term in parsed.terms:
        folded = f"folded : {_fts_string(term.folded)}"
        if term.has_diacritics:
            parts.append(f"(exact : {_fts_string(term.exact)} OR {folded})")
        else:
            parts.append(folded)
    return " AND ".join(parts)


def _exact_expression(term: Term) -> str:
    return f"exact : {_fts_string(term.exact)}"


class SqliteFtsBackend:
    """`SearchBackend` on one SQLite file (see module docstring)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA temp_store = MEMORY")
        self._db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS search_matched ("
            " doc_id INTEGER PRIMARY KEY, score REAL NOT NULL, page INTEGER, rid INTEGER, pages TEXT)"
        )
        with self._write() as db:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            # an index made before documents had units: its documents are the root's until re-indexed
            if "unit" not in {row[1] for row in db.execute("PRAGMA table_info(docs)")}:
                db.execute("ALTER TABLE docs ADD COLUMN unit TEXT NOT NULL DEFAULT ''")

    # -- writing ---------------------------------------------------------------------------

    def _write(self) -> "_Transaction":
        return _Transaction(self._db, self._lock)

    def index(self, doc: IndexDocument) -> None:
        self.index_many([doc])

    def index_many(self, docs: list[IndexDocument]) -> None:
        with self._write() as db:
            for doc in docs:
                _delete(db, doc.doc_id)
                _insert(db, doc)

    def delete(self, doc_id: int) -> None:
        with self._write() as db:
            _delete(db, doc_id)

    def optimize(self) -> None:
        """Merge FTS5 b-trees (after a large batch)."""
        with self._write() as db:
            db.execute("INSERT INTO pages_fts(pages_fts) VALUES ('optimize')")

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def search(self, q: SearchQuery) -> SearchResults:
        parsed = parse_query(q.text)
        select, params = _matched_select(parsed, q)
        limit = max(0, min(int(q.limit), MAX_LIMIT))
        offset = max(0, int(q.offset))
        with self._lock:
            # one read snapshot; the match set is computed once into a per-connection temp table
            self._db.execute("BEGIN")
            try:
                self._db.execute("DELETE FROM temp.search_matched")
                self._db.execute(f"INSERT INTO temp.search_matched {select}", params)
                file = "d.file" if q.cleared else "coalesce(mf.file, d.file)"
                rows = self._db.execute(
                    f"""SELECT m.doc_id, m.score, m.page, m.rid, m.pages, {file}, d.kind, d.type, d.date
                    FROM temp.search_matched m JOIN docs d ON d.doc_id = m.doc_id
                    LEFT JOIN masked_files mf ON mf.doc_id = m.doc_id
                    ORDER BY m.score DESC, d.date IS NULL, d.date DESC, m.doc_id DESC
                    LIMIT {limit} OFFSET {offset}"""
                ).fetchall()
                total, facets = _facets(self._db)
                hits = [self._hit(row, parsed, _fts_table(q)) for row in rows]
            finally:
                self._db.execute("COMMIT")
        return SearchResults(total=total, hits=hits, facets=facets)

    def _hit(self, row: tuple, parsed: ParsedQuery, fts: str) -> SearchHit:
        doc_id, score, page, rid, pages, file, kind, type_, date = row
        text_row = self._db.execute(f"SELECT exact, folded FROM {fts} WHERE rowid = ?", (rid,)).fetchone()
        matched = sorted({int(p) for p in pages.split(",")}) if pages else []
        if not matched and not parsed.empty:  # matched by its places only
            place_row = self._db.execute("SELECT exact, folded FROM places_fts WHERE rowid = ?",
                                         (doc_id,)).fetchone()
            if place_row:
                text_row = place_row
        return SearchHit(
            doc_id=doc_id, file=file, kind=kind, type=type_, score=float(score),
            page=int(page) if page is not None else 1,
            snippet=highlight(text_row[0], parsed, folded=text_row[1]) if text_row else "",
            matched_pages=matched, date=date,
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "SqliteFtsBackend":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    """`BEGIN IMMEDIATE` … `COMMIT` (or `ROLLBACK` on error) under the backend's lock."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self.db, self.lock = db, lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.db

    def __exit__(self, exc_type: object, *rest: object) -> None:
        try:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.lock.release()


def _delete(db: sqlite3.Connection, doc_id: int) -> None:
    for fts in ("pages_fts", "pages_masked_fts"):
        db.execute(f"DELETE FROM {fts} WHERE rowid IN (SELECT id FROM pages WHERE doc_id = ?)", (doc_id,))
    db.execute("DELETE FROM places_fts WHERE rowid = ?", (doc_id,))
    for table in ("pages", "doc_places", "doc_parcels", "masked_files", "docs"):
        db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))


def _insert(db: sqlite3.Connection, doc: IndexDocument) -> None:
    db.execute(
        "INSERT INTO docs (doc_id, file, kind, type, kind_key, type_key, date, year, dossier_id,"
        " communes, districts, parcels, parties, unit) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            doc.doc_id, doc.file, doc.kind, doc.type, value_key(doc.kind), value_key(doc.type),
            doc.date, doc.year, doc.dossier_id,
            json.dumps([nfc(c) for c in doc.communes], ensure_ascii=False),
            json.dumps([nfc(d) for d in doc.districts], ensure_ascii=False),
            json.dumps([list(p) for p in doc.parcels], ensure_ascii=False),
            json.dumps([nfc(p) for p in doc.parties], ensure_ascii=False),
            normalise_unit(doc.unit),
        ),
    )
    places = {
        (field, key, nfc(name).strip(), int(i == 0 and field in _FACET_PLACES))
        for field, names in (("commune", doc.communes), ("district", doc.districts),
                             ("old_commune", doc.old_communes), ("old_district", doc.old_districts),
                             ("new_commune", doc.new_communes))
        for name in names if name
        for i, key in enumerate(place_keys(name))
    }
    db.executemany("INSERT INTO doc_places (doc_id, field, key, name, canonical) VALUES (?,?,?,?,?)",
                   [(doc.doc_id, *p) for p in sorted(places)])
    place_text = "\n".join(nfc(p) for p in doc.places if p)
    if place_text:
        db.execute("INSERT INTO places_fts (rowid, exact, folded) VALUES (?, ?, ?)",
                   (doc.doc_id, place_text, fold_text(place_text)))
    parcels = {parcel_key(no, sheet) for no, sheet in doc.parcels if no}
    db.executemany("INSERT INTO doc_parcels (doc_id, parcel_no, map_sheet) VALUES (?,?,?)",
                   [(doc.doc_id, no, sheet) for no, sheet in sorted(parcels, key=str)])
    for page in doc.pages:
        text = nfc(page.text or "")
        page_id = db.execute("INSERT INTO pages (doc_id, number) VALUES (?, ?)",
                             (doc.doc_id, page.number)).lastrowid
        db.execute("INSERT INTO pages_fts (rowid, exact, folded) VALUES (?, ?, ?)",
                   (page_id, text, fold_text(text)))
        masked = nfc(page.masked or "")
        db.execute("INSERT INTO pages_masked_fts (rowid, exact, folded) VALUES (?, ?, ?)",
                   (page_id, masked, fold_text(masked)))
    if doc.masked_file is not None and doc.masked_file != doc.file:
        db.execute("INSERT INTO masked_files (doc_id, file) VALUES (?, ?)", (doc.doc_id, doc.masked_file))


#: doc_places fields that facets count (the old names of resolved places only filter)
_FACET_PLACES = ("commune", "district", "new_commune")
#: a filter on a commune or district also matches the names resolved across 1 July 2025
_FILTER_FIELDS = {"commune": ("commune", "old_commune", "new_commune"), "district": ("district", "old_district")}


def _filters(q: SearchQuery, params: dict[str, Any]) -> list[str]:
    """SQL conditions on `docs d` for the query's filters (values compared folded)."""
    where: list[str] = []
    if q.unit is not None and normalise_unit(q.unit):
        params["unit"] = normalise_unit(q.unit)
        params["unit_below"] = params["unit"] + "/"
        where.append("(d.unit = :unit OR substr(d.unit, 1, length(:unit_below)) = :unit_below)")
    if q.type:
        params["type_key"] = value_key(q.type)
        where.append("d.type_key = :type_key")
    if q.kind:
        params["kind_key"] = value_key(q.kind)
        where.append("d.kind_key = :kind_key")
    for field in ("commune", "district"):
        value = getattr(q, field)
        if value:
            keys = place_keys(value) or [""]
            names = []
            for i, key in enumerate(keys):
                params[f"{field}{i}"] = key
                names.append(f":{field}{i}")
            fields = ", ".join(f"'{f}'" for f in _FILTER_FIELDS[field])
            where.append(
                "EXISTS (SELECT 1 FROM doc_places x WHERE x.doc_id = d.doc_id"
                f" AND x.field IN ({fields}) AND x.key IN ({', '.join(names)}))"
            )
    parcel = parse_parcel(q.parcel) if q.parcel else None
    if parcel:
        params["parcel_no"], params["map_sheet"] = parcel
        sheet = " AND x.map_sheet = :map_sheet" if parcel[1] else ""
        where.append(
            "EXISTS (SELECT 1 FROM doc_parcels x WHERE x.doc_id = d.doc_id"
            f" AND x.parcel_no = :parcel_no{sheet})"
        )
    if q.year_from is not None:
        params["year_from"] = int(q.year_from)
        where.append("d.year >= :year_from")
    if q.year_to is not None:
        params["year_to"] = int(q.year_to)
        where.append("d.year <= :year_to")
    return where


def _matched_select(parsed: ParsedQuery, q: SearchQuery) -> tuple[str, dict[str, Any]]:
    """SELECT of (doc_id, score, page, rid, pages): one row per matching document, with its best
    page (number and FTS rowid) and the comma-separated numbers of all its matching pages."""
    params: dict[str, Any] = {}
    where = _filters(q, params)
    if parsed.empty:
        cond = " AND ".join(where) or "1"
        return (
            f"""SELECT d.doc_id, 0.0, p.number, p.id, ''
                FROM docs d LEFT JOIN pages p ON p.id =
                    (SELECT id FROM pages WHERE doc_id = d.doc_id ORDER BY number LIMIT 1)
                WHERE {cond}""",
            params,
        )
    params["match"] = match_expression(parsed)
    fts = _fts_table(q)
    tiers = []
    for i, term in enumerate(t for t in parsed.terms if t.has_diacritics):
        params[f"exact{i}"] = _exact_expression(term)
        tiers.append(f"(f.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH :exact{i}))")
    tier = " + ".join(tiers) or "0"
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    # a document matches on a page, or on its places row (then at its first page, with no matched pages and
    # no exact-spelling tier: a page with the words ranks above a document found by its place names)
    return (
        f"""WITH hits AS MATERIALIZED (
                SELECT f.rowid AS rid, {tier} AS tier, -bm25({fts}, 2.0, 1.0) AS r
                FROM {fts} f WHERE {fts} MATCH :match),
            place_hits AS MATERIALIZED (
                SELECT f.rowid AS doc_id, 0 AS tier, -bm25(places_fts, 2.0, 1.0) AS r
                FROM places_fts f WHERE places_fts MATCH :match),
            both_hits AS (
                SELECT p.doc_id AS doc_id, max(h.tier + h.r / (1.0 + h.r)) AS score, p.number AS page,
                       h.rid AS rid, group_concat(p.number) AS pages, 0 AS src
                FROM hits h JOIN pages p ON p.id = h.rid JOIN docs d ON d.doc_id = p.doc_id
                {cond}
                GROUP BY p.doc_id
                UNION ALL
                SELECT d.doc_id, ph.tier + ph.r / (1.0 + ph.r), fp.number, fp.id, '', 1
                FROM place_hits ph JOIN docs d ON d.doc_id = ph.doc_id
                LEFT JOIN pages fp ON fp.id =
                    (SELECT id FROM pages WHERE doc_id = d.doc_id ORDER BY number LIMIT 1)
                {cond})
            SELECT doc_id, max(score), coalesce(max(CASE WHEN src = 0 THEN page END), max(page)),
                   coalesce(max(CASE WHEN src = 0 THEN rid END), max(rid)), max(pages)
            FROM both_hits GROUP BY doc_id""",
        params,
    )


def _facets(db: sqlite3.Connection) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and facet counts over `temp.search_matched`."""
    rows = db.execute(
        """SELECT 'total', '', count(*) FROM temp.search_matched
        UNION ALL SELECT 'type', d.type, count(*) FROM temp.search_matched m
            JOIN docs d ON d.doc_id = m.doc_id GROUP BY d.type
        UNION ALL SELECT 'kind', d.kind, count(*) FROM temp.search_matched m
            JOIN docs d ON d.doc_id = m.doc_id GROUP BY d.kind
        UNION ALL SELECT 'year', CAST(d.year AS TEXT), count(*) FROM temp.search_matched m
            JOIN docs d ON d.doc_id = m.doc_id WHERE d.year IS NOT NULL GROUP BY d.year
        UNION ALL SELECT x.field, max(x.name), count(DISTINCT x.doc_id) FROM temp.search_matched m
            JOIN doc_places x ON x.doc_id = m.doc_id WHERE x.canonical = 1 GROUP BY x.field, x.key"""
    ).fetchall()
    facets: dict[str, dict[str, int]] = {"type": {}, "kind": {}, "district": {}, "commune": {}, "year": {},
                                         "new_commune": {}}
    total = 0
    for name, value, n in rows:
        if name == "total":
            total = n
        else:
            facets[name][value] = n
    for name, counts in facets.items():
        facets[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return total, facets
