"""Objects between the corpus's content generator and its renderer.

content (corpus/content/*)  →  GeneratedDoc (lines + truth)
render  (corpus/render.py)  →  page images + the text actually drawn on each page
degrade (corpus/degrade.py) →  scanned / photocopied / photographed images
write   (corpus/generate.py)→  files in OUTDIR/files/, truth JSON in OUTDIR/truth/, OUTDIR/manifest.jsonl
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right", "justify"]
Column = Literal["full", "left", "right"]


@dataclass
class Line:
    """One logical paragraph/line of the document. The renderer wraps long text to the page width.

    Consecutive lines with column "left"/"right" form a two-column block (e.g. the agency name on the left
    and the national motto on the right); the truth text lists the left column first, then the right one.
    """

    text: str
    align: Align = "left"
    bold: bool = False
    italic: bool = False
    size: float = 1.0  # relative to the body font size
    indent: float = 0.0  # first-line indent, in cm
    space_before: float = 0.0  # extra space before, in body lines
    column: Column = "full"
    underline: bool = False


@dataclass
class GeneratedDoc:
    doc_id: str
    family: str  # e.g. "complaint_letter", "complaint_ruling_first", "land_dispute_ruling", "minutes_mediation"
    kind: str  # donthu.schema.Kind
    type: str  # donthu.schema.DocType
    title_names_type: bool  # False for ĐƠN / ĐƠN TRÌNH BÀY / ĐƠN KÊU CỨU ... where only content tells the type
    lines: list[Line]
    # ground truth, in donthu.schema shapes (plain dicts): parties, parcels, references, date
    parties: list[dict] = field(default_factory=list)
    parcels: list[dict] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)
    date: str | None = None  # YYYY-MM-DD, the document's own date
    dossier_id: str | None = None
    signature_names: list[str] = field(default_factory=list)  # where the renderer may draw a signature/stamp
    # letters since 1 July 2025 (corpus.content.letters_2025): every written address and parcel place with the
    # new commune it lies in, the old unit when one is written, and whether that old unit was split
    places: list[dict] = field(default_factory=list)


@dataclass
class RenderedDoc:
    doc: GeneratedDoc
    pages: list  # list[np.ndarray] clean page images (gray uint8)
    page_texts: list[str]  # text drawn on each page, in reading order, lines joined by "\n"
    dpi: int
    font: str
