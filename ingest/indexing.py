"""From a stored record to the search index's document (one place for the mapping), and the indexing of a
stored document through the read path (`records.read`: corrections applied)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from donthu.schema import Record
from search.backend import IndexDocument, IndexPage


def _unique(values) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


def index_document(doc_id: int, record: Record, dossier_id: int | None = None, unit: str = "") -> IndexDocument:
    return IndexDocument(
        doc_id=doc_id,
        file=record.file,
        kind=record.kind,
        type=record.type,
        pages=[IndexPage(number=p.number, text=p.text) for p in record.pages],
        date=record.date,
        communes=_unique(p.commune for p in record.parcels),
        districts=_unique(p.district for p in record.parcels),
        parcels=_unique((p.parcel_no, p.map_sheet) for p in record.parcels),
        parties=_unique(p.name for p in record.parties),
        dossier_id=dossier_id,
        unit=unit,
    )


def stored_index_document(store: Any, document_id: int) -> IndexDocument | None:
    """The index document of a stored, done document as every reader sees it (None if not done)."""
    from records.read import read_document

    info = read_document(store, document_id)
    if info is None or info.status != "done" or info.record is None:
        return None
    return index_document(info.id, info.record, info.dossier_id, info.unit)


def stored_index_documents(store: Any, batch: int = 200) -> Iterator[list[IndexDocument]]:
    """Every done document's index document, as every reader sees it, in id order and batches of `batch`
    (what `donthu reindex` sends to either backend)."""
    from records.read import done_documents

    last = 0
    while True:
        infos = done_documents(store, after=last, limit=batch)
        if not infos:
            return
        yield [index_document(i.id, i.record, i.dossier_id, i.unit) for i in infos if i.record is not None]
        last = infos[-1].id


def reindex_stored(store: Any, index: Any, document_id: int) -> bool:
    """Index the stored document again (after it was saved or corrected); False when it is not done."""
    doc = stored_index_document(store, document_id)
    if doc is None:
        return False
    index.index(doc)
    return True


def correct(store: Any, index: Any, document_id: int, changes: list[tuple[str, Any]], who: str) -> list[Any]:
    """Store a clerk's corrections (`records.corrections.add_correction`, each (field, value)) and re-index
    the document so search filters, facets and snippets follow at once. The corrections are stored even
    when the index cannot be reached (logged; `donthu reindex` or the next processing catches up).
    `index`: the search backend, or a function returning it."""
    import logging

    from records.corrections import add_correction

    stored = [add_correction(store, document_id, field, value, who) for field, value in changes]
    if stored:
        try:
            reindex_stored(store, index() if callable(index) else index, document_id)
        except Exception:  # noqa: BLE001 - the correction is stored; the index catches up later
            logging.getLogger(__name__).exception("could not re-index document %s after a correction",
                                                  document_id)
    return stored
