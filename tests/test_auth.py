"""Accounts, logins, permissions and the audit trail (issue 16), on the real app (TestClient), the real store
(SQLite), real argon2 hashes and the real CLI:

- the role × route matrix generated from `donthu.access.POLICY` and the app's own routes: every route,
  anonymous (401 or the login page) and each role (allowed, or 403);
- cross-unit denials: a commune's officer cannot read, list, count or search another commune's letters; a
  district leader sees both;
- password hashing, API token revocation, session expiry and tampering, CSRF (missing, wrong, foreign Origin);
- the audit trail: what is logged, the chain verified, then a row edited in SQLite → `donthu audit verify`
  names it; uvicorn's access log keeps no query string.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from api.app import create_app
from api.auth import (DOCS_PATHS, PUBLIC_PATHS, SESSION_COOKIE, QuietAccessLog, Session, all_routes,
                      decode_session, encode_session, route_action)
from conftest import REPO
from donthu.access import POLICY, Action, Role
from donthu.config import Settings
from donthu.schema import Record
from ingest.indexing import reindex_stored
from records import accounts, audit
from tests.accounts import PASSWORD, add_user, bearer, log_in

COMMUNE_A = "an-giang/cho-moi/my-hoi"
COMMUNE_B = "an-giang/cho-moi/long-dien-a"
DISTRICT = "an-giang/cho-moi"
#: logout is reachable without a login (it ends whatever session there is)
OPEN_PATHS = PUBLIC_PATHS | {"/dang-xuat"}


def letter_png(text: str) -> bytes:
    image = Image.new("L", (400, 200), 250)
    ImageDraw.Draw(image).text((10, 10), text, fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def record_of(name: str, sha: str, commune: str) -> Record:
    text = f"ĐƠN KHIẾU NẠI\nTôi tên là Nguyễn Văn Bình, ở xã {commune}, khiếu nại về thửa đất số 45."
    return Record.model_validate({
        "file": name, "sha256": sha, "mime": "image/png",
        "pages": [{"number": 1, "source": "ocr", "confidence": 91.0, "text": text}], "text": text,
        "kind": "petition", "type": "complaint", "type_confidence": 0.8, "type_evidence": ["khiếu nại"],
        "parties": [{"name": "Nguyễn Văn Bình", "role": "complainant", "id_number": None, "address": None}],
        "parcels": [{"parcel_no": "45", "map_sheet": "12", "area_m2": None, "land_use": None,
                     "commune": commune, "district": "Chợ Mới", "province": "An Giang"}],
        "references": [], "date": "2021-04-10", "errors": [],
    })


def store_letter(services, name: str, unit: str, commune: str) -> int:
    """A processed letter of `unit` (original stored, record saved, indexed through the read path)."""
    data = letter_png(name)
    sha = services.store.put_original(data)
    doc_id = services.store.add_document(name, sha, len(data), mime="image/png", unit=unit)
    services.store.save_result(doc_id, record_of(name, sha, commune), [])
    reindex_stored(services.store, services.backend(), doc_id)
    return doc_id


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path / "data", workers=1), submit=lambda _id: None)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def two_communes(app_client: TestClient) -> tuple[TestClient, int, int]:
    services = app_client.app.state.services
    a = store_letter(services, "don-my-hoi.png", COMMUNE_A, "Mỹ Hội")
    b = store_letter(services, "don-long-dien-a.png", COMMUNE_B, "Long Điền A")
    return app_client, a, b


# ------------------------------------------------------------------------------------------ the matrix
def _route_table(app) -> list[tuple[str, str, Action | None]]:
    rows = []
    for route in all_routes(app.routes):
        path = getattr(route, "path", None)
        if path is None or any(path == p or path.startswith(p + "/") for p in DOCS_PATHS):
            continue
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                rows.append((path, method, route_action(route)))
    return rows


def _call(client: TestClient, path: str, method: str, doc_id: int, headers: dict[str, str]):
    url = path.replace("{document_id}", str(doc_id)).replace("{number}", "1").replace("{name}", "style.css") \
        .replace("{dossier_id}", "1")
    url = url.replace("{letter_id}", "1").replace("{other_id}", "2")  # the register's letters (404 if none)
    if method == "GET":
        return client.get(url, headers=headers, follow_redirects=False)
    if path == "/documents":
        return client.post(url, files={"file": ("moi.png", letter_png("upload"), "image/png")}, headers=headers,
                           follow_redirects=False)
    if path.endswith("/typed"):
        return client.post(url, json={"text": "Nội dung nhập tay"}, headers=headers, follow_redirects=False)
    return client.post(url, data={"type": "complaint", "text": "Nội dung nhập tay"}, headers=headers,
                       follow_redirects=False)


def test_every_route_declares_an_action_or_is_public(app_client: TestClient) -> None:
    table = _route_table(app_client.app)
    assert len(table) >= 20
    for path, method, action in table:
        assert (action is None) == (path in OPEN_PATHS), (path, method, action)


def test_role_route_matrix_from_the_policy_table(two_communes) -> None:
    """Every route × (anonymous + each role): anonymous → 401 (API) or the login page (pages); a role → 403
    exactly when POLICY does not give it the route's action. Users are of the root unit (units are the
    cross-unit test's), calling with real API tokens."""
    client, doc_id, _ = two_communes
    table = [row for row in _route_table(client.app) if row[2] is not None]
    tokens = {role: bearer(client, role) for role in Role}
    checked = 0
    for path, method, action in table:
        answer = _call(client, path, method, doc_id, {})
        page = not path.startswith(("/documents", "/dossiers", "/search", "/audit", "/register", "/api/"))
        if page:
            assert answer.status_code == 303 and answer.headers["location"].startswith("/dang-nhap"), \
                (path, method, answer.status_code)
        else:
            assert answer.status_code == 401, (path, method, answer.status_code)
        checked += 1
        for role in Role:
            answer = _call(client, path, method, doc_id, tokens[role])
            if action in POLICY[role]:
                assert answer.status_code not in (401, 403), (role, path, method, answer.status_code, answer.text[:200])
                assert answer.status_code < 500
            else:
                assert answer.status_code == 403, (role, path, method, answer.status_code)
            checked += 1
    assert checked == len(table) * (1 + len(Role))
    print(f"role × route matrix: {len(table)} routes × {1 + len(Role)} callers = {checked} checks")
    # the API documentation is for logged-in callers too
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=tokens[Role.INTAKE]).status_code == 200
    # the open routes answer without a login
    assert client.get("/health").status_code in (200, 503)
    assert client.get("/dang-nhap").status_code == 200
    assert client.get("/static/style.css").status_code == 200


