"""Counts for leaders' reports (issue 18, statistics; báo cáo công tác tiếp công dân, xử lý đơn — Circular
06/2025/TT-TTCP, which replaced 01/2024/TT-TTCP): one function (`report`) computes what the statistics page,
`GET /api/stats` and `donthu stats` show, so the three always agree.

Two sources, counted separately:

- **letters** (đơn) from the register (`records.register.book`): by period of receipt and by type, channel,
  status, decision, within / past deadline, land-related, several signers, the register's unit and the
  commune before or since the 1 July 2025 reorganisation. Each row gives the letters and the **matters**
  (vụ việc): letters a clerk confirmed as duplicates share one matter, and a matter is counted once — in the
  row of its earliest letter among those counted — so the matters of all rows add up to the distinct matters.
- **archive** documents (hồ sơ lưu trữ: decisions, conclusions, old letters never registered): the done
  documents read through the one read path (`records.read`, so corrections count and a reader only counts
  what they may see) that no register letter refers to, by period of the document's date.

Counts never name anyone: the only groupings are the fixed dimensions below (`LETTER_DIMENSIONS`,
`DIMENSIONS`); no grouping by a party, sender, subject or officer. A denunciation's place is taken from its
parcels only, never from the denouncer's address (Luật Tố cáo 2018 Art. 8(3): the denouncer's identity,
address included, is kept confidential).

Export: CSV and XLSX (openpyxl), one header row then one row per group, then the totals.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy import select

from classify.gazetteer import old_label, resolve_place
from donthu.access import normalise_unit, unit_contains
from donthu.schema import Record, ResolvedPlace
from donthu.text import fold
from records.read import SYSTEM, Reader, list_documents
from records.register import book
from records.store import Store
from records.tables import register_letters

Period = Literal["month", "quarter", "year", "all", "custom"]
PERIODS: tuple[str, ...] = ("month", "quarter", "year", "all", "custom")
#: what documents (the archive) can be split by, with the column title shown in reports
DIMENSIONS: dict[str, str] = {
    "type": "Loại đơn (type)",
    "kind": "Loại văn bản (kind)",
    "land": "Liên quan đất đai (land-related)",
    "several_signers": "Nhiều người đứng đơn (several signers)",
    "new_commune": "Xã/phường từ 1/7/2025 (commune since 2025)",
    "old_commune": "Xã, huyện trước 1/7/2025 (commune before 2025)",
}
#: what register letters can be split by
LETTER_DIMENSIONS: dict[str, str] = {
    "type": DIMENSIONS["type"],
    "channel": "Kênh tiếp nhận (channel)",
    "status": "Trạng thái (status)",
    "decision": "Kết quả xử lý (decision)",
    "deadline": "Thời hạn (within / past deadline)",
    "land": DIMENSIONS["land"],
    "several_signers": DIMENSIONS["several_signers"],
    "new_commune": DIMENSIONS["new_commune"],
    "old_commune": DIMENSIONS["old_commune"],
    "unit": "Đơn vị (register unit)",
}
#: every column title of an export (dimensions and counts; "period" and "documents" stay as they are)
TITLES: dict[str, str] = {**DIMENSIONS, **LETTER_DIMENSIONS, "letters": "Số đơn (letters)",
                          "matters": "Số vụ việc (matters)"}
#: filters that only the register has: archive documents never match them
REGISTER_ONLY = ("channel", "status", "deadline", "decision")
DEADLINE_STATES = ("within", "past")
#: the roles of the people who sign a letter
SENDER_ROLES = frozenset({"complainant", "denouncer", "petitioner"})
UNDATED = "undated"
NO_COMMUNE = "(none)"
#: an old commune split between new ones, or a name with several readings: flagged, never guessed
UNSURE_COMMUNE = "(split or ambiguous)"
#: a letter written with the new address only: the old unit is one of the several merged into it
NEW_ADDRESS = "(new address)"
NO_DECISION = "none"


@dataclass(frozen=True)
class StatsQuery:
    """What to count: the period grouping, the dimensions, the date range and the filters (None: any)."""

    period: Period = "year"
    by: tuple[str, ...] = ("type",)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    type: str | None = None
    kind: str | None = None
    channel: str | None = None
    status: str | None = None
    decision: str | None = None
    deadline: str | None = None          # "within" | "past"
    land: bool | None = None
    several_signers: bool | None = None
    commune: str | None = None           # a commune name: new (era "new") or old label (era "old")
    era: Literal["new", "old"] = "new"
    unit: str | None = None              # a register unit subtree (within the reader's own)
    as_of: dt.date | None = None         # the day deadlines are judged on (default: today)


@dataclass(frozen=True)
class StatsTable:
    columns: tuple[str, ...]          # "period", then the dimensions, then the counts
    rows: tuple[tuple[Any, ...], ...]
    total: int                        # of the first count column
    totals: tuple[int, ...] = ()      # of every count column (empty: just `total`)

    @property
    def counts(self) -> int:
        """How many of the last columns are counts."""
        return max(1, len(self.totals))


@dataclass(frozen=True)
class StatsReport:
    """What `report` computed: named tables (`by_period`, `by_<dimension>`, `cross`, `archive`)."""

    query: StatsQuery
    tables: dict[str, StatsTable]
    letters: int
    matters: int
    archive: int
    notes: tuple[str, ...] = field(default=())


def _order(key: tuple[Any, ...]) -> tuple[str, ...]:
    """Rows in order of their values as text, diacritics aside (Đông Hòa among the D's, not after Vĩnh)."""
    return tuple(fold(str(v)) + "\x00" + str(v) for v in key)


def period_of(iso_date: str | None, period: Period, query: StatsQuery | None = None) -> str:
    """`2021-04-01` → "2021", "2021-Q2" or "2021-04"; undated documents are counted as "undated"; "custom"
    is the query's date range as one period."""
    if period == "all":
        return "all"
    if period == "custom":
        q = query or StatsQuery()
        return f"{q.date_from.isoformat() if q.date_from else '…'} – {q.date_to.isoformat() if q.date_to else '…'}"
    if not iso_date or len(iso_date) < 7:
        return UNDATED
    year, month = iso_date[:4], int(iso_date[5:7])
    if period == "year":
        return year
    if period == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    return f"{year}-{month:02d}"


# ------------------------------------------------------------------------------------------- documents
def land_related(record: Record) -> bool:
    """A land dispute, or any letter that names a land parcel."""
    return record.type == "land_dispute" or bool(record.parcels)


def signers(record: Record) -> int:
    return sum(1 for p in record.parties if p.role in SENDER_ROLES)


def _record_place(record: Record) -> ResolvedPlace | None:
    """The place of the first parcel, else of the first sender (never a denouncer), that resolved."""
    holders = [*record.parcels, *[p for p in record.parties if p.role in SENDER_ROLES and p.role != "denouncer"]]
    for holder in holders:
        place = getattr(holder, "place", None)
        if place is not None and place.status != "unknown":
            return place
    return None


def _commune_values(place: ResolvedPlace | None) -> tuple[str, str]:
    """(new commune, old commune label) of a resolved place; a split or ambiguous one is flagged."""
    if place is None:
        return NO_COMMUNE, NO_COMMUNE
    new = place.new.commune if place.new is not None else (UNSURE_COMMUNE if place.candidates else NO_COMMUNE)
    if place.old is not None and place.old.commune:
        old = old_label(place.old)
    elif place.era == "new":
        old = NEW_ADDRESS
    else:
        old = UNSURE_COMMUNE if place.candidates else NO_COMMUNE
    return new, old


def new_commune(record: Record) -> str:
    """The commune (since 1 July 2025) of the first parcel, else the first sender, that resolved to one."""
    return _commune_values(_record_place(record))[0]


def _document_facts(record: Record) -> dict[str, Any]:
    new, old = _commune_values(_record_place(record))
    return {"type": record.type, "kind": record.kind, "land": land_related(record),
            "several_signers": signers(record) > 1, "new_commune": new, "old_commune": old}


def _in_range(iso_date: str | None, query: StatsQuery) -> bool:
    if query.date_from is None and query.date_to is None:
        return True
    if not iso_date:
        return False
    day = iso_date[:10]
    if query.date_from is not None and day < query.date_from.isoformat():
        return False
    return query.date_to is None or day <= query.date_to.isoformat()


def _matches(facts: dict[str, Any], query: StatsQuery) -> bool:
    """Do a letter's or document's facts pass the query's filters? (A fact it lacks never matches.)"""
    for name in ("type", "kind", "channel", "status", "decision", "deadline", "land", "several_signers"):
        wanted = getattr(query, name)
        if wanted is not None and (name not in facts or facts[name] != wanted):
            return False
    if query.commune:
        have = facts.get("new_commune" if query.era == "new" else "old_commune")
        if have is None or fold(str(have)) != fold(query.commune):
            return False
    return True


def count_documents(store: Store, query: StatsQuery, reader: Reader = SYSTEM, *, batch: int = 500,
                    exclude: set[int] | frozenset[int] = frozenset()) -> StatsTable:
    """Done documents (but those in `exclude`) counted per period and per the query's dimensions, filtered by
    the query (as `reader` sees them)."""
    for dimension in query.by:
        if dimension not in DIMENSIONS:
            raise ValueError(f"cannot count by {dimension!r}; one of: {', '.join(DIMENSIONS)}")
    counts: Counter[tuple[Any, ...]] = Counter()
    offset = 0
    while True:
        infos = list_documents(store, reader, status="done", limit=batch, offset=offset, with_records=True)
        if not infos:
            break
        offset += len(infos)
        for info in infos:
            record = info.record
            if record is None or info.id in exclude or not _in_range(record.date, query):
                continue
            if query.unit and not unit_contains(query.unit, info.unit):
                continue
            facts = _document_facts(record)
            if not _matches(facts, query):
                continue
            key = (period_of(record.date, query.period, query), *(facts[d] for d in query.by))
            counts[key] += 1
    rows = tuple((*key, n) for key, n in sorted(counts.items(), key=lambda kv: _order(kv[0])))
    return StatsTable(("period", *query.by, "documents"), rows, sum(counts.values()))


# --------------------------------------------------------------------------------------------- letters
def letter_place(entry: book.Entry) -> ResolvedPlace | None:
    """The place of a register letter: its first parcel's commune, else (not for a denunciation: the
    denouncer's address is confidential) its first sender's address, resolved as of the day it was received."""
    written = [str(p.get("commune")) for p in entry.parcels if p.get("commune")]
    if entry.type != "denunciation":
        written += [str(s.get("address")) for s in entry.senders if s.get("address")]
    for text in written:
        place = resolve_place(text, on=entry.received)
        if place.status != "unknown":
            return place
    return None


def deadline_state(entry: book.Entry, as_of: dt.date) -> str:
    """"past" when the letter was decided after its processing deadline, is still undecided after it, or was
    accepted and is still unresolved after its resolution deadline (all on `as_of`); else "within".

    The processing deadline is the register's first one (`book.next_deadline` of the letter as received:
    Luật Tố cáo Art. 24 for a denunciation, Luật Khiếu nại Art. 27 or the 10 working days for a complaint,
    10 working days otherwise); the resolution deadline Luật Tố cáo Art. 30 / Luật Khiếu nại Art. 28."""
    first = book.next_deadline(replace(entry, status="received", decision=None, accepted=None))
    if entry.decision is None:
        if entry.status == "resolved" or first is None:
            return "within"
        return "past" if first.due < as_of else "within"
    if first is not None and entry.decision_date is not None and entry.decision_date > first.due:
        return "past"
    if entry.decision == "accept" and entry.status != "resolved":
        then = book.next_deadline(entry)
        if then is not None and then.due < as_of:
            return "past"
    return "within"


#: the dimensions that need a letter's place resolved across the 2025 reorganisation
COMMUNE_DIMENSIONS = ("new_commune", "old_commune")


def needs_commune(query: StatsQuery, by: tuple[str, ...]) -> bool:
    """Does counting `query` by `by` need each letter's commune? Only for a commune breakdown or filter:
    resolving a place (`letter_place`, the gazetteer) is the costly part of a letter's facts."""
    return bool(query.commune) or any(d in COMMUNE_DIMENSIONS for d in by)


def letter_facts(entry: book.Entry, as_of: dt.date, *, communes: bool = True) -> dict[str, Any]:
    """The values a register letter is counted under (no name of anyone among them); `communes`: with the
    new and old commune of its place (left out, and the place not resolved, when the count needs neither)."""
    facts = {
        "type": entry.type, "kind": "petition", "channel": entry.channel, "status": entry.status,
        "decision": entry.decision or NO_DECISION, "deadline": deadline_state(entry, as_of),
        "land": entry.type == "land_dispute" or bool(entry.parcels), "several_signers": entry.sender_count > 1,
        "unit": entry.unit,
    }
    if communes:
        facts["new_commune"], facts["old_commune"] = _commune_values(letter_place(entry))
    return facts


def letters_in_scope(store: Store, scope: str | None, unit: str | None = None) -> list[book.Entry]:
    """The register letters a report counts — the statistics (`report`) and the report form
    (`records.report_form.fill`) alike: those of `unit` and the units below it when given, else of `scope`
    (the reader's unit subtree; None: all, for the system), and never one outside `scope`."""
    where = normalise_unit(unit) if unit else scope
    return [e for e in book.letters(store.engine, unit=where or None)
            if scope is None or unit_contains(scope, e.unit)]


def registered_documents(store: Store) -> set[int]:
    """The ids of the documents that are register letters' scans (not archive documents)."""
    column = register_letters.c.document_id
    with store.engine.connect() as conn:
        return {i for (i,) in conn.execute(select(column).where(column.is_not(None)))}


def count_letters(entries: list[book.Entry], query: StatsQuery, by: tuple[str, ...], *,
                  as_of: dt.date) -> StatsTable:
    """Register letters and matters per period of receipt and per `by`, after the query's filters. A matter
    is counted once, in the row of its earliest counted letter."""
    for dimension in by:
        if dimension not in LETTER_DIMENSIONS:
            raise ValueError(f"cannot count letters by {dimension!r}; one of: {', '.join(LETTER_DIMENSIONS)}")
    letters: Counter[tuple[Any, ...]] = Counter()
    first: dict[int, tuple[tuple[str, int], tuple[Any, ...]]] = {}
    communes = needs_commune(query, by)
    for entry in entries:
        received = entry.received.isoformat()
        if not _in_range(received, query):
            continue
        facts = letter_facts(entry, as_of, communes=communes)
        if not _matches(facts, query):
            continue
        key = (period_of(received, query.period, query), *(facts[d] for d in by))
        letters[key] += 1
        order = (received, entry.id)
        if entry.matter_id not in first or order < first[entry.matter_id][0]:
            first[entry.matter_id] = (order, key)
    matters: Counter[tuple[Any, ...]] = Counter(key for _, key in first.values())
    keys = sorted(letters, key=_order)
    rows = tuple((*k, letters[k], matters[k]) for k in keys)
    total_letters, total_matters = sum(letters.values()), sum(matters.values())
    return StatsTable(("period", *by, "letters", "matters"), rows, total_letters, (total_letters, total_matters))


def _collapse(table: StatsTable, keep: tuple[int, ...], columns: tuple[str, ...]) -> StatsTable:
    """`table` summed over all but the key columns at `keep` (matters still add: each is in one row)."""
    n = table.counts
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * n)
    for row in table.rows:
        key = tuple(row[i] for i in keep)
        for j, value in enumerate(row[-n:]):
            sums[key][j] += value
    rows = tuple((*k, *v) for k, v in sorted(sums.items(), key=lambda kv: _order(kv[0])))
    return StatsTable((*columns, *table.columns[-n:]), rows, table.total, table.totals)


