"""Small helpers the routers share: the app's services, error response docs, upload names, PNG encoding."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import HTTPException, Path, Request

from api.models import MAX_ID, MAX_PAGE, DocumentSummary, ErrorResponse
from donthu.text import neutral, nfc
from records.read import Reader, read_document
from records.store import DocumentInfo


def services(request: Request) -> Any:
    """The `api.app.Services` of the app serving this request."""
    return request.app.state.services


def errors(code: int, *others: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": ErrorResponse} for c in (code, *others)}


#: path parameters: ids are PostgreSQL integers; a page number is at most max_pages (checked per document)
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="document id")]
PageNumber = Annotated[int, Path(ge=1, le=MAX_PAGE, description="1-based page")]


def summary(info: DocumentInfo) -> DocumentSummary:
    return DocumentSummary.model_validate(info, from_attributes=True)


def safe_name(filename: str | None) -> str:
    """The upload's own name without any client path, NFC, hidden control characters (a right-to-left
    override, ...) replaced by U+FFFD."""
    name = neutral(nfc(filename or ""), lines=False).replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "upload"


def document_or_404(request: Request, document_id: int, reader: Reader) -> DocumentInfo:
    """The document as `reader` sees it; 404 when missing or not visible to them (never 403: a hidden
    document's existence is not revealed)."""
    info = read_document(services(request).store, document_id, reader)
    if info is None:
        raise HTTPException(404, f"document {document_id} not found")
    return info


def png_bytes(image: Any) -> bytes:
    """PNG of what `ingest.pages.page_image` returns (a gray or BGR numpy array; PIL images and PNG bytes
    are accepted too)."""
    if isinstance(image, (bytes, bytearray)):
        return bytes(image)
    from PIL import Image

    if isinstance(image, Image.Image):
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    import cv2
    import numpy as np

    ok, encoded = cv2.imencode(".png", np.ascontiguousarray(image), [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise HTTPException(500, "could not encode the page image")
    return encoded.tobytes()
