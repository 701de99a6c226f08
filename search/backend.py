"""The search index protocol and the types every backend speaks.

Index unit: one `IndexDocument` (a processed file) with its pages; hits come back per document,
with the best-matching page, a snippet of that page and the list of all matching pages.

Every page is indexed twice: as read, and with a denouncer's identity masked (`IndexPage.masked_text`);
a query from a searcher without clearance (`SearchQuery.cleared` False) uses only the masked form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

#: facet names in `SearchResults.facets`
FACETS: tuple[str, ...] = ("type", "kind", "district", "commune", "year", "new_commune")


@dataclass(frozen=True)
class IndexPage:
    number: int
    text: str
    #: the text with a denouncer's identity masked (`records.confidential`); None: the same as `text`.
    #: Searchers not cleared to see the identity match and get snippets only from this one.
    masked_text: str | None = None

    @property
    def masked(self) -> str:
        return self.text if self.masked_text is None else self.masked_text


@dataclass
class IndexDocument:
    doc_id: int
    file: str
    kind: str
    type: str
    pages: list[IndexPage]
    #: the document's own date, YYYY-MM-DD (year filter and facet use it)
    date: str | None = None
    communes: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    #: (parcel_no, map_sheet)
    parcels: list[tuple[str, str | None]] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    dossier_id: int | None = None
    #: the file name with a denouncer's name masked; None: the same as `file`
    masked_file: str | None = None
    #: places resolved across 1 July 2025 (classify.gazetteer): the old units' commune and district names and
    #: the new communes' names. The `commune` filter matches `communes`, `old_communes` and `new_communes`, the
    #: `district` filter `districts` and `old_districts`; free text matches a page or `places`
    old_communes: list[str] = field(default_factory=list)
    old_districts: list[str] = field(default_factory=list)
    new_communes: list[str] = field(default_factory=list)
    #: the names of both systems as one searchable text (a query matches a document whose pages or whose
    #: places hold every unit: `Nhơn Mỹ` finds a letter that says `xã Mỹ Hội Đông, huyện Chợ Mới`)
    places: list[str] = field(default_factory=list)
    #: the unit the document belongs to (donthu.access path, "" = the root): `SearchQuery.unit` filters on it
    unit: str = ""

    @property
    def year(self) -> int | None:
        if self.date and len(self.date) >= 4 and self.date[:4].isdigit():
            return int(self.date[:4])
        return None


@dataclass
class SearchQuery:
    #: free text: words and "quoted phrases", with or without diacritics
    text: str = ""
    type: str | None = None
    kind: str | None = None
    commune: str | None = None
    district: str | None = None
    #: "45/12" = parcel 45 on map sheet 12; "45" = parcel 45 on any sheet
    parcel: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    limit: int = 20
    offset: int = 0
    #: may the searcher see a denouncer's identity? False: only the masked texts are matched, snippeted and
    #: named (`IndexPage.masked_text`, `IndexDocument.masked_file`), so searching a denouncer's name finds
    #: nothing and no snippet, facet or count shows it. True (the default) is the system's view.
    cleared: bool = True
    #: only documents of this unit or a unit below it (donthu.access.unit_contains); None: every document.
    #: The API sets it from the logged-in reader, so hits, totals and facets never count a hidden document.
    unit: str | None = None


@dataclass
class SearchHit:
    doc_id: int
    file: str
    kind: str
    type: str
    score: float
    #: number of the best-matching page (first page when browsing without text)
    page: int
    #: HTML: matched words wrapped in <mark>…</mark>, everything else escaped
    snippet: str
    matched_pages: list[int]
    date: str | None = None


@dataclass
class SearchResults:
    total: int
    hits: list[SearchHit]
    #: facet name (see FACETS) → value → number of matching documents
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    #: True when `total` and `facets` are estimates (tantivy, beyond a few thousand matching pages: see
    #: search.tantivy_index); hits and their order are not affected
    approximate: bool = False


@runtime_checkable
class SearchBackend(Protocol):
    def index(self, doc: IndexDocument) -> None:
        """Add or replace (same doc_id) one document."""

    def index_many(self, docs: list[IndexDocument]) -> None:
        """Add or replace several documents in one go."""

    def delete(self, doc_id: int) -> None:
        """Remove a document; no error if absent."""

    def search(self, q: SearchQuery) -> SearchResults: ...

    def count(self) -> int:
        """Number of indexed documents."""

    def close(self) -> None: ...
