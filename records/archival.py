"""Archival metadata of dossiers and documents, as the archives law asks for digitized archival documents.

Sources (cited once here; docs/archives.md says more):
- Luật Lưu trữ 2024 (Law 33/2024/QH15): Art. 29(2) and 34(3) (digitization, digital archival documents),
  Art. 36(7) (their use); access to archival documents is limited by their access level (mức độ tiếp cận);
- Circular 05/2025/TT-BNV (nghiệp vụ lưu trữ tài liệu lưu trữ số): the data of a fonds (mã phông, tên phông), of
  a dossier (mã hồ sơ, tiêu đề hồ sơ, thời hạn lưu trữ, mức độ tiếp cận, ngôn ngữ, thời gian bắt đầu/kết thúc,
  từ khóa, số lượng tài liệu/tờ/trang, tình trạng vật lý, ký hiệu thông tin, mức độ tin cậy, mã hồ sơ gốc
  giấy, …) and of each document; file names by dossier code and document order;
- Circular 02/2019/TT-BNV before it (the document fields below follow its annex: mã định danh văn bản, tên loại,
  số, ký hiệu, ngày tháng năm, cơ quan ban hành, trích yếu, ngôn ngữ, số trang, ký hiệu thông tin, từ khóa, chế
  độ sử dụng, mức độ tin cậy, bút tích, tình trạng vật lý, ghi chú).

What a field holds (`dossier_metadata`, `document_metadata`): what an archivist set (`set_fields`, table
`archival_metadata`, the latest value per field; who and when kept), else what donthu knows — dossier name as
title, the documents' dates as the time span, types and parties as keywords (a denouncer's name only for readers
cleared to see it: keywords come from the record as the reader sees it, `records.read`), page counts, "digitized"
with the mean OCR confidence as reliability, "restricted" access for a dossier holding a denunciation.
For a reader not cleared to see a denouncer's identity, every text field — derived or set, title, summary, notes,
keywords … — is masked with the identity of the records it is about (`records.read.read_readings` gives it,
`records.confidential.mask_text` masks it as the records' own texts are), so neither the JSON, the pages, the
`/luu-tru` list nor the XMP of an export shows it. Each document is read once (`read_readings`) and the
`Reading` is passed down. The access level is enforced with `donthu.access.may_access_level`: a restricted dossier's metadata and exports
are refused (`NotAllowed`) to roles without `Action.READ_RESTRICTED`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from donthu.access import ACCESS_LEVELS, Action, NotAllowed, may_access_level
from records.confidential import MASK, Identity, cleared, mask_text, merged_identity
from records.read import Reader, Reading, read_readings, visible_ids
from records.store import DocumentInfo, Store
from records.tables import archival_metadata, documents, dossiers

#: dossier fields (key, label as the circular writes it)
DOSSIER_FIELDS: tuple[tuple[str, str], ...] = (
    ("fonds_code", "Mã phông"),
    ("fonds_name", "Tên phông"),
    ("dossier_code", "Mã hồ sơ"),
    ("title", "Tiêu đề hồ sơ"),
    ("retention", "Thời hạn lưu trữ"),
    ("access_level", "Mức độ tiếp cận"),
    ("language", "Ngôn ngữ"),
    ("start_date", "Thời gian bắt đầu"),
    ("end_date", "Thời gian kết thúc"),
    ("keywords", "Từ khóa"),
    ("document_count", "Số lượng tài liệu"),
    ("sheet_count", "Số lượng tờ"),
    ("page_count", "Số lượng trang"),
    ("physical_condition", "Tình trạng vật lý"),
    ("info_symbol", "Ký hiệu thông tin"),
    ("reliability", "Mức độ tin cậy"),
    ("paper_dossier_code", "Mã hồ sơ gốc giấy"),
    ("notes", "Ghi chú"),
)
#: document fields
DOCUMENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("document_code", "Mã định danh văn bản"),
    ("dossier_code", "Mã hồ sơ"),
    ("order", "Số thứ tự văn bản trong hồ sơ"),
    ("doc_type", "Tên loại văn bản"),
    ("number", "Số của văn bản"),
    ("symbol", "Ký hiệu của văn bản"),
    ("date", "Ngày, tháng, năm văn bản"),
    ("issuer", "Tên cơ quan, tổ chức ban hành"),
    ("summary", "Trích yếu nội dung"),
    ("language", "Ngôn ngữ"),
    ("page_count", "Số lượng trang"),
    ("keywords", "Từ khóa"),
    ("info_symbol", "Ký hiệu thông tin"),
    ("access_level", "Mức độ tiếp cận"),
    ("reliability", "Mức độ tin cậy"),
    ("handwriting", "Bút tích"),
    ("physical_condition", "Tình trạng vật lý"),
    ("notes", "Ghi chú"),
)
_INT_FIELDS = {"document_count", "sheet_count", "page_count", "order"}
_LIST_FIELDS = {"keywords"}
MAX_VALUE = 500

#: Vietnamese names of donthu's types and kinds (keywords, document type names)
TYPE_NAMES = {"complaint": "khiếu nại", "denunciation": "tố cáo", "recommendation": "kiến nghị, phản ánh",
              "land_dispute": "tranh chấp đất đai", "unknown": ""}
KIND_NAMES = {"petition": "Đơn", "decision": "Quyết định", "conclusion": "Kết luận", "notice": "Thông báo",
              "minutes": "Biên bản", "other": "Văn bản"}
ACCESS_NAMES = {"open": "Mở", "restricted": "Hạn chế"}


class InvalidField(ValueError):
    """An unknown field or a value it cannot hold (the API answers 422)."""


@dataclass
class Metadata:
    """The fields of one dossier or document, in the circular's order, and which of them an archivist set."""

    scope: str  # dossier | document
    target_id: int
    values: dict[str, Any]
    set_by: dict[str, str]  # field → who set it (fields not listed are derived)
    ocr_confidence: float | None = None
    #: what was masked in it for this reader (its documents' fields are masked alike); never shown
    hidden: Identity = field(default_factory=Identity, repr=False)

    def labelled(self) -> list[tuple[str, str, Any]]:
        fields = DOSSIER_FIELDS if self.scope == "dossier" else DOCUMENT_FIELDS
        return [(key, label, self.values.get(key)) for key, label in fields]

    def as_json(self) -> dict[str, Any]:
        return {"scope": self.scope, "id": self.target_id,
                "fields": [{"key": k, "label": label, "value": v, "set_by": self.set_by.get(k)}
                           for k, label, v in self.labelled()],
                "ocr_confidence": self.ocr_confidence}