# ---------------------------------------------------------------------------------------------- units
def test_a_commune_sees_only_its_own_letters(two_communes) -> None:
    client, mine, theirs = two_communes
    officer = bearer(client, Role.OFFICER, COMMUNE_A)
    assert client.get(f"/documents/{mine}", headers=officer).status_code == 200
    for url in (f"/documents/{theirs}", f"/documents/{theirs}/pages/1/image", f"/documents/{theirs}/original",
                f"/van-ban/{theirs}", f"/the/{theirs}", f"/nhap-tay/{theirs}/1"):
        assert client.get(url, headers=officer).status_code == 404, url
    listed = client.get("/documents", headers=officer).json()
    assert [d["id"] for d in listed["items"]] == [mine] and listed["total"] == 1
    assert client.get("/documents", params={"status": "done"}, headers=officer).json()["total"] == 1
    found = client.get("/search", params={"q": "nguyen van binh"}, headers=officer).json()
    assert [h["doc_id"] for h in found["hits"]] == [mine] and found["total"] == 1
    assert found["facets"]["commune"] == {"Mỹ Hội": 1}
    assert client.get("/search", params={"commune": "Long Điền A"}, headers=officer).json()["total"] == 0
    # writes to the other commune's letter are refused as if it did not exist
    assert client.post(f"/van-ban/{theirs}/sua", data={"type": "denunciation"}, headers=officer).status_code == 404
    assert client.post(f"/documents/{theirs}/pages/1/typed", json={"text": "x"}, headers=officer).status_code == 404
    # pages: neither the intake list, the archive nor search show it
    for url in ("/", "/luu-tru", "/tra-cuu?q=nguyen+van+binh"):
        text = client.get(url, headers=officer).text
        assert "don-long-dien-a.png" not in text, url
    assert "don-my-hoi.png" in client.get("/tra-cuu?q=nguyen+van+binh", headers=officer).text
    # the district's leader sees both communes; a province archivist (root) sees everything
    for reader in (bearer(client, Role.LEADER, DISTRICT), bearer(client, Role.ARCHIVIST)):
        assert client.get("/documents", headers=reader).json()["total"] == 2
        assert client.get("/search", params={"q": "nguyen van binh"}, headers=reader).json()["total"] == 2
        assert client.get(f"/documents/{theirs}", headers=reader).status_code == 200
    # another district's leader sees neither
    other = bearer(client, Role.LEADER, "an-giang/long-xuyen")
    assert client.get("/documents", headers=other).json()["total"] == 0
    assert client.get("/search", params={"q": "nguyen van binh"}, headers=other).json()["total"] == 0


