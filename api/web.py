"""Web pages for clerks (Vietnamese), served by the same FastAPI app: `create_app` includes `router`.

Pages (server-rendered Jinja2, a few lines of vanilla JS):
- `/`              Tiếp nhận — upload scans, follow their processing, a card per letter, corrections
- `/tra-cuu`       Tra cứu — one query box, filters with facet counts, ranked hits with snippets
- `/van-ban/{id}`  the document: page image with the matched words boxed on it, text, fields, original
- `/luu-tru`       Lưu trữ — batches with live progress, failed files with retry, review queue (including
                   handwritten pages, "cần nhập tay")
- `/nhap-tay/{id}/{n}` a handwritten page's image beside a form where a clerk types its text (records.typed)

Uploads go to the API's own `POST /documents` from the browser; pages read the store and the search
backend through `app.state.services` (see `api.app.Services`). Records are read through `records.read` as the
logged-in person sees them (their units only; corrections applied, as everywhere); a correction is stored and
re-indexed by `ingest.indexing.correct`, signed by the logged-in user. Every page but `/static` declares the
`donthu.access.Action` it needs (`api.auth.need(..., page=True)`: anonymous → the login page, a role without it
→ 403); every form carries the session's CSRF token (`csrf`), and reads, searches, corrections, typed pages and
retries are written to the audit trail.
"""

from __future__ import annotations

import html
import logging
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy import select

from api.models import MAX_QUERY_CHARS
from api.auth import Caller, audit_event, csrf_token, need
from api.reasons import in_vietnamese
from donthu.access import Action
from donthu.schema import KINDS, ROLES, TYPES, Parcel, Party, Record
from donthu.text import fold, neutral, nfc
from records.corrections import CorrectionError, Correction, corrections_for
from api.readers import request_reader
from records.confidential import cleared, identity_of, identity_word_indices, restore_masked_parties
from records.read import (Reader, count_documents, documents_sharing, list_documents as read_list,
                          read_document, reader_unit, visible_ids)
from records.redaction import needs_redaction
from records.typed import TypingError, add_typed, pages_to_type

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=str(HERE / "templates"))

router = APIRouter(include_in_schema=False)

#: Vietnam has no daylight saving time
VN_TIME = timezone(timedelta(hours=7), "ICT")
FLASH_COOKIE = "donthu_thong_bao"
#: OCR pages below this mean word confidence go to the review queue
REVIEW_THRESHOLD = 70.0
PER_PAGE = 10

TYPE_LABELS: dict[str, str] = {
    "complaint": "Khiếu nại",
    "denunciation": "Tố cáo",
    "recommendation": "Kiến nghị, phản ánh",
    "land_dispute": "Tranh chấp đất đai",
    "unknown": "Chưa xác định",
}
KIND_LABELS: dict[str, str] = {
    "petition": "Đơn",
    "decision": "Quyết định",
    "conclusion": "Kết luận",
    "notice": "Thông báo",
    "minutes": "Biên bản",
    "other": "Văn bản khác",
}
ROLE_LABELS: dict[str, str] = {
    "complainant": "Người khiếu nại",
    "denouncer": "Người tố cáo",
    "petitioner": "Người kiến nghị, phản ánh",
    "subject": "Người bị khiếu nại, tố cáo",
    "disputant": "Bên tranh chấp",
    "representative": "Người đại diện",
    "related": "Người có quyền lợi liên quan",
}
STATUS_LABELS: dict[str, str] = {
    "queued": "Đang chờ xử lý",
    "processing": "Đang xử lý",
    "done": "Đã xử lý xong",
    "failed": "Không xử lý được",
    "skipped": "Đã có, bỏ qua",
}
FIELD_LABELS: dict[str, str] = {"type": "loại đơn", "parties": "đương sự", "parcels": "thửa đất"}
SOURCE_LABELS: dict[str, str] = {"ocr": "nhận dạng ảnh", "text": "lớp chữ PDF", "typed": "nhập tay"}
#: which reading of an OCR page was kept (ocr.page's paths), in the clerk's words; "clean" is the usual one
OCR_PATH_LABELS: dict[str, str] = {
    "clean, turned 180°": "đọc lại sau khi xoay 180°",
    "clean, turned 90°": "đọc lại sau khi xoay 90°",
    "clean, turned 270°": "đọc lại sau khi xoay 270°",
    "original": "đọc lại từ ảnh gốc, không làm sạch",
    "original, enlarged": "đọc lại từ ảnh gốc phóng to",
}
#: ocr.page.FLATTENED: any of those readings re-made from the page's gray tones with its background flattened
OCR_PATH_LABELS |= {path + ", gray, background flattened": label + ", ảnh xám đã làm phẳng nền"
                    for path, label in OCR_PATH_LABELS.items()}
