"""`GET /health`: is the service able to work? (public: load balancers and monitoring ask it)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response

from api.models import HealthResponse
from api.routes.common import services

log = logging.getLogger(__name__)

router = APIRouter(tags=["service"])


def _tesseract_version() -> str | None:
    try:
        import pytesseract

        return str(pytesseract.get_tesseract_version())
    except Exception:  # noqa: BLE001 - not installed / not runnable
        return None


@router.get("/health", response_model=HealthResponse, summary="Is the service able to work?")
def health(request: Request, response: Response) -> HealthResponse:
    """200 when the database, the index and Tesseract answer; 503 (status 'degraded') otherwise."""
    app = services(request)
    database = app.store.ping()
    try:
        app.backend().count()
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
        workers=app.workers,
    )