def test_uploads_belong_to_the_uploaders_unit(app_client: TestClient) -> None:
    clerk = bearer(app_client, Role.INTAKE, COMMUNE_A)
    answer = app_client.post("/documents", files={"file": ("don.png", letter_png("moi"), "image/png")},
                             headers=clerk)
    assert answer.status_code == 202
    doc_id = answer.json()["id"]
    assert app_client.app.state.services.store.get(doc_id).unit == COMMUNE_A
    assert app_client.get(f"/documents/{doc_id}", headers=bearer(app_client, Role.OFFICER, COMMUNE_B)
                          ).status_code == 404


# ------------------------------------------------------------------------------- passwords and tokens
def test_passwords_are_argon2id_hashes(app_client: TestClient) -> None:
    store = app_client.app.state.services.store
    accounts.create_user(store, "lan", PASSWORD, Role.OFFICER, COMMUNE_A)
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM users WHERE username = 'lan'").scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.verify_password(store, "lan", PASSWORD).unit == COMMUNE_A
    assert accounts.verify_password(store, "LAN ", PASSWORD) is not None  # names are case-insensitive
    assert accounts.verify_password(store, "lan", PASSWORD + "x") is None
    assert accounts.verify_password(store, "nobody", PASSWORD) is None
    for bad in (("lan", PASSWORD, "officer", ""), ("x y", PASSWORD, "officer", ""), ("hoa", "short", "officer", ""),
                ("hoa", PASSWORD, "king", ""), ("hoa", PASSWORD, "officer", "An Giang!")):
        with pytest.raises(accounts.AccountError):
            accounts.create_user(store, *bad)
    accounts.set_active(store, "lan", False)
    assert accounts.verify_password(store, "lan", PASSWORD) is None


def test_revoked_token_is_refused(app_client: TestClient) -> None:
    store = app_client.app.state.services.store
    add_user(store, Role.OFFICER, name="script-owner")
    token = accounts.create_token(store, "script-owner", "nightly export")
    headers = {"Authorization": f"Bearer {token}"}
    assert app_client.get("/documents", headers=headers).status_code == 200
    with store.engine.connect() as conn:
        kept = conn.exec_driver_sql("SELECT token_hash FROM api_tokens").scalar()
    assert kept == hashlib.sha256(token.encode()).hexdigest()  # only the hash is stored
    (item,) = accounts.list_tokens(store, "script-owner")
    accounts.revoke_token(store, item.id)
    assert app_client.get("/documents", headers=headers).status_code == 401
    assert app_client.get("/documents", headers={"Authorization": "Bearer dt_forged"}).status_code == 401
    assert app_client.get("/documents", headers={"Authorization": "Basic b2ZmaWNlcjp4"}).status_code == 401


