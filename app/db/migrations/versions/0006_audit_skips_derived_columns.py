"""audit: updates that change only derived columns (tiers and what the risk engine computes) are not logged

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 10:00:00

A re-tier of a million enterprises updated a million rows, and the audit trigger turned each into an audit row: two
minutes of a bulk re-tier went to logging values that `tier_history` already records with their cause and reasons.
The audit trigger now takes the table's derived columns as a second argument and logs an update only when some other
column changed (with every column that changed, derived ones included). Inserts and deletes are logged whole, as before.
The downgrade re-attaches the update triggers without the list, which restores 0005's behaviour.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIER_COLUMNS = "tier,tier_reasons,tier_updated_at"
# Audited tables with derived columns: (the key columns, the columns the risk engine and storm mode compute).
DERIVED = {
    "enterprise": ("id", f"{TIER_COLUMNS},exposed_people,major_hazard_grade"),
    "enterprise_unit": ("id", "s_value,r_value,major_hazard_grade"),
    "geohazard": ("id", f"{TIER_COLUMNS},grade,warning_level"),
    "flood_spot": ("id", f"{TIER_COLUMNS},base_tier,warning_level"),
    "forest_zone": ("id", f"{TIER_COLUMNS},fire_level"),
    "admin_area": ("code", f"{TIER_COLUMNS},risk_index"),
}

AUDIT_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_changes() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    actor text := coalesce(nullif(current_setting('twomaps.user', true), ''), 'db:' || session_user);
    hidden text[] := ARRAY['password_hash', 'token_hash'];  -- logged as changed, never their values
    derived text[] := string_to_array(coalesce(TG_ARGV[1], ''), ',');  -- recomputed by the risk engine
    key_of text;  -- the row id as an expression over the row alias %1$s
    row_json text;  -- the whole row as JSON over the alias r (jsonb_build_object: 3x faster than to_jsonb(r))
    differs text;  -- does a row differ in a column other than the derived ones
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
               attname::text = ANY(derived) AS is_derived,
               row_number() OVER (ORDER BY attnum) AS position
        FROM pg_attribute WHERE attrelid = TG_RELID AND attnum > 0 AND NOT attisdropped
    )
    SELECT
        -- jsonb_build_object takes at most 100 arguments: 40 columns per call.
        (SELECT string_agg(chunk, ' || ') FROM (
            SELECT format('jsonb_build_object(%s)', string_agg(format('%L, %s', name, format(value, 'r')), ', ' ORDER BY position)) AS chunk
            FROM columns WHERE name <> ALL(hidden) GROUP BY (position - 1) / 40) chunks),
        -- Updates compare column by column; a row is logged when a column other than the derived ones changed, with
        -- every column that changed (a re-tier alone writes tier_history, not the audit log).
        coalesce(string_agg(format('o.%1$I%2$s IS DISTINCT FROM n.%1$I%2$s', name, compared), ' OR ') FILTER (WHERE NOT is_derived), 'false'),
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
"""


def attach_update_trigger(table: str, arguments: str) -> None:
    op.execute(f"DROP TRIGGER audit_update ON {table}")
    op.execute(
        f"CREATE TRIGGER audit_update AFTER UPDATE ON {table} "
        "REFERENCING OLD TABLE AS audit_old NEW TABLE AS audit_new "
        f"FOR EACH STATEMENT EXECUTE FUNCTION audit_changes({arguments})"
    )


def upgrade() -> None:
    op.execute(AUDIT_FUNCTION)
    for table, (key, derived) in DERIVED.items():
        attach_update_trigger(table, f"'{key}', '{derived}'")


def downgrade() -> None:
    for table, (key, _) in DERIVED.items():
        attach_update_trigger(table, f"'{key}'")
