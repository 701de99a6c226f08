"""Who is asking, and may they: logins, web sessions, API tokens, CSRF, the per-route permission check and the
audit of what people do.

- A browser logs in at `/dang-nhap` and gets a signed session cookie (`donthu_phien`: HttpOnly,
  SameSite=Strict, Secure when served over https) holding the user name, a random nonce and the login time;
  the cookie is never re-issued. The session is kept on the server (records.accounts `web_sessions`), which
  alone decides: each request checks that it is open, not idle for `Settings.session_idle_minutes` and not
  older than `Settings.session_max_hours` by the server's clock, so logout (which ends it there and clears the cookie), a disabled user or a changed role or unit stop it at
  once, and a replayed cookie is refused.
- Every POST of a browser session carries the session's CSRF token (form field `csrf` or header
  `X-CSRF-Token`, the HMAC of the session's nonce) and, when the browser sends `Origin`, an Origin of this
  host; otherwise 403.
- Scripts send `Authorization: Bearer <token>` (`donthu token add`); no cookie, no CSRF.
- Each route declares the `donthu.access.Action` it needs with `Depends(need(action))` (pages:
  `need(action, page=True)`): anonymous → 401 (API) or a redirect to the login page (pages); a role the policy
  table does not give that action → 403. `PUBLIC_PATHS` are the only routes without one (the tests check
  that every other route has one).
- `audit_event` writes one row of the audit trail (records.audit) for the request's user and address;
  `audit_denial` one for a refused request (403, failed CSRF or Origin check): who, which method and path
  (never its query string: search terms stay out), from where.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse

from donthu.access import Action, Principal
from donthu.access import NotAllowed as Refused
from donthu.config import Settings
from records import accounts, audit
from records.read import Reader, reader_for

log = logging.getLogger(__name__)

SESSION_COOKIE = "donthu_phien"
LOGIN_CSRF_COOKIE = "donthu_dang_nhap"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
LOGIN_PATH = "/dang-nhap"
#: routes anyone may reach (static assets are matched by prefix)
PUBLIC_PATHS = frozenset({"/health", LOGIN_PATH, "/static/{name}"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotLoggedIn(Exception):
    """No valid session or token: 401 for the API, the login page for a browser page."""

    def __init__(self, page: bool, next_url: str = "/") -> None:
        super().__init__("login required")
        self.page = page
        self.next_url = next_url


class NotAllowed(Refused):
    """Logged in, but the role may not do this (403); also a failed CSRF or Origin check. The records layer's
    refusal (`donthu.access.NotAllowed`) with whether to answer a page."""

    def __init__(self, page: bool, message: str) -> None:
        super().__init__(message)
        self.page = page
        self.message = message


# ---------------------------------------------------------------------------------------------- the key
def secret_key(settings: Settings) -> bytes:
    """`Settings.secret_key`, or the random key kept in data_dir/secret.key (made on first use, mode 0600)."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = Path(settings.data_dir) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # made by another process meanwhile
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


# ------------------------------------------------------------------------------------------- the cookie
@dataclass(frozen=True)
class Session:
    username: str
    nonce: str
    login_at: float


def _sign(key: bytes, payload: bytes) -> str:
    return hmac.new(key, b"session:" + payload, hashlib.sha256).hexdigest()


def encode_session(key: bytes, session: Session) -> str:
    payload = json.dumps({"u": session.username, "n": session.nonce, "l": int(session.login_at)},
                         separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(key, payload)}"


def decode_session(key: bytes, value: str) -> Session | None:
    body, _, signature = value.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        return None
    if not hmac.compare_digest(_sign(key, payload), signature):
        return None
    try:
        data = json.loads(payload)
        return Session(str(data["u"]), str(data["n"]), float(data["l"]))
    except (ValueError, KeyError, TypeError):
        return None


