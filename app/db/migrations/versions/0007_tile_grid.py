"""tile_grid: the city-wide grid of dense point layers, kept per cell and town by a trigger, for low-zoom tiles

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 11:00:00

A low-zoom tile of a million enterprises grouped every point in its envelope, 5–14 s cold. The grid cells of
every zoom are unions of the cells of the finest grid zoom (a WebMercatorQuad tile holds 64 × 64 cells, so zoom 11
cells are level 17 of the quadtree, ~305 m), so one table of level-17 cells, each with its point count, the sums of
its points' Web Mercator x/y (the mean position) and its count per tier, answers every grid tile by summing cells.
It is kept by a statement-level trigger in the writing transaction — the same transaction that bumps the table's
`layer_change` version — so a grid tile is never older than its ETag. Cells are per town, so row-level security
gives a town-scoped user only the counts of their towns. Cells whose count falls to zero stay, and are skipped.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "twomaps_app"
GRID_LEVEL = 17  # must match app.tiles.service.GRID_LEVEL
GRID_TABLES = ("enterprise",)  # layers with `aggregate_below` in the registry (checked at start-up)
# Web Mercator x/y of a lon/lat point by the spherical formula (as grid.sql), and its cell at the level in TG_ARGV[0].
CELLS = """
    SELECT town_code, floor(x / size)::integer AS cx, floor(y / size)::integer AS cy, x, y, tier
    FROM (SELECT town_code, tier, ST_X(geom) * 111319.49079327357 AS x,
                 ln(tan(pi() / 4 + radians(ST_Y(geom)) / 2)) * 6378137 AS y,
                 40075016.68557849 / 2 ^ {level} AS size
          FROM {rows}) AS p"""
MAINTAIN_FUNCTION = f"""
CREATE FUNCTION maintain_tile_grid() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    level text := TG_ARGV[0];
    changes text;  -- +1 per new row, -1 per old row
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM tile_grid WHERE table_name = TG_TABLE_NAME;
        RETURN NULL;
    END IF;
    changes := concat_ws(' UNION ALL ',
        CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN
            format($q$SELECT 1 AS sign, c.* FROM ({CELLS.format(level="%1$s", rows="grid_new")}) AS c$q$, level) END,
        CASE WHEN TG_OP IN ('DELETE', 'UPDATE') THEN
            format($q$SELECT -1 AS sign, c.* FROM ({CELLS.format(level="%1$s", rows="grid_old")}) AS c$q$, level) END);
    EXECUTE format($q$
        INSERT INTO tile_grid AS g (table_name, town_code, cx, cy, n, sum_x, sum_y, red, orange, yellow, blue)
        SELECT $1, town_code, cx, cy, sum(sign), sum(sign * x), sum(sign * y),
               sum(sign * (tier = 'red')::integer), sum(sign * (tier = 'orange')::integer),
               sum(sign * (tier = 'yellow')::integer), sum(sign * (tier = 'blue')::integer)
        FROM (SELECT sign, coalesce(town_code, '') AS town_code, cx, cy, x, y, coalesce(tier, '') AS tier
              FROM (%s) AS c) AS change
        GROUP BY town_code, cx, cy
        HAVING sum(sign) <> 0 OR sum(sign * x) <> 0 OR sum(sign * y) <> 0
            OR sum(sign * (tier = 'red')::integer) <> 0 OR sum(sign * (tier = 'orange')::integer) <> 0
            OR sum(sign * (tier = 'yellow')::integer) <> 0 OR sum(sign * (tier = 'blue')::integer) <> 0
        ON CONFLICT (table_name, cx, cy, town_code) DO UPDATE
            SET n = g.n + EXCLUDED.n, sum_x = g.sum_x + EXCLUDED.sum_x, sum_y = g.sum_y + EXCLUDED.sum_y,
                red = g.red + EXCLUDED.red, orange = g.orange + EXCLUDED.orange,
                yellow = g.yellow + EXCLUDED.yellow, blue = g.blue + EXCLUDED.blue$q$, changes)
    USING TG_TABLE_NAME;
    RETURN NULL;
END
$$
"""


def attach_grid_triggers(table: str) -> None:
    for event, referencing in (
        ("INSERT", "NEW TABLE AS grid_new"),
        ("UPDATE", "OLD TABLE AS grid_old NEW TABLE AS grid_new"),
        ("DELETE", "OLD TABLE AS grid_old"),
    ):
        op.execute(
            f"CREATE TRIGGER tile_grid_{event.lower()} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION maintain_tile_grid('{GRID_LEVEL}')"
        )
    op.execute(
        f"CREATE TRIGGER tile_grid_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION maintain_tile_grid('{GRID_LEVEL}')"
    )


def upgrade() -> None:
    op.create_table(
        "tile_grid",
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("town_code", sa.Text(), nullable=False),
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("sum_x", sa.Float(), nullable=False),
        sa.Column("sum_y", sa.Float(), nullable=False),
        sa.Column("red", sa.Integer(), nullable=False),
        sa.Column("orange", sa.Integer(), nullable=False),
        sa.Column("yellow", sa.Integer(), nullable=False),
        sa.Column("blue", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "cx", "cy", "town_code", name=op.f("pk_tile_grid")),
    )
    # Not FORCEd: the trigger (SECURITY DEFINER, the owner) maintains every town; requests see only theirs.
    op.execute("ALTER TABLE tile_grid ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY town_scope ON tile_grid FOR ALL USING (twomaps_town_visible(town_code))")
    op.execute(f"GRANT SELECT ON tile_grid TO {APP_ROLE}")
    op.execute(MAINTAIN_FUNCTION)
    for table in GRID_TABLES:
        attach_grid_triggers(table)
        # The existing rows, as if inserted now.
        op.execute(
            f"""INSERT INTO tile_grid (table_name, town_code, cx, cy, n, sum_x, sum_y, red, orange, yellow, blue)
            SELECT '{table}', coalesce(town_code, ''), cx, cy, count(*), sum(x), sum(y), count(*) FILTER (WHERE tier = 'red'),
                   count(*) FILTER (WHERE tier = 'orange'), count(*) FILTER (WHERE tier = 'yellow'),
                   count(*) FILTER (WHERE tier = 'blue')
            FROM ({CELLS.format(level=GRID_LEVEL, rows=table)}) AS c
            GROUP BY coalesce(town_code, ''), cx, cy"""
        )


def downgrade() -> None:
    for table in GRID_TABLES:
        for event in ("insert", "update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER tile_grid_{event} ON {table}")
    op.execute("DROP FUNCTION maintain_tile_grid()")
    op.drop_table("tile_grid")
