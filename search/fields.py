"""The values a page-per-document search index stores for one document: one function for every engine that
indexes a row per page carrying its document's fields (`search.tantivy_index`, `search.elastic`), so the two
compute the same filter keys, facet names and page texts.

`document_values(doc)`: the document's fields (names as written, NFC and stripped; folded keys for filters,
`search.analysis.value_key` / `place_keys` / `parcel_key`, the same as the SQLite backend's); `page_texts(doc)`:
its pages in order, NFC, with the masked copy a searcher without clearance reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from donthu.access import normalise_unit, unit_paths
from donthu.text import nfc
from search.analysis import parcel_key, place_keys, value_key
from search.backend import IndexDocument

#: the place names across 1 July 2025 (classify.gazetteer) a document carries beside its communes and districts
PLACE_LISTS = ("communes", "districts", "old_communes", "old_districts", "new_communes")


def _names(values: Iterable[str | None]) -> list[str]:
    return sorted({nfc(v).strip() for v in values if v and nfc(v).strip()})


def _keys(values: Iterable[str | None]) -> list[str]:
    return sorted({k for v in values if v for k in place_keys(v)})


def document_values(doc: IndexDocument) -> dict[str, Any]:
    """Every per-document value an index row holds: ids, file names (the masked one for searchers without
    clearance), kind/type and their keys, date and year, each place list (`PLACE_LISTS`) as names and as
    `<singular>_keys`, parcels ("no/sheet" and the numbers alone), parties, places text lines, the unit and
    its paths."""
    parcels = sorted({parcel_key(no, sheet) for no, sheet in doc.parcels if no}, key=str)
    values: dict[str, Any] = {
        "doc_id": int(doc.doc_id),
        "file": doc.file,
        "file_masked": doc.masked_file if doc.masked_file is not None else doc.file,
        "kind": doc.kind,
        "type": doc.type,
        "kind_key": value_key(doc.kind),
        "type_key": value_key(doc.type),
        "date": doc.date,
        "year": doc.year,
        "dossier_id": doc.dossier_id,
        "parcels": [f"{no}/{sheet}" if sheet else no for no, sheet in parcels],
        "parcel_nos": sorted({no for no, _ in parcels}),
        "parties": [nfc(p) for p in doc.parties],
        "places": [nfc(p) for p in doc.places if p],
        "unit": normalise_unit(doc.unit),
        "unit_paths": unit_paths(doc.unit),
    }
    for name in PLACE_LISTS:
        values[name] = _names(getattr(doc, name))
        values[name[:-1] + "_keys"] = _keys(getattr(doc, name))
    return values


class PageText(NamedTuple):
    ordinal: int  # 0-based position in the document
    number: int  # the page number shown
    text: str  # NFC
    masked: str  # NFC; equal to `text` when nothing on the page is masked


def page_texts(doc: IndexDocument) -> list[PageText]:
    """The document's pages in order; a document without pages has one empty page numbered 1 (so its fields
    can still be filtered, browsed and counted)."""
    if not doc.pages:
        return [PageText(0, 1, "", "")]
    out = []
    for ordinal, page in enumerate(doc.pages):
        text = nfc(page.text or "")
        masked = nfc(page.masked_text) if page.masked_text is not None else text
        out.append(PageText(ordinal, page.number, text, masked))
    return out
