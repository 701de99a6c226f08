"""The HTTP service: upload scans, follow their processing, read records, search (FastAPI).

`create_app(settings)` builds the app; nothing is global. Uploads are stored (original once by SHA-256,
document queued) and handed to `submit(document_id)` — by default a local worker pool the app starts in its
lifespan — so processing never runs inside a request.

The routes live in one module per area (`api.routes.documents`, `.search`, `.service`, `.login`, `.audit`,
`.register` (the register of letters, its API and pages), `.stats` (statistics: page, API, exports),
and the clerks' pages in `api.web`); every route but `/health`, the login page and static files needs a login
and declares the `donthu.access.Action` it needs (`api.auth`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import (LOGIN_PATH, NotAllowed, NotLoggedIn, SessionCookies, audit_denial, quiet_access_log,
                      secret_key)
from api import hardening
from api.models import document_validation_errors
from api.reasons import in_vietnamese
from api.uploads import BodyLimit, UploadGate
from api.routes import archive as archive_routes, audit as audit_routes, documents, login, register, search, service, stats as stats_routes
from api.web import _render, router as web_router
from donthu.config import Settings
from records.store import Store

log = logging.getLogger(__name__)

Submit = Callable[[int], object]


@dataclass
class Services:
    """What one app instance uses; built by create_app, kept on `app.state.services`."""

    settings: Settings
    store: Store
    submit: Submit | None
    workers: int
    #: the key that signs session cookies and CSRF tokens (api.auth.secret_key)
    secret: bytes = b""
    _backend: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def backend(self) -> Any:
        """The search backend, opened on first use (an embedded index missing while records exist is built
        from them first: ingest.indexing.open_index; `donthu serve` does that before it starts serving)."""
        with self._lock:
            if self._backend is None:
                from ingest.indexing import open_index

                self._backend = open_index(self.settings, self.store)
            return self._backend

    def close(self) -> None:
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None
        self.store.close()



def create_app(settings: Settings, *, submit: Submit | None = None, resume: bool = True) -> FastAPI:
    """The service. `submit(document_id)` hands a stored document to the workers; without it the app
    starts an `ingest.pool.LocalPool(settings)` in its lifespan — submitting the documents left queued or
    processing by an earlier run when `resume` — and shuts it down on exit."""
    services = Services(
        settings=settings,
        store=Store(settings),
        submit=submit,
        workers=getattr(getattr(submit, "__self__", None), "workers", settings.workers),
        secret=secret_key(settings),
    )
    quiet_access_log()

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
    app.add_middleware(SessionCookies)
    app.add_middleware(BodyLimit, settings=settings, gate=app.state.uploads)
    hardening.install(app, settings)  # hosts, cross-site requests, security headers (outermost)
    document_validation_errors(app)
    for module in (documents, archive_routes, search, service, login, audit_routes, register, stats_routes):
        app.include_router(module.router)
    app.include_router(web_router)  # the clerks' pages

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """`detail` in English for programs, `detail_vi` in Vietnamese for the clerks' pages."""
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 403:  # refused by a route (an original without clearance): in the audit trail
            await run_in_threadpool(audit_denial, request, detail)
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

    @app.exception_handler(NotLoggedIn)
    async def _not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        """A page: to the login page (and back afterwards); the API: 401."""
        if exc.page:
            return RedirectResponse(f"{LOGIN_PATH}?next={quote(exc.next_url, safe='/')}", status_code=303)
        message = "login required: a session cookie (log in at /dang-nhap) or Authorization: Bearer <token>"
        return JSONResponse({"detail": message, "detail_vi": in_vietnamese(message)}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, exc: NotAllowed) -> Response:
        """403: a role the policy table does not give the action, or a failed CSRF / Origin check; written to
        the audit trail (who, method and path, from where)."""
        await run_in_threadpool(audit_denial, request, exc.message)
        if exc.page:
            return _render(request, "403.html", {"message": ""}, status_code=403)
        return JSONResponse({"detail": exc.message, "detail_vi": in_vietnamese(exc.message)}, status_code=403)

    return app
