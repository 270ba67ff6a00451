"""Users and bearer tokens in the database, and who the current request acts for.

Lookups run on the raw pool (the owner role; `app_user` has no row-level security) and are cached for a few
seconds, so a tile request does not pay a user query; an admin's change clears the cache of this process.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from app.auth.passwords import DEMO_PASSWORDS, check_new_password, hash_password, verify_password
from app.auth.roles import Role
from app.errors import Conflict, NotFound, Unprocessable

NO_TOWN = "-"  # the scope of someone limited to no town at all: matches no row
CACHE_SECONDS = 10.0
TOKEN_PREFIX = "tm_"
USER_COLUMNS = "id, username, display_name, role, towns, disabled, password_is_default, session_version"
DEMO_ACCOUNTS = (  # username, role, towns, display name
    ("admin", Role.admin, (), "演示管理员"),
    ("commander", Role.commander, (), "演示指挥"),
    ("planner", Role.planner, (), "演示规划"),
    ("inspector-changan", Role.inspector, ("441900119",), "演示执法检查（长安镇）"),
    ("viewer", Role.viewer, (), "演示只读"),
)


@dataclass(frozen=True)
class CurrentUser:
    """Who a request acts for. `id` is None for an anonymous visitor (a viewer, outside production)."""

    id: int | None
    username: str
    role: Role
    towns: tuple[str, ...] = ()
    session_version: int = 0

    @classmethod
    def anonymous(cls) -> CurrentUser:
        return cls(None, "anonymous", Role.viewer)

    @property
    def is_anonymous(self) -> bool:
        return self.id is None

    @property
    def scope(self) -> str:
        """`twomaps.town_scope`: '' for every town, else the comma-joined town codes."""
        return ",".join(self.towns)

    @property
    def read_only(self) -> bool:
        return self.role == Role.viewer


def user_from_row(row: asyncpg.Record) -> CurrentUser:
    return CurrentUser(row["id"], row["username"], Role(row["role"]), tuple(row["towns"]), row["session_version"])


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserCache:
    """(kind, key) → CurrentUser or None, each for CACHE_SECONDS."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, object], tuple[float, CurrentUser | None]] = {}

    def get(self, key: tuple[str, object]) -> tuple[bool, CurrentUser | None]:
        entry = self.entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def put(self, key: tuple[str, object], user: CurrentUser | None) -> None:
        if len(self.entries) > 10_000:
            self.entries.clear()
        self.entries[key] = (time.monotonic() + CACHE_SECONDS, user)

    def clear(self) -> None:
        self.entries.clear()


async def user_by_id(conn: asyncpg.Connection, user_id: int) -> CurrentUser | None:
    row = await conn.fetchrow(f"SELECT {USER_COLUMNS} FROM app_user WHERE id = $1 AND NOT disabled", user_id)
    return user_from_row(row) if row else None


async def user_by_token(conn: asyncpg.Connection, token: str) -> CurrentUser | None:
    row = await conn.fetchrow(
        f"SELECT {', '.join('u.' + c for c in USER_COLUMNS.split(', '))} FROM api_token t "
        "JOIN app_user u ON u.id = t.user_id "
        "WHERE t.token_hash = $1 AND NOT t.revoked AND t.expires_at > now() AND NOT u.disabled",
        token_digest(token),
    )
    return user_from_row(row) if row else None


async def authenticate(conn: asyncpg.Connection, username: str, password: str) -> CurrentUser | None:
    """The user when the password is right and the account enabled; the same cost either way."""
    row = await conn.fetchrow(
        f"SELECT {USER_COLUMNS}, password_hash FROM app_user WHERE username = $1", username.strip().lower()
    )
    if not verify_password(row["password_hash"] if row else None, password) or row is None or row["disabled"]:
        return None
    return user_from_row(row)


