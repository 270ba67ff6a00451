"""people, town scope (row-level security), audit log, hidden-danger closed loop, road network (pgRouting)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00

Row-level security is the one place that limits what a town-scoped user sees. The request pool switches each
connection to the role `twomaps_app` (not a superuser, so policies apply) and sets `twomaps.town_scope` to the
user's towns ('' = every town) and `twomaps.user` for the audit trigger. Tables whose rows have no town of their
own follow their parent (a unit follows its enterprise). `admin_area` stays visible: it is the basemap.

The audit trigger is statement-level with transition tables, so a 200k-row import writes its audit rows in one
INSERT … SELECT instead of 200k trigger calls. Updates compare column by column and record only the columns that
changed (password and token hashes only as "(changed)"); an update that changed nothing is not logged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "twomaps_app"
# Tables with a town_code of their own.
TOWN_TABLES = (
    "enterprise",
    "flood_spot",
    "geohazard",
    "forest_zone",
    "shelter",
    "depot",
    "rescue_team",
    "vulnerable_site",
    "population_cell",
)
# Tables that follow a parent row: visible when the parent is (the parent's own policy applies inside EXISTS).
CHILD_TABLES = {
    "enterprise_unit": "EXISTS (SELECT 1 FROM enterprise p WHERE p.id = enterprise_id)",
    "chemical_inventory": "EXISTS (SELECT 1 FROM enterprise_unit p WHERE p.id = unit_id)",
    "hidden_danger": "EXISTS (SELECT 1 FROM enterprise p WHERE p.id = enterprise_id)",
    "hidden_danger_event": "EXISTS (SELECT 1 FROM hidden_danger p WHERE p.id = hidden_danger_id)",
    "depot_stock": "EXISTS (SELECT 1 FROM depot p WHERE p.id = depot_id)",
    "tier_history": """CASE entity_type
        WHEN 'enterprise' THEN EXISTS (SELECT 1 FROM enterprise p WHERE p.id = entity_id)
        WHEN 'flood_spot' THEN EXISTS (SELECT 1 FROM flood_spot p WHERE p.id = entity_id)
        WHEN 'geohazard' THEN EXISTS (SELECT 1 FROM geohazard p WHERE p.id = entity_id)
        WHEN 'forest_zone' THEN EXISTS (SELECT 1 FROM forest_zone p WHERE p.id = entity_id)
        ELSE true END""",
}
# Audited tables and the columns that identify a row in the log.
AUDITED = {
    "admin_area": "code",
    "enterprise": "id",
    "enterprise_unit": "id",
    "chemical_inventory": "id",
    "hidden_danger": "id",
    "flood_spot": "id",
    "geohazard": "id",
    "forest_zone": "id",
    "shelter": "id",
    "depot": "id",
    "depot_stock": "depot_id,item",
    "rescue_team": "id",
    "vulnerable_site": "id",
    "callout_ack": "id",
    "app_user": "id",
    "api_token": "id",
}
GAINS_EXTERNAL_ID = ("forest_zone", "depot", "rescue_team", "vulnerable_site")

SCOPE_FUNCTIONS = """
CREATE FUNCTION twomaps_unscoped() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT coalesce(current_setting('twomaps.town_scope', true), '') = '' $$;

CREATE FUNCTION twomaps_town_visible(town text) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT twomaps_unscoped() OR town = ANY(string_to_array(current_setting('twomaps.town_scope', true), ',')) $$;
"""

AUDIT_FUNCTION = """
CREATE FUNCTION audit_changes() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    actor text := coalesce(nullif(current_setting('twomaps.user', true), ''), 'db:' || session_user);
    hidden text[] := ARRAY['password_hash', 'token_hash'];  -- logged as changed, never their values
    key_of text;  -- the row id as an expression over the row alias %1$s
    row_json text;  -- the whole row as JSON over the alias r (jsonb_build_object: 3x faster than to_jsonb(r))
    differs text;
    before_json text;
    after_json text;
