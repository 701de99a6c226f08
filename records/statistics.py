"""Counts of documents for leaders' reports (issue 18, statistics): by period (month, quarter, year) and by
any of type, kind, land-related, several signers and the commune since the 2025 reorganisation — read through
the one read path, so corrections count and a reader only counts what they may see.

Until the register of letters lands, documents are counted (each once: the same file is stored once by its
SHA-256); the register's channels, statuses and deadlines, and duplicates counted once per matter, come from
there. Export: CSV and XLSX (openpyxl), one header row then one row per group.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from donthu.schema import Record
from records.read import SYSTEM, Reader, list_documents
from records.store import Store

Period = Literal["month", "quarter", "year", "all"]
#: what a count can be split by, with the column title shown in reports
DIMENSIONS: dict[str, str] = {
    "type": "Loại đơn (type)",
    "kind": "Loại văn bản (kind)",
    "land": "Liên quan đất đai (land-related)",
    "several_signers": "Nhiều người đứng đơn (several signers)",
    "new_commune": "Xã/phường từ 1/7/2025 (commune since 2025)",
}
#: the roles of the people who sign a letter
SENDER_ROLES = frozenset({"complainant", "denouncer", "petitioner"})
UNDATED = "undated"
NO_COMMUNE = "(none)"


@dataclass(frozen=True)
class StatsQuery:
    period: Period = "year"
    by: tuple[str, ...] = ("type",)
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class StatsTable:
    columns: tuple[str, ...]          # "period", then the dimensions, then "documents"
    rows: tuple[tuple[Any, ...], ...]
    total: int


def period_of(iso_date: str | None, period: Period) -> str:
    """`2021-04-01` → "2021", "2021-Q2" or "2021-04"; undated documents are counted as "undated"."""
    if period == "all":
        return "all"
    if not iso_date or len(iso_date) < 7:
        return UNDATED
    year, month = iso_date[:4], int(iso_date[5:7])
    if period == "year":
        return year
    if period == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    return f"{year}-{month:02d}"


def land_related(record: Record) -> bool:
    """A land dispute, or any letter that names a land parcel."""
    return record.type == "land_dispute" or bool(record.parcels)


def signers(record: Record) -> int:
    return sum(1 for p in record.parties if p.role in SENDER_ROLES)


def new_commune(record: Record) -> str:
    """The commune (since 1 July 2025) of the first parcel, else the first sender, that resolved to one."""
    for holder in [*record.parcels, *[p for p in record.parties if p.role in SENDER_ROLES]]:
        place = getattr(holder, "place", None)
        if place is not None and place.new is not None:
            return place.new.commune
    return NO_COMMUNE


def _value(record: Record, dimension: str) -> Any:
    if dimension == "type":
        return record.type
    if dimension == "kind":
        return record.kind
    if dimension == "land":
        return land_related(record)
    if dimension == "several_signers":
        return signers(record) > 1
    if dimension == "new_commune":
        return new_commune(record)
    raise ValueError(f"cannot count by {dimension!r}; one of: {', '.join(DIMENSIONS)}")


def _in_range(iso_date: str | None, query: StatsQuery) -> bool:
    if query.date_from is None and query.date_to is None:
        return True
    if not iso_date:
        return False
    day = iso_date[:10]
    if query.date_from is not None and day < query.date_from.isoformat():
        return False
    return query.date_to is None or day <= query.date_to.isoformat()


def count_documents(store: Store, query: StatsQuery, reader: Reader = SYSTEM, *, batch: int = 500) -> StatsTable:
    """Done documents counted per period and per the query's dimensions (as `reader` sees them)."""
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
            if record is None or not _in_range(record.date, query):
                continue
            key = (period_of(record.date, query.period), *(_value(record, d) for d in query.by))
            counts[key] += 1
    rows = tuple((*key, n) for key, n in sorted(counts.items(), key=lambda kv: tuple(map(str, kv[0]))))
    return StatsTable(("period", *query.by, "documents"), rows, sum(counts.values()))


def to_csv(table: StatsTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return out.getvalue()


def to_xlsx(table: StatsTable, title: str = "Thống kê đơn thư") -> bytes:
    """The table as an XLSX workbook: a title row, the column titles, one row per group, the total."""
    from openpyxl import Workbook  # loaded for an export only
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "thong-ke"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([DIMENSIONS.get(c, c) for c in table.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(list(row))
    sheet.append(["Tổng (total)", *[""] * (len(table.columns) - 2), table.total])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
