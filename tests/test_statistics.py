"""Statistics (records.statistics, `donthu stats`): counts by period and dimension on a store of hand-made
records whose expected counts are worked out here by hand; a correction counts; CSV and XLSX cell by cell."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from donthu.config import Settings
from donthu.schema import PageText, Parcel, Party, Record
from records.corrections import add_correction
from records.statistics import StatsQuery, count_documents, period_of, to_csv, to_xlsx
from records.store import Store

REPO = Path(__file__).resolve().parents[1]
# (date, type, kind, senders, parcel): 7 letters, 2021-2025, one undated
LETTERS = [
    ("2021-02-03", "complaint", "petition", 1, False),
    ("2021-05-20", "complaint", "petition", 3, True),
    ("2021-11-30", "denunciation", "petition", 1, False),
    ("2022-01-15", "land_dispute", "petition", 2, True),
    ("2022-04-01", "recommendation", "petition", 1, False),
    ("2025-07-10", "complaint", "decision", 0, True),
    (None, "denunciation", "petition", 1, False),
]


def _record(i: int, day, doc_type, kind, senders, parcel) -> Record:
    role = {"complaint": "complainant", "denunciation": "denouncer"}.get(doc_type, "petitioner")
    text = f"Đơn số {i}"
    return Record(
        file=f"don-{i}.pdf", sha256=hashlib.sha256(text.encode()).hexdigest(), mime="application/pdf",
        pages=[PageText(number=1, source="text", confidence=None, text=text)], text=text, type=doc_type, kind=kind, date=day,
        parties=[Party(name=f"Nguyễn Văn {chr(65 + j)}", role=role) for j in range(senders)],
        parcels=[Parcel(parcel_no="12", map_sheet="3", commune="Mỹ Hội Đông")] if parcel else [],
    )


@pytest.fixture
def store(tmp_path):
    store = Store(Settings(data_dir=tmp_path / "data"))
    for i, letter in enumerate(LETTERS):
        record = _record(i, *letter)
        sha = store.put_original(record.text.encode())
        doc = store.add_document(record.file, sha, len(record.text), mime=record.mime)
        store.save_result(doc, record, [])
    yield store
    store.close()


def test_periods():
    assert period_of("2021-05-20", "year") == "2021"
    assert period_of("2021-05-20", "quarter") == "2021-Q2"
    assert period_of("2021-11-30", "quarter") == "2021-Q4"
    assert period_of("2021-05-20", "month") == "2021-05"
    assert period_of(None, "year") == "undated"


def test_counts_by_year_and_type(store):
    table = count_documents(store, StatsQuery(period="year", by=("type",)))
    assert table.columns == ("period", "type", "documents")
    assert set(table.rows) == {("2021", "complaint", 2), ("2021", "denunciation", 1), ("2022", "land_dispute", 1),
                               ("2022", "recommendation", 1), ("2025", "complaint", 1),
                               ("undated", "denunciation", 1)}
    assert table.total == 7


def test_land_and_several_signers_by_quarter_within_dates(store):
    table = count_documents(store, StatsQuery(period="quarter", by=("land", "several_signers"),
                                              date_from=date(2021, 4, 1), date_to=date(2022, 3, 31)))
    # in range: 2021-05-20 (land, 3 signers), 2021-11-30 (no land, 1), 2022-01-15 (land dispute, 2)
    assert set(table.rows) == {("2021-Q2", True, True, 1), ("2021-Q4", False, False, 1),
                               ("2022-Q1", True, True, 1)}


def test_a_correction_is_counted(store):
    doc_id = next(i.id for i in store.list_documents(limit=50) if i.file == "don-4.pdf")
    add_correction(store, doc_id, "type", "complaint", "Nguyễn Thị Thu")
    table = count_documents(store, StatsQuery(period="year", by=("type",)))
    assert ("2022", "complaint", 1) in table.rows and ("2022", "recommendation", 1) not in table.rows


def test_unknown_dimension_is_refused(store):
    with pytest.raises(ValueError, match="cannot count by 'colour'"):
        count_documents(store, StatsQuery(by=("colour",)))


def test_csv_and_xlsx_cell_by_cell(store):
    table = count_documents(store, StatsQuery(period="year", by=("kind",)))
    rows = list(csv.reader(io.StringIO(to_csv(table))))
    assert rows[0] == ["period", "kind", "documents"]
    assert ["2021", "petition", "3"] in rows and ["2025", "decision", "1"] in rows
    book = load_workbook(io.BytesIO(to_xlsx(table)))
    sheet = book.active
    assert sheet["A1"].value == "Thống kê đơn thư"
    assert [c.value for c in sheet[2]] == ["period", "Loại văn bản (kind)", "documents"]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=2 + len(table.rows))]
    assert ["2021", "petition", 3] in body and ["2022", "petition", 2] in body
    last = [c.value for c in sheet[3 + len(table.rows)]]
    assert last[0] == "Tổng (total)" and last[-1] == 7


def test_cli_stats_writes_xlsx(store, tmp_path):
    out = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(tmp_path / "data"), "stats", "--by",
                          "type", "--period", "all", "--xlsx", str(tmp_path / "t.xlsx")], cwd=REPO,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "0 letters, 0 matters (register); 7 documents (archive, not in the register)" in out.stdout
    sheet = load_workbook(tmp_path / "t.xlsx")["archive"]  # no register here: every document is archive
    assert ["all", "complaint", 3] in [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
