"""Statistics for leaders (`Action.STATISTICS`; issue 18): the page `/thong-ke` with server-drawn SVG charts
(api.charts) and the numbers beside each, `GET /api/stats` (JSON, CSV, XLSX) and `GET /api/stats/form` (the
letter-processing report form as XLSX, records.report_form). All of them count through
`records.statistics.report` — the same function as `donthu stats` — limited to the caller's unit and the
units below it (another unit asked for: 403); every request is written to the audit trail.

Counts never name anyone: only the fixed dimensions of `records.statistics` are offered.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.auth import Caller, NotAllowed, audit_event, need
from api.charts import bar_chart, hbar_chart, line_chart
from api.routes.common import errors, services
from api.web import KIND_LABELS, TYPE_LABELS, _render
from donthu.access import Action, unit_contains
from records import report_form
from records.register.book import CHANNELS, DECISIONS, STATUS_LABELS, STATUSES
from records.statistics import (DEADLINE_STATES, DIMENSIONS, LETTER_DIMENSIONS, NEW_ADDRESS, NO_COMMUNE,
                                NO_DECISION, PERIODS, UNSURE_COMMUNE, StatsQuery, StatsReport, StatsTable, report,
                                report_to_xlsx, table_title, to_csv, to_xlsx)

router = APIRouter(tags=["statistics"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD_LABELS = {"month": "Tháng", "quarter": "Quý", "year": "Năm", "all": "Toàn bộ", "custom": "Tùy chọn (từ … đến …)"}
#: the register's one table of status labels (the register's pages and the report form show the same)
STATUS_NAMES = STATUS_LABELS
DEADLINE_NAMES = {"within": "Trong hạn", "past": "Quá hạn"}
DIMENSION_NAMES = {"type": "Loại đơn", "channel": "Kênh tiếp nhận", "status": "Trạng thái",
                   "decision": "Kết quả xử lý", "deadline": "Trong hạn / quá hạn", "land": "Liên quan đất đai",
                   "several_signers": "Nhiều người đứng đơn", "new_commune": "Xã/phường mới (từ 1/7/2025)",
                   "old_commune": "Xã, huyện cũ (trước 1/7/2025)", "unit": "Đơn vị", "kind": "Loại văn bản"}
SPECIAL = {NO_COMMUNE: "(không ghi)", UNSURE_COMMUNE: "(bị chia tách / chưa xác định)",
           NEW_ADDRESS: "(địa chỉ mới)", NO_DECISION: "(chưa có)"}
SHORT_COUNTS = {"letters": "Số đơn", "matters": "Số vụ việc", "documents": "Số hồ sơ", "period": "Kỳ"}


def value_label(dimension: str, value: Any) -> str:
    """How a counted value is shown on the page (the exports keep the codes)."""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if value in SPECIAL:
        return SPECIAL[value]
    names = {"type": TYPE_LABELS, "kind": KIND_LABELS, "channel": CHANNELS, "decision": DECISIONS,
             "status": STATUS_NAMES, "deadline": DEADLINE_NAMES}.get(dimension, {})
    return names.get(value, str(value))


def _bool(value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    if value in ("true", "1", "yes", "co"):
        return True
    if value in ("false", "0", "no", "khong"):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _day(value: str | None) -> dt.date | None:
    """YYYY-MM-DD (ValueError otherwise; numbers are not dates)."""
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"expected a date YYYY-MM-DD, got {value[:20]!r}")
    return dt.date.fromisoformat(value)


#: a date parameter of the API: YYYY-MM-DD as text (a number is not taken for a Unix time)
DateParam = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", max_length=10)]


def _api_day(value: str | None, name: str) -> dt.date | None:
    try:
        return _day(value)
    except ValueError:
        raise HTTPException(422, f"{name}: not a date (YYYY-MM-DD)") from None


def build_query(*, period: str = "year", by: list[str] | str | None = None, date_from: dt.date | None = None,
                date_to: dt.date | None = None, **filters: Any) -> StatsQuery:
    """A checked `StatsQuery` (ValueError with the reason otherwise): known period, dimensions and values."""
    if period not in PERIODS:
        raise ValueError(f"period: one of {', '.join(PERIODS)}")
    if isinstance(by, str):
        by = [by]
    dims = tuple(dict.fromkeys(d.strip() for item in (by or ["type"]) for d in item.split(",") if d.strip()))
    unknown = [d for d in dims if d not in LETTER_DIMENSIONS]
    if unknown:
        raise ValueError(f"by: cannot count by {', '.join(unknown)}; one of {', '.join(LETTER_DIMENSIONS)}")
    if len(dims) > 3:
        raise ValueError("by: at most three dimensions")
    if date_from and date_to and date_from > date_to:
        raise ValueError("from is after to")
    allowed = {"channel": CHANNELS, "status": STATUSES, "decision": (*DECISIONS, NO_DECISION),
               "deadline": DEADLINE_STATES, "type": TYPE_LABELS, "kind": KIND_LABELS}
    clean = {k: v for k, v in filters.items() if v not in (None, "")}
    for name, values in allowed.items():
        if name in clean and clean[name] not in values:
            raise ValueError(f"{name}: one of {', '.join(values)}")
    if clean.get("era", "new") not in ("new", "old"):
        raise ValueError("era: new or old")
    return StatsQuery(period=period, by=dims or ("type",), date_from=date_from, date_to=date_to,  # type: ignore[arg-type]
                      **clean)


def _compute(request: Request, caller: Caller, query: StatsQuery, page: bool) -> StatsReport:
    principal = caller.principal
    if query.unit and not unit_contains(principal.unit, query.unit):
        audit_event(request, "statistics", f"unit={query.unit}", result="refused")
        message = f"the unit {query.unit} is outside your unit"
        if page:
            raise NotAllowed(True, message)
        raise HTTPException(403, message)
    audit_event(request, "statistics", _terms(query))
    return report(services(request).store, query, caller.reader, scope=principal.unit)


def _terms(query: StatsQuery) -> str:
    skip = {"by"}
    parts = [f"by={','.join(query.by)}"]
    for name in StatsQuery.__dataclass_fields__:
        value = getattr(query, name)
        if name not in skip and value not in (None, "") and not (name == "era" and value == "new"):
            parts.append(f"{name}={value}")
    return " ".join(parts)


def _table_json(table: StatsTable) -> dict[str, Any]:
    return {"columns": list(table.columns), "rows": [list(r) for r in table.rows],
            "totals": list(table.totals or (table.total,))}


def _download(table: StatsTable, name: str, fmt: str) -> Response:
    filename = f"thong-ke-{name}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(to_csv(table).encode("utf-8-sig"), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(to_xlsx(table, table_title(name)), media_type=XLSX, headers=headers)


Fmt = Literal["json", "csv", "xlsx"]
TABLES_HELP = "by_period, by_<dimension> (each of `by`), cross, archive"


@router.get("/api/stats", summary="Counts of letters (register) and archive documents, as JSON, CSV or XLSX",
            responses={**errors(401, 403, 422), 200: {"content": {"application/json": {}, "text/csv": {},
                                                                 XLSX: {}}}})
def stats_api(
    request: Request,
    caller: Annotated[Caller, Depends(need(Action.STATISTICS))],
    period: Annotated[Literal["month", "quarter", "year", "all", "custom"], Query()] = "year",
    by: Annotated[str, Query(max_length=200, description="comma-separated: " + ", ".join(LETTER_DIMENSIONS))] = "type",
    date_from: Annotated[DateParam, Query(alias="from", description="received on or after")] = None,
    date_to: Annotated[DateParam, Query(alias="to", description="received on or before")] = None,
    type: Annotated[str | None, Query(max_length=40)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    channel: Annotated[str | None, Query(max_length=40, description=", ".join(CHANNELS))] = None,
    status: Annotated[str | None, Query(max_length=40, description=", ".join(STATUSES))] = None,
    decision: Annotated[str | None, Query(max_length=40, description=", ".join(DECISIONS))] = None,
    deadline: Annotated[Literal["within", "past"] | None, Query()] = None,
    land: Annotated[bool | None, Query()] = None,
    several_signers: Annotated[bool | None, Query()] = None,
    commune: Annotated[str | None, Query(max_length=200, description="a commune: new name or old label")] = None,
    era: Annotated[Literal["new", "old"], Query()] = "new",
    unit: Annotated[str | None, Query(max_length=300, description="a register unit within yours")] = None,
    as_of: Annotated[DateParam, Query(description="judge deadlines on this day (default today)")] = None,
    format: Annotated[Fmt, Query()] = "json",
    table: Annotated[str | None, Query(max_length=40, description=TABLES_HELP)] = None,
) -> Response:
    try:
        query = build_query(period=period, by=by, date_from=_api_day(date_from, "from"),
                            date_to=_api_day(date_to, "to"), type=type, kind=kind, channel=channel, status=status,
                            decision=decision, deadline=deadline, land=land, several_signers=several_signers,
                            commune=commune, era=era, unit=unit, as_of=_api_day(as_of, "as_of"))
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    result = _compute(request, caller, query, page=False)
    if table is not None and table not in result.tables:
        raise HTTPException(422, f"table: one of {', '.join(result.tables)}")
    if format == "json":
        return JSONResponse({
            "letters": result.letters, "matters": result.matters, "archive_documents": result.archive,
            "notes": list(result.notes),
            "tables": {name: _table_json(t) for name, t in result.tables.items() if table in (None, name)},
        })
    if format == "csv" or table is not None:
        return _download(result.tables[table or "cross"], table or "cross", format)
    return Response(report_to_xlsx(result), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="thong-ke.xlsx"'})


@router.get("/api/stats/form", summary="The letter-processing report form (approximation of Biểu 01/XLD) as XLSX",
            responses={**errors(401, 403, 422), 200: {"content": {XLSX: {}, "application/json": {}}}})
def stats_form(
    request: Request,
    caller: Annotated[Caller, Depends(need(Action.STATISTICS))],
    date_from: Annotated[DateParam, Query(alias="from", description="first day of the period")] = None,
    date_to: Annotated[DateParam, Query(alias="to", description="last day (default today)")] = None,
    unit: Annotated[str | None, Query(max_length=300)] = None,
    format: Annotated[Literal["xlsx", "json"], Query()] = "xlsx",
) -> Response:
    start, end = _api_day(date_from, "from"), _api_day(date_to, "to") or dt.date.today()
    if start and start > end:
        raise HTTPException(422, "from is after to")
    principal = caller.principal
    if unit and not unit_contains(principal.unit, unit):
        audit_event(request, "statistics_form", f"unit={unit}", result="refused")
        raise HTTPException(403, f"the unit {unit} is outside your unit")
    audit_event(request, "statistics_form", f"from={start or ''} to={end} unit={unit or ''}")
    rows = report_form.fill(services(request).store, date_from=start, date_to=end, scope=principal.unit,
                            unit=unit)
    if format == "json":
        return JSONResponse({"rows": report_form.as_dict(rows), "label": report_form.LABEL})
    body = unit or principal.unit or "toàn tỉnh"
    return Response(report_form.to_xlsx(rows, date_from=start, date_to=end, body=body), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="bieu-xu-ly-don.xlsx"'})


# ------------------------------------------------------------------------------------------------ page
def _chart_rows(table: StatsTable, dimension: str) -> list[dict[str, Any]]:
    return [{"label": value_label(dimension, row[0]), "values": row[1:]} for row in table.rows]


@router.get("/thong-ke", response_class=HTMLResponse, include_in_schema=False)
def stats_page(request: Request, caller: Caller = Depends(need(Action.STATISTICS, page=True))) -> HTMLResponse:
    params = request.query_params
    form = {k: params.get(k, "") for k in ("period", "from", "to", "type", "kind", "channel", "status",
                                           "decision", "deadline", "land", "several_signers", "commune", "era",
                                           "unit", "as_of")}
    form["by"] = params.getlist("by") or ["type"]
    error = ""
    try:
        query = build_query(period=form["period"] or "year", by=form["by"], date_from=_day(form["from"]),
                            date_to=_day(form["to"]), type=form["type"], kind=form["kind"],
                            channel=form["channel"], status=form["status"], decision=form["decision"],
                            deadline=form["deadline"], land=_bool(form["land"]),
                            several_signers=_bool(form["several_signers"]), commune=form["commune"][:200],
                            era=form["era"] or "new", unit=form["unit"][:300], as_of=_day(form["as_of"]))
    except ValueError as exc:
        error = str(exc)
        query = StatsQuery()
    result = _compute(request, caller, query, page=True)
    api_params = [(k, v) for k, v in ((k, form[k]) for k in form if k != "by") if v]
    api_params.append(("by", ",".join(query.by)))
    base = urlencode(api_params)
    sections = []
    by_period = result.tables["by_period"]
    labels = [str(r[0]) for r in by_period.rows]
    sections.append({
        "name": "by_period", "open": True, "title": "Đơn theo kỳ (đơn trùng đã xác nhận tính một vụ việc)",
        "chart": line_chart(labels, {"Số đơn": [r[1] for r in by_period.rows],
                                     "Số vụ việc": [r[2] for r in by_period.rows]}, "Số đơn và số vụ việc theo kỳ"),
        "table": by_period, "labels": [[lbl] for lbl in labels]})
    for dimension in query.by:
        t = result.tables[f"by_{dimension}"]
        shown = [value_label(dimension, r[0]) for r in t.rows]
        sections.append({
            "name": f"by_{dimension}", "open": True, "title": f"Theo {DIMENSION_NAMES.get(dimension, dimension).lower()}",
            "chart": hbar_chart(shown, [r[2] for r in t.rows],
                               f"Số vụ việc theo {DIMENSION_NAMES.get(dimension, dimension).lower()}"),
            "table": t, "labels": [[s] for s in shown]})
    cross = result.tables["cross"]
    sections.append({"name": "cross", "open": len(cross.rows) <= 15, "title": "Theo kỳ và các tiêu chí đã chọn", "chart": None, "table": cross,
                     "labels": [[str(r[0]), *(value_label(d, v) for d, v in zip(query.by, r[1:]))]
                                for r in cross.rows]})
    archive = result.tables["archive"]
    archive_dims = [c for c in archive.columns[1:-1]]
    archive_periods: dict[str, int] = {}
    for r in archive.rows:
        archive_periods[str(r[0])] = archive_periods.get(str(r[0]), 0) + r[-1]
    sections.append({
        "name": "archive", "open": True, "title": "Hồ sơ lưu trữ không phải đơn trong sổ (đếm riêng)",
        "chart": bar_chart(list(archive_periods), list(archive_periods.values()), "Hồ sơ lưu trữ theo kỳ")
        if archive_periods else None,
        "table": archive,
        "labels": [[str(r[0]), *(value_label(d, v) for d, v in zip(archive_dims, r[1:]))] for r in archive.rows]})
    return _render(request, "stats.html", {
        "result": result, "query": query, "form": form, "error": error, "sections": sections, "base": base,
        "PERIOD_LABELS": PERIOD_LABELS, "DIMENSION_NAMES": DIMENSION_NAMES, "LETTER_DIMENSIONS": LETTER_DIMENSIONS,
        "CHANNELS": CHANNELS, "DECISIONS": DECISIONS, "STATUS_NAMES": STATUS_NAMES,
        "DEADLINE_NAMES": DEADLINE_NAMES, "SHORT_COUNTS": SHORT_COUNTS, "column_name": _column_name,
        "form_link": urlencode([(k, v) for k, v in (("from", form["from"]), ("to", form["to"]),
                                                     ("unit", form["unit"])) if v]),
        "documents_dimensions": DIMENSIONS,
    })


def _column_name(column: str) -> str:
    return SHORT_COUNTS.get(column) or DIMENSION_NAMES.get(column, column)