def csrf_token(key: bytes, nonce: str) -> str:
    return hmac.new(key, b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def new_session(username: str) -> Session:
    return Session(username, secrets.token_urlsafe(16), time.time())


def cookie_header(request: Request, name: str, value: str, max_age: int | None) -> str:
    """A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure over https; max_age 0 deletes."""
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if request.url.scheme == "https":
        parts.append("Secure")
    return "; ".join(parts)


def set_cookie_later(request: Request, header: str) -> None:
    """Have `SessionCookies` add this Set-Cookie to whatever response the route returns."""
    pending = getattr(request.state, "set_cookies", None)
    if pending is None:
        pending = []
        request.state.set_cookies = pending
    pending.append(header)


#: the API documentation (FastAPI's own routes, which take no dependency): logged-in callers only
DOCS_PATHS = ("/docs", "/redoc", "/openapi.json", "/static-offline-docs")


class SessionCookies:
    """ASGI middleware: adds the Set-Cookie headers a request asked for (`set_cookie_later`: a login, a
    logout) to its response, whatever response the route built; and keeps the API
    documentation (`DOCS_PATHS`) for logged-in callers."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if any(path == p or path.startswith(p + "/") for p in DOCS_PATHS) and identify(Request(scope)) is None:
            await JSONResponse({"detail": "login required"}, status_code=401,
                               headers={"WWW-Authenticate": "Bearer"})(scope, receive, send)
            return

        async def send_with_cookies(message: dict) -> None:
            if message["type"] == "http.response.start":
                pending = (scope.get("state") or {}).get("set_cookies") or []
                if pending:
                    headers = list(message.get("headers") or [])
                    headers += [(b"set-cookie", h.encode("latin-1")) for h in pending]
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookies)


# -------------------------------------------------------------------------------------------- who asks
@dataclass(frozen=True)
class Caller:
    """The logged-in person of a request and how they came (`session` from a browser, `token` from a
    script)."""

    principal: Principal
    via: str
    session: Session | None = None

    @property
    def reader(self) -> Reader:
        return reader_for(self.principal)


def _services(request: Request) -> Any:
    return request.app.state.services


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def identify(request: Request) -> Caller | None:
    """The request's caller from its bearer token or session cookie (None: anonymous or expired)."""
    if hasattr(request.state, "caller"):
        return request.state.caller
    caller = _identify(request)
    request.state.caller = caller
    return caller


def _identify(request: Request) -> Caller | None:
    services = _services(request)
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return None
        user = accounts.verify_token(services.store, token.strip())
        return Caller(user.principal, "token") if user else None
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    session = decode_session(services.secret, value)
    if session is None:
        return None
    settings: Settings = services.settings
    if time.time() - session.login_at > settings.session_max_hours * 3600:
        return None
    # the server's record of the session decides: ended (logout, disabled, role or unit changed), idle or too
    # old by the server's clock → anonymous, whatever the signed cookie says; the cookie never changes
    user = accounts.session_user(services.store, session.username, session.nonce,
                                 settings.session_idle_minutes * 60, settings.session_max_hours * 3600)
    if user is None:
        return None
    return Caller(user.principal, "session", session)


def _origin_ok(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin:
        return True  # same-origin form posts from older browsers may omit it; the token still decides
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


async def check_csrf(request: Request, caller: Caller, page: bool) -> None:
    """A browser session's POST must carry the session's CSRF token and come from this origin."""
    if caller.via != "session" or request.method in _SAFE_METHODS:
        return
    if not _origin_ok(request):
        raise NotAllowed(page, "cross-origin request refused")
    sent = request.headers.get(CSRF_HEADER)
    if not sent and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        sent = str(form.get(CSRF_FIELD) or "")
    expected = csrf_token(_services(request).secret, caller.session.nonce if caller.session else "")
    if not sent or not hmac.compare_digest(sent, expected):
        raise NotAllowed(page, "missing or wrong CSRF token")


def need(action: Action, *, page: bool = False) -> Callable[..., Any]:
    """The dependency of a route that needs `action` (the policy table decides the role; records.read the
    unit). `page`: a browser page (anonymous → login page instead of 401)."""

    async def dependency(request: Request) -> Caller:
        caller = identify(request)
        if caller is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise NotLoggedIn(page, target)
        if not caller.principal.may(action):
            raise NotAllowed(page, f"the role {caller.principal.role.value} may not {action.value}")
        await check_csrf(request, caller, page)
        request.state.reader = caller.reader  # api.readers.request_reader: what the pages read as
        return caller

    dependency.action = action  # type: ignore[attr-defined]  # read by the tests' route × role matrix
    dependency.page = page  # type: ignore[attr-defined]
    return dependency


def all_routes(routes: list[Any]) -> list[Any]:
    """The app's routes with the included routers' routes in place (FastAPI keeps them nested)."""
    out: list[Any] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out.extend(all_routes(inner.routes) if inner is not None else [route])
    return out


def route_action(route: Any) -> Action | None:
    """The Action a route's `need` dependency declares (None: a public route)."""
    for dep in getattr(getattr(route, "dependant", None), "dependencies", []):
        action = getattr(dep.call, "action", None)
        if action is not None:
            return action
    return None


# ------------------------------------------------------------------------------------------- the audit
def audit_event(request: Request, action: str, target: str = "", result: str = "ok",
                username: str | None = None) -> None:
    """One row of the audit trail for this request (its caller, its client address). A failure to write it
    is logged and raised: an action that cannot be audited is not done."""
    caller = getattr(request.state, "caller", None)
    who = username if username is not None else (caller.principal.username if caller else "")
    audit.append(_services(request).store, username=who, client=client_address(request), action=action,
                 target=target, result=result)


def audit_denial(request: Request, reason: str) -> None:
    """The audit row of a refused request: its caller (if any), method and path without the query string,
    and why (`result` "denied", or "csrf_refused" for a failed CSRF or Origin check)."""
    csrf = any(w in reason.lower() for w in ("csrf", "cross-origin", "cross-site"))
    try:
        identify(request)
        audit_event(request, "denied", f"{request.method} {request.url.path}"[:500],
                    "csrf_refused" if csrf else "denied")
    except Exception:  # noqa: BLE001 - the refusal stands even if its row cannot be written
        log.exception("could not audit a refused request")


class QuietAccessLog(logging.Filter):
    """Drops the query string from uvicorn's access-log lines: search terms (names of people) stay out of the
    web server's log (they are in the audit trail, readable by leaders and administrators only)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def quiet_access_log() -> None:
    """Install `QuietAccessLog` on uvicorn's access logger (once)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QuietAccessLog) for f in logger.filters):
        logger.addFilter(QuietAccessLog())
