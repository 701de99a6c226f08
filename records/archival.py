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
The access level is enforced with `donthu.access.may_access_level`: a restricted dossier's metadata and exports
are refused (`NotAllowed`) to roles without `Action.READ_RESTRICTED`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from donthu.access import ACCESS_LEVELS, Action, may_access_level
from donthu.text import fold
from records.confidential import MASK, cleared, confidential_parties, is_confidential
from records.read import SYSTEM, Reader, read_document
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


class NotAllowed(Exception):
    """The reader may not have this (role or access level): the API answers 403."""


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
    """(id, name, documents `reader` may see) of the newest dossiers holding at least one such document."""
    from sqlalchemy import func

    from records.read import reader_unit
    from records.store import unit_condition

    query = (select(dossiers.c.id, dossiers.c.name, func.count(documents.c.id))
             .join(documents, documents.c.dossier_id == dossiers.c.id)
             .group_by(dossiers.c.id, dossiers.c.name).order_by(dossiers.c.id.desc()).limit(limit))
    unit = reader_unit(reader)
    if unit is not None:
        query = query.where(unit_condition(documents.c.unit, unit))
    with store._read() as conn:
        return [(int(i), name, int(n)) for i, name, n in conn.execute(query)]


def _check(reader: Reader, action: Action, unit: str | None) -> None:
    if reader.principal is not None and not reader.principal.may_on(action, unit):
        raise NotAllowed(f"{reader.name} may not {action.value} here")


def dossier_documents(store: Store, dossier_id: int, reader: Reader) -> list[tuple[int, DocumentInfo]]:
    """(order in the dossier, document as `reader` sees it) of the dossier's processed documents that `reader`
    may see; LookupError when the dossier is missing or none of it is visible (a hidden dossier is not told
    apart from a missing one)."""
    if dossier_row(store, dossier_id) is None:
        raise LookupError(f"dossier {dossier_id} not found")
    out = []
    for order, doc_id in enumerate(dossier_document_ids(store, dossier_id), start=1):
        info = read_document(store, doc_id, reader)
        if info is not None:
            out.append((order, info))
    if not out:
        raise LookupError(f"dossier {dossier_id} not found")
    return out


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


def _without_denouncers(store: Store, infos: list[DocumentInfo], reader: Reader, keywords: Any) -> Any:
    """Keywords an archivist or leader set, without a denouncer's name for a reader not cleared to see it (a
    cleared leader's edit must not show the name to an archivist)."""
    if not keywords or cleared(reader.principal):
        return keywords
    hidden = set()
    for info in infos:
        system = read_document(store, info.id, SYSTEM)
        if system is not None and is_confidential(system.record):
            hidden |= {fold(p.name) for p in confidential_parties(system.record)}
    return [k for k in keywords if not any(name and name in fold(k) for name in hidden)]


def dossier_code_default(dossier_id: int, fonds_code: str | None) -> str:
    return f"{fonds_code}.HS{dossier_id:05d}" if fonds_code else f"HS{dossier_id:05d}"


def _confidential_any(store: Store, infos: list[DocumentInfo]) -> bool:
    for info in infos:
        system = read_document(store, info.id, SYSTEM)
        if system is not None and is_confidential(system.record):
            return True
    return False


def dossier_metadata(store: Store, dossier_id: int, reader: Reader, action: Action = Action.READ) -> Metadata:
    """The dossier's fields as `reader` may see them; LookupError when missing or hidden, NotAllowed when the
    role may not `action` or the access level keeps them out."""
    docs = dossier_documents(store, dossier_id, reader)
    infos = [info for _, info in docs]
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
        "access_level": "restricted" if _confidential_any(store, infos) else "open",
        "language": "Tiếng Việt",
        "start_date": dates[0], "end_date": dates[-1],
        "keywords": _keywords(infos),
        "document_count": len(infos), "sheet_count": pages, "page_count": pages,
        "physical_condition": None, "info_symbol": None,
        "reliability": _reliability(mean, ocr, text),
        "paper_dossier_code": None, "notes": None,
    }
    values = {**derived, **set_values}
    values["keywords"] = _without_denouncers(store, infos, reader, values["keywords"])
    values["dossier_code"] = set_values.get("dossier_code") or dossier_code_default(dossier_id, values["fonds_code"])
    meta = Metadata("dossier", dossier_id, {k: values.get(k) for k, _ in DOSSIER_FIELDS}, who, mean)
    if not may_access_level(reader.principal, meta.values["access_level"]):
        raise NotAllowed(f"dossier {dossier_id} is of restricted access (mức độ tiếp cận: hạn chế)")
    return meta


def document_metadata(store: Store, document_id: int, reader: Reader, action: Action = Action.READ,
                      dossier: Metadata | None = None) -> Metadata:
    """A document's fields as `reader` may see them (its dossier's code and access level apply)."""
    info = read_document(store, document_id, reader)
    if info is None or info.record is None:
        raise LookupError(f"document {document_id} not found or not processed")
    _check(reader, action, info.unit)
    if dossier is None and info.dossier_id is not None:
        dossier = dossier_metadata(store, info.dossier_id, reader, action)
    order = dossier_document_ids(store, info.dossier_id).index(document_id) + 1 if info.dossier_id else 1
    record = info.record
    mean, ocr, text = _mean_confidence([info])
    dossier_code = dossier.values["dossier_code"] if dossier else f"VB{document_id:06d}"
    system = read_document(store, document_id, SYSTEM)
    level = dossier.values["access_level"] if dossier else (
        "restricted" if system is not None and is_confidential(system.record) else "open")
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
    set_values, who = _overrides(store, "document", document_id)
    values = {**derived, **set_values}
    values["keywords"] = _without_denouncers(store, [info], reader, values["keywords"])
    if set_values.get("access_level") == "restricted" or (dossier and dossier.values["access_level"] == "restricted"):
        values["access_level"] = "restricted"
    meta = Metadata("document", document_id, {k: values.get(k) for k, _ in DOCUMENT_FIELDS}, who, mean)
    if not may_access_level(reader.principal, meta.values["access_level"]):
        raise NotAllowed(f"document {document_id} is of restricted access (mức độ tiếp cận: hạn chế)")
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