def test_login_failures_and_session_expiry(app_client: TestClient) -> None:
    store = app_client.app.state.services.store
    name = add_user(store, Role.OFFICER)
    page = app_client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    bad = app_client.post("/dang-nhap", data={"username": name, "password": "wrong-password", "csrf": token})
    assert bad.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in bad.text
    assert app_client.post("/dang-nhap", data={"username": name, "password": PASSWORD}).status_code == 403  # no CSRF
    log_in(app_client, name)
    cookie = [h for h in app_client.get("/").headers.get_list("set-cookie")]  # a fresh session is not re-issued
    assert not cookie
    assert app_client.get("/").status_code == 200
    secret = app_client.app.state.services.secret
    # a forged cookie and one older than the longest session (by its own signed login time) land on the login
    # page; idleness is judged by the server's record alone (tests/test_sessions.py)
    now = time.time()
    nonce = decode_session(secret, app_client.cookies.get(SESSION_COOKIE)).nonce
    for value in (encode_session(b"another key", Session(name, nonce, now)),
                  encode_session(secret, Session(name, nonce, now - 13 * 3600))):
        app_client.cookies.clear()
        app_client.cookies.set(SESSION_COOKIE, value)
        answer = app_client.get("/", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/dang-nhap"), value
    # an open session's cookie is never re-issued: the server moves its record on
    app_client.cookies.clear()
    log_in(app_client, name)
    answer = app_client.get("/")
    assert answer.status_code == 200 and not answer.headers.get_list("set-cookie")
    # logout ends it (the cookie is cleared in the browser), with the session's CSRF token only
    app_client.cookies.clear()
    log_in(app_client, name)
    assert app_client.post("/dang-xuat", headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    answer = app_client.post("/dang-xuat", follow_redirects=False)
    assert answer.status_code == 303 and f"{SESSION_COOKIE}=;" in answer.headers["set-cookie"]
    assert "Max-Age=0" in answer.headers["set-cookie"]
    assert app_client.get("/", follow_redirects=False).status_code == 303


def test_csrf_is_checked_on_every_browser_post(two_communes) -> None:
    client, doc_id, _ = two_communes
    log_in(client, add_user(client.app.state.services.store, Role.OFFICER))
    good = client.headers.pop("X-CSRF-Token")
    form = {"type": "denunciation"}
    for headers, data in (({}, form), ({"X-CSRF-Token": "0" * 64}, form), ({}, {**form, "csrf": "wrong"}),
                          ({"X-CSRF-Token": good, "Origin": "http://evil.example"}, form)):
        answer = client.post(f"/van-ban/{doc_id}/sua", data=data, headers=headers, follow_redirects=False)
        assert answer.status_code == 403, (headers, data)
        upload = client.post("/documents", files={"file": ("x.png", letter_png("x"), "image/png")}, headers=headers)
        assert upload.status_code == 403, headers
    assert client.get(f"/documents/{doc_id}").json()["record"]["type"] == "complaint"  # nothing changed
    # the form field and the header each pass, from this origin
    answer = client.post(f"/van-ban/{doc_id}/sua", data={**form, "csrf": good}, follow_redirects=False)
    assert answer.status_code == 303
    assert client.get(f"/documents/{doc_id}").json()["record"]["type"] == "denunciation"
    upload = client.post("/documents", files={"file": ("x.png", letter_png("x"), "image/png")},
                         headers={"X-CSRF-Token": good, "Origin": "http://testserver"})
    assert upload.status_code == 202
    # the forms of the pages carry the token
    assert f'name="csrf" value="{good}"' in client.get(f"/van-ban/{doc_id}").text


# -------------------------------------------------------------------------------------------- the audit
def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_audit_trail_records_and_detects_tampering(two_communes) -> None:
    client, doc_id, _ = two_communes
    services = client.app.state.services
    store = services.store
    name = add_user(store, Role.OFFICER)
    page = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    client.post("/dang-nhap", data={"username": name, "password": "not-it-at-all", "csrf": token})
    log_in(client, name)
    client.get("/search", params={"q": "Nguyễn Văn Bình", "type": "complaint"})
    client.get(f"/documents/{doc_id}")
    client.get(f"/documents/{doc_id}/pages/1/image")
    client.get(f"/documents/{doc_id}/original")
    client.post(f"/van-ban/{doc_id}/sua", data={"type": "denunciation"})
    rows = list(reversed(audit.rows(store)))
    seen = [(r.username, r.action, r.result) for r in rows]
    assert seen[:2] == [("", "login", "failed"), (name, "login", "ok")]
    assert (name, "search", "ok") in seen and (name, "read_page_image", "ok") in seen
    assert (name, "read_original", "ok") in seen and (name, "correct", "ok") in seen and (name, "read", "ok") in seen
    search = next(r for r in rows if r.action == "search")
    assert search.target == "q=Nguyễn Văn Bình type=complaint" and search.client == "testclient"
    assert all(r.target for r in rows)

    # leaders and administrators read it (the API checks the chain too); an officer may not
    leader = bearer(client, Role.LEADER)
    answer = client.get("/audit", headers=leader).json()
    assert answer["verified"] == {"ok": True, "rows": len(rows) + 1, "broken_at": None}  # + this read
    assert client.get("/audit", headers=bearer(client, Role.OFFICER)).status_code == 403
    assert "Chuỗi băm nguyên vẹn" in client.get("/nhat-ky", headers=bearer(client, Role.ADMIN)).text

    data_dir = services.settings.data_dir
    ok = _cli(data_dir, "audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stderr
    # someone with the database file edits the search terms of one row
    victim = search.id
    with sqlite3.connect(services.settings.sqlite_path) as db:
        db.execute("UPDATE audit_log SET target = 'q=something else' WHERE id = ?", (victim,))
    assert audit.verify(store).broken_at == victim
    broken = _cli(data_dir, "audit", "verify")
    assert broken.returncode == 1 and f"BROKEN at row {victim}" in broken.stderr
    assert client.get("/audit", headers=leader).json()["verified"]["broken_at"] == victim
    # putting it back restores the chain; deleting a row breaks it at the next one
    with sqlite3.connect(services.settings.sqlite_path) as db:
        db.execute("UPDATE audit_log SET target = ? WHERE id = ?", (search.target, victim))
    assert audit.verify(store).ok
    with sqlite3.connect(services.settings.sqlite_path) as db:
        db.execute("DELETE FROM audit_log WHERE id = ?", (victim,))
    assert audit.verify(store).broken_at == victim + 1


def test_cli_makes_the_first_admin_and_tokens(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    add = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(data_dir), "user", "add", "root-admin",
                          "--role", "admin", "--password-stdin"], input=PASSWORD + "\n", capture_output=True,
                         text=True, cwd=REPO, timeout=120)
    assert add.returncode == 0, add.stderr
    again = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(data_dir), "user", "add",
                            "root-admin", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n",
                           capture_output=True, text=True, cwd=REPO, timeout=120)
    assert again.returncode == 2 and "exists" in again.stderr
    listed = _cli(data_dir, "user", "list")
    assert re.search(r"root-admin\s+admin\s+\(root\)\s+active", listed.stdout)
    made = _cli(data_dir, "token", "add", "root-admin", "--label", "backup")
    assert made.returncode == 0 and made.stdout.strip().startswith("dt_")
    shown = _cli(data_dir, "audit", "show")
    assert "user_add" in shown.stdout and "token_add" in shown.stdout and made.stdout.strip() not in shown.stdout
    assert _cli(data_dir, "audit", "verify").returncode == 0


def test_access_log_keeps_no_query_string() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/search?q=Nguy%E1%BB%85n+V%C4%83n+B%C3%ACnh", "1.1", 200),
                               None)
    assert QuietAccessLog().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /search HTTP/1.1" 200'


