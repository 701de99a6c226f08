"""The letter-processing report form (biểu tổng hợp kết quả xử lý đơn) filled from the register, as an XLSX
with one row per unit and the form's groups of columns.

Which form: the current reporting circular is 06/2025/TT-TTCP (it replaced 01/2024/TT-TTCP). Its text and
forms could not be found in this session (docs/statistics.md says what was searched). What was found is a
public copy of the earlier form **Biểu số 01/XLD "Tổng hợp kết quả xử lý đơn"** (the Government
Inspectorate's reporting regime before 2024); this module follows that form's structure — letters carried
over and received in the period by one / several / no named signer, letters processed, letters and matters
fit for processing (đủ điều kiện xử lý), their classification by content and by state of resolution, and the
results (within the body's competence, or not: guided, forwarded). It is labelled an **approximation** in
the workbook itself: the column numbers are this module's, not the circular's.

Columns the register cannot fill are left empty and listed under the table (`NOT_FILLED`): resolved "first
time / several times" (the register does not record earlier resolutions by other bodies), urging the
competent body (đôn đốc), and the written replies received after forwarding.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from records.register import book
from records.statistics import letters_in_scope
from records.store import Store

TITLE = "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN"
LABEL = ("Mẫu gần đúng (approximation) theo cấu trúc Biểu số 01/XLD; chưa đối chiếu được với biểu mẫu của "
         "Thông tư 06/2025/TT-TTCP — số thứ tự cột là của phần mềm, không phải của biểu mẫu")


@dataclass(frozen=True)
class Column:
    key: str
    group: str
    title: str
    fillable: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("total", "Tổng số đơn", "Tổng số đơn (= 2 + … + 7)"),
    Column("carried_one", "Kỳ trước chuyển sang", "Đơn một người đứng tên"),
    Column("carried_several", "Kỳ trước chuyển sang", "Đơn nhiều người đứng tên"),
    Column("carried_other", "Kỳ trước chuyển sang", "Đơn khác (không ghi người đứng tên)"),
    Column("received_one", "Tiếp nhận trong kỳ", "Đơn một người đứng tên"),
    Column("received_several", "Tiếp nhận trong kỳ", "Đơn nhiều người đứng tên"),
    Column("received_other", "Tiếp nhận trong kỳ", "Đơn khác (không ghi người đứng tên)"),
    Column("processed", "Đã xử lý", "Số đơn đã xử lý"),
    Column("fit_letters", "Đủ điều kiện xử lý", "Số đơn"),
    Column("fit_matters", "Đủ điều kiện xử lý", "Số vụ việc"),
    Column("content_complaint", "Phân loại theo nội dung", "Khiếu nại"),
    Column("content_denunciation", "Phân loại theo nội dung", "Tố cáo"),
    Column("content_recommendation", "Phân loại theo nội dung", "Kiến nghị, phản ánh"),
    Column("content_other", "Phân loại theo nội dung", "Khác (tranh chấp đất đai, …)"),
    Column("state_resolved", "Phân loại theo tình trạng giải quyết", book.STATUS_LABELS["resolved"]),
    Column("state_resolved_first", "Phân loại theo tình trạng giải quyết", "trong đó: lần đầu", False),
    Column("state_resolved_again", "Phân loại theo tình trạng giải quyết", "trong đó: nhiều lần", False),
    Column("state_resolving", "Phân loại theo tình trạng giải quyết", "Đang giải quyết"),
    Column("state_unresolved", "Phân loại theo tình trạng giải quyết", "Chưa giải quyết"),
    Column("competent_complaint", "Đơn thuộc thẩm quyền", "Khiếu nại"),
    Column("competent_denunciation", "Đơn thuộc thẩm quyền", "Tố cáo"),
    Column("competent_recommendation", "Đơn thuộc thẩm quyền", "Kiến nghị, phản ánh"),
    Column("competent_other", "Đơn thuộc thẩm quyền", "Khác"),
    Column("guided", "Đơn không thuộc thẩm quyền", "Hướng dẫn"),
    Column("forwarded", "Đơn không thuộc thẩm quyền", "Chuyển đơn"),
    Column("urged", "Đơn không thuộc thẩm quyền", "Đôn đốc giải quyết", False),
    Column("replies", "Đơn không thuộc thẩm quyền", "Số văn bản phúc đáp nhận được do chuyển đơn", False),
    Column("returned_filed", "Ngoài biểu (phần mềm)", "Trả lại đơn, lưu đơn"),
)
#: why a column stays empty
NOT_FILLED: dict[str, str] = {
    "state_resolved_first": "sổ không ghi việc đã được cơ quan khác giải quyết lần đầu hay nhiều lần",
    "state_resolved_again": "như trên",
    "urged": "sổ không ghi việc đôn đốc cơ quan có thẩm quyền",
    "replies": "sổ không ghi văn bản phúc đáp nhận được sau khi chuyển đơn",
}
_CONTENT = {"complaint": "complaint", "denunciation": "denunciation", "recommendation": "recommendation"}


@dataclass(frozen=True)
class FormRow:
    unit: str
    values: dict[str, int | None]


def _signers(entry: book.Entry) -> str:
    if not any((s.get("name") or "").strip() for s in entry.senders):
        return "other"
    return "several" if entry.sender_count > 1 else "one"


def fill_row(entries: list[book.Entry], unit: str, date_from: dt.date | None, date_to: dt.date) -> FormRow:
    """The form's row of one unit: letters carried over (received before `date_from`, not decided before it)
    and received within [`date_from`, `date_to`]; the rest of the columns over both."""
    v: dict[str, int | None] = {c.key: (0 if c.fillable else None) for c in COLUMNS}
    considered = []
    for e in entries:
        if e.received > date_to:
            continue
        if date_from is not None and e.received < date_from:
            if e.decision_date is not None and e.decision_date < date_from:
                continue  # processed in an earlier period
            v[f"carried_{_signers(e)}"] += 1
        else:
            v[f"received_{_signers(e)}"] += 1
        considered.append(e)
    v["total"] = sum(v[f"{w}_{s}"] for w in ("carried", "received") for s in ("one", "several", "other"))
    fit_matters = set()
    for e in considered:
        decided = e.decision_date is not None and e.decision_date <= date_to
        if decided:
            v["processed"] += 1
        if e.processable:
            v["fit_letters"] += 1
            fit_matters.add(e.matter_id)
            v["content_" + _CONTENT.get(e.type, "other")] += 1
            if e.status == "resolved":
                v["state_resolved"] += 1
            elif e.decision == "accept":
                v["state_resolving"] += 1
            else:
                v["state_unresolved"] += 1
        if decided:
            if e.decision == "accept":
                v["competent_" + _CONTENT.get(e.type, "other")] += 1
            elif e.decision == "guide":
                v["guided"] += 1
            elif e.decision == "forward":
                v["forwarded"] += 1
            elif e.decision in ("return", "file"):
                v["returned_filed"] += 1
    v["fit_matters"] = len(fit_matters)
    return FormRow(unit, v)


def fill(store: Store, *, date_from: dt.date | None, date_to: dt.date, scope: str | None = None,
         unit: str | None = None) -> list[FormRow]:
    """One row per register unit within `scope` (and `unit`), then the total row ("Tổng cộng")."""
    entries = letters_in_scope(store, scope, unit)
    units = sorted({e.unit for e in entries})
    rows = [fill_row([e for e in entries if e.unit == u], u, date_from, date_to) for u in units]
    total = fill_row(entries, "Tổng cộng", date_from, date_to)
    return [*rows, total]


def to_xlsx(rows: list[FormRow], *, date_from: dt.date | None, date_to: dt.date, body: str = "") -> bytes:
    """The form as an XLSX: title, period, the approximation label, two header rows (groups merged), the
    column numbers, one row per unit, the total, then the columns not filled and why."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "01-XLD"
    width = 2 + len(COLUMNS)
    ws.append([TITLE])
    ws.append([f"Số liệu tính từ ngày {date_from.strftime('%d/%m/%Y') if date_from else '…'} "
               f"đến ngày {date_to.strftime('%d/%m/%Y')}" + (f" — {body}" if body else "")])
    ws.append([LABEL])
    for r in (1, 2, 3):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    ws["A1"].font = Font(bold=True, size=13)
    ws["A3"].font = Font(italic=True, color="9C0006")
    groups = ["MS", "Đơn vị", *[c.group for c in COLUMNS]]
    ws.append(groups)
    ws.append(["", "", *[c.title for c in COLUMNS]])
    ws.append(["", "", *[str(i) for i in range(1, len(COLUMNS) + 1)]])
    # merge each run of one group in row 4; MS and Đơn vị span rows 4-5
    start = 3
    for i in range(3, width + 2):
        if i == width + 1 or groups[i - 1] != groups[start - 1]:
            if i - 1 > start:
                ws.merge_cells(start_row=4, start_column=start, end_row=4, end_column=i - 1)
            start = i
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    grey = PatternFill("solid", fgColor="DDDDDD")
    for r in (4, 5, 6):
        for cell in ws[r]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for i, row in enumerate(rows, start=1):
        last = i == len(rows)
        ws.append(["" if last else i, row.unit, *[row.values[c.key] for c in COLUMNS]])
        if last:
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
    for j, c in enumerate(COLUMNS, start=3):
        if not c.fillable:
            for r in range(7, ws.max_row + 1):
                ws.cell(row=r, column=j).fill = grey
    ws.append([])
    ws.append(["Các cột để trống (không có dữ liệu trong sổ):"])
    for j, c in enumerate(COLUMNS, start=1):
        if not c.fillable:
            ws.append([f"Cột {j} ({c.group}: {c.title}): {NOT_FILLED[c.key]}"])
    ws.column_dimensions["B"].width = 28
    for j in range(3, width + 1):
        ws.column_dimensions[get_column_letter(j)].width = 11
    ws.row_dimensions[5].height = 60
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_dict(rows: list[FormRow]) -> list[dict[str, Any]]:
    return [{"unit": r.unit, **r.values} for r in rows]
