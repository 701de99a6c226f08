"""Archives: a document or a dossier as a searchable PDF/A (`ingest.archive`), their archival metadata
(`records.archival`, Circular 05/2025/TT-BNV) as JSON, and the archivist's edits of it.

Exports need `Action.EXPORT` on the document's unit, metadata reads `Action.READ`, edits `Action.EDIT_ARCHIVAL`;
a restricted dossier (mức độ tiếp cận: hạn chế) answers 403 to roles without `Action.READ_RESTRICTED`; a hidden
or missing one 404. A denunciation exported by a reader not cleared to see the denouncer is the redacted copy.
Every export and edit is written to the audit trail.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.auth import Caller, audit_event, need
from api.models import MAX_ID
from api.routes.common import DocumentId, errors, services
from donthu.access import Action, NotAllowed
from donthu.types import DonthuError
from records import archival
from records.pdfa import PdfaError

router = APIRouter(tags=["archives"])

DossierId = Annotated[int, Path(ge=1, le=MAX_ID, description="dossier id")]


def _pdf(export: Any) -> Response:
    return Response(export.pdf, media_type="application/pdf", headers={
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="{export.name}.pdf"',
        "X-Pdfa-Validator": export.validator, "X-Pdfa-Verdict": export.verdict,
        "X-Redacted": "1" if export.redacted else "0"})


def _run(request: Request, what: str, target: str, fn: Any, done: str | None = None) -> Any:
    """`fn()` with its refusals and failures answered (and audited); with `done`, its success audited so."""
    try:
        out = fn()
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except NotAllowed as exc:
        audit_event(request, what, target, "denied")
        raise HTTPException(403, str(exc)) from exc
    except archival.InvalidField as exc:
        raise HTTPException(422, str(exc)) from exc
    except (PdfaError, DonthuError) as exc:
        audit_event(request, what, target, "failed")
        raise HTTPException(422, str(exc)) from exc
    if done is not None:
        audit_event(request, what, done)
    return out


async def _export(request: Request, target: str, export_fn: Any, ident: int, caller: Caller) -> Response:
    """Run `export_fn(store, ident, reader, settings)` off the event loop, audit it (redacted or not), answer
    the PDF."""
    app = services(request)
    export = await run_in_threadpool(_run, request, "export", target,
                                     lambda: export_fn(app.store, ident, caller.reader, app.settings))
    audit_event(request, "export", target + (" (redacted)" if export.redacted else ""))
    return _pdf(export)


@router.get("/documents/{document_id}/archive.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "searchable PDF/A-2b"},
                       **errors(401, 403, 404, 422)},
            summary="A document as a searchable PDF/A-2b with its archival metadata (redacted copy of a "
                    "denunciation for readers not cleared to see the denouncer)")
async def document_pdf(request: Request, document_id: DocumentId,
                       caller: Annotated[Caller, Depends(need(Action.EXPORT))]) -> Response:
    from ingest.archive import export_document

    return await _export(request, f"document {document_id} archive.pdf", export_document, document_id, caller)


@router.get("/dossiers/{dossier_id}/archive.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "searchable PDF/A-2b"},
                       **errors(401, 403, 404, 422)},
            summary="A dossier as one searchable PDF/A-2b, its documents in order, named by its dossier code")
async def dossier_pdf(request: Request, dossier_id: DossierId,
                      caller: Annotated[Caller, Depends(need(Action.EXPORT))]) -> Response:
    from ingest.archive import export_dossier

    return await _export(request, f"dossier {dossier_id} archive.pdf", export_dossier, dossier_id, caller)


@router.get("/documents/{document_id}/archive.json", responses=errors(401, 403, 404),
            summary="A document's archival metadata (and its dossier's), as written beside its PDF/A")
def document_json(request: Request, document_id: DocumentId,
                  caller: Annotated[Caller, Depends(need(Action.READ))]) -> dict[str, Any]:
    store = services(request).store

    def read() -> dict[str, Any]:
        _, meta, dossier = archival.read_document_metadata(store, document_id, caller.reader)
        return {"document": meta.as_json(), "dossier": dossier.as_json() if dossier else None}

    target = f"document {document_id} archive.json"
    return _run(request, "read", target, read, done=target)


@router.get("/dossiers/{dossier_id}/archive.json", responses=errors(401, 403, 404),
            summary="A dossier's archival metadata and its documents'")
def dossier_json(request: Request, dossier_id: DossierId,
                 caller: Annotated[Caller, Depends(need(Action.READ))]) -> dict[str, Any]:
    store = services(request).store

    def read() -> dict[str, Any]:
        dossier, docs = archival.read_dossier_metadata(store, dossier_id, caller.reader)
        return {"dossier": dossier.as_json(), "documents": [meta.as_json() for _, _, meta in docs]}

    target = f"dossier {dossier_id} archive.json"
    return _run(request, "read", target, read, done=target)


FieldsBody = Annotated[dict[str, Any], Body(description="field → value (\"\" or null: back to what donthu "
                                            "derives); fields as `records.archival` lists them")]


@router.post("/dossiers/{dossier_id}/archive.json", responses=errors(400, 401, 403, 404, 422),
             summary="Set archival metadata of a dossier (archivists, leaders)")
def edit_dossier(request: Request, dossier_id: DossierId, fields: FieldsBody,
                 caller: Annotated[Caller, Depends(need(Action.EDIT_ARCHIVAL))]) -> dict[str, Any]:
    store = services(request).store

    def edit() -> dict[str, Any]:
        archival.dossier_metadata(store, dossier_id, caller.reader, Action.EDIT_ARCHIVAL)  # visible, allowed
        archival.set_fields(store, "dossier", dossier_id, fields, caller.principal.username)
        return archival.dossier_metadata(store, dossier_id, caller.reader).as_json()

    return _run(request, "correct", f"dossier {dossier_id} archival metadata", edit,
                done=f"dossier {dossier_id} archival metadata: {', '.join(sorted(fields))}")


@router.post("/documents/{document_id}/archive.json", responses=errors(400, 401, 403, 404, 422),
             summary="Set archival metadata of a document (archivists, leaders)")
def edit_document(request: Request, document_id: DocumentId, fields: FieldsBody,
                  caller: Annotated[Caller, Depends(need(Action.EDIT_ARCHIVAL))]) -> dict[str, Any]:
    store = services(request).store

    def edit() -> dict[str, Any]:
        archival.read_document_metadata(store, document_id, caller.reader, Action.EDIT_ARCHIVAL)
        archival.set_fields(store, "document", document_id, fields, caller.principal.username)
        return archival.read_document_metadata(store, document_id, caller.reader)[1].as_json()

    return _run(request, "correct", f"document {document_id} archival metadata", edit,
                done=f"document {document_id} archival metadata: {', '.join(sorted(fields))}")
