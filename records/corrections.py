"""Corrections staff make to an extracted record (type, parties, parcels), kept beside the system of record.

The extracted record (`documents.record_json`) is never rewritten: each correction is a row (document,
field, the new value as JSON, who, when) and the record shown from then on is the stored one with the
latest correction of each field applied (`apply_corrections`). So the history stays, and a document
processed again keeps its corrections.

`add_correction` also brings the store's derived rows in line with the corrected record in the same
transaction — `documents.type` (lists, review queue) and the `parties` / `parcels` rows
(`Store.documents_sharing`) — so every reader sees the corrected values. Re-indexing the search document is
the caller's job (it holds the search backend).

The table is `records.tables.corrections` (created by the migration 0002_corrections). Readers do not call
`apply_corrections` themselves: they read through `records.read`, which applies them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Engine, RowMapping

from donthu.schema import TYPES, Parcel, Party, Record
from donthu.text import nfc
from records.tables import corrections, documents, parcels as parcel_table, parties as party_table

Field = Literal["type", "parties", "parcels"]
#: the fields staff may correct
FIELDS: tuple[str, ...] = ("type", "parties", "parcels")

_PARTIES = TypeAdapter(list[Party])
_PARCELS = TypeAdapter(list[Parcel])


class CorrectionError(ValueError):
    """A correction that cannot be stored; the message is readable by a clerk."""


@dataclass
class Correction:
    id: int
    document_id: int
    field: str
    #: "complaint" for type; list of Party / Parcel dicts for parties / parcels
    value: Any
    who: str
    created_at: datetime  # UTC, timezone-aware


def _engine(store: Any) -> Engine:
    return store.engine if hasattr(store, "engine") else store


def validate(field: str, value: Any) -> Any:
    """The value in its stored shape (NFC strings), or CorrectionError."""
    if field == "type":
        if value not in TYPES:
            raise CorrectionError(f"loại đơn không hợp lệ: {value!r}")
        return value
    try:
        if field == "parties":
            items = _PARTIES.validate_python(value)
        elif field == "parcels":
            items = _PARCELS.validate_python(value)
        else:
            raise CorrectionError(f"không sửa được trường {field!r} (chỉ {', '.join(FIELDS)})")
    except ValidationError as exc:
        raise CorrectionError(f"giá trị không hợp lệ cho {field}: {exc.errors()[0].get('msg')}") from exc
    out = []
    for item in items:
        data = item.model_dump()
        for key, val in data.items():
            if isinstance(val, str):
                data[key] = nfc(val).strip() or None
        out.append(data)
    key = "name" if field == "parties" else "parcel_no"
    if any(not row.get(key) for row in out):
        raise CorrectionError("tên đương sự không được để trống" if field == "parties" else "thiếu số thửa")
    return out


def add_correction(
    store: Any,
    document_id: int,
    field: str,
    value: Any,
    who: str,
    when: datetime | None = None,
) -> Correction:
    """Store one correction (and update the derived rows, see the module docstring)."""
    who = nfc(who or "").strip()
    if not who:
        raise CorrectionError("cần ghi tên người sửa")
    value = validate(field, value)
    created = (when or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    engine = _engine(store)
    with engine.connect() as conn:
        conn.execution_options(donthu_write=True)
        with conn.begin():
            if conn.execute(select(documents.c.id).where(documents.c.id == document_id)).scalar() is None:
                raise CorrectionError(f"không có văn bản số {document_id}")
            result = conn.execute(
                insert(corrections).values(
                    document_id=document_id,
                    field=field,
                    value_json=json.dumps(value, ensure_ascii=False),
                    who=who[:200],
                    created_at=created,
                )
            )
            _sync_derived(conn, document_id, field, value)
            new_id = int(result.inserted_primary_key[0])
    return Correction(new_id, document_id, field, value, who[:200], created.replace(tzinfo=UTC))


def _sync_derived(conn: Any, document_id: int, field: str, value: Any) -> None:
    if field == "type":
        conn.execute(update(documents).where(documents.c.id == document_id).values(type=value))
    elif field == "parties":
        conn.execute(delete(party_table).where(party_table.c.document_id == document_id))
        if value:
            conn.execute(insert(party_table), [
                dict(document_id=document_id, name=p["name"], role=p["role"],
                     id_number=p.get("id_number"), address=p.get("address"))
                for p in value
            ])
    elif field == "parcels":
        conn.execute(delete(parcel_table).where(parcel_table.c.document_id == document_id))
        if value:
            conn.execute(insert(parcel_table), [dict(document_id=document_id, **p) for p in value])


def corrections_for(store: Any, document_id: int) -> list[Correction]:
    """Every correction of the document, oldest first."""
    return corrections_for_many(store, [document_id]).get(document_id, [])


def corrections_for_many(store: Any, document_ids: list[int]) -> dict[int, list[Correction]]:
    """Every correction of each of these documents, oldest first (one query; documents without any are
    missing from the answer)."""
    return {
        document_id: [
            Correction(
                id=r["id"],
                document_id=r["document_id"],
                field=r["field"],
                value=json.loads(r["value_json"]),
                who=r["who"],
                created_at=r["created_at"].replace(tzinfo=UTC),
            )
            for r in rows
        ]
        for document_id, rows in rows_by_document(store, corrections, document_ids).items()
    }


def rows_by_document(store: Any, table: Table, document_ids: list[int]) -> dict[int, list[RowMapping]]:
    """The rows of a table keyed by `document_id` (corrections, typed pages) for these documents, oldest
    (lowest id) first per document; documents without rows are missing. Queried 500 documents at a time."""
    out: dict[int, list[RowMapping]] = {}
    ids = sorted(set(document_ids))
    with _engine(store).connect() as conn:
        for start in range(0, len(ids), 500):
            rows = conn.execute(
                select(table).where(table.c.document_id.in_(ids[start:start + 500])).order_by(table.c.id)
            ).mappings().all()
            for r in rows:
                out.setdefault(r["document_id"], []).append(r)
    return out


def latest(items: list[Correction]) -> dict[str, Correction]:
    """The latest correction of each field."""
    out: dict[str, Correction] = {}
    for item in sorted(items, key=lambda c: c.id):
        out[item.field] = item
    return out


def apply_corrections(record: Record | None, items: list[Correction]) -> Record | None:
    """The record with the latest correction of each field applied (a copy; None stays None).

    A corrected type is a person's decision: `type_confidence` becomes 1.0, and the evidence phrases are
    kept only when the type is unchanged (they argued for the extracted type).
    """
    if record is None or not items:
        return record
    update_: dict[str, Any] = {}
    for field, item in latest(items).items():
        if field == "type":
            update_["type"] = item.value
            update_["type_confidence"] = 1.0
            if item.value != record.type:
                update_["type_evidence"] = []
        elif field == "parties":
            update_["parties"] = [Party(**p) for p in item.value]
        elif field == "parcels":
            update_["parcels"] = [Parcel(**p) for p in item.value]
    return record.model_copy(update=update_)