OCR_PATH_LABELS["clean, gray, background flattened"] = "đọc lại ảnh xám đã làm phẳng nền"
#: the roles of donthu.access in the staff's words
ROLE_NAMES: dict[str, str] = {
    "intake": "Cán bộ tiếp công dân",
    "officer": "Chuyên viên xử lý đơn",
    "leader": "Lãnh đạo",
    "archivist": "Lưu trữ",
    "verifier": "Tổ xác minh",
    "admin": "Quản trị",
}
FACET_LABELS: dict[str, str] = {
    "type": "Loại đơn", "kind": "Loại văn bản", "district": "Huyện", "commune": "Xã", "year": "Năm",
}


# ------------------------------------------------------------------------------------------------ helpers
def _services(request: Request) -> Any:
    return request.app.state.services


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(VN_TIME).strftime("%H:%M %d/%m/%Y")


def iso_local_time(value: str | None) -> str:
    """An ISO 8601 timestamp (a typed page's `typed_at`) in Vietnam time."""
    try:
        return local_time(datetime.fromisoformat(value)) if value else ""
    except ValueError:
        return value or ""


def vn_date(value: str | None) -> str:
    """YYYY-MM-DD → DD/MM/YYYY."""
    if not value or len(value) < 10:
        return value or ""
    return f"{value[8:10]}/{value[5:7]}/{value[:4]}"


def area(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",") + " m²"


