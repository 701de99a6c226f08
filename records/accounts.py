"""Local accounts: users with an argon2id password hash, a role and a unit (`donthu.access`), and API tokens
for scripts.

No default user and no default password: the first administrator is made with `donthu user add NAME --role
admin`. Passwords are hashed with argon2id (`argon2-cffi`, memory-hard; its default parameters: 64 MiB, 3
passes), and re-hashed on login when those parameters change. A token is 32 random bytes shown once; only its
SHA-256 is stored (a token is a random secret, not a password: a fast hash is enough and lets it be looked up).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cache
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import insert, select, update

from donthu.access import Principal, Role, normalise_unit
from records.tables import api_tokens, users

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """The hash compared against when the user does not exist, so a wrong name costs as long as a wrong
    password (made on first use: an argon2 hash costs ~0.3 s, which every CLI call would pay at import)."""
    return _hasher.hash("donthu: no such user")


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
UNIT = re.compile(r"^([a-z0-9-]+(/[a-z0-9-]+)*)?$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "dt_"


class AccountError(ValueError):
    """A user or token that cannot be made or changed (message in English, for the CLI)."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: Role
    unit: str
    active: bool
    created_at: datetime

    @property
    def principal(self) -> Principal:
        return Principal(self.username, self.role, self.unit)


@dataclass(frozen=True)
class Token:
    id: int
    username: str
    label: str
    created_at: datetime
    revoked_at: datetime | None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _user(row) -> User:
    return User(row["id"], row["username"], Role(row["role"]), row["unit"], bool(row["active"]),
                row["created_at"])


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")


def create_user(store, username: str, password: str, role: Role | str, unit: str = "") -> User:
    """A new active user; refuses a taken or malformed name, an unknown role, a short password."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError(f"user name {username!r}: 2-64 of a-z, 0-9, '.', '_', '-'")
    try:
        role = Role(role)
    except ValueError as exc:
        raise AccountError(f"role {role!r}: one of {', '.join(r.value for r in Role)}") from exc
    unit = normalise_unit(unit)
    if not UNIT.match(unit):
        raise AccountError(f"unit {unit!r}: a path of slugs (a-z, 0-9, '-') such as an-giang/long-xuyen")
    check_password(password)
    with store._write() as conn:
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            raise AccountError(f"user {username!r} exists")
        conn.execute(insert(users).values(username=username, password_hash=_hasher.hash(password),
                                          role=role.value, unit=unit, active=True, created_at=_now()))
    found = get_user(store, username)
    assert found is not None
    return found


def get_user(store, username: str) -> User | None:
    with store._read() as conn:
        row = conn.execute(select(users).where(users.c.username == username.strip().lower())).mappings().first()
    return _user(row) if row else None


def list_users(store) -> list[User]:
    with store._read() as conn:
        return [_user(r) for r in conn.execute(select(users).order_by(users.c.username)).mappings()]


def set_active(store, username: str, active: bool) -> None:
    with store._write() as conn:
        done = conn.execute(update(users).where(users.c.username == username).values(active=active))
    if not done.rowcount:
        raise AccountError(f"no user {username!r}")


def set_password(store, username: str, password: str) -> None:
    check_password(password)
    with store._write() as conn:
        done = conn.execute(update(users).where(users.c.username == username)
                            .values(password_hash=_hasher.hash(password)))
    if not done.rowcount:
        raise AccountError(f"no user {username!r}")


def verify_password(store, username: str, password: str) -> User | None:
    """The active user whose password this is, else None (as slow for an unknown name as for a wrong
    password)."""
    with store._read() as conn:
        row = conn.execute(select(users).where(users.c.username == username.strip().lower())).mappings().first()
    try:
        _hasher.verify(row["password_hash"] if row else _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or not row["active"]:
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        with store._write() as conn:
            conn.execute(update(users).where(users.c.id == row["id"]).values(password_hash=_hasher.hash(password)))
    return _user(row)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(store, username: str, label: str) -> str:
    """A new API token for `username` (returned once; only its hash is kept)."""
    user = get_user(store, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store._write() as conn:
        conn.execute(insert(api_tokens).values(token_hash=_token_hash(token), user_id=user.id,
                                               label=label.strip() or "token", created_at=_now()))
    return token


def verify_token(store, token: str) -> User | None:
    """The active user of a valid, unrevoked token, else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    query = (select(users).join(api_tokens, api_tokens.c.user_id == users.c.id)
             .where(api_tokens.c.token_hash == _token_hash(token), api_tokens.c.revoked_at.is_(None)))
    with store._read() as conn:
        row = conn.execute(query).mappings().first()
    if row is None or not row["active"]:
        return None
    return _user(row)


def list_tokens(store, username: str | None = None) -> list[Token]:
    query = (select(api_tokens, users.c.username).join(users, api_tokens.c.user_id == users.c.id)
             .order_by(api_tokens.c.id))
    if username:
        query = query.where(users.c.username == username)
    with store._read() as conn:
        return [Token(r["id"], r["username"], r["label"], r["created_at"], r["revoked_at"])
                for r in conn.execute(query).mappings()]


def revoke_token(store, token_id: int) -> None:
    with store._write() as conn:
        done = conn.execute(update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                            .values(revoked_at=_now()))
    if not done.rowcount:
        raise AccountError(f"no unrevoked token {token_id}")
