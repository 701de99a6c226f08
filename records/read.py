"""The one read path of records: every reader gets a stored document through `read_document` /
`read_documents` / `done_documents`, never from `Store.get` directly.

What a reader sees is the stored extraction (`documents.record_json`) with the pages clerks typed applied
(`records.typed`: a handwritten page's typed text replaces its OCR text, and the understanding derived from
the typed text replaces the extracted one), then the staff's corrections (`records.corrections`: the latest
correction of type, parties and parcels). The API, the web pages,
`donthu show` / `donthu list`, the indexers (local pool and Celery), `donthu reindex` and any export read
here, so all of them show the same record; `ingest.indexing.reindex_stored` re-indexes a document after a
correction through the same path.

`reader` is who asks: the system itself (`SYSTEM`: the pipeline, indexers, reindex) sees every document; a
logged-in person or token (`reader_for(principal)`) sees only the documents whose unit their unit contains,
and only if their role may READ (`donthu.access`). That is decided in `_visible`; lists and counts
(`list_documents`, `count_documents`) also filter in SQL by `reader_unit`, so pages and totals never include
a hidden document. What a reader may see of a visible record is narrowed in `_read` — a denouncer's identity (`records.confidential`:
name, address, ID number, phone, e-mail, in parties, texts and the file name) is masked for every reader whose
principal lacks `Action.READ_IDENTITY` — in this module only. Another layer over the stored extraction is added as one more
step in `_present`, as typed pages are. `read_readings` gives, beside what the reader sees, the identity to mask in
any other text shown with the record (archival titles, summaries, notes: `records.archival`) and the unmasked
record the page-image boxes are found from (`ingest.archive`), so those readers read each record once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from donthu.access import Action, Principal
from donthu.schema import Record
from records.confidential import (Identity, cleared, confidential_parties, identity_of, is_confidential,
                                  mask_record, masked_file_name, redact_record)
from records.corrections import Correction, apply_corrections, corrections_for_many
from records.typed import TypedPage, apply_typed, typed_for_many
from records.store import DocumentInfo, SharedDocument, Store
from records.tables import documents


@dataclass(frozen=True)
class Reader:
    """Who reads: the system itself (no `principal`: indexers, reindex, migrations) or a logged-in person or
    script token (`principal`, whose role and unit `donthu.access` judges)."""

    name: str
    principal: Principal | None = None


#: the system itself: indexers, reindex, exports
SYSTEM = Reader("system")


def reader_for(principal: Principal) -> Reader:
    """The reader for a logged-in person or token."""
    return Reader(principal.username, principal)


def _visible(info: DocumentInfo, reader: Reader) -> bool:
    """May `reader` see this document? The system sees all; a person needs READ on the document's unit."""
    if reader.principal is None:
        return True
    return reader.principal.may_on(Action.READ, info.unit)


#: a unit no document can have (unit paths are slugs; "~" is none): what a reader who may not READ at all is limited to
_NOTHING = "~"


def reader_unit(reader: Reader) -> str | None:
    """The unit subtree whose documents `reader` may list (None: all, for the system)."""
    if reader.principal is None:
        return None
    if not reader.principal.may(Action.READ):
        return _NOTHING
    return reader.principal.unit


def visible_ids(store: Store, ids: list[int], reader: Reader) -> set[int]:
    """Which of these document ids `reader` may see (for lists built outside the read path: review
    queues, documents sharing a party, search hits)."""
    if reader.principal is None or not ids:
        return set(ids)
    with store.engine.connect() as conn:
        rows = conn.execute(select(documents.c.id, documents.c.unit).where(documents.c.id.in_(set(ids)))).all()
    return {i for i, unit in rows if reader.principal.may_on(Action.READ, unit)}


@dataclass(frozen=True)
class Reading:
    """One document read once for a reader who also needs what is hidden from them, for masking and redacting
    (archival metadata, exports): `info` as the reader sees it (what may be shown), `full` the record with
    typed pages and corrections but nothing masked (only for finding what to mask: the boxes over page images,
    the identity; never shown to the reader), `identity` what must be masked in any text shown to this reader
    (empty for a reader cleared to see it, or a record that is not confidential)."""

    info: DocumentInfo
    full: Record | None
    identity: Identity

    @property
    def confidential(self) -> bool:
        return is_confidential(self.full)


def _present(record: Record | None, items: list[Correction], typed: list[TypedPage] | None = None
             ) -> Record | None:
    """The stored extraction with its typed pages and the latest corrections (nothing masked yet)."""
    return apply_corrections(apply_typed(record, typed or []), items)


