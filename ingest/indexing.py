"""From a stored record to the search index's document (one place for the mapping), and the indexing of a
stored document through the read path (`records.read`: corrections applied)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from classify.gazetteer import place_names, place_text, resolve_parts
from donthu.config import Settings
from donthu.schema import Record, ResolvedPlace
from records.confidential import confidential_parties, is_confidential, redact_record
from records.corrections import add_correction
from records.read import done_documents, read_document
from records.store import Store
from search import open_backend
from search.backend import IndexDocument, IndexPage


def _unique(values) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


def record_places(record: Record) -> list[ResolvedPlace]:
    """The resolved places of a record's parcels and party addresses; a parcel without one (a clerk's
    correction) is resolved here from its commune, district and province."""
    places = []
    for p in record.parcels:
        if p.place is not None:
            places.append(p.place)
        elif p.commune or p.district:
            places.append(resolve_parts(p.commune, p.district, p.province, on=record.date))
    places.extend(p.place for p in record.parties if p.place is not None)
    return places


def index_document(doc_id: int, record: Record, dossier_id: int | None = None, unit: str = "") -> IndexDocument:
    """The index document of `record` as the system reads it, with the masked texts (`records.confidential`)
    that searchers without clearance match against: for a denunciation, each page's text with the
    denouncer's identity masked and the file name masked."""
    masked = redact_record(record) if is_confidential(record) else None
    masked_pages = {p.number: p.text for p in masked.pages} if masked is not None else {}
    # a denouncer's address is not a searchable place (the places index serves every searcher)
    hidden = confidential_parties(record) if masked is not None else []
    places = record_places(record.model_copy(update={"parties": [p for p in record.parties if p not in hidden]}))
    names = [place_names(p) for p in places]
    return IndexDocument(
        doc_id=doc_id,
        file=record.file,
        masked_file=masked.file if masked is not None else None,
        kind=record.kind,
        type=record.type,
        pages=[IndexPage(number=p.number, text=p.text, masked_text=masked_pages.get(p.number))
               for p in record.pages],
        date=record.date,
        communes=_unique(p.commune for p in record.parcels),
        districts=_unique(p.district for p in record.parcels),
        parcels=_unique((p.parcel_no, p.map_sheet) for p in record.parcels),
        parties=_unique(p.name for p in record.parties),
        dossier_id=dossier_id,
        old_communes=_unique(n for x in names for n in x["old_communes"]),
        old_districts=_unique(n for x in names for n in x["old_districts"]),
        new_communes=_unique(n for x in names for n in x["new_communes"]),
        places=_unique(place_text(p) for p in places),
        unit=unit,
    )


def stored_index_document(store: Any, document_id: int) -> IndexDocument | None:
    """The index document of a stored, done document as every reader sees it (None if not done)."""
    info = read_document(store, document_id)
    if info is None or info.status != "done" or info.record is None:
        return None
    return index_document(info.id, info.record, info.dossier_id, info.unit)


def stored_index_documents(store: Any, batch: int = 200) -> Iterator[list[IndexDocument]]:
    """Every done document's index document, as every reader sees it, in id order and batches of `batch`
    (what `donthu reindex` sends to either backend)."""
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

    stored = [add_correction(store, document_id, field, value, who) for field, value in changes]
    if stored:
        try:
            reindex_stored(store, index() if callable(index) else index, document_id)
        except Exception:  # noqa: BLE001 - the correction is stored; the index catches up later
            logging.getLogger(__name__).exception("could not re-index document %s after a correction",
                                                  document_id)
    return stored


def reindex(settings: Settings, backend: str, batch: int = 200) -> int:
    """Index every done document again into `backend` ("elasticsearch", "sqlite" or "tantivy"), as every reader sees
    it (`records.read`: corrections applied); the count."""
    store = Store(settings)
    index = open_backend(dataclasses.replace(settings, search_backend=backend))
    count = 0
    try:
        for docs in stored_index_documents(store, batch):
            index.index_many(docs)
            count += len(docs)
        if hasattr(index, "refresh"):
            index.refresh()
        return count
    finally:
        index.close()
        store.close()