# ================================================================================================ storage
def set_fields(store: Store, scope: str, target_id: int, values: dict[str, Any], who: str) -> None:
    """Store an archivist's values (validated; "" or None clears a field back to what donthu derives)."""
    keys = {k for k, _ in (DOSSIER_FIELDS if scope == "dossier" else DOCUMENT_FIELDS)}
    if scope not in ("dossier", "document"):
        raise InvalidField(f"unknown scope {scope!r}")
    rows = []
    now = datetime.now(UTC).replace(tzinfo=None)
    for key, value in values.items():
        if key not in keys:
            raise InvalidField(f"unknown field {key!r}")
        rows.append(dict(scope=scope, target_id=target_id, field=key, value_json=json.dumps(_valid(key, value),
                         ensure_ascii=False), who=who[:200], created_at=now))
    if rows:
        with store._write() as conn:
            conn.execute(insert(archival_metadata), rows)


def _valid(key: str, value: Any) -> Any:
    if value is None or value == "" or value == []:
        return None
    if key in _INT_FIELDS:
        try:
            number = int(value)
        except (TypeError, ValueError) as exc:
            raise InvalidField(f"{key}: a whole number, not {value!r}") from exc
        if not 0 <= number <= 10**7:
            raise InvalidField(f"{key}: {number} out of range")
        return number
    if key in _LIST_FIELDS:
        items = value if isinstance(value, list) else str(value).split(";")
        items = [str(i).strip()[:200] for i in items if str(i).strip()]
        if len(items) > 50:
            raise InvalidField(f"{key}: at most 50 keywords")
        return items or None
    text = unicodedata.normalize("NFC", str(value)).strip()
    if len(text) > MAX_VALUE:
        raise InvalidField(f"{key}: at most {MAX_VALUE} characters")
    if key == "access_level" and text not in ACCESS_LEVELS:
        raise InvalidField(f"access_level: one of {', '.join(ACCESS_LEVELS)}")
    if key in ("start_date", "end_date", "date") and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise InvalidField(f"{key}: YYYY, YYYY-MM or YYYY-MM-DD")
    return text


