"""Test helpers: users of each role (records.accounts, real argon2 hashes) and TestClients logged in through
the real login form (session cookie, CSRF token) or with a real API token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.auth import SESSION_COOKIE, csrf_token, decode_session
from donthu.access import Role
from records import accounts

PASSWORD = "mat-khau-thu-nghiem-16"


def add_user(store, role: Role | str = Role.OFFICER, unit: str = "", name: str | None = None) -> str:
    """A user of `role` in `unit` (name: the role and unit, e.g. officer-an-giang-my-hoa); returns the name."""
    role = Role(role)
    name = name or "-".join(p for p in (role.value, unit.replace("/", "-")) if p)
    if accounts.get_user(store, name) is None:
        accounts.create_user(store, name, PASSWORD, role, unit)
    return name


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    """Log `client` in through the login page; afterwards its POSTs carry the session's CSRF token
    (header X-CSRF-Token, as the intake page's script sends it)."""
    page = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/dang-nhap", data={"username": username, "password": password, "csrf": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    client.headers["X-CSRF-Token"] = session_csrf(client)
    return client


def session_csrf(client: TestClient) -> str:
    """The CSRF token of `client`'s session (what the pages put in their forms)."""
    services = client.app.state.services
    value = [c.value for c in client.cookies.jar if c.name == SESSION_COOKIE][-1]
    session = decode_session(services.secret, value)
    return csrf_token(services.secret, session.nonce)


def logged_in(client: TestClient, role: Role | str = Role.OFFICER, unit: str = "") -> TestClient:
    """`client` logged in as a new user of `role` in `unit` (default: a handling officer of the whole tree)."""
    return log_in(client, add_user(client.app.state.services.store, role, unit))


def bearer(client: TestClient, role: Role | str, unit: str = "", label: str = "test") -> dict[str, str]:
    """The Authorization header of a real API token of a user of `role` in `unit`."""
    store = client.app.state.services.store
    token = accounts.create_token(store, add_user(store, role, unit), label)
    return {"Authorization": f"Bearer {token}"}


def cli(data_dir, *args: str, stdin: str = "") -> str:
    """`donthu --data-dir DATA_DIR ARGS…` (the real CLI in a subprocess); its standard output."""
    import os
    import subprocess
    import sys

    from services import REPO

    done = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(data_dir), *args], input=stdin,
                          capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    return done.stdout


def cli_token(data_dir, role: Role | str = Role.OFFICER, name: str = "officer") -> dict[str, str]:
    """A user made by `donthu user add` and the Authorization header of a token from `donthu token add`."""
    cli(data_dir, "user", "add", name, "--role", Role(role).value, "--password-stdin", stdin=PASSWORD + "\n")
    return {"Authorization": "Bearer " + cli(data_dir, "token", "add", name, "--label", "tests").strip()}
