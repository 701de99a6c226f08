"""Documents: upload a scan, follow it, read its record, its page images and its original, type a page.

Every route needs a login and declares its `donthu.access.Action` (`api.auth.need`); documents are read
through `records.read` as the caller sees them (another unit's document is a 404), uploads belong to the
uploader's unit, and reads, uploads and typed pages are written to the audit trail.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as FormFile

from api.auth import Caller, audit_event, need
from api.models import (MAX_ID, MAX_PAGE, ORIGINAL_TYPES, DocumentList, DocumentResponse, Status, TypedPageBody,
                        UploadResponse)
from api.routes.common import (DocumentId, PageNumber, document_or_404, errors, png_bytes, safe_name, services,
                               summary)
from api.uploads import too_large_message
from donthu.access import Action, NotAllowed
from donthu.types import DonthuError, TooLarge
from records.read import SYSTEM, count_documents, list_documents as read_list, read_document, visible_ids
from records.redaction import needs_redaction, redacted_copy, redacted_page_image
from records.typed import TypingError, add_typed

log = logging.getLogger(__name__)

router = APIRouter(tags=["documents"])


@router.post(
    "/documents",
    status_code=202,
    response_model=UploadResponse,
    responses=errors(400, 401, 403, 413, 415, 429, 503, 507),
    summary="Upload a scan for processing",
)
async def upload(
    request: Request,
    file: Annotated[UploadFile, File(description="PDF, TIFF, PNG, JPEG or HEIC; the format is judged from content. "
                                     "One file per request (more are refused with 400).")],
    caller: Annotated[Caller, Depends(need(Action.UPLOAD))],
    dossier: Annotated[str | None, Form(max_length=200, description="dossier (hồ sơ) name to file it under")] = None,
    batch: Annotated[str | None, Form(max_length=200, description="batch label to group uploads")] = None,
    as_one: Annotated[bool, Form(description="the files of this request are the photos of one letter: kept as one "
                                 "document, one page per photo, in the order sent (EXIF orientation honoured)")]
    = False,
) -> UploadResponse:
    """Store the file and queue it; returns at once (202). The document belongs to the uploader's unit. Intake
    rules are `ingest.intake.admit`'s (those of `donthu ingest` too): the same content uploaded again returns
    the existing document (`duplicate: true`) without processing it again — unless it failed before: then it
    is queued again. When the existing document belongs to a unit the uploader cannot read, the answer shows
    nothing of it (`id` null, not queued again).

    One file per request: a request with several file parts is refused (400) rather than storing one and
    dropping the others. The body is cut off with 413 once it passes the size limit; 503 (with
    `Retry-After`) while `max_concurrent_uploads` uploads are being received; 429 over the uploader's
    daily quota."""
    form = await request.form()  # parsed already for the parameters: the cached form
    files = [v for _, v in form.multi_items() if isinstance(v, FormFile)]
    if len(files) > 1 and not as_one:
        raise HTTPException(400, f"one file per upload: this request has {len(files)} files; "
                                 "send each in its own POST /documents")
    refusal = request.app.state.uploads.charge(caller.principal.username, sum(f.size or 0 for f in files))
    if refusal:
        raise HTTPException(429, refusal)
    if len(files) > 1:
        return await run_in_threadpool(_store_upload, request, file, caller, dossier, batch, files)
    return await run_in_threadpool(_store_upload, request, file, caller, dossier, batch)


def _store_upload(request: Request, file: UploadFile, caller: Caller, dossier: str | None,
                  batch: str | None, photos: list | None = None) -> UploadResponse:
    app = services(request)
    settings = app.settings
    limit = settings.max_file_bytes
    parts = []
    for part in photos or [file]:
        data = part.file.read(limit + 1)
        parts.append((safe_name(part.filename), data))
        if sum(len(d) for _, d in parts) > limit:
            audit_event(request, "upload", parts[0][0], "too_large")
            raise HTTPException(413, too_large_message(sum(p.size or 0 for p in photos or [file]), limit))
    name = parts[0][0] + (f" (+{len(parts) - 1} ảnh)" if len(parts) > 1 else "")
    from ingest.intake import DiskFull, EmptyFile, admit, admit_photos

    store = app.store
    batch_id = (store.find_batch(batch) or store.create_batch(batch)) if batch else None
    options = dict(batch_id=batch_id, dossier=(lambda: store.find_or_create_dossier(dossier)) if dossier else None,
                   unit=caller.principal.unit)
    if len(parts) > 1:
        admission = admit_photos(store, parts, name, settings, **options)
    else:
        admission = admit(store, parts[0][1], name, settings, **options)
    if admission.action == "refused":
        audit_event(request, "upload", name, "refused")
        code = 413 if isinstance(admission.error, TooLarge) else 400 if isinstance(admission.error, EmptyFile) \
            else 507 if isinstance(admission.error, DiskFull) else 415
        raise HTTPException(code, admission.reason)
    if admission.action != "new" and not visible_ids(store, [admission.document_id], caller.reader):
        # the same content is held by a unit the uploader cannot read: neither its id nor its state (nor a retry
        # of it) — the leaders find the upload in the audit trail
        audit_event(request, "upload", f"document {admission.document_id} {name}", "held_elsewhere")
        return UploadResponse(id=None, status="queued", sha256=admission.sha256, duplicate=False)
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
def get_document(request: Request, document_id: DocumentId,
                 caller: Annotated[Caller, Depends(need(Action.READ))]) -> DocumentResponse:
    info = document_or_404(request, document_id, caller.reader)
    if info.status == "done":  # the intake page polls while processing: only reads of a record are audited
        audit_event(request, "read", f"document {document_id}")
    return DocumentResponse.model_validate(info, from_attributes=True)


@router.post(
    "/documents/{document_id}/pages/{number}/typed",
    response_model=DocumentResponse,
    responses=errors(400, 401, 403, 404, 422),  # 400: a body that is not JSON at all
    summary="Store the text a clerk typed for a page (handwritten pages); the record is understood again",
)
def type_page(request: Request, document_id: DocumentId, number: PageNumber, body: TypedPageBody,
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
    batch: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only documents of this batch id")] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page")] = 1,
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
    responses={200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
                     "description": "the page as PNG",
                     "headers": {"X-Page-Scale": {
                         "description": "served pixels per word-box pixel (1 unless the page was larger "
                                        "than the pixel budget)", "schema": {"type": "number"}}}},
               **errors(401, 403, 404, 422)},
    summary="A page's image (word boxes are in its pixels, times X-Page-Scale); a denunciation's with the "
            "denouncer's identity and signature blacked out for readers not cleared to see them",
)
def page_image(request: Request, document_id: DocumentId, number: PageNumber,
               caller: Annotated[Caller, Depends(need(Action.READ_PAGE_IMAGE))]) -> Response:
    """A page larger than `preview_max_pixels` is served scaled down to fit; the header `X-Page-Scale`
    says by how much (word boxes times it are in this image's pixels; 1 when not scaled)."""
    app = services(request)
    reader = caller.reader
    info = document_or_404(request, document_id, reader)
    if not caller.principal.may_on(Action.READ_PAGE_IMAGE, info.unit):
        raise HTTPException(404, f"document {document_id} not found")
    total = info.pages_total
    data = app.store.read_original(info.sha256)
    if not total:  # not counted yet (queued): count now, before anything is decoded
        from ingest.pages import count_pages

        try:
            total = count_pages(data, info.mime, app.settings) if info.mime else 0
        except DonthuError:
            total = 0
    if total and number > total:
        raise HTTPException(404, f"document {document_id} has {total} page(s), not {number}")
    from ingest.pages import page_preview

    try:
        image, scale = page_preview(data, info.mime, number, app.settings)
    except (IndexError, KeyError) as exc:
        raise HTTPException(404, f"document {document_id} has no page {number}") from exc
    except DonthuError as exc:
        raise HTTPException(422, str(exc)) from exc
    if image is None:
        raise HTTPException(404, f"document {document_id} has no page {number}")
    if needs_redaction(read_document(app.store, document_id, SYSTEM).record, reader):
        image = redacted_page_image(app.store, document_id, number, image, reader)
    audit_event(request, "read_page_image", f"document {document_id} page {number}")
    return Response(png_bytes(image), media_type="image/png",
                    headers={"Cache-Control": "no-store", "X-Page-Scale": f"{scale:.6g}"})


@router.get(
    "/documents/{document_id}/redacted.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "the redacted copy"},
               **errors(401, 403, 404, 422)},
    summary="The redacted copy for the verification team (Luật Tố cáo 2018 Art. 56): page images with "
            "the denouncer's identity, signature and handwriting blacked out, then the masked text",
)
def redacted_pdf(request: Request, document_id: DocumentId,
                 caller: Annotated[Caller, Depends(need(Action.READ_REDACTED))]) -> Response:
    app = services(request)
    reader = caller.reader
    info = read_document(app.store, document_id, SYSTEM)  # the verification team's copy is made from it
    if info is None or info.record is None or not caller.principal.may_on(Action.READ_REDACTED, info.unit):
        raise HTTPException(404, f"document {document_id} not found or not processed")
    from ingest.pages import page_image as render

    data = app.store.read_original(info.sha256)
    try:
        pdf = redacted_copy(app.store, document_id, reader, lambda n: render(data, info.mime, n, app.settings))
    except NotAllowed as exc:
        raise HTTPException(403, str(exc)) from exc
    except DonthuError as exc:
        raise HTTPException(422, str(exc)) from exc
    audit_event(request, "export_redacted", f"document {document_id}")
    return Response(pdf, media_type="application/pdf", headers={
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="van-ban-{document_id}-da-an-danh.pdf"'})


@router.get(
    "/documents/{document_id}/original",
    response_class=FileResponse,
    responses={200: {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ORIGINAL_TYPES},
                     "description": "the file as uploaded, with the media type judged from its content"},
               **errors(401, 403, 404)},
    summary="The original file",
)
def original(request: Request, document_id: DocumentId,
             caller: Annotated[Caller, Depends(need(Action.READ_ORIGINAL))]) -> FileResponse:
    app = services(request)
    info = document_or_404(request, document_id, caller.reader)
    if not caller.principal.may_on(Action.READ_ORIGINAL, info.unit):
        raise HTTPException(404, f"document {document_id} not found")
    if needs_redaction(read_document(app.store, document_id, SYSTEM).record, caller.reader):
        raise HTTPException(403, "the original of a denunciation is served only to those cleared to see "
                                 "the denouncer's identity; ask for the redacted copy")
    path = app.store.blobs.path(info.sha256)
    if not path.is_file():
        raise HTTPException(404, f"the original of document {document_id} is missing")
    audit_event(request, "read_original", f"document {document_id}")
    return FileResponse(path, media_type=info.mime or "application/octet-stream", filename=safe_name(info.file))