async def create_token(conn: asyncpg.Connection, user_id: int, name: str, days: int) -> tuple[str, datetime]:
    """A new bearer token; only its digest is stored, so this is the one time it can be read."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days)
    await conn.execute(
        "INSERT INTO api_token (user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4)",
        user_id,
        name,
        token_digest(token),
        expires,
    )
    return token, expires


async def check_towns(conn: asyncpg.Connection, towns: list[str]) -> None:
    known = {r["code"] for r in await conn.fetch("SELECT code FROM admin_area WHERE code = ANY($1)", towns)}
    unknown = sorted(set(towns) - known)
    if unknown:
        raise Unprocessable(f"unknown town codes: {', '.join(unknown)}", field="towns")


async def create_user(
    conn: asyncpg.Connection,
    username: str,
    password: str,
    role: Role,
    towns: list[str],
    display_name: str | None = None,
    *,
    production: bool,
    is_default: bool = False,
) -> dict:
    check_new_password(password, production=production)
    await check_towns(conn, towns)
    try:
        row = await conn.fetchrow(
            "INSERT INTO app_user (username, display_name, role, towns, password_hash, password_is_default) "
            f"VALUES ($1, $2, $3, $4, $5, $6) RETURNING {USER_COLUMNS}, created_at, updated_at",
            username.strip().lower(),
            display_name,
            role,
            towns,
            hash_password(password),
            is_default,
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"user {username!r} already exists", field="username") from None
    except asyncpg.CheckViolationError as exc:
        raise Unprocessable(user_rule(exc.constraint_name), field="username") from None
    return dict(row)


def user_rule(constraint: str | None) -> str:
    """The person-readable rule behind an app_user CHECK."""
    return {
        "ck_app_user_username_format": "usernames are 2–40 of a-z 0-9 _ . - and start with a letter or digit",
        "ck_app_user_inspector_has_towns": "an inspector must be given at least one town",
        "ck_app_user_admin_unscoped": "an admin sees every town: leave towns empty",
    }.get(constraint or "", f"refused by {constraint}")


async def update_user(
    conn: asyncpg.Connection,
    user_id: int,
    *,
    role: Role | None = None,
    towns: list[str] | None = None,
    disabled: bool | None = None,
    display_name: str | None = None,
) -> dict:
    """Change role, towns, enabled state or name; disabling ends the user's sessions and tokens at once."""
    if towns is not None:
        await check_towns(conn, towns)
    try:
        row = await conn.fetchrow(
            "UPDATE app_user SET role = coalesce($2, role), towns = coalesce($3, towns), "
            "disabled = coalesce($4, disabled), display_name = coalesce($5, display_name), updated_at = now(), "
            "session_version = session_version + CASE WHEN $4 THEN 1 ELSE 0 END "
            f"WHERE id = $1 RETURNING {USER_COLUMNS}, created_at, updated_at",
            user_id,
            role,
            towns,
            disabled,
            display_name,
        )
    except asyncpg.CheckViolationError as exc:
        raise Unprocessable(user_rule(exc.constraint_name), field="role") from None
    if row is None:
        raise NotFound(f"no user with id {user_id}", field="user_id")
    return dict(row)


async def set_password(conn: asyncpg.Connection, user_id: int, password: str, *, production: bool) -> None:
    """A new password ends every session of the user (their cookies carry the old session version)."""
    check_new_password(password, production=production)
    updated = await conn.execute(
        "UPDATE app_user SET password_hash = $2, password_is_default = false, session_version = session_version + 1, "
        "updated_at = now() WHERE id = $1",
        user_id,
        hash_password(password),
    )
    if updated == "UPDATE 0":
        raise NotFound(f"no user with id {user_id}", field="user_id")


async def list_users(conn: asyncpg.Connection) -> list[dict]:
    rows = await conn.fetch(f"SELECT {USER_COLUMNS}, created_at, updated_at FROM app_user ORDER BY username")
    return [dict(row) for row in rows]


async def ensure_demo_accounts(conn: asyncpg.Connection) -> list[str]:
    """Create the demo accounts that are missing (never touching existing ones); returns the names created."""
    created = []
    for username, role, towns, display_name in DEMO_ACCOUNTS:
        if await conn.fetchval("SELECT 1 FROM app_user WHERE username = $1", username):
            continue
        await create_user(
            conn, username, DEMO_PASSWORDS[username], role, list(towns), display_name,
            production=False, is_default=True,
        )  # fmt: skip
        created.append(username)
    return created


async def default_password_accounts(conn: asyncpg.Connection) -> list[str]:
    """Enabled accounts still on their demo password: production refuses to start with any."""
    rows = await conn.fetch("SELECT username FROM app_user WHERE password_is_default AND NOT disabled ORDER BY 1")
    return [row["username"] for row in rows]
