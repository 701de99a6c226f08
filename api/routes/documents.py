"""Documents: upload a scan, follow it, read its record, its page images and its original, type a page.

Every route needs a login and declares its `donthu.access.Action` (`api.auth.need`); documents are read
through `records.read` as the caller sees them (another unit's document is a 404), uploads belong to the
uploader's unit, and reads, uploads and typed pages are written to the audit trail.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response

from api.auth import Caller, audit_event, need
from api.models import DocumentList, DocumentResponse, Status, TypedPageBody, UploadResponse
from api.routes.common import (document_or_404, errors, png_bytes, safe_name, services, summary,
                               too_large_message)
from donthu.access import Action
from donthu.types import DonthuError, TooLarge
from records.read import count_documents, list_documents as read_list
from records.typed import TypingError, add_typed

log = logging.getLogger(__name__)

router = APIRouter(tags=["documents"])


@router.post(
    "/documents",
    status_code=202,
    response_model=UploadResponse,
    responses=errors(400, 401, 403, 413, 415),
    summary="Upload a scan for processing",
)
def upload(
    request: Request,
    file: Annotated[UploadFile, File(description="PDF, TIFF, PNG or JPEG; the format is judged from content")],
    caller: Annotated[Caller, Depends(need(Action.UPLOAD))],
    dossier: Annotated[str | None, Form(description="dossier (hồ sơ) name to file it under")] = None,
    batch: Annotated[str | None, Form(description="batch label to group uploads")] = None,
) -> UploadResponse:
    """Store the file and queue it; returns at once (202). The document belongs to the uploader's unit. Intake
    rules are `ingest.intake.admit`'s (those of `donthu ingest` too): the same content uploaded again returns
    the existing document (`duplicate: true`) without processing it again — unless it failed before: then it
    is queued again."""
    app = services(request)
    settings = app.settings
    limit = settings.max_file_bytes
    data = file.file.read(limit + 1)
    name = safe_name(file.filename)
    if len(data) > limit:
        audit_event(request, "upload", name, "too_large")
        raise HTTPException(413, too_large_message(file.size, limit))
    from ingest.intake import EmptyFile, admit

    store = app.store
    batch_id = (store.find_batch(batch) or store.create_batch(batch)) if batch else None
    admission = admit(store, data, name, settings, batch_id=batch_id,
                      dossier=(lambda: store.find_or_create_dossier(dossier)) if dossier else None,
                      unit=caller.principal.unit)
    if admission.action == "refused":
        audit_event(request, "upload", name, "refused")
        code = 413 if isinstance(admission.error, TooLarge) else 400 if isinstance(admission.error, EmptyFile) else 415
        raise HTTPException(code, admission.reason)
    audit_event(request, "upload", f"document {admission.document_id} {name}", admission.action)
    if admission.to_run:  # a new file, or one that failed before: to the workers
        if app.submit is None:
            log.warning("no worker pool: document %s stays queued", admission.document_id)
        else:
            try:
                app.submit(admission.document_id)
            except Exception:  # the document stays queued and is resumed on the next start
                log.exception("could not submit document %s", admission.document_id)
    status = admission.earlier_status if admission.action in ("duplicate", "pending") else "queued"
    return UploadResponse(id=admission.document_id, status=status, sha256=admission.sha256,
                          duplicate=admission.action != "new")


@router.get(
    "/documents/{document_id}",
    response_model=DocumentResponse,
    responses=errors(401, 403, 404),
    summary="A document's status and record",
)
def get_document(request: Request, document_id: int,
                 caller: Annotated[Caller, Depends(need(Action.READ))]) -> DocumentResponse:
    info = document_or_404(request, document_id, caller.reader)
    if info.status == "done":  # the intake page polls while processing: only reads of a record are audited
        audit_event(request, "read", f"document {document_id}")
    return DocumentResponse.model_validate(info, from_attributes=True)


@router.post(
    "/documents/{document_id}/pages/{number}/typed",
    response_model=DocumentResponse,
    responses=errors(401, 403, 404, 422),
    summary="Store the text a clerk typed for a page (handwritten pages); the record is understood again",
)
def type_page(request: Request, document_id: int, number: int, body: TypedPageBody,
              caller: Annotated[Caller, Depends(need(Action.CORRECT))]) -> DocumentResponse:
    """The page's text becomes the typed text (source "typed", the OCR text kept as `ocr_text`, with the
    logged-in user and the time); type, parties, parcels and references are derived again and the search
    index follows."""
    from ingest.indexing import reindex_stored

    app = services(request)
    document_or_404(request, document_id, caller.reader)
    try:
        add_typed(app.store, document_id, number, body.text, caller.principal.username)
    except TypingError as exc:
        audit_event(request, "type_page", f"document {document_id} page {number}", "refused")
        raise HTTPException(422, str(exc)) from exc
    audit_event(request, "type_page", f"document {document_id} page {number}")
    reindex_stored(app.store, app.backend(), document_id)
    return DocumentResponse.model_validate(document_or_404(request, document_id, caller.reader),
                                           from_attributes=True)


@router.get("/documents", response_model=DocumentList, responses=errors(401, 403), summary="List documents")
def list_documents(
    request: Request,
    caller: Annotated[Caller, Depends(need(Action.READ))],
    status: Annotated[Status | None, Query(description="only documents in this state")] = None,
    batch: Annotated[int | None, Query(description="only documents of this batch id")] = None,
    page: Annotated[int, Query(ge=1, description="1-based page")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DocumentList:
    """Newest first, without the records (GET one document for its record); only the caller's units'."""
    store = services(request).store
    infos = read_list(store, caller.reader, status=status, batch_id=batch, limit=per_page,
                      offset=(page - 1) * per_page)
    return DocumentList(
        total=count_documents(store, caller.reader, status=status, batch_id=batch),
        page=page,
        per_page=per_page,
        items=[summary(i) for i in infos],
    )


@router.get(
    "/documents/{document_id}/pages/{number}/image",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "the page as PNG"}, **errors(401, 403, 404, 422)},
    summary="A page's image (word boxes are in its pixels)",
)
def page_image(request: Request, document_id: int, number: Annotated[int, Path(description="1-based page")],
               caller: Annotated[Caller, Depends(need(Action.READ_PAGE_IMAGE))]) -> Response:
    app = services(request)
    info = document_or_404(request, document_id, caller.reader)
    if not caller.principal.may_on(Action.READ_PAGE_IMAGE, info.unit):
        raise HTTPException(404, f"document {document_id} not found")
    if number < 1 or (info.pages_total and number > info.pages_total):
        raise HTTPException(404, f"document {document_id} has {info.pages_total} page(s), not {number}")
    from ingest.pages import page_image as render

    data = app.store.read_original(info.sha256)
    try:
        image = render(data, info.mime, number, app.settings)
    except (IndexError, KeyError) as exc:
        raise HTTPException(404, f"document {document_id} has no page {number}") from exc
    except DonthuError as exc:
        raise HTTPException(422, str(exc)) from exc
    if image is None:
        raise HTTPException(404, f"document {document_id} has no page {number}")
    audit_event(request, "read_page_image", f"document {document_id} page {number}")
    return Response(png_bytes(image), media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.get(
    "/documents/{document_id}/original",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file as uploaded"},
               **errors(401, 403, 404)},
    summary="The original file",
)
def original(request: Request, document_id: int,
             caller: Annotated[Caller, Depends(need(Action.READ_ORIGINAL))]) -> FileResponse:
    info = document_or_404(request, document_id, caller.reader)
    if not caller.principal.may_on(Action.READ_ORIGINAL, info.unit):
        raise HTTPException(404, f"document {document_id} not found")
    path = services(request).store.blobs.path(info.sha256)
    if not path.is_file():
        raise HTTPException(404, f"the original of document {document_id} is missing")
    audit_event(request, "read_original", f"document {document_id}")
    return FileResponse(path, media_type=info.mime or "application/octet-stream", filename=safe_name(info.file))
