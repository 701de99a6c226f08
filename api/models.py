"""Request/response models of the HTTP API (what /docs shows)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, model_validator

from donthu.schema import Record
from donthu.text import neutral

Status = Literal["queued", "processing", "done", "failed"]

#: largest id a path or query accepts (ids are PostgreSQL `integer`s): larger ones are answered 422
MAX_ID = 2**31 - 1
#: largest page number (of a document, of a list or of search results) a request accepts
MAX_PAGE = 100_000
#: longest search query (characters) accepted; the number of words is bounded by Settings.max_query_words
MAX_QUERY_CHARS = 1000
#: what GET /documents/{id}/original answers with: the type judged from the file's bytes at intake
ORIGINAL_TYPES = ("application/pdf", "image/tiff", "image/png", "image/jpeg", "application/octet-stream")

#: a file name as shown: hidden control characters (right-to-left override, ...) replaced by U+FFFD
ShownName = Annotated[str, AfterValidator(lambda v: neutral(v, lines=False))]


class ErrorResponse(BaseModel):
    detail: str = Field(description="what went wrong, readable by a clerk")
    detail_vi: str | None = Field(default=None, description="the same in Vietnamese, for the web pages")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"detail": "not a PDF, TIFF, PNG, JPEG or HEIC (a ZIP archive or Word/Excel (.docx/.xlsx) document)"}]}
    )


class ValidationErrorResponse(BaseModel):
    """What a 422 carries: the same string `detail` as every other error, and the failed checks."""

    detail: str = Field(description="what is wrong with the request, e.g. 'page: Input should be less than or "
                                    "equal to 100000'")
    detail_vi: str | None = Field(default=None, description="the same for the web pages")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="one entry per failed check: type, loc (where), msg (absent for checks made "
                                  "by the handler itself)")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "detail": "page: Input should be less than or equal to 100000",
        "detail_vi": "page: Input should be less than or equal to 100000",
        "errors": [{"type": "less_than_equal", "loc": ["query", "page"],
                    "msg": "Input should be less than or equal to 100000"}]}]})


def document_validation_errors(app: Any) -> None:
    """Make the OpenAPI document say what a 422 really is (`ValidationErrorResponse`, `detail` a string)
    instead of FastAPI's built-in `HTTPValidationError` (`detail` an array), which this service never sends."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = build()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas["ValidationErrorResponse"] = ValidationErrorResponse.model_json_schema(
            ref_template="#/components/schemas/{model}")
        for operations in spec.get("paths", {}).values():
            for operation in operations.values():
                response = operation.get("responses", {}).get("422")
                if response is not None:
                    response["description"] = "the request's parameters or body are not valid"
                    response["content"] = {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ValidationErrorResponse"}}}
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        return spec

    app.openapi = openapi


class UploadResponse(BaseModel):
    id: int | None = Field(description="document id (the existing one when the same content was uploaded before "
                                       "and you may read it); null when the same content is held by a unit you "
                                       "cannot read: its id and state are not shown (the upload is written to "
                                       "the audit trail for the leaders)")
    status: Status = Field(description="processing state; a new upload starts 'queued'")
    sha256: str = Field(description="SHA-256 of the file's bytes (originals are stored once by this)")
    duplicate: bool = Field(description="true when this content was already stored: it is not processed again")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 42,
                    "status": "queued",
                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "duplicate": False,
                }
            ]
        }
    )


class DocumentResponse(BaseModel):
    id: int
    file: ShownName = Field(description="upload name or path the file was ingested from (control characters "
                                        "shown as U+FFFD)")
    status: Status
    error: str | None = Field(description="why processing failed (status 'failed'), readable by a clerk")
    pages_done: int = Field(description="pages processed so far")
    pages_total: int = Field(description="pages in the file (0 until known)")
    mime: str | None = Field(default=None, description="format judged from the content")
    sha256: str
    created_at: datetime
    updated_at: datetime
    record: Record | None = Field(description="the structured record once status is 'done'")

    @model_validator(mode="after")
    def _shown_record_name(self) -> "DocumentResponse":
        if self.record is not None:
            self.record.file = neutral(self.record.file, lines=False)
        return self

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 42,
                    "file": "don-khieu-nai.pdf",
                    "status": "done",
                    "error": None,
                    "pages_done": 1,
                    "pages_total": 1,
                    "mime": "application/pdf",
                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "created_at": "2026-11-25T10:00:00Z",
                    "updated_at": "2026-11-25T10:00:07Z",
                    "record": {
                        "file": "don-khieu-nai.pdf",
                        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        "mime": "application/pdf",
                        "pages": [
                            {"number": 1, "source": "ocr", "confidence": 91.2,
                             "text": "ĐƠN KHIẾU NẠI\nKính gửi: Ủy ban nhân dân huyện Chợ Mới ..."}
                        ],
                        "text": "ĐƠN KHIẾU NẠI\nKính gửi: Ủy ban nhân dân huyện Chợ Mới ...",
                        "kind": "petition",
                        "type": "complaint",
                        "type_confidence": 0.87,
                        "type_evidence": ["khiếu nại quyết định"],
                        "parties": [{"name": "Nguyễn Văn An", "role": "complainant",
                                     "id_number": None, "address": None}],
                        "parcels": [],
                        "references": [{"number": "123/QĐ-UBND", "date": "2021-03-05", "issuer": None}],
                        "date": "2021-04-01",
                        "errors": [],
                    },
                }
            ]
        }
    )


