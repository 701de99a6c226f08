"""Text clerks type for pages the OCR cannot read (handwritten pages, "cần nhập tay"), kept beside the
system of record.

Like corrections (records/corrections.py), the extracted record (`documents.record_json`) and the OCR text
(`pages.text`) are never rewritten: each typed entry is a row of `typed_pages` (document, page, text, who,
when, and the understanding of the document's text with every page typed so far). The record shown from
then on is the stored one with `apply_typed`: each typed page's text replaces the OCR text (source "typed",
the OCR text kept as `ocr_text`, with `typed_by` / `typed_at`), the document text is joined again and the
understanding (kind, type, parties, parcels, references, date) is the one derived from the typed text.
Corrections of type, parties and parcels apply after this: a person's correction wins over what the typed
text says.

The read path (records/read.py, `_present`) applies `apply_typed` before the corrections.

`add_typed` stores an entry and brings the store's derived rows (documents.kind/type/date, parties,
parcels, references) in line with that read record in the same transaction; re-indexing the search
document is the caller's job (it holds the search backend), as for corrections.

The table (records/tables.py) is created by the migration 0004 (records/migrations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.engine import Engine

from donthu.schema import Analysis, Record
from donthu.text import nfc
from records.corrections import apply_corrections, corrections_for, rows_by_document
from records.tables import doc_references, documents, pages, parcels, parties, typed_pages

#: longest text accepted for one page (a dense A4 page is about 5,000 characters)
MAX_CHARS = 50_000


class TypingError(ValueError):
    """A typed entry that cannot be stored; the message is readable by a clerk."""


@dataclass
class TypedPage:
    id: int
    document_id: int
    page_number: int
    text: str
    who: str
    created_at: datetime  # UTC, timezone-aware
    analysis: Analysis


@dataclass
class PageToType:
    """A handwritten page no one has typed yet (the review queue's "cần nhập tay")."""

    document_id: int
    file: str
    number: int
    confidence: float | None


def _engine(store: Any) -> Engine:
    return store.engine if hasattr(store, "engine") else store


def _row(r: Any) -> TypedPage:
    return TypedPage(
        id=r["id"], document_id=r["document_id"], page_number=r["page_number"], text=r["text"], who=r["who"],
        created_at=r["created_at"].replace(tzinfo=UTC),
        analysis=Analysis.model_validate_json(r["analysis_json"]),
    )


def typed_for(store: Any, document_id: int) -> list[TypedPage]:
    """Every typed entry of the document, oldest first."""
    with _engine(store).connect() as conn:
        rows = conn.execute(
            select(typed_pages).where(typed_pages.c.document_id == document_id).order_by(typed_pages.c.id)
        ).mappings().all()
    return [_row(r) for r in rows]


def typed_for_many(store: Any, document_ids: list[int]) -> dict[int, list[TypedPage]]:
    """The typed entries of several documents (one query), oldest first per document."""
    return {document_id: [_row(r) for r in rows]
            for document_id, rows in rows_by_document(store, typed_pages, document_ids).items()}


def _latest_per_page(items: list[TypedPage]) -> dict[int, TypedPage]:
    out: dict[int, TypedPage] = {}
    for item in sorted(items, key=lambda t: t.id):
        out[item.page_number] = item
    return out


def _with_texts(record: Record, items: list[TypedPage]) -> Record:
    """The record's pages with the latest typed text of each page (no understanding redone)."""
    latest = _latest_per_page(items)
    new_pages = []
    for page in record.pages:
        item = latest.get(page.number)
        if item is None:
            new_pages.append(page)
            continue
        new_pages.append(page.model_copy(update={
            "source": "typed",
            "text": item.text,
            "ocr_text": page.ocr_text if page.source == "typed" else page.text,
            "confidence": None,
            "typed_by": item.who,
            "typed_at": item.created_at.isoformat(),
        }))
    text = "\n\n".join(p.text for p in new_pages if p.text)
    return record.model_copy(update={"pages": new_pages, "text": text})


def apply_typed(record: Record | None, items: list[TypedPage]) -> Record | None:
    """The record as read once its typed pages are applied (a copy; None stays None); see the module doc."""
    if record is None or not items:
        return record
    newest = max(items, key=lambda t: t.id)
    updated = _with_texts(record, items)
    return updated.model_copy(update={name: getattr(newest.analysis, name) for name in Analysis.model_fields})


def add_typed(
    store: Any,
    document_id: int,
    page_number: int,
    text: str,
    who: str,
    when: datetime | None = None,
) -> TypedPage:
    """Store what a clerk typed for one page: the understanding is derived again from the document's text
    with the typed pages (classify.analyse, as for OCR text) and the derived rows follow it."""
    from classify import analyse
    who = nfc(who or "").strip()[:200]
    if not who:
        raise TypingError("cần ghi tên người nhập")
    text = nfc(text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise TypingError("chưa nhập nội dung trang")
    if len(text) > MAX_CHARS:
        raise TypingError(f"nội dung quá dài ({len(text)} ký tự, tối đa {MAX_CHARS})")
    created = (when or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    engine = _engine(store)
    with engine.connect() as conn:
        found = conn.execute(
            select(documents.c.record_json).where(documents.c.id == document_id)
        ).first()
    if found is None:
        raise TypingError(f"không có văn bản số {document_id}")
    if not found[0]:
        raise TypingError(f"văn bản số {document_id} chưa xử lý xong")
    record = Record.model_validate_json(found[0])
    if page_number not in {p.number for p in record.pages}:
        raise TypingError(f"văn bản số {document_id} không có trang {page_number}")
    earlier = typed_for(store, document_id)
    probe = TypedPage(id=max((t.id for t in earlier), default=0) + 1, document_id=document_id,
                      page_number=page_number, text=text, who=who, created_at=created.replace(tzinfo=UTC),
                      analysis=Analysis())
    typed_text = _with_texts(record, [*earlier, probe]).text
    analysis = analyse(typed_text)
    with engine.connect() as conn:
        conn.execution_options(donthu_write=True)
        with conn.begin():
            result = conn.execute(insert(typed_pages).values(
                document_id=document_id, page_number=page_number, text=text, who=who, created_at=created,
                analysis_json=analysis.model_dump_json(),
            ))
            new_id = int(result.inserted_primary_key[0])
    item = TypedPage(new_id, document_id, page_number, text, who, created.replace(tzinfo=UTC), analysis)
    read = apply_corrections(apply_typed(record, [*earlier, item]), corrections_for(store, document_id))
    _sync_derived(engine, document_id, read)
    return item


def _sync_derived(engine: Engine, document_id: int, record: Record) -> None:
    """documents.kind/type/confidence/date and the party, parcel and reference rows from the read record."""
    with engine.connect() as conn:
        conn.execution_options(donthu_write=True)
        with conn.begin():
            conn.execute(update(documents).where(documents.c.id == document_id).values(
                kind=record.kind, type=record.type, type_confidence=record.type_confidence,
                doc_date=record.date,
            ))
            for table in (parties, parcels, doc_references):
                conn.execute(delete(table).where(table.c.document_id == document_id))
            if record.parties:
                conn.execute(insert(parties), [
                    dict(document_id=document_id, name=p.name, role=p.role, id_number=p.id_number,
                         address=p.address) for p in record.parties])
            if record.parcels:
                conn.execute(insert(parcels), [dict(document_id=document_id, **p.model_dump())
                                               for p in record.parcels])
            if record.references:
                conn.execute(insert(doc_references), [
                    dict(document_id=document_id, number=r.number, date=r.date, issuer=r.issuer)
                    for r in record.references])


def pages_to_type(store: Any, limit: int = 100) -> list[PageToType]:
    """Handwritten pages of done documents with nothing typed yet, oldest document first."""
    typed = select(typed_pages.c.id).where(
        and_(typed_pages.c.document_id == pages.c.document_id, typed_pages.c.page_number == pages.c.number)
    ).exists()
    query = (
        select(pages.c.document_id, documents.c.file, pages.c.number, pages.c.confidence)
        .select_from(pages.join(documents, documents.c.id == pages.c.document_id))
        .where(pages.c.handwritten.is_(True), documents.c.status == "done", ~typed)
        .order_by(pages.c.document_id, pages.c.number)
        .limit(limit)
    )
    with _engine(store).connect() as conn:
        return [PageToType(*row) for row in conn.execute(query)]