BEGIN
    SELECT string_agg(format('%%1$s.%I', c), ' || ''/'' || ') INTO key_of
      FROM unnest(string_to_array(TG_ARGV[0], ',')) AS c;
    WITH columns AS (
        SELECT attname::text AS name,
               CASE WHEN atttypid = 'geometry'::regtype THEN format('ST_AsGeoJSON(%%1$s.%I)::jsonb', attname)
                    ELSE format('%%1$s.%I', attname) END AS value,
               CASE WHEN atttypid = 'json'::regtype THEN '::text' ELSE '' END AS compared,
               row_number() OVER (ORDER BY attnum) AS position
        FROM pg_attribute WHERE attrelid = TG_RELID AND attnum > 0 AND NOT attisdropped
    )
    SELECT
        -- jsonb_build_object takes at most 100 arguments: 40 columns per call.
        (SELECT string_agg(chunk, ' || ') FROM (
            SELECT format('jsonb_build_object(%s)', string_agg(format('%L, %s', name, format(value, 'r')), ', ' ORDER BY position)) AS chunk
            FROM columns WHERE name <> ALL(hidden) GROUP BY (position - 1) / 40) chunks),
        -- Column by column for updates, so that only what changed becomes JSON (a re-tier changes 3 of 25
        -- columns), and rows that did not change at all are not logged.
        string_agg(format('o.%1$I%2$s IS DISTINCT FROM n.%1$I%2$s', name, compared), ' OR '),
        string_agg(format('coalesce(CASE WHEN o.%1$I%2$s IS DISTINCT FROM n.%1$I%2$s THEN jsonb_build_object(%1$L, %3$s) END, ''{}'')',
                          name, compared, CASE WHEN name = ANY(hidden) THEN quote_literal('(changed)') ELSE format(value, 'o') END), ' || '),
        string_agg(format('coalesce(CASE WHEN o.%1$I%2$s IS DISTINCT FROM n.%1$I%2$s THEN jsonb_build_object(%1$L, %3$s) END, ''{}'')',
                          name, compared, CASE WHEN name = ANY(hidden) THEN quote_literal('(changed)') ELSE format(value, 'n') END), ' || ')
      INTO row_json, differs, before_json, after_json
      FROM columns;
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('INSERT INTO audit_log (actor, action, table_name, row_id, after)
                        SELECT $1, ''insert'', $2, (%s)::text, %s FROM audit_new r', format(key_of, 'r'), row_json)
        USING actor, TG_TABLE_NAME;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO audit_log (actor, action, table_name, row_id, before)
                        SELECT $1, ''delete'', $2, (%s)::text, %s FROM audit_old r', format(key_of, 'r'), row_json)
        USING actor, TG_TABLE_NAME;
    ELSIF TG_OP = 'UPDATE' THEN
        EXECUTE format('INSERT INTO audit_log (actor, action, table_name, row_id, before, after)
                        SELECT $1, ''update'', $2, (%s)::text, %s, %s
                        FROM audit_old o JOIN audit_new n ON (%s) = (%s) WHERE %s',
                       format(key_of, 'o'), before_json, after_json, format(key_of, 'o'), format(key_of, 'n'), differs)
        USING actor, TG_TABLE_NAME;
    ELSE
        INSERT INTO audit_log (actor, action, table_name) VALUES (actor, 'truncate', TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def attach_audit_triggers(table: str, key_columns: str) -> None:
    """Three statement triggers (PostgreSQL allows transition tables only on single-event triggers) + TRUNCATE."""
    for event, referencing in (
        ("INSERT", "NEW TABLE AS audit_new"),
        ("UPDATE", "OLD TABLE AS audit_old NEW TABLE AS audit_new"),
        ("DELETE", "OLD TABLE AS audit_old"),
    ):
        op.execute(
            f"CREATE TRIGGER audit_{event.lower()} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION audit_changes('{key_columns}')"
        )
    op.execute(
        f"CREATE TRIGGER audit_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION audit_changes('{key_columns}')"
    )


def scope_policy(table: str, condition: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY town_scope ON {table} FOR ALL USING ({condition}) WITH CHECK ({condition})")


def create_tables() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("towns", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("password_is_default", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("session_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'commander', 'planner', 'inspector', 'viewer')", name=op.f("ck_app_user_role_valid")
        ),
        sa.CheckConstraint("username ~ '^[a-z0-9][a-z0-9_.-]{1,39}$'", name=op.f("ck_app_user_username_format")),
        sa.CheckConstraint(
            "role <> 'inspector' OR cardinality(towns) > 0", name=op.f("ck_app_user_inspector_has_towns")
        ),
        sa.CheckConstraint("role <> 'admin' OR cardinality(towns) = 0", name=op.f("ck_app_user_admin_unscoped")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), server_default="false", nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_api_token_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("row_id", sa.Text(), nullable=True),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.CheckConstraint(
            "action IN ('insert', 'update', 'delete', 'truncate')", name=op.f("ck_audit_log_action_valid")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_row", "audit_log", ["table_name", "row_id"], unique=False)
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
    op.create_table(
        "hidden_danger_event",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("hidden_danger_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("from_status", sa.String(length=10), nullable=True),
        sa.Column("to_status", sa.String(length=10), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("photo_path", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "action IN ('report', 'assign', 'rectify', 'verify', 'reject')",
            name=op.f("ck_hidden_danger_event_action_valid"),
        ),
        sa.CheckConstraint(
            "to_status IN ('reported', 'assigned', 'rectified', 'verified')",
            name=op.f("ck_hidden_danger_event_to_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["hidden_danger_id"],
            ["hidden_danger.id"],
            name=op.f("fk_hidden_danger_event_hidden_danger_id_hidden_danger"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hidden_danger_event")),
    )
    op.create_index(
        op.f("ix_hidden_danger_event_hidden_danger_id"), "hidden_danger_event", ["hidden_danger_id"], unique=False
    )
    op.create_geospatial_table(
        "road_node",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_road_node")),
    )
    op.create_geospatial_index(
        "idx_road_node_geom", "road_node", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_geospatial_table(
        "road_edge",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("osm_id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("highway", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("length_m", sa.Float(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("reverse_cost", sa.Float(), nullable=False),
        sa.Column("cost_s", sa.Float(), nullable=False),
        sa.Column("reverse_cost_s", sa.Float(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="LINESTRING",
                srid=4326,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_road_edge")),
    )
    op.create_geospatial_index(
        "idx_road_edge_geom", "road_edge", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_index(op.f("ix_road_edge_source"), "road_edge", ["source"], unique=False)
    op.create_index(op.f("ix_road_edge_target"), "road_edge", ["target"], unique=False)
    for table in GAINS_EXTERNAL_ID:
        op.add_column(table, sa.Column("external_id", sa.Text(), nullable=True))
        op.create_unique_constraint(op.f(f"uq_{table}_external_id"), table, ["external_id"])


def create_app_role() -> None:
    """The role requests run as: a member of nothing, no BYPASSRLS; the migrating role may SET ROLE to it."""
    op.execute(f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
            IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                EXECUTE format('GRANT {APP_ROLE} TO %I', current_user);
            END IF;
        END $$""")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}"
    )
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}")
    op.execute(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log FROM {APP_ROLE}, PUBLIC")


def upgrade() -> None:
    op.execute("""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pgrouting') THEN
                RAISE EXCEPTION 'pgRouting is not installed on this PostgreSQL server: install postgresql-15-pgrouting '
                    '(scripts/setup-system.sh does) and run `twomaps db migrate` again';
            END IF;
        END $$""")
    op.execute("CREATE EXTENSION IF NOT EXISTS pgrouting")
    create_tables()
    op.execute(SCOPE_FUNCTIONS)
    for table in TOWN_TABLES:
        scope_policy(table, "twomaps_town_visible(town_code)")
    for table, condition in CHILD_TABLES.items():
        scope_policy(table, f"twomaps_unscoped() OR {condition}")
    op.execute(AUDIT_FUNCTION)
    for table, key in AUDITED.items():
        attach_audit_triggers(table, key)
    op.execute(
        "CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()"
    )
    op.execute(
        "CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()"
    )
    create_app_role()


def downgrade() -> None:
    op.execute(f"DROP OWNED BY {APP_ROLE}")  # privileges in this database only; the role may serve others
    for table in AUDITED:
        for event in ("insert", "update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER audit_{event} ON {table}")
    for table in (*TOWN_TABLES, *CHILD_TABLES):
        op.execute(f"DROP POLICY town_scope ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for table in GAINS_EXTERNAL_ID:
        op.drop_constraint(op.f(f"uq_{table}_external_id"), table, type_="unique")
        op.drop_column(table, "external_id")
    for table in ("road_edge", "road_node", "hidden_danger_event", "audit_log", "api_token", "app_user"):
        op.drop_table(table)
    op.execute(
        "DROP FUNCTION audit_changes(), audit_log_is_append_only(), twomaps_town_visible(text), twomaps_unscoped()"
    )
    op.execute("DROP EXTENSION IF EXISTS pgrouting")