class TypedPageBody(BaseModel):
    """What a clerk typed for one page (a handwritten page the OCR cannot read)."""

    text: str = Field(description="the page's text, as typed (the logged-in user is recorded as who typed it)")


class DocumentSummary(BaseModel):
    id: int
    file: ShownName
    status: Status
    error: str | None
    pages_done: int
    pages_total: int
    mime: str | None = None
    kind: str | None = Field(default=None, description="set once done: petition, decision, ...")
    type: str | None = Field(default=None, description="set once done: complaint, denunciation, ...")
    date: str | None = Field(default=None, description="the document's own date, YYYY-MM-DD",
                             validation_alias=AliasChoices("date", "doc_date"))
    created_at: datetime
    updated_at: datetime


class DocumentList(BaseModel):
    total: int = Field(description="documents matching the filter")
    page: int = Field(description="this page (1-based)")
    per_page: int
    items: list[DocumentSummary] = Field(description="newest first")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total": 1,
                    "page": 1,
                    "per_page": 50,
                    "items": [
                        {"id": 42, "file": "don.pdf", "status": "processing", "error": None, "pages_done": 2,
                         "pages_total": 5, "mime": "application/pdf", "kind": None, "type": None, "date": None,
                         "created_at": "2026-11-25T10:00:00Z", "updated_at": "2026-11-25T10:00:04Z"}
                    ],
                }
            ]
        }
    )


class SearchHitModel(BaseModel):
    doc_id: int
    file: ShownName
    kind: str
    type: str
    score: float = Field(description="relevance; higher is better")
    page: int = Field(description="best-matching page (1-based)")
    snippet: str = Field(description="HTML: matched words in <mark>…</mark>, everything else escaped")
    matched_pages: list[int] = Field(description="every page that matches")
    date: str | None = Field(default=None, description="the document's own date, YYYY-MM-DD")
    document_url: str = Field(description="GET this for the record")
    page_image_url: str = Field(description="GET this for the best-matching page's image")


class SearchResponse(BaseModel):
    total: int = Field(description="matching documents (an estimate when `approximate` is true)")
    page: int = Field(description="this page of results (1-based)")
    per_page: int
    hits: list[SearchHitModel]
    facets: dict[str, dict[str, int]] = Field(
        description="facet (type, kind, district, commune, year) → value → matching documents"
                    " (estimates when `approximate` is true)"
    )
    approximate: bool = Field(
        default=False,
        description="true when `total` and `facets` are estimates (very large result sets, tantivy backend); "
                    "the hits and their order are exact either way",
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total": 1,
                    "page": 1,
                    "per_page": 20,
                    "hits": [
                        {
                            "doc_id": 42,
                            "file": "don-khieu-nai.pdf",
                            "kind": "petition",
                            "type": "complaint",
                            "score": 7.3,
                            "page": 1,
                            "snippet": "… <mark>thu hồi đất</mark> tại thửa đất số 123 …",
                            "matched_pages": [1],
                            "date": "2021-04-01",
                            "document_url": "/documents/42",
                            "page_image_url": "/documents/42/pages/1/image",
                        }
                    ],
                    "facets": {"type": {"complaint": 1}, "year": {"2021": 1}},
                    "approximate": False,
                }
            ]
        }
    )


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"] = Field(description="'ok' when database, index and Tesseract all answer")
    database: bool = Field(description="the system of record answers")
    index: bool = Field(description="the search index answers")
    tesseract: str | None = Field(description="Tesseract version, null when not installed")
    workers: int = Field(description="worker processes that run uploads")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"status": "ok", "database": True, "index": True, "tesseract": "5.3.0", "workers": 2}]
        }
    )