def _overrides(store: Store, scope: str, target_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    with store._read() as conn:
        rows = conn.execute(select(archival_metadata).where(
            archival_metadata.c.scope == scope, archival_metadata.c.target_id == target_id)
            .order_by(archival_metadata.c.id)).mappings().all()
    values: dict[str, Any] = {}
    who: dict[str, str] = {}
    for r in rows:  # the latest per field wins; a cleared field (null) goes back to the derived value
        value = json.loads(r["value_json"])
        if value is None:
            values.pop(r["field"], None)
            who.pop(r["field"], None)
        else:
            values[r["field"]] = value
            who[r["field"]] = r["who"]
    return values, who


# ================================================================================================ reading
def dossier_row(store: Store, dossier_id: int) -> Any:
    with store._read() as conn:
        return conn.execute(select(dossiers).where(dossiers.c.id == dossier_id)).mappings().first()


def dossier_document_ids(store: Store, dossier_id: int) -> list[int]:
    """The dossier's documents in their order (intake order: the order they were filed)."""
    with store._read() as conn:
        return [r[0] for r in conn.execute(select(documents.c.id).where(documents.c.dossier_id == dossier_id)
                                           .order_by(documents.c.id))]


def visible_dossiers(store: Store, reader: Reader, limit: int = 30) -> list[tuple[int, str, int]]:
    """(id, title as `reader` may see it, documents `reader` may see) of the newest dossiers holding at least one
    such document; a dossier of restricted access is left out for a reader who may not open it, and a title is
    masked like the records it is about (`shown_title`)."""
    from sqlalchemy import func

    from records.read import reader_unit
    from records.store import unit_condition

    query = (select(dossiers.c.id, func.count(documents.c.id))
             .join(documents, documents.c.dossier_id == dossiers.c.id)
             .group_by(dossiers.c.id).order_by(dossiers.c.id.desc()).limit(limit))
    unit = reader_unit(reader)
    if unit is not None:
        query = query.where(unit_condition(documents.c.unit, unit))
    with store._read() as conn:
        found = [(int(i), int(n)) for i, n in conn.execute(query)]
    out = []
    for dossier_id, count in found:
        try:
            out.append((dossier_id, shown_title(store, dossier_id, reader), count))
        except (LookupError, NotAllowed):
            continue
    return out


def shown_title(store: Store, dossier_id: int, reader: Reader) -> str:
    """The dossier's title (an archivist's, else its name) as `reader` may see it: LookupError when hidden,
    NotAllowed when its access level keeps `reader` out, the denouncer's identity masked for a reader not
    cleared to see it (the same masking as the records': `records.confidential.mask_text`)."""
    row = dossier_row(store, dossier_id)
    if row is None or not visible_ids(store, dossier_document_ids(store, dossier_id), reader):
        raise LookupError(f"dossier {dossier_id} not found")
    set_values, _ = _overrides(store, "dossier", dossier_id)
    title = set_values.get("title") or row["name"]
    if cleared(reader.principal) and may_access_level(reader.principal, "restricted"):
        return title  # a reader who sees every access level and the identity: no record to read
    readings = [r for _, r in dossier_readings(store, dossier_id, reader)]
    if not may_access_level(reader.principal, _level(readings, set_values)):
        raise NotAllowed(f"dossier {dossier_id} is of restricted access (mức độ tiếp cận: hạn chế)")
    return mask_text(title, merged_identity([r.identity for r in readings])) or ""


def _check(reader: Reader, action: Action, unit: str | None) -> None:
    if reader.principal is not None and not reader.principal.may_on(action, unit):
        raise NotAllowed(f"{reader.name} may not {action.value} here")


def dossier_readings(store: Store, dossier_id: int, reader: Reader) -> list[tuple[int, Reading]]:
    """(order in the dossier, the document read once for `reader`: `records.read.read_readings`) of the
    dossier's documents that `reader` may see; LookupError when the dossier is missing or none of it is visible
    (a hidden dossier is not told apart from a missing one)."""
    if dossier_row(store, dossier_id) is None:
        raise LookupError(f"dossier {dossier_id} not found")
    ids = dossier_document_ids(store, dossier_id)
    order = {doc_id: n for n, doc_id in enumerate(ids, start=1)}
    out = [(order[r.info.id], r) for r in read_readings(store, ids, reader)]
    if not out:
        raise LookupError(f"dossier {dossier_id} not found")
    return out


def dossier_documents(store: Store, dossier_id: int, reader: Reader) -> list[tuple[int, DocumentInfo]]:
    """(order in the dossier, document as `reader` sees it) of the dossier's documents that `reader` may see
    (`dossier_readings`)."""
    return [(order, r.info) for order, r in dossier_readings(store, dossier_id, reader)]


def _mean_confidence(infos: list[DocumentInfo]) -> tuple[float | None, bool, bool]:
    """(mean OCR confidence over OCR pages, any OCR page, any text-layer page)."""
    confidences, ocr, text = [], False, False
    for info in infos:
        for page in (info.record.pages if info.record else []):
            if page.source == "text":
                text = True
            else:
                ocr = True
                if page.confidence is not None:
                    confidences.append(page.confidence)
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return mean, ocr, text


def _reliability(mean: float | None, ocr: bool, text: bool) -> str:
    """Circular 02/2019's values (gốc điện tử, số hóa, hỗn hợp) with the OCR confidence donthu measured."""
    if ocr and text:
        base = "Hỗn hợp"
    elif text:
        return "Gốc điện tử (lớp chữ của tệp)"
    else:
        base = "Số hóa"
    return base + (f" (độ tin cậy nhận dạng chữ trung bình {mean:.0f}/100)" if mean is not None else "")


def _keywords(infos: list[DocumentInfo]) -> list[str]:
    """Types, kinds, parties (as the reader sees them: masked names are left out) and parcels' communes."""
    out: list[str] = []

    def add(word: str | None) -> None:
        if word and MASK not in word and word not in out:
            out.append(word)

    for info in infos:
        record = info.record
        if record is None:
            continue
        add(TYPE_NAMES.get(record.type))
        add(KIND_NAMES.get(record.kind, "").lower() or None)
        for party in record.parties:
            add(party.name)
        for parcel in record.parcels:
            add(f"thửa {parcel.parcel_no}" + (f" tờ {parcel.map_sheet}" if parcel.map_sheet else ""))
            add(parcel.commune)
    return out[:50]


def _masked(values: dict[str, Any], identity: Identity) -> dict[str, Any]:
    """Every text field (derived or an archivist's: title, summary, notes, …) with the denouncer's identity
    masked as the records are (`records.confidential.mask_text`; nothing for a cleared reader, whose identity is
    empty); a keyword that held any of it is left out (a cleared leader's edit must not show the name to an
    archivist)."""
    if identity.empty:
        return values
    out = dict(values)
    for key, value in values.items():
        if isinstance(value, str):
            out[key] = mask_text(value, identity)
        elif isinstance(value, list):
            out[key] = [v for v in (mask_text(str(v), identity) for v in value) if v and MASK not in v] or None
    return out


def dossier_code_default(dossier_id: int, fonds_code: str | None) -> str:
    return f"{fonds_code}.HS{dossier_id:05d}" if fonds_code else f"HS{dossier_id:05d}"


def _level(readings: list[Reading], set_values: dict[str, Any]) -> str:
    """A dossier's access level: restricted when it holds a denouncer's identity (an archivist's "open" does not
    open it), else what an archivist set, else open."""
    if any(r.confidential for r in readings):
        return "restricted"
    return set_values.get("access_level") or "open"


def dossier_metadata(store: Store, dossier_id: int, reader: Reader, action: Action = Action.READ,
                     readings: list[tuple[int, Reading]] | None = None) -> Metadata:
    """The dossier's fields as `reader` may see them; LookupError when missing or hidden, NotAllowed when the
    role may not `action` or the access level keeps them out. `readings`: the dossier's documents already read
    for `reader` (`dossier_readings`), so they are not read again."""
    docs = [r for _, r in (readings if readings is not None else dossier_readings(store, dossier_id, reader))]
    infos = [r.info for r in docs]
    _check(reader, action, infos[0].unit)
    row = dossier_row(store, dossier_id)
    set_values, who = _overrides(store, "dossier", dossier_id)
    mean, ocr, text = _mean_confidence(infos)
    dates = sorted(i.record.date for i in infos if i.record and i.record.date)
    if not dates:
        dates = sorted(i.created_at.date().isoformat() for i in infos)
    pages = sum(len(i.record.pages) if i.record else i.pages_total for i in infos)
    derived = {
        "fonds_code": None, "fonds_name": None,
        "title": row["name"],
        "retention": None,
        "access_level": None,
        "language": "Tiếng Việt",
        "start_date": dates[0], "end_date": dates[-1],
        "keywords": _keywords(infos),
        "document_count": len(infos), "sheet_count": pages, "page_count": pages,
        "physical_condition": None, "info_symbol": None,
        "reliability": _reliability(mean, ocr, text),
        "paper_dossier_code": None, "notes": None,
    }
    identity = merged_identity([r.identity for r in docs])
    values = _masked({**derived, **set_values}, identity)
    values["access_level"] = _level(docs, set_values)
    values["dossier_code"] = values.get("dossier_code") or dossier_code_default(dossier_id, values["fonds_code"])
    meta = Metadata("dossier", dossier_id, {k: values.get(k) for k, _ in DOSSIER_FIELDS}, who, mean, identity)
    if not may_access_level(reader.principal, meta.values["access_level"]):
        raise NotAllowed(f"dossier {dossier_id} is of restricted access (mức độ tiếp cận: hạn chế)")
    return meta


def read_document_metadata(store: Store, document_id: int, reader: Reader, action: Action = Action.READ
                           ) -> tuple[Reading, Metadata, Metadata | None]:
    """A document read once for `reader`, its fields and its dossier's (None outside a dossier): the dossier's
    documents are read together, this one among them. LookupError when missing, hidden or not processed."""
    with store._read() as conn:
        dossier_id = conn.execute(select(documents.c.dossier_id).where(documents.c.id == document_id)).scalar()
    docs = dossier_readings(store, dossier_id, reader) if dossier_id is not None else \
        [(1, r) for r in read_readings(store, [document_id], reader)]
    order, reading = next(((n, r) for n, r in docs if r.info.id == document_id), (1, None))
    if reading is None or reading.info.record is None:
        raise LookupError(f"document {document_id} not found or not processed")
    dossier = dossier_metadata(store, dossier_id, reader, action, docs) if dossier_id is not None else None
    return reading, document_metadata(store, reading, reader, action, dossier, order), dossier


def read_dossier_metadata(store: Store, dossier_id: int, reader: Reader, action: Action = Action.READ
                          ) -> tuple[Metadata, list[tuple[int, Reading, Metadata]]]:
    """A dossier's fields and (order, reading, fields) of each of its processed documents `reader` may see,
    every document read once."""
    docs = dossier_readings(store, dossier_id, reader)
    dossier = dossier_metadata(store, dossier_id, reader, action, docs)
    return dossier, [(order, r, document_metadata(store, r, reader, action, dossier, order))
                     for order, r in docs if r.info.record is not None]


def document_metadata(store: Store, reading: Reading, reader: Reader, action: Action = Action.READ,
                      dossier: Metadata | None = None, order: int = 1) -> Metadata:
    """A document's fields as `reader` may see them (`reading`: it, read for `reader`; `dossier`: its dossier's
    fields, whose code, access level and masking apply; `order`: its place in the dossier)."""
    info = reading.info
    if info.record is None:
        raise LookupError(f"document {info.id} not processed")
    _check(reader, action, info.unit)
    record = info.record
    mean, ocr, text = _mean_confidence([info])
    dossier_code = dossier.values["dossier_code"] if dossier else f"VB{info.id:06d}"
    level = dossier.values["access_level"] if dossier else ("restricted" if reading.confidential else "open")
    lines = [line.strip() for line in record.text.splitlines() if line.strip()]
    kind = KIND_NAMES.get(record.kind, "Văn bản")
    kind_type = f"{kind} {TYPE_NAMES.get(record.type, '')}".strip()
    derived = {
        "document_code": f"{dossier_code}.{order:03d}" if dossier else dossier_code,
        "dossier_code": dossier_code if dossier else None,
        "order": order,
        "doc_type": kind_type,
        "number": None, "symbol": None,
        "date": record.date,
        "issuer": None,
        "summary": " ".join(lines[:3])[:MAX_VALUE] or None,
        "language": "Tiếng Việt",
        "page_count": len(record.pages),
        "keywords": _keywords([info]),
        "info_symbol": None,
        "access_level": level,
        "reliability": _reliability(mean, ocr, text),
        "handwriting": "Có" if record.handwritten else "Không",
        "physical_condition": None, "notes": None,
    }
    set_values, who = _overrides(store, "document", info.id)
    identity = merged_identity([reading.identity] + ([dossier.hidden] if dossier else []))
    values = _masked({**derived, **set_values}, identity)
    if set_values.get("access_level") == "restricted" or (dossier and dossier.values["access_level"] == "restricted"):
        values["access_level"] = "restricted"
    meta = Metadata("document", info.id, {k: values.get(k) for k, _ in DOCUMENT_FIELDS}, who, mean, identity)
    if not may_access_level(reader.principal, meta.values["access_level"]):
        raise NotAllowed(f"document {info.id} is of restricted access (mức độ tiếp cận: hạn chế)")
    return meta


# ================================================================================================ files and XMP
def file_stem(code: str) -> str:
    """A dossier or document code as a file name (Circular 02/2019: files named by dossier code and document
    order): letters without diacritics, digits, dots, dashes."""
    folded = unicodedata.normalize("NFKD", code.replace("Đ", "D").replace("đ", "d"))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    stem = re.sub(r"[^A-Za-z0-9.\-]+", "-", ascii_only).strip("-.")
    return stem[:120] or "ho-so"


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, str) and value in ACCESS_NAMES:
        return ACCESS_NAMES[value]
    return str(value)


