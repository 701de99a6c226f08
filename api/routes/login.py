"""The login page (`GET/POST /dang-nhap`) and logout (`POST /dang-xuat`).

The login form carries its own CSRF token (a random value in a short-lived cookie, compared with the form's:
a page of another site cannot log a browser in as someone else). A good password starts a session
(`api.auth`, kept on the server: records.accounts); every attempt, good or bad, is written to the audit trail
with the name typed (never the password). An unknown name, a wrong password and a disabled user get the same
answer after the same argon2 work (records.accounts.verify_password). After repeated failures of one name or
from one address, attempts are refused for a while (429, `Retry-After`) without trying the password
(records.accounts.login_delay).
"""

from __future__ import annotations

import hmac
import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import (LOGIN_CSRF_COOKIE, LOGIN_PATH, SESSION_COOKIE, _origin_ok, audit_event, check_csrf,
                      client_address, cookie_header, encode_session, identify, new_session, set_cookie_later)
from api.routes.common import services
from api.web import _render, _safe_next
from donthu.access import Action, Principal
from records import accounts

router = APIRouter(include_in_schema=False)
#: the one message of a refused login, whether the name exists or not
WRONG_LOGIN = "Sai tên đăng nhập hoặc mật khẩu."


def home(principal: Principal) -> str:
    """Where a person lands after logging in."""
    if principal.may(Action.READ):
        return "/"
    if principal.may(Action.READ_AUDIT):
        return "/nhat-ky"
    return "/"


def _login_page(request: Request, next_url: str, error: str = "", username: str = "",
                status_code: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = _render(request, "login.html", {"login_csrf": token, "next": next_url, "error": error,
                                               "username": username}, status_code=status_code)
    response.headers.append("set-cookie", cookie_header(request, LOGIN_CSRF_COOKIE, token, 3600))
    return response


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    caller = identify(request)
    if caller is not None:
        return RedirectResponse(_safe_next(next, home(caller.principal)), status_code=303)
    return _login_page(request, _safe_next(next, "/"))


@router.post(LOGIN_PATH)
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    next_url = _safe_next(next, "")
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not _origin_ok(request) or not expected or not hmac.compare_digest(csrf, expected):
        audit_event(request, "login", username[:100], "csrf_refused", username="")
        return _login_page(request, next_url or "/", "Phiên đăng nhập đã hết hạn, vui lòng thử lại.", username,
                           status_code=403)
    store = services(request).store
    typed = username.strip().lower()[:100]
    wait = accounts.login_delay(store, typed, client_address(request))
    if wait > 0:  # too many failures of this name or from this address: no password is tried
        audit_event(request, "login", typed, "throttled", username="")
        minutes = max(1, math.ceil(wait / 60))
        response = _login_page(request, next_url or "/",
                               f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.", username,
                               status_code=429)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    user = accounts.verify_password(store, username, password)
    if user is None:  # the same answer for an unknown name, a wrong password and a disabled user
        audit_event(request, "login", typed, "failed", username="")
        return _login_page(request, next_url or "/", WRONG_LOGIN, username, status_code=401)
    audit_event(request, "login", user.username, "ok", username=user.username)
    response = RedirectResponse(next_url or home(user.principal), status_code=303)
    session = new_session(user.username)
    accounts.start_session(store, user, session.nonce)
    value = encode_session(services(request).secret, session)
    response.headers.append("set-cookie", cookie_header(request, SESSION_COOKIE, value, None))
    response.headers.append("set-cookie", cookie_header(request, LOGIN_CSRF_COOKIE, "", 0))
    return response


@router.post("/dang-xuat")
async def logout(request: Request) -> Response:
    """End the browser's session (a POST with the session's CSRF token)."""
    caller = identify(request)
    if caller is not None:
        if caller.via == "session":
            await check_csrf(request, caller, page=True)
        audit_event(request, "logout", caller.principal.username)
        if caller.session is not None:  # ended on the server: the cookie, replayed, opens nothing
            accounts.end_session(services(request).store, caller.session.nonce)
    set_cookie_later(request, cookie_header(request, SESSION_COOKIE, "", 0))
    return RedirectResponse(LOGIN_PATH, status_code=303)

