"""The record: what `donthu process --json` prints and `GET /documents/{id}` returns.

Keep this schema stable: intake staff, the evaluation and the API all read it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["petition", "decision", "conclusion", "notice", "minutes", "other"]
DocType = Literal["complaint", "denunciation", "recommendation", "land_dispute", "unknown"]
Role = Literal[
    "complainant", "denouncer", "petitioner", "subject", "disputant", "representative", "related"
]
PageSourceKind = Literal["ocr", "text", "typed"]

KINDS: tuple[str, ...] = ("petition", "decision", "conclusion", "notice", "minutes", "other")
TYPES: tuple[str, ...] = ("complaint", "denunciation", "recommendation", "land_dispute", "unknown")
ROLES: tuple[str, ...] = (
    "complainant", "denouncer", "petitioner", "subject", "disputant", "representative", "related"
)


class PageText(BaseModel):
    number: int = Field(description="1-based page number within the file")
    source: PageSourceKind = Field(
        description="'ocr' for Tesseract, 'text' for a PDF text layer, 'typed' for text a clerk typed")
    confidence: float | None = Field(description="mean word confidence 0-100 (OCR pages only)")
    text: str
    notes: list[str] = Field(default_factory=list, description="how the page was read: a rejected text "
                             "layer and why ('text layer rejected: 62% valid syllables, ...'), clean-up steps")
    ocr_path: str | None = Field(default=None, description="which reading of an OCR page was kept: 'clean' "
                                 "(after clean-up), 'original' (as captured), 'clean, turned 180°', ...")
    handwritten: bool = Field(default=False, description="judged handwritten (ocr.handwriting): goes to a clerk")
    ocr_text: str | None = Field(default=None, description="a typed page: what the OCR had read")
    typed_by: str | None = Field(default=None, description="a typed page: who typed it")
    typed_at: str | None = Field(default=None, description="a typed page: when (ISO 8601, UTC)")


PlaceStatus = Literal["resolved", "split", "ambiguous", "partial", "unknown"]


class OldUnit(BaseModel):
    """An administrative unit as it was before 1 July 2025 (province, district, commune; names without their
    level word, which is in the *_type field; official GSO codes of that time: An Giang 89, Kiên Giang 91)."""

    commune: str | None = None
    commune_type: str | None = Field(default=None, description="xã, phường, thị trấn")
    commune_code: str | None = None
    district: str | None = None
    district_type: str | None = Field(default=None, description="huyện, thị xã, thành phố")
    district_code: str | None = None
    province: str
    province_code: str = Field(description="code before 1 July 2025 (89 An Giang, 91 Kiên Giang)")


class NewUnit(BaseModel):
    """A commune-level unit since 1 July 2025 (no district level; the new An Giang is code 91)."""

    commune: str
    commune_type: str = Field(description="xã, phường, đặc khu")
    commune_code: str
    province: str
    province_code: str


class PlaceCandidate(BaseModel):
    old: OldUnit | None = None
    new: NewUnit | None = None


class ResolvedPlace(BaseModel):
    """A place as written and the units it names before and after 1 July 2025 (classify.gazetteer).

    `status`: "resolved" (one old unit and its one new unit, or one new unit), "split" (one old commune whose
    land went to several new ones: `candidates`), "ambiguous" (several readings: `candidates`; `old`/`new` set
    only where every reading agrees), "partial" (only a district or province named), "unknown"."""

    written: str
    status: PlaceStatus = "unknown"
    era: Literal["old", "new"] | None = Field(default=None, description="which system the writing follows")
    old: OldUnit | None = None
    new: NewUnit | None = None
    candidates: list[PlaceCandidate] = Field(default_factory=list)
    formerly: list[OldUnit] = Field(default_factory=list,
                                    description="a new unit: the old communes merged (wholly or partly) into it")
    note: str | None = None


class Party(BaseModel):
    name: str = Field(description="NFC, as written, without Ông/Bà")
    role: Role
    id_number: str | None = None
    address: str | None = None
    place: ResolvedPlace | None = Field(default=None, exclude_if=lambda v: v is None,
                                        description="the address's place, old and new units (left out when none)")


class Parcel(BaseModel):
    parcel_no: str = Field(description="thửa đất số")
    map_sheet: str | None = Field(default=None, description="tờ bản đồ số")
    area_m2: float | None = None
    land_use: str | None = None
    commune: str | None = None
    district: str | None = None
    province: str | None = None
    place: ResolvedPlace | None = Field(default=None, exclude_if=lambda v: v is None,
                                        description="the parcel's place, old and new units (left out when none)")


class Reference(BaseModel):
    number: str = Field(description="e.g. 123/QĐ-UBND")
    date: str | None = Field(default=None, description="YYYY-MM-DD")
    issuer: str | None = None


class Analysis(BaseModel):
    """What the understanding stage (classify/) produces from a document's text."""

    kind: Kind = "other"
    type: DocType = "unknown"
    type_confidence: float = 0.0
    type_evidence: list[str] = Field(default_factory=list)
    parties: list[Party] = Field(default_factory=list)
    parcels: list[Parcel] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    date: str | None = Field(default=None, description="the document's own date, YYYY-MM-DD")


class Record(BaseModel):
    #: an unknown field is an error, not silently dropped (a field added to Analysis must be added here)
    model_config = ConfigDict(extra="forbid")

    file: str
    sha256: str
    mime: str
    pages: list[PageText] = Field(default_factory=list)
    text: str = ""
    kind: Kind = "other"
    type: DocType = "unknown"
    type_confidence: float = 0.0
    type_evidence: list[str] = Field(default_factory=list)
    parties: list[Party] = Field(default_factory=list)
    parcels: list[Parcel] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    date: str | None = Field(default=None, description="the document's own date, YYYY-MM-DD")
    handwritten: bool = Field(default=False, description="some page is handwritten (see pages)")
    errors: list[str] = Field(default_factory=list)


def with_analysis(record: Record, analysis: Analysis) -> Record:
    """The record with the understanding stage's fields set. Every field of the analysis must be a field of
    the record: one missing there raises instead of vanishing from what is stored and shown."""
    values = analysis.model_dump()
    missing = sorted(set(values) - set(Record.model_fields))
    if missing:
        raise TypeError(f"Analysis fields missing from Record: {', '.join(missing)} (add them to Record)")
    return Record.model_validate({**record.model_dump(), **values})