def xmp_fields(meta: Metadata, dossier: Metadata | None = None) -> dict[str, object]:
    """The fields as the XMP properties PDF/A-2 permits without an extension schema: Dublin Core (identifier,
    title, language, subject, coverage, date, rights, source, relation, publisher, type), XMP Rights, and every
    field with its Vietnamese label in dc:description."""
    v = meta.values
    d = dossier.values if dossier is not None else (v if meta.scope == "dossier" else {})
    lines = [f"{label}: {_shown(value)}" for _, label, value in meta.labelled() if _shown(value)]
    if dossier is not None and meta is not dossier:
        lines += [f"Hồ sơ — {label}: {_shown(value)}" for _, label, value in dossier.labelled() if _shown(value)]
    title = v.get("title") or v.get("summary") or v.get("doc_type") or v.get("document_code")
    coverage = " – ".join(x for x in (d.get("start_date"), d.get("end_date")) if x) or v.get("date")
    rights = f"Mức độ tiếp cận: {_shown(v.get('access_level'))}"
    if d.get("retention"):
        rights += f"; Thời hạn lưu trữ: {d['retention']}"
    out: dict[str, object] = {
        "dc:identifier": v.get("document_code") or v.get("dossier_code"),
        "dc:title": str(title)[:MAX_VALUE] if title else None,
        "dc:language": ["vi"],
        "dc:subject": list(v.get("keywords") or []),
        "pdf:Keywords": "; ".join(v.get("keywords") or []),
        "dc:coverage": coverage,
        "dc:rights": rights,
        "xmpRights:UsageTerms": rights,
        "dc:source": d.get("paper_dossier_code"),
        "dc:relation": [x for x in (f"Mã hồ sơ: {d['dossier_code']}" if d.get("dossier_code") else None,
                                    f"Mã phông: {d['fonds_code']}" if d.get("fonds_code") else None) if x],
        "dc:publisher": [d["fonds_name"]] if d.get("fonds_name") else [],
        "dc:type": [v["doc_type"]] if v.get("doc_type") else ["Hồ sơ"],
        "dc:description": "\n".join(lines),
    }
    if v.get("date") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(v["date"])):
        out["dc:date"] = [str(v["date"])]
    return out
