"""Limits on what clients send: the request body (counted as it arrives, not as declared), uploads received
at the same time, and how much one uploader may send per day.

* `BodyLimit` (ASGI middleware): a POST whose declared `Content-Length` is over the limit is answered 413
  before its body is read; every body — chunked ones too, which declare no length — is counted as it is
  received and the request is cut off with 413 as soon as the count passes the limit (an upload's limit is
  `max_file_bytes` plus the multipart framing; other forms and JSON bodies get `FORM_BYTES`). Starlette's
  multipart parser spools a file part to an anonymous temporary file on disk after its first MB, so what is
  received is on disk, not in memory, and it is gone when the request ends.
* `UploadGate`: at most `max_concurrent_uploads` uploads are received at once (one more is answered 503
  with `Retry-After`: memory and temporary disk stay bounded), and `charge(uploader, size)` is the
  per-uploader quota (`upload_quota_bytes` in 24 hours; 0 = none). The uploader is the logged-in user's name
  (`POST /documents` charges `caller.principal.username`); `uploader_of` names a request without a caller
  by its client address.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from api.reasons import in_vietnamese
from donthu.config import Settings

#: multipart framing around the file (boundaries, part headers, small form fields)
MULTIPART_SLACK = 64 * 1024
#: the body of any other POST (correction forms, a typed page): a page of text is a few tens of kB
FORM_BYTES = 2 * 1024 * 1024
#: the routes that take a file
UPLOAD_PATHS = frozenset({"/documents"})
RETRY_AFTER_SECONDS = 5
DAY_SECONDS = 24 * 3600


def too_large_message(size: int | None, limit: int) -> str:
    what = f"{size / 2**20:.1f} MB" if size is not None else "more than the limit"
    return f"file too large: {what} (limit {limit / 2**20:.0f} MB)"


def _json(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail, "detail_vi": in_vietnamese(detail)}, status_code=status,
                        headers=headers)


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a body passes its limit; answered 413 (the app's HTTP error handler, or
    `BodyLimit` itself when the exception reaches it)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(None, limit))


class UploadGate:
    """Concurrent uploads and the per-uploader quota of one app (kept on `app.state.uploads`)."""

    def __init__(self, settings: Settings) -> None:
        self.capacity = settings.max_concurrent_uploads
        self.quota = settings.upload_quota_bytes
        self.active = 0
        self._sent: dict[str, deque[tuple[float, int]]] = defaultdict(deque)

    def enter(self) -> bool:
        """Take a slot (the event loop's thread only: no lock needed); False when all are taken."""
        if self.active >= self.capacity:
            return False
        self.active += 1
        return True

    def leave(self) -> None:
        self.active -= 1

    def charge(self, uploader: str, size: int, now: float | None = None) -> str | None:
        """Count `size` bytes against `uploader`'s quota; the reason when it would go over (not counted)."""
        if not self.quota:
            return None
        now = time.time() if now is None else now
        sent = self._sent[uploader]
        while sent and sent[0][0] <= now - DAY_SECONDS:
            sent.popleft()
        used = sum(n for _, n in sent)
        if used + size > self.quota:
            return (f"upload quota exceeded: {used / 2**20:.1f} MB sent in 24 h, this file "
                    f"{size / 2**20:.1f} MB (quota {self.quota / 2**20:.0f} MB)")
        sent.append((now, size))
        return None


def uploader_of(request: Request) -> str:
    """Whose quota an upload counts against: the logged-in user when the request has one
    (`request.state.user`), else the client's address."""
    user = getattr(request.state, "user", None)
    name = getattr(user, "name", None) or (user if isinstance(user, str) else None)
    if name:
        return f"user:{name}"
    return f"address:{request.client.host if request.client else 'unknown'}"


class BodyLimit:
    """ASGI middleware: the body limits and the upload slots (see the module docstring)."""

    def __init__(self, app: Any, settings: Settings, gate: UploadGate) -> None:
        self.app = app
        self.file_limit = settings.max_file_bytes
        self.gate = gate

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        upload = scope.get("path") in UPLOAD_PATHS
        limit = self.file_limit + MULTIPART_SLACK if upload else FORM_BYTES
        length = dict(scope.get("headers") or []).get(b"content-length", b"").strip()
        if length.isdigit() and int(length) > limit:
            size = int(length)
            detail = too_large_message(size, self.file_limit) if upload else f"request too large: {size} bytes"
            await _json(413, detail)(scope, receive, send)
            return
        if upload and not self.gate.enter():
            await _json(503, f"busy: {self.gate.capacity} uploads are being received; try again shortly",
                        {"Retry-After": str(RETRY_AFTER_SECONDS)})(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(self.file_limit if upload else limit)
            return message

        async def watched_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _json(413, str(exc.detail))(scope, receive, send)
        finally:
            if upload:
                self.gate.leave()
