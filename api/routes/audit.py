"""The audit trail for leaders and administrators (`READ_AUDIT`): `GET /audit` (JSON) and the page
`/nhat-ky`, both with the chain's verification; reading it is itself audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.auth import Caller, audit_event, need
from api.routes.common import errors, services
from api.web import _render
from donthu.access import Action
from records import audit

router = APIRouter(tags=["audit"])


@router.get("/audit", responses=errors(401, 403), summary="The audit trail, newest first, and its verification")
def audit_rows(
    request: Request,
    caller: Annotated[Caller, Depends(need(Action.READ_AUDIT))],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(ge=1, le=2**62, description="rows with ids below this one")] = None,
    user: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    store = services(request).store
    audit_event(request, "read_audit", f"user={user or ''} action={action or ''} before={before or ''}")
    check = audit.verify(store)
    rows = audit.rows(store, limit=limit, before=before, username=user, action=action)
    return {
        "verified": {"ok": check.ok, "rows": check.rows, "broken_at": check.broken_at},
        "rows": [{"id": r.id, "at": r.at.isoformat() + "Z", "username": r.username, "client": r.client,
                  "action": r.action, "target": r.target, "result": r.result, "hash": r.hash} for r in rows],
    }


@router.get("/nhat-ky", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, caller: Caller = Depends(need(Action.READ_AUDIT, page=True)),
               user: str = "", action: str = "", before: str = "") -> HTMLResponse:
    store = services(request).store
    audit_event(request, "read_audit", f"user={user} action={action} before={before}")
    limit = 200
    rows = audit.rows(store, limit=limit, before=int(before) if before.isdigit() and len(before) < 18 else None,
                      username=user or None, action=action or None)
    return _render(request, "audit.html", {"rows": rows, "limit": limit, "verification": audit.verify(store),
                                           "filters": {"user": user, "action": action}})
