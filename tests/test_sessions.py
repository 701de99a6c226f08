"""Sessions ended on the server, login throttling, no user enumeration, refused requests in the audit trail,
search terms out of the logs, and an upload of another unit's letter that shows nothing of it (issue 16).

On the real app (TestClient), the real SQLite store, real argon2 hashes, real API tokens and the real CLI.
Expected values are what the rules say (a replayed cookie is refused, the sixth failure waits 30 s, …), not
what the code returns.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import SESSION_COOKIE, QuietAccessLog, Session, decode_session, encode_session
from donthu.access import Role
from donthu.config import Settings
from records import accounts, audit
from tests.accounts import PASSWORD, add_user, bearer, log_in
from tests.test_auth import COMMUNE_A, COMMUNE_B, letter_png, store_letter

WRONG = "Sai tên đăng nhập hoặc mật khẩu."


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path / "data", workers=1), submit=lambda _id: None)
    with TestClient(app) as c:
        yield c


def _store(client: TestClient):
    return client.app.state.services.store


def _cookie(client: TestClient) -> str:
    return client.cookies.get(SESSION_COOKIE)


def _replay(client: TestClient, value: str, path: str = "/documents") -> int:
    """The status of a request that carries only this session cookie (a copied or stolen cookie)."""
    fresh = TestClient(client.app)
    fresh.cookies.set(SESSION_COOKIE, value)
    return fresh.get(path, follow_redirects=False).status_code


def _login_form(client: TestClient, username: str, password: str):
    page = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/dang-nhap", data={"username": username, "password": password, "csrf": token},
                       follow_redirects=False)


# ------------------------------------------------------------------------------------ sessions
def test_logout_ends_the_session_on_the_server(client: TestClient) -> None:
    name = add_user(_store(client), Role.OFFICER)
    log_in(client, name)
    stolen = _cookie(client)
    assert _replay(client, stolen) == 200
    assert accounts.open_sessions(_store(client), name) == 1
    assert client.post("/dang-xuat", follow_redirects=False).status_code == 303
    assert _replay(client, stolen) == 401  # the cookie kept by an attacker (or the browser's back-up) is dead
    assert _replay(client, stolen, "/") == 303  # a page: to the login form
    assert accounts.open_sessions(_store(client), name) == 0
    # a cookie signed with the right key but for a session the server never opened is refused too
    secret = client.app.state.services.secret
    session = decode_session(secret, stolen)
    forged = encode_session(secret, Session(name, "a-nonce-never-issued", session.login_at))
    assert _replay(client, forged) == 401


def test_idle_timeout_is_judged_by_the_servers_clock(client: TestClient) -> None:
    store = _store(client)
    name = add_user(store, Role.OFFICER)
    log_in(client, name)
    value = _cookie(client)
    secret = client.app.state.services.secret
    session = decode_session(secret, value)
    # 31 minutes without a request, by the server's record (the idle limit is 30)
    with store._write() as conn:
        conn.exec_driver_sql("UPDATE web_sessions SET seen_at = ?",
                             (datetime.utcnow() - timedelta(minutes=31),))
    # the cookie claims a login a second ago (re-signed with the real key): the server's clock decides
    fresh_looking = encode_session(secret, Session(name, session.nonce, time.time()))
    assert _replay(client, fresh_looking) == 401
    assert _replay(client, value) == 401
    with store._read() as conn:
        assert conn.exec_driver_sql("SELECT end_reason FROM web_sessions").scalar() == "idle"


def test_longest_session_is_judged_by_the_servers_clock(client: TestClient) -> None:
    store = _store(client)
    name = add_user(store, Role.OFFICER)
    log_in(client, name)
    value = _cookie(client)
    assert _replay(client, value) == 200
    # opened 13 hours ago by the server's record (the longest session is 12 hours), used a minute ago: ended
    with store._write() as conn:
        conn.exec_driver_sql("UPDATE web_sessions SET created_at = ?", (datetime.utcnow() - timedelta(hours=13),))
    assert _replay(client, value) == 401
    with store._read() as conn:
        assert conn.exec_driver_sql("SELECT end_reason FROM web_sessions").scalar() == "expired"


def test_disable_or_new_role_or_unit_ends_sessions_and_tokens(client: TestClient, monkeypatch) -> None:
    store = _store(client)
    services = client.app.state.services
    doc_id = store_letter(services, "don-my-hoi.png", COMMUNE_A, "Mỹ Hội")
    name = add_user(store, Role.OFFICER, COMMUNE_A, name="hanh")
    log_in(client, name)
    cookie = _cookie(client)
    token = {"Authorization": f"Bearer {accounts.create_token(store, name, 'script')}"}
    assert _replay(client, cookie, f"/documents/{doc_id}") == 200
    assert client.get(f"/documents/{doc_id}", headers=token).status_code == 200

    # moved to another commune (the real CLI, `donthu user role`): the old session and token no longer open anything
    from cli.main import main

    for key in [k for k in os.environ if k.startswith("DONTHU_")]:
        monkeypatch.delenv(key)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["--data-dir", str(services.settings.data_dir), "user", "role", name, "--unit", COMMUNE_B]) == 0
    assert "sessions ended and tokens revoked" in out.getvalue()
    assert _replay(client, cookie) == 401
    assert client.get("/documents", headers=token).status_code == 401
    assert accounts.list_tokens(store, name)[0].revoked_at is not None
    # a new login sees the new unit only
    client.cookies.clear()
    log_in(client, name)
    assert client.get(f"/documents/{doc_id}").status_code == 404

    # a new role: same
    cookie = _cookie(client)
    accounts.set_role(store, name, Role.ARCHIVIST)
    assert _replay(client, cookie) == 401
    # an unchanged role and unit ends nothing
    client.cookies.clear()
    log_in(client, name)
    cookie = _cookie(client)
    accounts.set_role(store, name, Role.ARCHIVIST, COMMUNE_B)
    assert _replay(client, cookie) == 200

    # disabled: session and a new token die at once
    token = {"Authorization": f"Bearer {accounts.create_token(store, name, 'script 2')}"}
    assert client.get("/documents", headers=token).status_code == 200
    accounts.set_active(store, name, False)
    assert _replay(client, cookie) == 401
    assert client.get("/documents", headers=token).status_code == 401
    accounts.set_active(store, name, True)  # enabling again does not bring the token back
    assert client.get("/documents", headers=token).status_code == 401
    assert _replay(client, cookie) == 401
    # a new password ends the sessions (not the tokens: they are not derived from it)
    client.cookies.clear()
    log_in(client, name)
    cookie = _cookie(client)
    token = {"Authorization": f"Bearer {accounts.create_token(store, name, 'script 3')}"}
    accounts.set_password(store, name, PASSWORD + "-moi")
    assert _replay(client, cookie) == 401
    assert client.get("/documents", headers=token).status_code == 200
    with store._read() as conn:
        reasons = [r for (r,) in conn.exec_driver_sql("SELECT end_reason FROM web_sessions ORDER BY id")]
    assert reasons == ["role_changed", "role_changed", "disabled", "password_changed"]


# ------------------------------------------------------------------------------------ logins
def test_repeated_failures_are_throttled_per_account_and_audited(client: TestClient) -> None:
    store = _store(client)
    name = add_user(store, Role.OFFICER, name="thu")
    other = add_user(store, Role.OFFICER, name="lan")
    for _ in range(accounts.LOGIN_FREE_FAILURES):
        assert _login_form(client, name, "wrong-password-x").status_code == 401
    # the sixth attempt, even with the right password, is not tried: 429 and a wait
    blocked = _login_form(client, name, PASSWORD)
    assert blocked.status_code == 429 and "thử lại sau 1 phút" in blocked.text
    assert int(blocked.headers["Retry-After"]) == pytest.approx(accounts.LOGIN_BASE_DELAY, abs=2)
    assert SESSION_COOKIE not in blocked.headers.get("set-cookie", "")
    # the name is throttled, not the address: another user from the same address logs in
    assert _login_form(client, other, PASSWORD).status_code == 303
    rows = [(r.action, r.target, r.result, r.client) for r in reversed(audit.rows(store))]
    assert rows.count(("login", name, "failed", "testclient")) == 5
    assert ("login", name, "throttled", "testclient") in rows and ("login", other, "ok", "testclient") in rows
    # the wait doubles with each failure past the free ones and ends: counted from the latest failure
    last = max(r.at for r in audit.rows(store, action="login") if r.target == name and r.result == "failed")
    assert accounts.login_delay(store, name, "elsewhere", last) == accounts.LOGIN_BASE_DELAY
    assert accounts.login_delay(store, name, "elsewhere", last + timedelta(seconds=31)) == 0
    audit.append(store, username="", client="x", action="login", target=name, result="failed")
    assert accounts.login_delay(store, name, "elsewhere") == pytest.approx(2 * accounts.LOGIN_BASE_DELAY, abs=2)
    # after the window, nothing is counted
    assert accounts.login_delay(store, name, "elsewhere", datetime.utcnow() + timedelta(minutes=16)) == 0


def test_repeated_failures_from_one_address_are_throttled(client: TestClient) -> None:
    store = _store(client)
    name = add_user(store, Role.OFFICER)
    for n in range(accounts.ADDRESS_FREE_FAILURES):  # a different guessed name each time
        audit.append(store, username="", client="testclient", action="login", target=f"guess-{n}",
                     result="failed")
    blocked = _login_form(client, name, PASSWORD)  # a name never tried, from that address
    assert blocked.status_code == 429
    assert accounts.login_delay(store, name, "another-address") == 0


def test_an_unknown_name_and_a_wrong_password_look_the_same(client: TestClient, monkeypatch) -> None:
    store = _store(client)
    name = add_user(store, Role.OFFICER)
    disabled = add_user(store, Role.ARCHIVIST, name="da-nghi")
    accounts.set_active(store, disabled, False)
    calls: list[str] = []
    real = accounts._hasher

    class Spy:  # the real hasher, counting what it verifies against
        def verify(self, hashed: str, password: str) -> bool:
            calls.append(hashed)
            return real.verify(hashed, password)

        def __getattr__(self, name: str):
            return getattr(real, name)

    monkeypatch.setattr(accounts, "_hasher", Spy())

    def answer(username: str, password: str) -> tuple[int, str]:
        response = _login_form(client, username, password)
        body = re.sub(r'value="[^"]*"', 'value=""', response.text)  # the form's fresh CSRF token, the name typed
        return response.status_code, body

    wrong = answer(name, "wrong-password-x")
    unknown = answer("khong-ai-ca", "wrong-password-x")
    off = answer(disabled, PASSWORD)
    assert wrong == unknown == off and wrong[0] == 401 and WRONG in wrong[1]
    # each one verified one argon2 hash of the same parameters (the unknown name: the dummy hash)
    assert len(calls) == 3 and calls[1] == accounts._dummy_hash()
    params = {h.rsplit("$", 2)[0] for h in calls}
    assert len(params) == 1, params


# ------------------------------------------------------------------------------------ denials
def test_refusals_are_in_the_audit_trail_without_query_strings(client: TestClient) -> None:
    store = _store(client)
    services = client.app.state.services
    doc_id = store_letter(services, "don.png", COMMUNE_A, "Mỹ Hội")
    verifier = bearer(client, Role.VERIFIER, COMMUNE_A)
    assert client.get("/search", params={"q": "Nguyễn Văn Bình"}, headers=verifier).status_code == 403
    assert client.get("/audit", headers=bearer(client, Role.OFFICER)).status_code == 403
    name = add_user(store, Role.OFFICER, COMMUNE_A)
    log_in(client, name)
    good = client.headers.pop("X-CSRF-Token")
    assert client.post(f"/van-ban/{doc_id}/sua", data={"type": "denunciation"}).status_code == 403  # no token
    cross = client.post(f"/van-ban/{doc_id}/sua", data={"type": "denunciation", "csrf": good},
                        headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
    rows = [r for r in reversed(audit.rows(store)) if r.action == "denied"]
    seen = [(r.username, r.target, r.result, r.client) for r in rows]
    assert seen == [
        ("verifier-an-giang-cho-moi-my-hoi", "GET /search", "denied", "testclient"),
        ("officer", "GET /audit", "denied", "testclient"),
        (name, f"POST /van-ban/{doc_id}/sua", "csrf_refused", "testclient"),
        (name, f"POST /van-ban/{doc_id}/sua", "csrf_refused", "testclient"),
    ]
    assert all("Bình" not in r.target and "?" not in r.target for r in audit.rows(store) if r.action == "denied")
    assert audit.verify(store).ok


def test_search_terms_stay_out_of_the_logs(client: TestClient, caplog) -> None:
    """A search for a person, through the app with every project logger at DEBUG, and through uvicorn's access
    log line (as uvicorn formats it, with the filter `donthu serve` installs): the name is nowhere."""
    services = client.app.state.services
    store_letter(services, "don.png", COMMUNE_A, "Mỹ Hội")
    headers = bearer(client, Role.OFFICER)
    name = "Nguyễn Văn Bình"
    caplog.set_level(logging.DEBUG)
    for logger in ("sqlalchemy", "sqlalchemy.engine"):  # SQL echo is a developer's switch, off in service
        logging.getLogger(logger).setLevel(logging.WARNING)
    found = client.get("/search", params={"q": name}, headers=headers)
    assert found.status_code == 200 and found.json()["total"] == 1
    client.get("/tra-cuu", params={"q": name}, headers=headers)
    access = logging.getLogger("uvicorn.access")
    assert any(isinstance(f, QuietAccessLog) for f in access.filters)
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/tra-cuu?q=Nguy%E1%BB%85n+V%C4%83n+B%C3%ACnh",
                "1.1", 200)
    # (httpx's lines are the test's own client, not the service)
    text = "\n".join(r.getMessage() for r in caplog.records if r.name != "httpx")
    assert '"GET /tra-cuu HTTP/1.1" 200' in text
    for form in (name, "Nguy%E1%BB%85n", "Nguyen Van Binh", "Bình", "Binh"):
        assert form not in text, form


# ------------------------------------------------------------------------------------ uploads
def test_an_upload_of_another_units_letter_shows_nothing_of_it(client: TestClient) -> None:
    store = _store(client)
    clerk_a = bearer(client, Role.INTAKE, COMMUNE_A)
    clerk_b = bearer(client, Role.INTAKE, COMMUNE_B)
    data = letter_png("ĐƠN TỐ CÁO của một người")
    first = client.post("/documents", files={"file": ("don.png", data, "image/png")}, headers=clerk_a).json()
    assert first["duplicate"] is False and isinstance(first["id"], int)
    # the same clerk, again: their own document
    again = client.post("/documents", files={"file": ("don.png", data, "image/png")}, headers=clerk_a).json()
    assert again["id"] == first["id"] and again["duplicate"] is True
    # a clerk of another commune, after the first run failed: neither the id nor the state, and no new run
    with store._write() as conn:
        conn.exec_driver_sql("UPDATE documents SET status = 'failed' WHERE id = ?", (first["id"],))
    submitted: list[int] = []
    client.app.state.services.submit = submitted.append
    other = client.post("/documents", files={"file": ("don.png", data, "image/png")}, headers=clerk_b)
    assert other.status_code == 202
    body = other.json()
    assert body["id"] is None and body["duplicate"] is False and body["status"] == "queued"
    assert str(first["id"]) not in other.text.replace(body["sha256"], "")
    assert store.get(first["id"]).unit == COMMUNE_A and submitted == []  # not moved, not run again
    row = next(r for r in audit.rows(store, action="upload") if r.result == "held_elsewhere")
    assert row.target.startswith(f"document {first['id']} ") and row.username == "intake-an-giang-cho-moi-long-dien-a"
    # a district leader above both may read it: the leader's answer names it
    leader = bearer(client, Role.LEADER, "an-giang/cho-moi")
    assert client.get(f"/documents/{first['id']}", headers=leader).status_code == 200
    # and the clerk of the first commune, uploading it again, gets their own failed document run again
    again = client.post("/documents", files={"file": ("don.png", data, "image/png")}, headers=clerk_a).json()
    assert again["id"] == first["id"] and submitted == [first["id"]]
