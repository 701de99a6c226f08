"""The HTTP service: upload scans, follow their processing, read records, search (FastAPI).

`create_app(settings)` builds the app; nothing is global. Uploads are stored (original once by SHA-256,
document queued) and handed to `submit(document_id)` — by default a local worker pool the app starts in its
lifespan — so processing never runs inside a request.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as FormFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.models import (
    TypedPageBody,
    DocumentList,
    DocumentResponse,
    DocumentSummary,
    ErrorResponse,
    HealthResponse,
    SearchHitModel,
    SearchResponse,
    Status,
    UploadResponse,
    MAX_ID,
    MAX_PAGE,
    MAX_QUERY_CHARS,
    ORIGINAL_TYPES,
    document_validation_errors,
)
from donthu.config import Settings
from donthu.schema import DocType, Kind
from donthu.text import neutral, nfc
from donthu.types import DonthuError, TooLarge
from api import hardening
from api.readers import request_reader
from api.reasons import in_vietnamese
from api.uploads import BodyLimit, UploadGate, too_large_message, uploader_of
from api.web import router as web_router
from records.confidential import cleared
from records.read import Reader, list_documents as read_list, read_document
from records.redaction import NotAllowed, needs_redaction, redacted_copy, redacted_page_image
from records.typed import TypingError, add_typed
from records.store import DocumentInfo, Store

log = logging.getLogger(__name__)

Submit = Callable[[int], object]


@dataclass
class Services:
    """What one app instance uses; built by create_app, kept on `app.state.services`."""

    settings: Settings
    store: Store
    submit: Submit | None
    workers: int
    #: the reader of a request when the login did not set `request.state.reader` (api.readers)
    reader_of: Callable[[Request], Reader] | None = None
    _backend: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def backend(self) -> Any:
        """The search backend, opened on first use."""
        with self._lock:
            if self._backend is None:
                from search import open_backend

                self._backend = open_backend(self.settings)
            return self._backend

    def close(self) -> None:
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None
        self.store.close()


def _errors(code: int, *others: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": ErrorResponse} for c in (code, *others)}


def _summary(info: DocumentInfo) -> DocumentSummary:
    return DocumentSummary.model_validate(info, from_attributes=True)


def _safe_name(filename: str | None) -> str:
    """The upload's own name without any client path, NFC, hidden control characters (a right-to-left
    override, ...) replaced by U+FFFD."""
    name = neutral(nfc(filename or ""), lines=False).replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "upload"


#: path parameters: ids are PostgreSQL integers; a page number is at most max_pages (checked per document)
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="document id")]
PageNumber = Annotated[int, Path(ge=1, le=MAX_PAGE, description="1-based page")]


def _png_bytes(image: Any) -> bytes:
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


def _tesseract_version() -> str | None:
    try:
        import pytesseract

        return str(pytesseract.get_tesseract_version())
    except Exception:  # noqa: BLE001 - not installed / not runnable
        return None


def create_app(settings: Settings, *, submit: Submit | None = None, resume: bool = True,
               reader_of: Callable[[Request], Reader] | None = None) -> FastAPI:
    """The service. `submit(document_id)` hands a stored document to the workers; without it the app
    starts an `ingest.pool.LocalPool(settings)` in its lifespan — submitting the documents left queued or
    processing by an earlier run when `resume` — and shuts it down on exit. `reader_of(request)`: who asks
    (`api.readers.request_reader`; the system when neither it nor the login says)."""
    services = Services(
        settings=settings,
        store=Store(settings),
        submit=submit,
        workers=getattr(getattr(submit, "__self__", None), "workers", settings.workers),
        reader_of=reader_of,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = None
        if services.submit is None and settings.broker_url:
            from ingest.submit import enqueue  # scale-out: Celery workers on the intake queue

            services.submit = lambda document_id: enqueue(services.store, document_id, "intake")
        if services.submit is None:
            from ingest.pool import LocalPool

            pool = LocalPool(settings)
            services.submit, services.workers = pool.submit, pool.workers
            if resume:
                for document_id in services.store.pending_ids():
                    services.submit(document_id)
        try:
            yield
        finally:
            if pool is not None:
                services.submit = None
                # documents not started stay queued and are resumed on the next start
                pool.shutdown(wait=True, cancel=True)
            services.close()

    # the API docs (/docs Swagger UI, /redoc) from files shipped in the fastapi-offline package, not a CDN:
    # offices run on closed networks; no online validator badge either
    app = FastAPIOffline(
        title="donthu",
        summary="Scanned Vietnamese petitions and land-dispute rulings in, searchable structured records out.",
        description=(
            "Upload a scan (PDF, TIFF, PNG, JPEG or HEIC) to `POST /documents`; it is queued and processed by the "
            "worker pool (OCR, classification, extraction). Follow it with `GET /documents/{id}` until "
            "`status` is `done` (the record) or `failed` (`error` says why). Search with `GET /search` — "
            "with or without diacritics."
        ),
        version="0.1.0",
        lifespan=lifespan,
        swagger_ui_parameters={"validatorUrl": None},
    )
    app.state.services = services
    app.state.uploads = UploadGate(settings)
    app.add_middleware(BodyLimit, settings=settings, gate=app.state.uploads)
    hardening.install(app, settings)  # hosts, cross-site requests, security headers (outermost)
    document_validation_errors(app)
    app.include_router(web_router)  # the clerks' pages

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """`detail` in English for programs, `detail_vi` in Vietnamese for the clerks' pages."""
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # every method of the path, not only the first matching route's
            headers["Allow"] = ", ".join(hardening.allowed_methods(request.app, request.scope))
        return JSONResponse({"detail": detail, "detail_vi": in_vietnamese(detail)}, status_code=exc.status_code,
                            headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        """`detail` a string like every other error (api.models.ValidationErrorResponse), `errors` the list."""
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path"))
            parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
        errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
        detail = "; ".join(parts) or "invalid request"
        return JSONResponse(
            {"detail": detail, "detail_vi": in_vietnamese(detail), "errors": jsonable_encoder(errors)},
            status_code=422,
        )

    def _document(document_id: int, reader: Reader) -> DocumentInfo:
        info = read_document(services.store, document_id, reader)
        if info is None:
            raise HTTPException(404, f"document {document_id} not found")
        return info

    @app.post(
        "/documents",
        status_code=202,
        response_model=UploadResponse,
        responses=_errors(400, 403, 413, 415, 429, 503),
        summary="Upload a scan for processing",
        tags=["documents"],
    )
    async def upload(
        request: Request,
        file: Annotated[UploadFile, File(description="PDF, TIFF, PNG, JPEG or HEIC; the format is judged from content. "
                                         "One file per request (more are refused with 400).")],
        dossier: Annotated[str | None, Form(max_length=200, description="dossier (hồ sơ) name to file it under")] = None,
        batch: Annotated[str | None, Form(max_length=200, description="batch label to group uploads")] = None,
    ) -> UploadResponse:
        """Store the file and queue it; returns at once (202). Intake rules are `ingest.intake.admit`'s (those
        of `donthu ingest` too): the same content uploaded again returns the existing document
        (`duplicate: true`) without processing it again — unless it failed before: then it is queued again.

        One file per request: a request with several file parts is refused (400) rather than storing one and
        dropping the others. The body is cut off with 413 once it passes the size limit; 503 (with
        `Retry-After`) while `max_concurrent_uploads` uploads are being received; 429 over the uploader's
        daily quota."""
        form = await request.form()  # parsed already for the parameters: the cached form
        files = [v for _, v in form.multi_items() if isinstance(v, FormFile)]
        if len(files) > 1:
            raise HTTPException(400, f"one file per upload: this request has {len(files)} files; "
                                     "send each in its own POST /documents")
        refusal = request.app.state.uploads.charge(uploader_of(request), file.size or 0)
        if refusal:
            raise HTTPException(429, refusal)
        return await run_in_threadpool(_store_upload, file, dossier, batch)

    def _store_upload(file: UploadFile, dossier: str | None, batch: str | None) -> UploadResponse:
        limit = settings.max_file_bytes
        data = file.file.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, too_large_message(file.size, limit))
        from ingest.intake import EmptyFile, admit

        store = services.store
        batch_id = (store.find_batch(batch) or store.create_batch(batch)) if batch else None
        admission = admit(store, data, _safe_name(file.filename), settings, batch_id=batch_id,
                          dossier=(lambda: store.find_or_create_dossier(dossier)) if dossier else None)
        if admission.action == "refused":
            code = 413 if isinstance(admission.error, TooLarge) else 400 if isinstance(admission.error, EmptyFile) else 415
            raise HTTPException(code, admission.reason)
        if admission.to_run:  # a new file, or one that failed before: to the workers
            if services.submit is None:
                log.warning("no worker pool: document %s stays queued", admission.document_id)
            else:
                try:
                    services.submit(admission.document_id)
                except Exception:  # the document stays queued and is resumed on the next start
                    log.exception("could not submit document %s", admission.document_id)
        status = admission.earlier_status if admission.action in ("duplicate", "pending") else "queued"
        return UploadResponse(id=admission.document_id, status=status, sha256=admission.sha256,
                              duplicate=admission.action != "new")

    @app.get(
        "/documents/{document_id}",
        response_model=DocumentResponse,
        responses=_errors(404),
        summary="A document's status and record",
        tags=["documents"],
    )
    def get_document(document_id: DocumentId, request: Request) -> DocumentResponse:
        info = _document(document_id, request_reader(request))
        return DocumentResponse.model_validate(info, from_attributes=True)

    @app.post(
        "/documents/{document_id}/pages/{number}/typed",
        response_model=DocumentResponse,
        responses=_errors(400, 404, 422),  # 400: a body that is not JSON at all
        summary="Store the text a clerk typed for a page (handwritten pages); the record is understood again",
        tags=["documents"],
    )
    def type_page(document_id: DocumentId, number: PageNumber, body: TypedPageBody,
                  request: Request) -> DocumentResponse:
        """The page's text becomes the typed text (source "typed", the OCR text kept as `ocr_text`, with who
        and when); type, parties, parcels and references are derived again and the search index follows."""
        from ingest.indexing import reindex_stored

        reader = request_reader(request)
        _document(document_id, reader)
        try:
            add_typed(services.store, document_id, number, body.text, body.who)
        except TypingError as exc:
            raise HTTPException(422, str(exc)) from exc
        reindex_stored(services.store, services.backend(), document_id)
        return DocumentResponse.model_validate(_document(document_id, reader), from_attributes=True)

    @app.get("/documents", response_model=DocumentList, summary="List documents", tags=["documents"])
    def list_documents(
        request: Request,
        status: Annotated[Status | None, Query(description="only documents in this state")] = None,
        batch: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only documents of this batch id")] = None,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page")] = 1,
        per_page: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> DocumentList:
        """Newest first, without the records (GET one document for its record)."""
        store = services.store
        infos = read_list(store, request_reader(request), status=status, batch_id=batch, limit=per_page,
                          offset=(page - 1) * per_page)
        return DocumentList(
            total=store.count_documents(status=status, batch_id=batch),
            page=page,
            per_page=per_page,
            items=[_summary(i) for i in infos],
        )

    @app.get(
        "/documents/{document_id}/pages/{number}/image",
        response_class=Response,
        responses={200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
                         "description": "the page as PNG",
                         "headers": {"X-Page-Scale": {
                             "description": "served pixels per word-box pixel (1 unless the page was larger "
                                            "than the pixel budget)", "schema": {"type": "number"}}}},
                   **_errors(404, 422)},
        summary="A page's image (word boxes are in its pixels, times X-Page-Scale); a denunciation's with the "
                "denouncer's identity and signature blacked out for readers not cleared to see them",
        tags=["documents"],
    )
    def page_image(document_id: DocumentId, number: PageNumber, request: Request) -> Response:
        """A page larger than `preview_max_pixels` is served scaled down to fit; the header `X-Page-Scale`
        says by how much (word boxes times it are in this image's pixels; 1 when not scaled)."""
        reader = request_reader(request)
        info = _document(document_id, reader)
        total = info.pages_total
        data = services.store.read_original(info.sha256)
        if not total:  # not counted yet (queued): count now, before anything is decoded
            from ingest.pages import count_pages

            try:
                total = count_pages(data, info.mime, settings) if info.mime else 0
            except DonthuError:
                total = 0
        if total and number > total:
            raise HTTPException(404, f"document {document_id} has {total} page(s), not {number}")
        from ingest.pages import page_preview

        try:
            image, scale = page_preview(data, info.mime, number, settings)
        except (IndexError, KeyError) as exc:
            raise HTTPException(404, f"document {document_id} has no page {number}") from exc
        except DonthuError as exc:
            raise HTTPException(422, str(exc)) from exc
        if image is None:
            raise HTTPException(404, f"document {document_id} has no page {number}")
        if needs_redaction(read_document(services.store, document_id).record, reader):
            image = redacted_page_image(services.store, document_id, number, image, reader)
        return Response(_png_bytes(image), media_type="image/png",
                        headers={"Cache-Control": "no-store", "X-Page-Scale": f"{scale:.6g}"})

    @app.get(
        "/documents/{document_id}/redacted.pdf",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}, "description": "the redacted copy"},
                   **_errors(403, 404, 422)},
        summary="The redacted copy for the verification team (Luật Tố cáo 2018 Art. 56): page images with "
                "the denouncer's identity, signature and handwriting blacked out, then the masked text",
        tags=["documents"],
    )
    def redacted_pdf(document_id: DocumentId, request: Request) -> Response:
        reader = request_reader(request)
        info = read_document(services.store, document_id)
        if info is None or info.record is None:
            raise HTTPException(404, f"document {document_id} not found or not processed")
        from ingest.pages import page_image as render

        data = services.store.read_original(info.sha256)
        try:
            pdf = redacted_copy(services.store, document_id, reader,
                                lambda n: render(data, info.mime, n, settings))
        except NotAllowed as exc:
            raise HTTPException(403, str(exc)) from exc
        except DonthuError as exc:
            raise HTTPException(422, str(exc)) from exc
        return Response(pdf, media_type="application/pdf", headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="van-ban-{document_id}-da-an-danh.pdf"'})

    @app.get(
        "/documents/{document_id}/original",
        response_class=FileResponse,
        responses={200: {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ORIGINAL_TYPES},
                         "description": "the file as uploaded, with the media type judged from its content"},
                   **_errors(404)},
        summary="The original file",
        tags=["documents"],
    )
    def original(document_id: DocumentId, request: Request) -> FileResponse:
        reader = request_reader(request)
        info = _document(document_id, reader)
        if needs_redaction(read_document(services.store, document_id).record, reader):
            raise HTTPException(403, "the original of a denunciation is served only to those cleared to see "
                                     "the denouncer's identity; ask for the redacted copy")
        path = services.store.blobs.path(info.sha256)
        if not path.is_file():
            raise HTTPException(404, f"the original of document {document_id} is missing")
        return FileResponse(path, media_type=info.mime or "application/octet-stream", filename=_safe_name(info.file))

    @app.get(
        "/search",
        response_model=SearchResponse,
        responses=_errors(422),
        summary="Full-text search with filters",
        tags=["search"],
    )
    def search(
        request: Request,
        q: Annotated[str, Query(max_length=MAX_QUERY_CHARS,
                                description='words and "quoted phrases", with or without diacritics')] = "",
        type: Annotated[DocType | None, Query(description="complaint, denunciation, recommendation, land_dispute")] = None,
        kind: Annotated[Kind | None, Query(description="petition, decision, conclusion, notice, minutes, other")] = None,
        commune: Annotated[str | None, Query(max_length=200, description="xã / phường / thị trấn")] = None,
        district: Annotated[str | None, Query(max_length=200, description="huyện / thị xã / thành phố")] = None,
        parcel: Annotated[str | None, Query(max_length=100, description='"45/12" = parcel 45 on map sheet 12; "45" = any sheet')] = None,
        year_from: Annotated[int | None, Query(alias="from", ge=1900, le=2100, description="from this year")] = None,
        year_to: Annotated[int | None, Query(alias="to", ge=1900, le=2100, description="up to this year")] = None,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page of results")] = 1,
        per_page: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> SearchResponse:
        if year_from is not None and year_to is not None and year_from > year_to:
            raise HTTPException(422, f"'from' ({year_from}) must not be after 'to' ({year_to})")
        words = len(q.split())
        if words > settings.max_query_words:
            raise HTTPException(422, f"q: too many words ({words}, at most {settings.max_query_words})")
        from search.backend import SearchQuery

        query = SearchQuery(
            text=nfc(q),
            type=type,
            kind=kind,
            commune=nfc(commune) if commune else None,
            district=nfc(district) if district else None,
            parcel=parcel,
            year_from=year_from,
            year_to=year_to,
            limit=per_page,
            offset=(page - 1) * per_page,
            cleared=cleared(request_reader(request).principal),
        )
        results = services.backend().search(query)
        return SearchResponse(
            total=results.total,
            page=page,
            per_page=per_page,
            hits=[
                SearchHitModel(
                    doc_id=h.doc_id,
                    file=h.file,
                    kind=h.kind,
                    type=h.type,
                    score=h.score,
                    page=h.page,
                    snippet=h.snippet,
                    matched_pages=list(h.matched_pages),
                    date=h.date,
                    document_url=f"/documents/{h.doc_id}",
                    page_image_url=f"/documents/{h.doc_id}/pages/{h.page}/image",
                )
                for h in results.hits
            ],
            facets=results.facets,
        )

    @app.get("/health", response_model=HealthResponse, summary="Is the service able to work?", tags=["service"])
    def health(response: Response) -> HealthResponse:
        """200 when the database, the index and Tesseract answer; 503 (status 'degraded') otherwise."""
        database = services.store.ping()
        try:
            services.backend().count()
            index = True
        except Exception:  # noqa: BLE001 - any failure means unreachable
            log.exception("search index unreachable")
            index = False
        tesseract = _tesseract_version()
        ok = database and index and tesseract is not None
        if not ok:
            response.status_code = 503
        return HealthResponse(
            status="ok" if ok else "degraded",
            database=database,
            index=index,
            tesseract=tesseract,
            workers=services.workers,
        )

    return app
