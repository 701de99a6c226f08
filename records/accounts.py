"""Local accounts: users with an argon2id password hash, a role and a unit (`donthu.access`), and API tokens
for scripts.

No default user and no default password: the first administrator is made with `donthu user add NAME --role
admin`. Passwords are hashed with argon2id (`argon2-cffi`, memory-hard; its default parameters: 64 MiB, 3
passes), and re-hashed on login when those parameters change. A token is 32 random bytes shown once; only its
SHA-256 is stored (a token is a random secret, not a password: a fast hash is enough and lets it be looked up).

Web sessions live on the server too (`web_sessions`): the cookie carries a random nonce, the table its SHA-256,
the user, and when it was last seen. `session_user` refuses an ended session (logout), an idle one (judged by
the server's `seen_at`, whatever the cookie says) and one whose user is disabled. Disabling a user or changing
their role or unit (`set_active`, `set_role`) ends all their sessions and revokes all their tokens (what they
were allowed to see has changed: a new login, a new token); a new password ends their sessions.

Failed logins are throttled (`login_delay`) from the audit trail's own rows (records.audit), so every worker
process of the service sees the same count: after `LOGIN_FREE_FAILURES` failures of one account, or
`ADDRESS_FREE_FAILURES` from one client address, within `LOGIN_WINDOW`, each further attempt waits twice as
long as the one before (`LOGIN_BASE_DELAY` seconds, at most `LOGIN_MAX_DELAY`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import and_, func, insert, select, update

from donthu.access import Principal, Role, normalise_unit
from records.tables import api_tokens, audit_log, users, web_sessions

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
#: failed logins allowed without delay, per account and per client address, within LOGIN_WINDOW
LOGIN_FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_BASE_DELAY = 30.0
LOGIN_MAX_DELAY = 15 * 60.0
#: a session's seen_at is written at most this often (a write per request would serialise every read)
SESSION_TOUCH_SECONDS = 60


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


def _end_all(conn, user_id: int, reason: str, tokens: bool) -> None:
    """End every open session of a user (and revoke every token when `tokens`), in the caller's
    transaction."""
    now = _now()
    conn.execute(update(web_sessions).where(web_sessions.c.user_id == user_id, web_sessions.c.ended_at.is_(None))
                 .values(ended_at=now, end_reason=reason))
    if tokens:
        conn.execute(update(api_tokens).where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
                     .values(revoked_at=now))


def _user_id(conn, username: str) -> int:
    found = conn.execute(select(users.c.id).where(users.c.username == username.strip().lower())).scalar()
    if found is None:
        raise AccountError(f"no user {username!r}")
    return found


def set_active(store, username: str, active: bool) -> None:
    """Enable or disable a user; disabling ends their sessions and revokes their tokens."""
    with store._write() as conn:
        user_id = _user_id(conn, username)
        conn.execute(update(users).where(users.c.id == user_id).values(active=active))
        if not active:
            _end_all(conn, user_id, "disabled", tokens=True)


def set_role(store, username: str, role: Role | str | None = None, unit: str | None = None) -> User:
    """Change a user's role and/or unit; a change ends their sessions and revokes their tokens."""
    user = get_user(store, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    try:
        new_role = Role(role) if role is not None else user.role
    except ValueError as exc:
        raise AccountError(f"role {role!r}: one of {', '.join(r.value for r in Role)}") from exc
    new_unit = normalise_unit(unit) if unit is not None else user.unit
    if not UNIT.match(new_unit):
        raise AccountError(f"unit {new_unit!r}: a path of slugs (a-z, 0-9, '-') such as an-giang/long-xuyen")
    if (new_role, new_unit) != (user.role, user.unit):
        with store._write() as conn:
            conn.execute(update(users).where(users.c.id == user.id).values(role=new_role.value, unit=new_unit))
            _end_all(conn, user.id, "role_changed", tokens=True)
    found = get_user(store, username)
    assert found is not None
    return found


def set_password(store, username: str, password: str) -> None:
    """A new password; the user's open sessions end (their tokens stay: they are not derived from it)."""
    check_password(password)
    with store._write() as conn:
        user_id = _user_id(conn, username)
        conn.execute(update(users).where(users.c.id == user_id).values(password_hash=_hasher.hash(password)))
        _end_all(conn, user_id, "password_changed", tokens=False)


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


# ------------------------------------------------------------------------------------------- web sessions
def start_session(store, user: User, nonce: str) -> None:
    """Record a new web session of `user` whose cookie carries `nonce`."""
    now = _now()
    with store._write() as conn:
        conn.execute(insert(web_sessions).values(nonce_hash=_token_hash(nonce), user_id=user.id, created_at=now,
                                                 seen_at=now))


def session_user(store, username: str, nonce: str, idle_seconds: float, max_seconds: float) -> User | None:
    """The active user of an open session (the cookie's `nonce`, signed for `username`), else None: ended
    (logout, disabled, role changed), idle for more than `idle_seconds` or open for more than `max_seconds` by
    the server's clock, or unknown.
    Moves the session's `seen_at` on (at most once a `SESSION_TOUCH_SECONDS`)."""
    query = (select(users, web_sessions.c.id.label("session_id"), web_sessions.c.seen_at,
                    web_sessions.c.created_at.label("opened_at"), web_sessions.c.ended_at)
             .join(web_sessions, web_sessions.c.user_id == users.c.id)
             .where(web_sessions.c.nonce_hash == _token_hash(nonce)))
    with store._read() as conn:
        row = conn.execute(query).mappings().first()
    if row is None or row["ended_at"] is not None or row["username"] != username or not row["active"]:
        return None
    now = _now()
    idle = (now - row["seen_at"]).total_seconds()
    expired = "idle" if idle > idle_seconds else \
        "expired" if (now - row["opened_at"]).total_seconds() > max_seconds else None
    if expired:
        with store._write() as conn:
            conn.execute(update(web_sessions).where(web_sessions.c.id == row["session_id"],
                                                    web_sessions.c.ended_at.is_(None))
                         .values(ended_at=now, end_reason=expired))
        return None
    if idle > SESSION_TOUCH_SECONDS:
        with store._write() as conn:
            conn.execute(update(web_sessions).where(web_sessions.c.id == row["session_id"]).values(seen_at=now))
    return _user(row)


def end_session(store, nonce: str, reason: str = "logout") -> None:
    with store._write() as conn:
        conn.execute(update(web_sessions).where(web_sessions.c.nonce_hash == _token_hash(nonce),
                                                web_sessions.c.ended_at.is_(None))
                     .values(ended_at=_now(), end_reason=reason))


def open_sessions(store, username: str) -> int:
    """How many sessions of `username` are not ended (idle ones included until they are next used)."""
    with store._read() as conn:
        return conn.execute(select(func.count()).select_from(web_sessions).join(users)
                            .where(users.c.username == username.strip().lower(),
                                   web_sessions.c.ended_at.is_(None))).scalar() or 0


# ------------------------------------------------------------------------------------ login throttling
def _delay(failures: int, free: int) -> float:
    if failures < free:
        return 0.0
    return min(LOGIN_MAX_DELAY, LOGIN_BASE_DELAY * 2 ** (failures - free))


def login_delay(store, username: str, client: str, now: datetime | None = None) -> float:
    """Seconds before another login attempt of `username` from `client` may be tried (0: now). Counted from
    the audit trail's failed logins (rows `login`/`failed`, target the typed name) within `LOGIN_WINDOW`; the
    wait runs from the latest failure."""
    now = now or _now()
    since = now - LOGIN_WINDOW
    failed = and_(audit_log.c.action == "login", audit_log.c.at >= since, audit_log.c.result == "failed")
    name = username.strip().lower()[:100]
    with store._read() as conn:
        by_name = conn.execute(select(func.count(), func.max(audit_log.c.at))
                               .where(failed, audit_log.c.target == name)).first()
        by_client = conn.execute(select(func.count(), func.max(audit_log.c.at))
                                 .where(failed, audit_log.c.client == client[:100])).first()
    wait = 0.0
    for (count, last), free in ((by_name, LOGIN_FREE_FAILURES), (by_client, ADDRESS_FREE_FAILURES)):
        if count and last is not None:
            wait = max(wait, _delay(count, free) - (now - last).total_seconds())
    return max(0.0, wait)


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