def vn_count(value: int, approximate: bool = False) -> str:
    """A number of documents with the Vietnamese thousands separator ('.'): 12345 → "12.345"; an estimate
    (`SearchResults.approximate`) is rounded to three significant digits, 12345 → "12.300", so that it does not
    look exact (the page puts "khoảng" or "~" before it)."""
    if approximate and value >= 1000:
        step = 10 ** (len(str(value)) - 3)
        value = (value + step // 2) // step * step
    return f"{value:,}".replace(",", ".")


def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def _input_number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _safe_next(value: str | None, default: str) -> str:
    """A local path to go back to (never another site)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def _flash(response: Response, message: str, kind: str = "ok") -> None:
    response.set_cookie(FLASH_COOKIE, quote(f"{kind}|{message}"), max_age=60, httponly=True, samesite="lax")


def _caller(request: Request) -> Caller | None:
    return getattr(request.state, "caller", None)


def _render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    flash = unquote(request.cookies.get(FLASH_COOKIE, ""))
    kind, _, message = flash.partition("|")
    caller = _caller(request)
    principal = caller.principal if caller else None
    csrf = ""
    if caller is not None and caller.session is not None:
        csrf = csrf_token(request.app.state.services.secret, caller.session.nonce)
    context = {
        "flash": message or None,
        "flash_kind": kind or "ok",
        "who": principal.username if principal else "",
        "user": principal,
        "csrf": csrf,
        "may": (lambda action: principal is not None and principal.may(Action(action))),
        "path": request.url.path,
        **context,
    }
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if flash:
        response.delete_cookie(FLASH_COOKIE)
    return response


def _not_found(request: Request, what: str) -> HTMLResponse:
    return _render(request, "404.html", {"what": what}, status_code=404)


def _parse_id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None


templates.env.globals.update(
    TYPE_LABELS=TYPE_LABELS,
    KIND_LABELS=KIND_LABELS,
    ROLE_LABELS=ROLE_LABELS,
    STATUS_LABELS=STATUS_LABELS,
    FIELD_LABELS=FIELD_LABELS,
    SOURCE_LABELS=SOURCE_LABELS,
    OCR_PATH_LABELS=OCR_PATH_LABELS,
    FACET_LABELS=FACET_LABELS,
    ROLE_NAMES=ROLE_NAMES,
    TYPES=TYPES,
    KINDS=KINDS,
    ROLES=ROLES,
)


def _shown(value: Any) -> Any:
    """Every `{{ ... }}` of every template goes through this (Jinja's finalize): hidden control characters
    (a right-to-left override in a file name, ...) are shown as U+FFFD."""
    if isinstance(value, Markup):
        return Markup(neutral(str(value)))
    return neutral(value) if isinstance(value, str) else value


templates.env.finalize = _shown
templates.env.filters.update(
    local_time=local_time, iso_local_time=iso_local_time, vn_date=vn_date, area=area, percent=percent,
    vn_count=vn_count, input_number=_input_number, vi_reason=in_vietnamese,
)


# ---------------------------------------------------------------------------------------- query matching
def _parsed(q: str | None) -> Any:
    from search.analysis import parse_query

    return parse_query(q or "")


def marked_text(text: str, parsed: Any) -> Markup:
    """`text` escaped, the words the query matches (compared without diacritics) in <mark>."""
    from search.analysis import matched_tokens, token_spans

    text = nfc(text or "")
    if parsed is None or parsed.empty:
        return Markup(html.escape(text))
    spans = token_spans(text)
    marks = matched_tokens([fold(text[s:e]) for s, e in spans], parsed)
    out: list[str] = []
    cursor = 0
    for i in sorted(marks):
        start, end = spans[i]
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:]))
    return Markup("".join(out))


def matched_words(words: list[Any], parsed: Any) -> list[int]:
    """Indices of the OCR words the query matches (phrases may run over several words)."""
    from search.analysis import TOKEN, matched_tokens

    if parsed is None or parsed.empty:
        return []
    tokens: list[str] = []
    owner: list[int] = []
    for i, word in enumerate(words):
        for token in TOKEN.findall(fold(word.text or "")):
            tokens.append(token)
            owner.append(i)
    return sorted({owner[k] for k in matched_tokens(tokens, parsed)})


@dataclass
class Box:
    left: float
    top: float
    width: float
    height: float
    text: str


def hit_boxes(words: list[Any], hits: list[int], width: int, height: int) -> list[Box]:
    """The matched words' boxes as percentages of the page image (drawn over the scaled <img>)."""
    if not width or not height:
        return []
    pad = 0.25  # a little margin around each word, in percent
    boxes = []
    for i in hits:
        w = words[i]
        boxes.append(Box(
            left=max(0.0, w.left / width * 100 - pad),
            top=max(0.0, w.top / height * 100 - pad),
            width=w.width / width * 100 + 2 * pad,
            height=w.height / height * 100 + 2 * pad,
            text=w.text,
        ))
    return boxes


# ------------------------------------------------------------------------------------------- the cards
@dataclass
class Card:
    """What a document's card (intake, document view) shows."""

    id: int
    file: str
    status: str
    error: str | None
    pages_done: int
    pages_total: int
    created_at: datetime
    record: Record | None = None
    corrections: list[Correction] = field(default_factory=list)
    corrected: dict[str, Correction] = field(default_factory=dict)
    sharing: list[tuple[int, str, list[str]]] = field(default_factory=list)
    mime: str | None = None


def _shared_label(text: str) -> str:
    what, _, value = text.partition(": ")
    return {"party": "Đương sự", "parcel": "Thửa"}.get(what, what) + ": " + value


def build_card(services: Any, info: Any, reader: Reader) -> Card:
    """The card of a document `reader` may see (documents sharing a party or parcel: only those they may see
    too)."""
    store = services.store
    items = corrections_for(store, info.id)  # the history shown beside the fields
    record = info.record  # read through records.read: corrections applied
    latest: dict[str, Correction] = {}
    for item in items:
        latest[item.field] = item
    sharing = []
    if info.status == "done":
        found = documents_sharing(store, info.id, reader)  # not through a denouncer the reader may not see
        visible = visible_ids(store, [shared.document_id for shared in found], reader)
        for shared in found:
            if shared.document_id not in visible:
                continue
            sharing.append((shared.document_id, shared.file, [_shared_label(s) for s in shared.shared]))
    return Card(
        id=info.id,
        file=info.file,
        status=info.status,
        error=info.error,
        pages_done=info.pages_done,
        pages_total=info.pages_total,
        created_at=info.created_at,
        record=record,
        corrections=items,
        corrected=latest,
        sharing=sharing,
        mime=info.mime,
    )


# ---------------------------------------------------------------------------------------------- routes
@router.get("/static/{name}")
def static(name: str) -> Response:
    path = STATIC_DIR / name
    if "/" in name or name.startswith(".") or not path.is_file():
        return Response("not found", status_code=404)
    return FileResponse(path, headers={"Cache-Control": "no-cache"})


PAGE_READ = Depends(need(Action.READ, page=True))
PAGE_SEARCH = Depends(need(Action.SEARCH, page=True))
PAGE_CORRECT = Depends(need(Action.CORRECT, page=True))
PAGE_UPLOAD = Depends(need(Action.UPLOAD, page=True))


@router.get("/", response_class=HTMLResponse)
def intake(request: Request, docs: str = "", caller: Caller = PAGE_READ) -> HTMLResponse:
    """Tiếp nhận: the upload zone (for roles that may upload); `?docs=1,2` shows those documents' cards
    (kept after a correction)."""
    services = _services(request)
    reader = caller.reader
    cards = []
    for part in docs.split(","):
        doc_id = _parse_id(part.strip())
        info = read_document(services.store, doc_id, reader) if doc_id else None
        if info is not None:
            cards.append(build_card(services, info, reader))
    recent = read_list(services.store, reader, limit=8)
    today = datetime.now(VN_TIME).strftime("%d/%m/%Y")
    return _render(request, "intake.html", {
        "cards": cards,
        "recent": recent,
        "batch_label": f"Tiếp nhận {today}",
        "docs": ",".join(str(c.id) for c in cards),
    })


@router.get("/the/{document_id}", response_class=HTMLResponse)
def card_fragment(request: Request, document_id: str, next: str = "/", trung: str = "",
                  caller: Caller = PAGE_READ) -> HTMLResponse:
    """One card (HTML fragment) — the intake page inserts it once the document is processed."""
    services = _services(request)
    doc_id = _parse_id(document_id)
    info = read_document(services.store, doc_id, caller.reader) if doc_id else None
    if info is None:
        return HTMLResponse('<p class="error">Không tìm thấy văn bản.</p>', status_code=404)
    audit_event(request, "read", f"document {doc_id}")
    return _render(request, "_card_fragment.html", {
        "card": build_card(services, info, caller.reader), "next": _safe_next(next, "/"), "duplicate": bool(trung),
    })


@router.post("/van-ban/{document_id}/sua")
async def correct(request: Request, document_id: str, caller: Caller = PAGE_CORRECT) -> Response:
    """Store the fields a clerk changed in the correction form (type, parties, parcels), signed by the
    logged-in user."""
    services = _services(request)
    form = await request.form()
    doc_id = _parse_id(document_id)
    next_url = _safe_next(str(form.get("next") or ""), f"/van-ban/{document_id}")
    info = read_document(services.store, doc_id, caller.reader) if doc_id else None
    if info is None or not caller.principal.may_on(Action.CORRECT, info.unit):
        return _not_found(request, f"văn bản số {document_id}")
    who = caller.principal.username
    response = RedirectResponse(f"{next_url}#van-ban-{doc_id}", status_code=303)
    if info.record is None:
        _flash(response, "Văn bản chưa xử lý xong, chưa sửa được.", "error")
        return response
    from ingest.indexing import correct as store_corrections

    reader = request_reader(request)
    try:
        changes = _changes(form, info.record)
        if not cleared(reader.principal):  # the form showed masked parties: keep the stored identity
            stored = read_document(services.store, doc_id).record
            changes = [(field, restore_masked_parties(value, stored) if field == "parties" else value)
                       for field, value in changes]
        store_corrections(services.store, services.backend, doc_id, changes, who)
    except CorrectionError as exc:
        audit_event(request, "correct", f"document {doc_id}", "refused")
        _flash(response, f"Chưa lưu: {exc}", "error")
        return response
    if not changes:
        _flash(response, "Không có gì thay đổi.")
        return response
    audit_event(request, "correct", f"document {doc_id} " + ",".join(n for n, _ in changes))
    names = ", ".join(FIELD_LABELS[n] for n, _ in changes)
    _flash(response, f"Đã lưu sửa {names} của văn bản số {doc_id} (người sửa: {who}).")
    return response


def _rows(form: Any, prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    columns = [form.getlist(f"{prefix}_{n}") for n in names]
    count = max((len(c) for c in columns), default=0)
    rows = []
    for i in range(count):
        rows.append({n: nfc(str(c[i])).strip() if i < len(c) else "" for n, c in zip(names, columns)})
    return rows


def _number(text: str) -> float | None:
    text = text.replace(" ", "").replace("\u202f", "").replace("m²", "").replace("m2", "")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        value = float(text)
    except ValueError as exc:
        raise CorrectionError(f"diện tích không phải là số: {text!r}") from exc
    if not math.isfinite(value) or value < 0:
        raise CorrectionError(f"diện tích không hợp lệ: {text!r}")
    return value


def _changes(form: Any, current: Record) -> list[tuple[str, Any]]:
    changes: list[tuple[str, Any]] = []
    new_type = str(form.get("type") or "")
    if new_type and new_type != current.type:
        changes.append(("type", new_type))
    if "party_name" in form:
        parties = []
        for row in _rows(form, "party", ("name", "role", "id_number", "address")):
            if not row["name"]:
                continue
            if row["role"] not in ROLES:
                raise CorrectionError(f"vai trò không hợp lệ cho {row['name']}")
            parties.append(Party(name=row["name"], role=row["role"], id_number=row["id_number"] or None,
                                 address=row["address"] or None))
        if [p.model_dump() for p in parties] != [p.model_dump() for p in current.parties]:
            changes.append(("parties", [p.model_dump() for p in parties]))
    if "parcel_no" in form:
        parcels = []
        names = ("no", "sheet", "area", "use", "commune", "district", "province")
        for row in _rows(form, "parcel", names):
            if not row["no"]:
                if any(row[n] for n in names if n != "province"):
                    raise CorrectionError("mỗi thửa đất cần có số thửa")
                continue
            area_m2 = _number(row["area"])
            # the area as written ("3 công") stays with the parcel while the clerk leaves its m² as it was
            was = next((p for p in current.parcels if (p.parcel_no, p.map_sheet) == (row["no"], row["sheet"] or None)
                        and p.area_m2 == area_m2), None)
            parcels.append(Parcel(
                parcel_no=row["no"], map_sheet=row["sheet"] or None, area_m2=area_m2,
                area_text=was.area_text if was else None, area_value=was.area_value if was else None,
                area_unit=was.area_unit if was else None,
                land_use=row["use"] or None, commune=row["commune"] or None,
                district=row["district"] or None, province=row["province"] or None,
            ))
        if [p.model_dump() for p in parcels] != [p.model_dump() for p in current.parcels]:
            changes.append(("parcels", [p.model_dump() for p in parcels]))
    return changes


@router.post("/van-ban/{document_id}/thu-lai")
async def retry(request: Request, document_id: str, caller: Caller = PAGE_UPLOAD) -> Response:
    """Hand a failed document to the app's worker pool again."""
    services = _services(request)
    form = await request.form()
    next_url = _safe_next(str(form.get("next") or ""), "/luu-tru")
    doc_id = _parse_id(document_id)
    info = read_document(services.store, doc_id, caller.reader) if doc_id else None
    if info is None:
        return _not_found(request, f"văn bản số {document_id}")
    response = RedirectResponse(next_url, status_code=303)
    if info.status != "failed":
        _flash(response, f"Văn bản số {doc_id} không ở trạng thái lỗi ({STATUS_LABELS.get(info.status, info.status)}).")
        return response
    if services.submit is None:
        _flash(response, "Chưa có bộ xử lý đang chạy; văn bản sẽ được xử lý khi dịch vụ khởi động lại.", "error")
        return response
    try:
        services.submit(doc_id)
    except Exception:  # noqa: BLE001
        log.exception("could not submit document %s again", doc_id)
        _flash(response, f"Không gửi lại được văn bản số {doc_id}.", "error")
        return response
    audit_event(request, "retry", f"document {doc_id}")
    _flash(response, f"Đã gửi xử lý lại: {info.file} (văn bản số {doc_id}).")
    return response


# ------------------------------------------------------------------------------------------------ search
def _int_param(value: str | None, low: int, high: int) -> int | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(text)
    return int(text)


@router.get("/tra-cuu", response_class=HTMLResponse)
def search_page(request: Request, caller: Caller = PAGE_SEARCH) -> HTMLResponse:
    from search.backend import SearchQuery

    params = {k: nfc(v).strip() for k, v in request.query_params.items() if k in (
        "q", "type", "kind", "district", "commune", "parcel", "from", "to")}
    params = {k: v for k, v in params.items() if v}
    errors = []
    if params.get("type") not in (None, *TYPES):
        errors.append(f"Loại đơn không hợp lệ: {params.pop('type')}")
    if params.get("kind") not in (None, *KINDS):
        errors.append(f"Loại văn bản không hợp lệ: {params.pop('kind')}")
    limit = _services(request).settings.max_query_words
    if len(params.get("q", "")) > MAX_QUERY_CHARS or len(params.get("q", "").split()) > limit:
        params.pop("q")
        errors.append(f"Câu tìm quá dài (tối đa {limit} từ, {MAX_QUERY_CHARS} ký tự).")
    for name in ("commune", "district", "parcel"):
        if len(params.get(name, "")) > 200:
            errors.append(f"Giá trị lọc quá dài: {params.pop(name)[:40]}…")
    years = {}
    for name in ("from", "to"):
        try:
            years[name] = _int_param(params.get(name), 1900, 2100)
        except ValueError:
            errors.append(f"Năm không hợp lệ: {params.pop(name)} (từ 1900 đến 2100)")
            years[name] = None
    if years["from"] and years["to"] and years["from"] > years["to"]:
        errors.append(f"“Từ năm” ({years['from']}) phải trước “đến năm” ({years['to']}).")
        years = {"from": None, "to": None}
    try:
        page = max(1, min(10_000, int(request.query_params.get("trang", "1"))))
    except ValueError:
        page = 1
    searched = bool(params)
    results = None
    if searched:
        query = SearchQuery(
            text=params.get("q", ""),
            type=params.get("type"),
            kind=params.get("kind"),
            commune=params.get("commune"),
            district=params.get("district"),
            parcel=params.get("parcel"),
            year_from=years["from"],
            year_to=years["to"],
            limit=PER_PAGE,
            offset=(page - 1) * PER_PAGE,
            unit=reader_unit(caller.reader),
            cleared=cleared(caller.principal),
        )
        audit_event(request, "search", " ".join(f"{k}={v}" for k, v in sorted(params.items()))
                    + (f" page={page}" if page > 1 else ""))
        results = _services(request).backend().search(query)
    pages = max(1, math.ceil(results.total / PER_PAGE)) if results else 1

    def url(**changes: Any) -> str:
        merged = {**params, **{k: v for k, v in changes.items() if k != "trang"}}
        merged = {k: v for k, v in merged.items() if v not in (None, "")}
        if changes.get("trang", 1) != 1:
            merged["trang"] = changes["trang"]
        return "/tra-cuu" + ("?" + urlencode(merged) if merged else "")

    return _render(request, "search.html", {
        "params": params,
        "errors": errors,
        "searched": searched,
        "results": results,
        "page": page,
        "pages": pages,
        "page_window": [p for p in range(max(1, page - 3), min(pages, page + 3) + 1)],
        "url": url,
        "q": params.get("q", ""),
        "per_page": PER_PAGE,
    })


# --------------------------------------------------------------------------------------- document view
@router.get("/van-ban/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: str, page: str = "1", q: str = "",
                  caller: Caller = PAGE_READ) -> HTMLResponse:
    services = _services(request)
    doc_id = _parse_id(document_id)
    info = read_document(services.store, doc_id, caller.reader) if doc_id else None
    if info is None:
        return _not_found(request, f"văn bản số {document_id}")
    audit_event(request, "read", f"document {doc_id} page {page}" + (f" q={q}" if q else ""))
    reader = caller.reader
    card = build_card(services, info, reader)
    total = info.pages_total or (len(info.record.pages) if info.record else 0)
    number = int(page) if page.isdigit() else 1
    number = max(1, min(number, total or 1))
    parsed = _parsed(q)
    page_info = services.store.page(info.id, number) if info.status == "done" else None
    words = services.store.page_words(info.id, number) if page_info else []
    system = read_document(services.store, info.id).record if info.record is not None else None
    masked = needs_redaction(system, reader)
    if masked:  # no box may show where a searched name is; the page's text is the masked record's
        hidden = identity_word_indices([w.text for w in words], identity_of(system),
                                       [(w.block, w.line) for w in words])
        words = [w for i, w in enumerate(words) if i not in hidden]
    hits = matched_words(words, parsed)
    boxes = hit_boxes(words, hits, page_info.width, page_info.height) if page_info else []
    shown = next((p for p in card.record.pages if p.number == number), None) if card.record else None
    text = shown.text if shown is not None and (shown.source == "typed" or masked) \
        else (page_info.text if page_info else "")
    if not text and shown is not None:
        text = shown.text
    matched_pages: list[int] = []
    if card.record and not parsed.empty:
        matched_pages = [p.number for p in card.record.pages if "<mark>" in marked_text(p.text, parsed)]
    confidence = page_info.confidence if page_info else None
    return _render(request, "document.html", {
        "card": card,
        "dossier_id": info.dossier_id,
        "number": number,
        "total": total,
        "q": q,
        "boxes": boxes,
        "text": marked_text(text, parsed),
        "matched_pages": matched_pages,
        "page_info": page_info,
        "shown": shown,
        "confidence": confidence,
        # a denunciation's original is refused to a reader without clearance: no link to a 403
        "original_allowed": not masked and caller.principal.may(Action.READ_ORIGINAL),
        "next": str(request.url.path) + ("?" + str(request.url.query) if request.url.query else ""),
        "page_url": lambda n: f"/van-ban/{info.id}?" + urlencode({"page": n, **({"q": q} if q else {})}),
    })


# ------------------------------------------------------------------------------------------------ dossiers
PAGE_EDIT_ARCHIVAL = Depends(need(Action.EDIT_ARCHIVAL, page=True))


@router.get("/ho-so/{dossier_id}", response_class=HTMLResponse)
def dossier_page(request: Request, dossier_id: str, caller: Caller = PAGE_READ) -> HTMLResponse:
    """A dossier (hồ sơ lưu trữ): its archival metadata (Circular 05/2025/TT-BNV, records.archival), its
    documents in order, the PDF/A download and, for archivists, the form that edits the fields."""
    from records import archival

    services = _services(request)
    doc_id = _parse_id(dossier_id)
    try:
        readings = archival.dossier_readings(services.store, doc_id, caller.reader) if doc_id else []
        meta = archival.dossier_metadata(services.store, doc_id, caller.reader, readings=readings) if doc_id else None
        docs = [(order, r.info) for order, r in readings]
    except LookupError:
        meta = None
    except archival.NotAllowed:
        audit_event(request, "read", f"dossier {dossier_id} archival metadata", "denied")
        return _render(request, "403.html", {"message": "Hồ sơ có mức độ tiếp cận hạn chế."}, status_code=403)
    if meta is None:
        return _not_found(request, f"hồ sơ số {dossier_id}")
    audit_event(request, "read", f"dossier {doc_id} archival metadata")
    from records.register.read import read_dossier_letters

    letters = read_dossier_letters(services.store.engine, doc_id, caller.reader)  # the register's, if any
    return _render(request, "dossier.html", {
        "meta": meta, "documents": docs, "ACCESS_NAMES": archival.ACCESS_NAMES, "letters": letters,
        "ACCESS_LEVELS": ("open", "restricted"), "form_value": _form_value,
    })


def _form_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


@router.post("/ho-so/{dossier_id}/sua")
async def edit_dossier(request: Request, dossier_id: str, caller: Caller = PAGE_EDIT_ARCHIVAL) -> Response:
    """The archivist's form: every field posted replaces what donthu derived ("" gives it back)."""
    from records import archival

    services = _services(request)
    doc_id = _parse_id(dossier_id)
    form = await request.form()
    keys = {k for k, _ in archival.DOSSIER_FIELDS}
    values = {k: str(form.get(k, "")).strip() for k in keys if k in form}
    try:
        current = archival.dossier_metadata(services.store, doc_id, caller.reader, Action.EDIT_ARCHIVAL) \
            if doc_id else None
        if current is None:
            return _not_found(request, f"hồ sơ số {dossier_id}")
        # only what the archivist changed: an unchanged derived value stays derived (it follows the records)
        changed: dict[str, Any] = {k: v for k, v in values.items() if v != _form_value(current.values.get(k))}
        if "keywords" in changed:
            changed["keywords"] = [w.strip() for w in changed["keywords"].split(";") if w.strip()]
        archival.set_fields(services.store, "dossier", doc_id, changed, caller.principal.username)
    except LookupError:
        return _not_found(request, f"hồ sơ số {dossier_id}")
    except archival.NotAllowed:
        return _render(request, "403.html", {"message": "Hồ sơ có mức độ tiếp cận hạn chế."}, status_code=403)
    except archival.InvalidField as exc:
        response = RedirectResponse(f"/ho-so/{doc_id}", status_code=303)
        _flash(response, f"Không lưu được: {exc}", "error")
        return response
    audit_event(request, "correct", f"dossier {doc_id} archival metadata: {', '.join(sorted(changed))}")
    response = RedirectResponse(f"/ho-so/{doc_id}", status_code=303)
    _flash(response, f"Đã lưu {len(changed)} trường." if changed else "Không có thay đổi.")
    return response


# ------------------------------------------------------------------------------------------------ archive
def _batch_ids(store: Any, limit: int = 15) -> list[int]:
    from records.tables import batches

    with store.engine.connect() as conn:
        return list(conn.execute(select(batches.c.id).order_by(batches.c.id.desc()).limit(limit)).scalars())


def _unknown_type(store: Any, limit: int = 50) -> list[Any]:
    from records.tables import documents

    query = (
        select(documents.c.id, documents.c.file, documents.c.kind, documents.c.updated_at)
        .where(documents.c.status == "done", documents.c.type == "unknown")
        .order_by(documents.c.id.desc())
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return list(conn.execute(query).mappings())


def _archive_context(services: Any, threshold: float, reader: Reader) -> dict[str, Any]:
    """The archive page's lists, each limited to the documents `reader` may see (a batch: when it has one
    of them, or for readers of the whole tree; a file refused before it became a document has no unit and
    is shown with its batch)."""
    store = services.store
    everything = reader_unit(reader) in (None, "")

    def seen(items: list[Any], key: str = "document_id") -> list[Any]:
        if everything:
            return items
        visible = visible_ids(store, [getattr(i, key, None) or i[key] for i in items], reader)
        return [i for i in items if (getattr(i, key, None) or i[key]) in visible]

    batches = []
    for batch_id in _batch_ids(store):
        items = store.batch_items(batch_id)
        if not everything and not visible_ids(store, [i.document_id for i in items if i.document_id], reader):
            continue
        summary = store.batch_summary(batch_id)
        unstored = [i for i in items if i.effective_outcome == "failed" and i.document_id is None]
        batches.append((summary, unstored))
    failed = read_list(store, reader, status="failed", limit=50)
    working = count_documents(store, reader, status="queued") + count_documents(store, reader, status="processing")
    active = working > 0 or any(s.counts.get("queued") for s, _ in batches)
    return {
        "batches": batches,
        "failed": failed,
        "active": active,
        "working": working,
        "low_pages": seen(store.low_confidence_pages(threshold, limit=50)),
        "unknown": seen(_unknown_type(store), "id"),
        "to_type": seen(pages_to_type(store, limit=50)),
        "threshold": threshold,
        "totals": {s: count_documents(store, reader, status=s) for s in ("queued", "processing", "done", "failed")},
    }


@router.get("/luu-tru", response_class=HTMLResponse)
def archive(request: Request, khung: str = "", nguong: str = "", caller: Caller = PAGE_READ) -> HTMLResponse:
    """Lưu trữ. `?khung=1` returns only the live part (the page's script refreshes it while work runs)."""
    try:
        threshold = float(nguong) if nguong else REVIEW_THRESHOLD
    except ValueError:
        threshold = REVIEW_THRESHOLD
    context = _archive_context(_services(request), max(0.0, min(100.0, threshold)), caller.reader)
    if not khung:
        from records.archival import visible_dossiers

        context["dossiers"] = visible_dossiers(_services(request).store, caller.reader)
    return _render(request, "_archive_live.html" if khung else "archive.html", context)


# --------------------------------------------------------------------------------------- typing a page
@router.get("/nhap-tay/{document_id}/{number}", response_class=HTMLResponse)
def typing_page(request: Request, document_id: str, number: str, caller: Caller = PAGE_CORRECT) -> HTMLResponse:
    """Cần nhập tay: the page image beside a form where a clerk types the page's text."""
    services = _services(request)
    doc_id = _parse_id(document_id)
    info = read_document(services.store, doc_id, caller.reader) if doc_id else None
    record = info.record if info is not None else None
    page = None
    if record is not None and number.isdigit():
        page = next((p for p in record.pages if p.number == int(number)), None)
    if page is None:
        return _not_found(request, f"trang {number} của văn bản số {document_id}")
    return _render(request, "typing.html", {"info": info, "record": record, "page": page,
                                             "total": len(record.pages)})


@router.post("/nhap-tay/{document_id}/{number}")
async def type_page(request: Request, document_id: str, number: str, caller: Caller = PAGE_CORRECT) -> Response:
    """Store the typed text (records.typed.add_typed) signed by the logged-in user, re-index, and show the
    document's page."""
    services = _services(request)
    form = await request.form()
    doc_id = _parse_id(document_id)
    info = read_document(services.store, doc_id, caller.reader) if doc_id else None
    if info is None or not number.isdigit() or not caller.principal.may_on(Action.CORRECT, info.unit):
        return _not_found(request, f"văn bản số {document_id}")
    who = caller.principal.username
    try:
        add_typed(services.store, doc_id, int(number), str(form.get("text") or ""), who)
    except TypingError as exc:
        audit_event(request, "type_page", f"document {doc_id} page {number}", "refused")
        response = RedirectResponse(f"/nhap-tay/{doc_id}/{number}", status_code=303)
        _flash(response, f"Chưa lưu: {exc}", "error")
        return response
    audit_event(request, "type_page", f"document {doc_id} page {number}")
    _reindex_typed(services, doc_id)
    response = RedirectResponse(f"/van-ban/{doc_id}?page={number}", status_code=303)
    _flash(response, f"Đã lưu nội dung nhập tay trang {number} của văn bản số {doc_id} (người nhập: {who}).")
    return response


def _reindex_typed(services: Any, doc_id: int) -> None:
    """The search index follows the typed text (through the read path); the entry is stored either way."""
    from ingest.indexing import reindex_stored

    try:
        reindex_stored(services.store, services.backend(), doc_id)
    except Exception:  # noqa: BLE001 - the typed text is stored; `donthu reindex` or re-processing catches up
        log.exception("could not re-index document %s after a typed page", doc_id)