def report(store: Store, query: StatsQuery, reader: Reader = SYSTEM, *, scope: str | None = None) -> StatsReport:
    """Everything the page, the API and the CLI show for `query`: the register's letters and matters by period
    (`by_period`), by each dimension of `query.by` (`by_<dimension>`) and by period × all of them (`cross`),
    and the archive documents not in the register by period × the dimensions they have (`archive`).

    `scope`: the unit subtree whose register letters may be counted (a leader's unit; None: all, for the
    system). `query.unit` narrows it and must lie inside it (the caller checks and refuses otherwise)."""
    if query.period not in PERIODS:
        raise ValueError(f"unknown period {query.period!r}; one of: {', '.join(PERIODS)}")
    unknown = [d for d in query.by if d not in LETTER_DIMENSIONS]
    if unknown:
        raise ValueError(f"cannot count by {', '.join(unknown)}; one of: {', '.join(LETTER_DIMENSIONS)}")
    if scope is not None and query.unit and not unit_contains(scope, query.unit):
        raise PermissionError(f"the unit {query.unit!r} is outside {scope!r}")
    if query.unit:
        query = replace(query, unit=normalise_unit(query.unit))
    as_of = query.as_of or dt.date.today()
    entries = letters_in_scope(store, scope, query.unit)
    cross = count_letters(entries, query, query.by, as_of=as_of)
    tables = {"by_period": _collapse(cross, (0,), ("period",))}
    for i, dimension in enumerate(query.by):
        tables[f"by_{dimension}"] = _collapse(cross, (1 + i,), (dimension,))
    tables["cross"] = cross
    notes: list[str] = []
    registered = registered_documents(store)
    archive_by = tuple(d for d in query.by if d in DIMENSIONS)
    if any(getattr(query, f) is not None for f in REGISTER_ONLY):
        notes.append("archive documents have no channel, status, decision or deadline: with one of those "
                     "filters none is counted")
        archive = StatsTable(("period", *archive_by, "documents"), (), 0)
    else:
        archive = count_documents(store, replace(query, by=archive_by), reader, exclude=registered)
    tables["archive"] = archive
    return StatsReport(query, tables, cross.total, cross.totals[1], archive.total, tuple(notes))