def _read(store: Any, infos: list[DocumentInfo], reader: Reader) -> list[Reading]:
    """The documents `reader` may see, each as they see it (`_present`, then the denouncer's identity masked
    unless the reader is cleared to see it) beside the unmasked record."""
    infos = [i for i in infos if _visible(i, reader)]
    with_records = [i.id for i in infos if i.record is not None]
    found = corrections_for_many(store, with_records)
    typed = typed_for_many(store, with_records)
    out = []
    is_cleared = cleared(reader.principal)
    for info in infos:
        items = found.get(info.id, [])
        pages = typed.get(info.id, [])
        if info.record is None:
            seen = replace(info, file=masked_file_name(info.file)) \
                if info.type == "denunciation" and not is_cleared else info  # listed without its record
            out.append(Reading(seen, None, Identity()))
            continue
        full = _present(info.record, items, pages) if items or pages else info.record
        record = mask_record(full, reader.principal)
        seen = info if record is info.record else replace(
            info, record=record, type=record.type, type_confidence=record.type_confidence, kind=record.kind,
            doc_date=record.date, file=record.file)
        out.append(Reading(seen, full, Identity() if is_cleared else identity_of(full)))
    return out


def _finish(store: Any, infos: list[DocumentInfo], reader: Reader) -> list[DocumentInfo]:
    return [r.info for r in _read(store, infos, reader)]


def read_readings(store: Store, ids: list[int], reader: Reader = SYSTEM) -> list[Reading]:
    """The documents `ids` that `reader` may see, in that order, each read once (one query for the documents,
    one for their corrections, one for their typed pages) — for readers that mask or redact what they show
    (`records.archival`, `ingest.archive`)."""
    if not ids:
        return []
    with store.engine.connect() as conn:
        rows = conn.execute(select(documents).where(documents.c.id.in_(set(ids)))).mappings().all()
    by_id = {row["id"]: Store._info(row, with_record=True) for row in rows}
    return _read(store, [by_id[i] for i in dict.fromkeys(ids) if i in by_id], reader)


def read_document(store: Store, document_id: int, reader: Reader = SYSTEM) -> DocumentInfo | None:
    """The document (status, counts) with its record as `reader` sees it; None when missing or hidden."""
    info = store.get(document_id)
    if info is None:
        return None
    found = _finish(store, [info], reader)
    return found[0] if found else None


def read_documents(store: Store, infos: list[DocumentInfo], reader: Reader = SYSTEM) -> list[DocumentInfo]:
    """Documents already listed by the store (`Store.list_documents(with_records=True)`), as `reader`
    sees them (one query for all their corrections)."""
    return _finish(store, infos, reader)


def list_documents(store: Store, reader: Reader = SYSTEM, **filters: Any) -> list[DocumentInfo]:
    """`Store.list_documents(**filters)` through the read path (only what `reader` may see)."""
    return _finish(store, store.list_documents(unit=reader_unit(reader), **filters), reader)


def count_documents(store: Store, reader: Reader = SYSTEM, **filters: Any) -> int:
    """`Store.count_documents(**filters)`, counting only what `reader` may see."""
    return store.count_documents(unit=reader_unit(reader), **filters)


def done_documents(store: Store, *, after: int = 0, limit: int = 200,
                   reader: Reader = SYSTEM) -> list[DocumentInfo]:
    """Done documents with id > `after`, by id, with their records as `reader` sees them — for reindex and
    exports, in pages (`after` = the last id of the previous page)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(documents).where(documents.c.status == "done", documents.c.id > after)
            .order_by(documents.c.id).limit(limit)
        ).mappings().all()
    return _finish(store, [Store._info(row, with_record=True) for row in rows], reader)


def documents_sharing(store: Store, document_id: int, reader: Reader = SYSTEM) -> list[SharedDocument]:
    """`Store.documents_sharing` as `reader` may see it: for a reader without clearance, no link through a
    denouncer (of this document or of the other one: it would tell who denounced), and the other document's
    file name masked when it is a denunciation."""
    found = store.documents_sharing(document_id)
    if cleared(reader.principal):
        return found
    def hidden_names(record: Record | None) -> set[str]:
        return {p.name for p in confidential_parties(record)} if is_confidential(record) else set()

    mine = read_document(store, document_id)
    mine_hidden = hidden_names(mine.record if mine else None)
    out = []
    for shared in found:
        other = read_document(store, shared.document_id)
        record = other.record if other is not None else None
        secret = mine_hidden | hidden_names(record)
        links = [s for s in shared.shared if not (s.startswith("party: ") and s[len("party: "):] in secret)]
        if not links:
            continue
        file = shared.file
        if is_confidential(record):
            file = redact_record(record).file
        elif other is not None and other.type == "denunciation":
            file = masked_file_name(shared.file)
        out.append(replace(shared, file=file, shared=links))
    return out