def test_search_backends_filter_by_unit(tmp_path: Path) -> None:
    """The SQLite index keeps each document's unit and a query's unit keeps only that subtree (a sibling
    whose name starts alike is not below it); the Elasticsearch documents carry every unit above theirs."""
    from search.backend import IndexDocument, IndexPage, SearchQuery
    from donthu.access import unit_paths
    from search.elastic import page_sources
    from search.sqlite_fts import SqliteFtsBackend

    backend = SqliteFtsBackend(tmp_path / "index.sqlite")
    units = {1: COMMUNE_A, 2: COMMUNE_A + "-2", 3: DISTRICT, 4: ""}
    for doc_id, unit in units.items():
        backend.index(IndexDocument(doc_id, f"d{doc_id}", "petition", "complaint",
                                    [IndexPage(1, "đơn khiếu nại thửa đất")], unit=unit))
    found = lambda unit: sorted(h.doc_id for h in backend.search(SearchQuery(text="khieu nai", unit=unit)).hits)
    assert found(COMMUNE_A) == [1]
    assert found(DISTRICT) == [1, 2, 3]
    assert found("") == found(None) == [1, 2, 3, 4]
    assert found("~") == []
    assert backend.search(SearchQuery(unit=COMMUNE_A)).total == 1  # browsing without text too
    backend.close()
    assert unit_paths(COMMUNE_A) == ["", "an-giang", DISTRICT, COMMUNE_A]
    doc = IndexDocument(1, "d", "petition", "complaint", [IndexPage(1, "x")], unit=COMMUNE_A)
    assert page_sources(doc)[0]["unit_paths"] == unit_paths(COMMUNE_A)


def test_ingest_cli_sets_the_unit(tmp_path: Path) -> None:
    """`donthu ingest --unit U` (the real command, OCR included): the new documents belong to U."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "don.png").write_bytes(letter_png("DON KHIEU NAI"))
    done = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(tmp_path / "data"), "ingest",
                           str(folder), "--unit", f"/{COMMUNE_A}/", "--quiet", "--workers", "1"],
                          capture_output=True, text=True, cwd=REPO, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    from records.store import Store

    store = Store(Settings(data_dir=tmp_path / "data"))
    (info,) = store.list_documents()
    assert info.unit == COMMUNE_A  # normalised
    store.close()