# --------------------------------------------------------------------------------------------- exports
def to_csv(table: StatsTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return out.getvalue()


def _sheet(sheet: Any, table: StatsTable, title: str) -> None:
    from openpyxl.styles import Font

    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([TITLES.get(c, c) for c in table.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(list(row))
    totals = list(table.totals) if table.totals else [table.total]
    sheet.append(["Tổng (total)", *[""] * (len(table.columns) - 1 - len(totals)), *totals])


def to_xlsx(table: StatsTable, title: str = "Thống kê đơn thư") -> bytes:
    """The table as an XLSX workbook: a title row, the column titles, one row per group, the totals."""
    from openpyxl import Workbook  # loaded for an export only

    book_ = Workbook()
    sheet = book_.active
    sheet.title = "thong-ke"
    _sheet(sheet, table, title)
    out = io.BytesIO()
    book_.save(out)
    return out.getvalue()


#: the sheet names and titles of a whole report's workbook
TABLE_TITLES: dict[str, str] = {
    "by_period": "Đơn theo kỳ (letters by period)",
    "cross": "Đơn theo kỳ và các tiêu chí (letters by period and dimensions)",
    "archive": "Hồ sơ lưu trữ không phải đơn trong sổ (archive documents not in the register)",
}


def table_title(name: str) -> str:
    if name.startswith("by_") and name not in TABLE_TITLES:
        dimension = name[3:]
        return f"Đơn theo {TITLES.get(dimension, dimension)}"
    return TABLE_TITLES.get(name, name)


def report_to_xlsx(result: StatsReport) -> bytes:
    """Every table of a report, one sheet each (named by the table), in the report's order."""
    from openpyxl import Workbook

    book_ = Workbook()
    book_.remove(book_.active)
    for name, table in result.tables.items():
        _sheet(book_.create_sheet(name[:31]), table, table_title(name))
    out = io.BytesIO()
    book_.save(out)
    return out.getvalue()
