"""What the service does to every request and response before any route sees it: only the allowed host
names are answered (DNS rebinding), unsafe methods from a browser of another site are refused (CSRF: the
Origin / Referer / Sec-Fetch-Site check; the form token is the login's), and every response carries the
security headers (CSP, nosniff, frame-ancestors, Referrer-Policy, Cache-Control: no-store).

`install(app, settings)` adds the middleware in this order, outermost first: headers, host, origin — so
the refusals of the inner two carry the headers too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import JSONResponse

from donthu.config import Settings

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: the clerks' pages: scripts only from /static (no inline script, no eval); inline style attributes are
#: allowed (progress bars and hit boxes are positioned by `style=`), nothing else from anywhere else
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: Swagger UI and ReDoc (fastapi-offline's files) start from an inline script and ReDoc runs a blob: worker
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' blob:; worker-src 'self' blob:; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """Adds the security headers to every HTTP response; `Cache-Control: no-store` unless the route set
    its own (the static files' `no-cache`): records, page images, originals and search results are not kept
    by browsers or proxies."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else CSP

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"content-security-policy", *(h.encode() for h in HEADERS))]
                present = {k.lower() for k, _ in headers}
                headers.append((b"content-security-policy", csp.encode()))
                headers.extend((k.encode(), v.encode()) for k, v in HEADERS.items())
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _error(status: int, detail: str, detail_vi: str) -> JSONResponse:
    return JSONResponse({"detail": detail, "detail_vi": detail_vi}, status_code=status)


def origin_of(url: str) -> str | None:
    """"host[:port]" of an Origin or Referer value, lower case; None when it has none ("null")."""
    try:
        parts = urlsplit(url.strip())
        return parts.netloc.lower() or None
    except ValueError:
        return None


async def _audit_refusal(scope: dict, refusal: str) -> None:
    """The audit row of a cross-site request refused here (api.auth.audit_denial), off the event loop."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request

    from api.auth import audit_denial

    if "app" in scope and hasattr(scope["app"].state, "services"):
        await run_in_threadpool(audit_denial, Request(scope), f"cross-site: {refusal}")


class SameOrigin:
    """CSRF guard: a POST/PUT/PATCH/DELETE that a browser sends from another site is refused (403).

    A browser says where a request comes from: `Sec-Fetch-Site` (cross-site / same-site are refused,
    same-origin and none pass), `Origin` (sent with every cross-origin and same-origin POST by current
    browsers; "null" from sandboxed frames and file: pages is refused), else `Referer`. The origin's
    host[:port] must be the request's own Host (which TrustedHostMiddleware has already checked). A request
    that carries none of these headers is not from a browser page (curl, scripts) and passes: CSRF needs a
    browser to carry the victim's cookies.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            refusal = self.refusal(scope)
            if refusal:
                await _audit_refusal(scope, refusal)
                await _error(403, f"cross-site request refused: {refusal}",
                             "Yêu cầu từ trang web khác bị từ chối")(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def refusal(scope: dict) -> str | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        fetch_site = headers.get("sec-fetch-site", "").strip().lower()
        if fetch_site in ("cross-site", "same-site"):
            return f"Sec-Fetch-Site is {fetch_site}"
        host = headers.get("host", "").strip().lower()
        for name in ("origin", "referer"):
            value = headers.get(name)
            if value is None:
                continue
            source = origin_of(value)
            if source is None:
                return f"{name} is {value.strip()[:80]!r}"
            if source != host:
                return f"{name} {source[:80]!r} is not this site ({host[:80]!r})"
            return None
        return None


def install(app: Any, settings: Settings) -> None:
    """Add the three guards to `app` (Starlette middleware; the last added runs first)."""
    app.add_middleware(SameOrigin)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(SecurityHeaders)


def allowed_methods(app: Any, scope: dict) -> list[str]:
    """Every method some route of `app` answers at this request's path (for a 405's `Allow` header:
    Starlette lists only the first route that matched the path, e.g. POST but not GET for /documents)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in app.router.routes:
        for method in getattr(route, "methods", None) or ():
            if route.matches({**scope, "method": method})[0] == Match.FULL:
                methods.add(method)
    return sorted(methods)
