"""Rain observations in: per-row validation with reasons, then one upsert of the good rows.

Every problem of every row is collected before anything is written (all or nothing, unless the caller asks for a
partial load). A re-sent gauge-hour replaces the earlier amount: gauges send corrections.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import asyncpg

from app.errors import InvalidParameter, PayloadTooLarge

PLAUSIBLE_HOURLY_MAX_MM = 300.0  # also the rain_observation CHECK: no gauge on record comes close
FUTURE_TOLERANCE = timedelta(minutes=10)  # gauge clocks drift a little
BEIJING = timezone(timedelta(hours=8))  # a timestamp without an offset is Beijing time
MAX_ROWS = 100_000
COLUMNS = ("gauge_code", "observed_at", "rain_mm")


@dataclass
class Batch:
    """The rows that passed (gauge id, hour end, mm) and, per rejected row, why."""

    accepted: list[tuple[int, datetime, float]] = field(default_factory=list)
    rejected: list[dict[str, object]] = field(default_factory=list)


def _problem(code: str, detail: str) -> dict[str, str]:
    return {"code": code, "detail": detail}


def _timestamp(value: object) -> datetime | dict[str, str]:
    if isinstance(value, datetime):
        stamp = value
    else:
        try:
            stamp = datetime.fromisoformat(str(value).strip())
        except ValueError:
            return _problem("bad_timestamp", f"observed_at {value!r} is not an ISO 8601 time")
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=BEIJING)


def _amount(value: object) -> float | dict[str, str]:
    if isinstance(value, bool):
        return _problem("bad_number", f"rain_mm {value!r} is not a number")
    try:
        mm = float(str(value).strip()) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _problem("bad_number", f"rain_mm {value!r} is not a number")
    if not math.isfinite(mm):
        return _problem("bad_number", f"rain_mm {value!r} is not a finite number")
    if mm < 0:
        return _problem("negative", f"rain_mm {mm:g} is negative")
    if mm > PLAUSIBLE_HOURLY_MAX_MM:
        return _problem("above_max", f"rain_mm {mm:g} exceeds {PLAUSIBLE_HOURLY_MAX_MM:g} mm in one hour")
    return mm


def _check_row(row: object, gauges: Mapping[str, int], now: datetime) -> tuple[int, datetime, float] | list[dict]:
    if not isinstance(row, Mapping):
        return [_problem("not_an_object", "a row must be an object with gauge_code, observed_at and rain_mm")]
    missing = [name for name in COLUMNS if row.get(name) in (None, "")]
    problems = [_problem("missing_field", f"{name} is missing") for name in missing]
    code = str(row.get("gauge_code", "")).strip()
    if "gauge_code" not in missing and code not in gauges:
        problems.append(_problem("unknown_gauge", f"no rain gauge with code {code!r}"))
    stamp = _timestamp(row["observed_at"]) if "observed_at" not in missing else None
    if isinstance(stamp, dict):
        problems.append(stamp)
    elif stamp is not None:
        if (stamp.minute, stamp.second, stamp.microsecond) != (0, 0, 0):
            problems.append(_problem("not_on_the_hour", f"observed_at {stamp.isoformat()} is not the end of an hour"))
        if stamp > now + FUTURE_TOLERANCE:
            problems.append(_problem("future", f"observed_at {stamp.isoformat()} is in the future"))
    amount = _amount(row["rain_mm"]) if "rain_mm" not in missing else None
    if isinstance(amount, dict):
        problems.append(amount)
    if problems:
        return problems
    return gauges[code], stamp, amount  # type: ignore[return-value]


def validate(rows: list[object], gauges: Mapping[str, int], now: datetime | None = None) -> Batch:
    """Check every row (1-based `row` numbers in the reasons); a gauge-hour sent twice in one batch is refused."""
    if len(rows) > MAX_ROWS:
        raise PayloadTooLarge(f"{len(rows)} rows in one batch; send at most {MAX_ROWS}", field="rows")
    now = now or datetime.now(UTC)
    batch, seen = Batch(), set()
    for number, row in enumerate(rows, start=1):
        checked = _check_row(row, gauges, now)
        if isinstance(checked, tuple) and (checked[0], checked[1]) in seen:
            checked = [_problem("duplicate", "the same gauge and hour appear earlier in this batch")]
        if isinstance(checked, list):
            keys = row if isinstance(row, Mapping) else {}
            batch.rejected.append(
                {
                    "row": number,
                    "gauge_code": keys.get("gauge_code"),
                    "observed_at": keys.get("observed_at"),
                    "reasons": checked,
                }
            )
        else:
            seen.add((checked[0], checked[1]))
            batch.accepted.append(checked)
    return batch


def read_csv(data: bytes) -> list[dict[str, str]]:
    """Rows of an uploaded CSV (UTF-8, BOM allowed) with the columns gauge_code, observed_at, rain_mm."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidParameter("the CSV is not UTF-8 text", field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise InvalidParameter(f"the CSV lacks the column(s) {', '.join(missing)}", field="file")
    return list(reader)


async def known_gauges(conn: asyncpg.Connection) -> dict[str, int]:
    return {row["code"]: row["id"] for row in await conn.fetch("SELECT code, id FROM rain_gauge")}


async def store(
    conn: asyncpg.Connection, event: str, source: str, rows: list[tuple[int, datetime, float]], rejected: int
) -> dict[str, object]:
    """Upsert the accepted rows and log the batch (its id is the new data version) in one transaction."""
    gauge_ids, stamps, amounts = (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
    async with conn.transaction():
        await conn.execute(
            """
            INSERT INTO rain_observation (gauge_id, observed_at, rain_mm, event)
            SELECT gauge_id, observed_at, rain_mm, $4
            FROM unnest($1::int[], $2::timestamptz[], $3::float8[]) AS u(gauge_id, observed_at, rain_mm)
            ON CONFLICT (gauge_id, observed_at) DO UPDATE SET rain_mm = EXCLUDED.rain_mm, event = EXCLUDED.event
            """,
            gauge_ids,
            stamps,
            amounts,
            event,
        )
        version = await conn.fetchval(
            """
            INSERT INTO rain_ingest (event, source, accepted, rejected, first_observed_at, last_observed_at)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """,
            event,
            source,
            len(gauge_ids),
            rejected,
            min(stamps, default=None),
            max(stamps, default=None),
        )
    return {"event": event, "accepted": len(gauge_ids), "version": version}
