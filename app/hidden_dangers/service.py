"""The closed loop of a hidden danger (隐患闭环): reported → assigned → rectified → verified, with a way back.

Every step is one transaction on the user's scoped connection: lock the row (row-level security hides dangers
outside the user's towns, so they are simply not found), check the step is allowed from the current status,
update, append an event, and re-tier the enterprise through app.risk_db (open and overdue dangers move its tier).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import asyncpg

from app.auth.users import CurrentUser
from app.errors import Conflict, NotFound, Unprocessable
from app.risk_db import retier_enterprises

SQL_DIR = Path(__file__).resolve().parent / "sql"
LIST_SQL = (SQL_DIR / "list.sql").read_text(encoding="utf-8")
OVERDUE_SQL = (SQL_DIR / "overdue.sql").read_text(encoding="utf-8")
# action → (statuses it may start from, the status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "assign": (frozenset({"reported", "assigned"}), "assigned"),
    "rectify": (frozenset({"assigned"}), "rectified"),
    "verify": (frozenset({"rectified"}), "verified"),
    "reject": (frozenset({"rectified"}), "assigned"),  # the rectification did not pass: back to the assignee
}
# What each step sets besides the status ($1 id, $2 status, then the step's own values).
UPDATES = {
    "assign": "assignee = $3, due_on = coalesce($4::date, due_on)",
    "rectify": "rectified_on = coalesce($3::date, current_date)",
    "verify": "verified_on = current_date",
    "reject": "rectified_on = NULL",
}
DETAIL_COLUMNS = (
    "id, enterprise_id, level, status, description, found_on, due_on, rectified_on, verified_on, reported_by, "
    "assignee, photo_path IS NOT NULL AS has_photo, (status <> 'verified' AND due_on < current_date) AS overdue"
)


async def report(
    conn: asyncpg.Connection,
    user: CurrentUser,
    *,
    enterprise_id: int,
    level: str,
    description: str,
    due_on: date,
    found_on: date | None,
    note: str | None,
    photo: str | None,
) -> tuple[int, bool]:
    """A new hidden danger of an enterprise the user can see; (its id, whether the enterprise's tier moved)."""
    async with conn.transaction():
        if await conn.fetchval("SELECT id FROM enterprise WHERE id = $1", enterprise_id) is None:
            raise NotFound(f"no enterprise {enterprise_id}", field="enterprise_id")
        found_on = found_on or date.today()
        if due_on < found_on:
            raise Unprocessable("due_on must not be before found_on", field="due_on")
        danger_id = await conn.fetchval(
            "INSERT INTO hidden_danger (enterprise_id, level, description, found_on, due_on, reported_by, photo_path) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            enterprise_id, level, description, found_on, due_on, user.username, photo,
        )  # fmt: skip
        await add_event(conn, danger_id, "report", None, "reported", user, note, photo)
        moved = await retier_enterprises(conn, [enterprise_id], cause=f"hidden danger {danger_id} reported")
    return danger_id, bool(moved)


async def transition(
    conn: asyncpg.Connection,
    user: CurrentUser,
    danger_id: int,
    action: str,
    *,
    note: str | None = None,
    assignee: str | None = None,
    on: date | None = None,
    photo: str | None = None,
) -> bool:
    """Move the danger one step; 404 outside the user's towns, 409 when the step does not apply now.

    Returns whether the enterprise's tier moved (the caller then re-tiers the towns).
    """
    sources, target = TRANSITIONS[action]
    async with conn.transaction():
        row = await conn.fetchrow(
            "SELECT status, enterprise_id, found_on FROM hidden_danger WHERE id = $1 FOR UPDATE", danger_id
        )
        if row is None:
            raise NotFound(f"no hidden danger {danger_id}", field="id")
        if row["status"] not in sources:
            raise Conflict(
                f"cannot {action} a hidden danger that is {row['status']}; allowed from: {', '.join(sorted(sources))}",
                field="status",
                status_now=row["status"],
            )
        if on is not None and on < row["found_on"]:
            raise Unprocessable(f"the date must not be before found_on {row['found_on']}", field="on")
        values = {"assign": (assignee, on), "rectify": (on,)}.get(action, ())
        await conn.execute(
            f"UPDATE hidden_danger SET status = $2, {UPDATES[action]} WHERE id = $1", danger_id, target, *values
        )
        await add_event(conn, danger_id, action, row["status"], target, user, note, photo)
        moved = await retier_enterprises(conn, [row["enterprise_id"]], cause=f"hidden danger {danger_id}: {action}")
    return bool(moved)


async def add_event(
    conn: asyncpg.Connection,
    danger_id: int,
    action: str,
    from_status: str | None,
    to_status: str,
    user: CurrentUser,
    note: str | None,
    photo: str | None,
) -> None:
    await conn.execute(
        "INSERT INTO hidden_danger_event (hidden_danger_id, action, from_status, to_status, actor, note, photo_path) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        danger_id, action, from_status, to_status, user.username, note, photo,
    )  # fmt: skip


async def detail(conn: asyncpg.Connection, danger_id: int) -> dict:
    row = await conn.fetchrow(f"SELECT {DETAIL_COLUMNS} FROM hidden_danger WHERE id = $1", danger_id)
    if row is None:
        raise NotFound(f"no hidden danger {danger_id}", field="id")
    enterprise = await conn.fetchrow(
        "SELECT id, name, town_code, tier FROM enterprise WHERE id = $1", row["enterprise_id"]
    )
    events = await conn.fetch(
        "SELECT id, action, from_status, to_status, actor, note, photo_path IS NOT NULL AS has_photo, at "
        "FROM hidden_danger_event WHERE hidden_danger_id = $1 ORDER BY at, id",
        danger_id,
    )
    return jsonable(dict(row)) | {
        "enterprise": dict(enterprise) if enterprise else None,
        "events": [jsonable(dict(event)) for event in events],
    }


async def photo_path(conn: asyncpg.Connection, danger_id: int, event_id: int | None) -> str:
    """The stored photo of the danger (the report's) or of one of its events, if the user can see the danger."""
    if event_id is None:
        path = await conn.fetchval("SELECT photo_path FROM hidden_danger WHERE id = $1", danger_id)
    else:
        path = await conn.fetchval(
            "SELECT photo_path FROM hidden_danger_event WHERE id = $1 AND hidden_danger_id = $2", event_id, danger_id
        )
    if path is None:
        raise NotFound(f"no photo for hidden danger {danger_id}", field="id")
    return path


def jsonable(row: dict) -> dict:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in row.items()}
