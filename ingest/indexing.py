"""From a stored Record to the search index's document (one place for the mapping)."""

from __future__ import annotations

from donthu.schema import Record
from search.backend import IndexDocument, IndexPage


def _unique(values) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


def index_document(doc_id: int, record: Record, dossier_id: int | None = None) -> IndexDocument:
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
    )
