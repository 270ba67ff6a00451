"""CQL2-text parsing and compilation, without a database: the SQL text and its bound values."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import InvalidParameter
from app.features import cql2
from app.query import OR_EXPANDED_VALUES, parse_filters, quote_ident, where_clause
from layers.spec import registry

ENTERPRISES = registry()["enterprises"]


def compiled(text: str, *, lat_lon: bool = False) -> tuple[str, list[object]]:
    return where_clause(ENTERPRISES, cql=cql2.parse(text, ENTERPRISES, lat_lon=lat_lon))


@pytest.mark.parametrize(
    ("text", "sql", "values"),
    [
        ("tier = 'red'", '("tier" = $1::text)', ["red"]),
        ("employees >= 100", '("employees" >= $1::int8)', [100]),
        ("assessment_score < 59.5", '("assessment_score" < $1::float8)', [59.5]),
        ("tier <> 'blue' AND employees > 10", '(("tier" <> $1::text) AND ("employees" > $2::int8))', ["blue", 10]),
        (
            "NOT (tier = 'red' OR tier = 'orange')",
            'NOT (("tier" = $1::text) OR ("tier" = $2::text))',
            ["red", "orange"],
        ),
        ("tier IN ('red', 'orange')", '(("tier" = ANY($1::text[])))', [["red", "orange"]]),
        ("employees NOT IN (1, 2.5)", '(NOT ("employees" = ANY($1::float8[])))', [[1.0, 2.5]]),
        ("name LIKE '%化工%'", '("name" LIKE $1::text)', ["%化工%"]),
        ("name NOT LIKE 'a_b'", '("name" NOT LIKE $1::text)', ["a_b"]),
        ("employees BETWEEN 10 AND 99", '("employees" BETWEEN $1::int8 AND $2::int8)', [10, 99]),
        ("major_hazard_grade IS NULL", '("major_hazard_grade" IS NULL)', []),
        ("major_hazard_grade is not null", '("major_hazard_grade" IS NOT NULL)', []),
        ('"is_demo" = TRUE', '("is_demo" = $1::bool)', [True]),
        ("employees > assessment_score", '("employees" > "assessment_score")', []),
        ("tier_updated_at > DATE('2024-05-01')", '("tier_updated_at" > $1::date)', [date(2024, 5, 1)]),
        (
            "tier_updated_at < TIMESTAMP('2024-05-01T08:00:00Z')",
            '("tier_updated_at" < $1::timestamptz)',
            [datetime(2024, 5, 1, 8, tzinfo=UTC)],
        ),
        ("A_OVERLAPS(hazard_tags, ('dust_explosion'))", '("hazard_tags" && $1::text[])', [["dust_explosion"]]),
        (
            "A_CONTAINS(hazard_tags, ('dust_explosion', 'fireworks'))",
            '("hazard_tags" @> $1::text[])',
            [["dust_explosion", "fireworks"]],
        ),
        ("TRUE", "TRUE", []),
    ],
)
def test_compiles_to_bound_sql(text: str, sql: str, values: list[object]) -> None:
    assert compiled(text) == (sql, values)


@pytest.mark.parametrize(
    ("text", "function", "wkt"),
    [
        ("S_INTERSECTS(geometry, POINT(113.7 22.9))", "ST_Intersects", "POINT(113.7 22.9)"),
        ("S_INTERSECTS(geom, LINESTRING(113 22, 114 23))", "ST_Intersects", "LINESTRING(113.0 22.0,114.0 23.0)"),
        (
            "S_WITHIN(geometry, POLYGON((113 22, 114 22, 114 23, 113 22)))",
            "ST_Within",
            "POLYGON((113.0 22.0,114.0 22.0,114.0 23.0,113.0 22.0))",
        ),
        (
            "S_WITHIN(POLYGON((113 22, 114 22, 114 23, 113 22)), geometry)",
            "ST_Contains",
            "POLYGON((113.0 22.0,114.0 22.0,114.0 23.0,113.0 22.0))",
        ),
        (
            "S_INTERSECTS(geometry, MULTIPOLYGON(((113 22, 114 22, 114 23, 113 22)), ((0 0, 1 0, 1 1, 0 0))))",
            "ST_Intersects",
            "MULTIPOLYGON(((113.0 22.0,114.0 22.0,114.0 23.0,113.0 22.0)),((0.0 0.0,1.0 0.0,1.0 1.0,0.0 0.0)))",
        ),
        ("S_INTERSECTS(geometry, MULTIPOINT((1 2), (3 4)))", "ST_Intersects", "MULTIPOINT((1.0 2.0),(3.0 4.0))"),
        ("S_INTERSECTS(geometry, MULTIPOINT(1 2, 3 4))", "ST_Intersects", "MULTIPOINT(1.0 2.0,3.0 4.0)"),
        (
            "S_DISJOINT(geometry, GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(1 2, 3 4)))",
            "ST_Disjoint",
            "GEOMETRYCOLLECTION(POINT(1.0 2.0),LINESTRING(1.0 2.0,3.0 4.0))",
        ),
    ],
)
def test_geometry_literals_are_rewritten_and_bound(text: str, function: str, wkt: str) -> None:
    assert compiled(text) == (f'{function}("geom", ST_GeomFromText($1::text, 4326))', [wkt])


def test_bbox_literal_and_lat_lon_filter_crs() -> None:
    envelope = 'ST_Intersects("geom", ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326))'
    assert compiled("S_INTERSECTS(geometry, BBOX(113.5, 22.6, 114.3, 23.2))") == (envelope, [113.5, 22.6, 114.3, 23.2])
    assert compiled("S_INTERSECTS(geometry, BBOX(22.6, 113.5, 23.2, 114.3))", lat_lon=True)[1] == [
        113.5,
        22.6,
        114.3,
        23.2,
    ]
    assert compiled("S_INTERSECTS(geometry, POINT(22.9 113.7))", lat_lon=True)[1] == ["POINT(113.7 22.9)"]


def test_numbering_continues_after_the_statements_own_parameters() -> None:
    filters = parse_filters(ENTERPRISES, [("tier", "red,orange"), ("hazard_tags", "dust_explosion")])
    sql, values = where_clause(
        ENTERPRISES,
        filters=filters,
        bbox=(113.5, 22.6, 114.3, 23.2),
        cql=cql2.parse("employees > 5", ENTERPRISES),
        first_param=7,
    )
    assert sql == (
        '"geom" && ST_MakeEnvelope($7::float8, $8::float8, $9::float8, $10::float8, 4326)'
        ' AND ("tier" = $11::text OR "tier" = $12::text) AND "hazard_tags" && $13::text[] AND ("employees" > $14::int8)'
    )
    assert values == [113.5, 22.6, 114.3, 23.2, "red", "orange", ["dust_explosion"], 5]


def test_any_of_filters_are_equalities_an_index_can_use_up_to_a_few_values() -> None:
    """`=` (alone or OR-ed) is an index condition of the (geom, tier) GiST index; `= ANY` is not."""
    one, values = where_clause(ENTERPRISES, filters=parse_filters(ENTERPRISES, [("tier", "orange")]))
    assert (one, values) == ('"tier" = $1::text', ["orange"])
    towns = [f"4419000{n:02d}000" for n in range(OR_EXPANDED_VALUES + 1)]
    many = {"town_code": tuple(towns)}
    assert where_clause(ENTERPRISES, filters=many) == ('"town_code" = ANY($1::text[])', [towns])


def test_polygon_layers_test_a_real_intersection() -> None:
    sql, _ = where_clause(registry()["towns"], bbox=(113.5, 22.6, 114.3, 23.2))
    assert sql.startswith('ST_Intersects("geom", ST_MakeEnvelope(')


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("employees", "5")], "unknown parameter 'employees'"),
        ([("nope", "x")], "unknown parameter 'nope'"),
        ([("industry", "mining")], "industry: 'mining' is not one of chemical"),
        ([("hazard_tags", "dust_explosion,nope")], "hazard_tags: 'nope' is not one of"),
        ([("major_hazard_grade", "two")], "major_hazard_grade: 'two' is not an integer"),
        ([("major_hazard_grade", "99999999999999999999")], "is not an integer"),
        ([("tier", "")], "tier: empty value"),
        ([("tier", "red\x00")], "NUL"),
    ],
)
def test_property_filters_refuse_bad_input(pairs: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(InvalidParameter, match=message.replace("(", r"\(")):
        parse_filters(ENTERPRISES, pairs)


def test_property_filters_merge_repeated_and_comma_separated_values() -> None:
    assert parse_filters(ENTERPRISES, [("tier", "red, orange"), ("tier", "red"), ("major_hazard_grade", "1")]) == {
        "tier": ("red", "orange"),
        "major_hazard_grade": (1,),
    }


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("tier = 'red'; DROP TABLE enterprise", 12, "unexpected character ';'"),
        ("tier = 'red' -- comment", 13, "unexpected character '-'"),
        ("tier = 'red' /* comment */", 13, "unexpected character '/'"),
        ("name = 'x' OR '1'='1", 18, "unterminated quote"),
        ("pg_sleep(10) = 1", 0, "unknown function 'pg_sleep'"),
        ("S_BUFFER(geometry, 1) = 1", 0, "unknown function 'S_BUFFER'"),
        ("password = 'x'", 0, "unknown property 'password'"),
        ('"tier""; DROP TABLE x; --" = 1', 0, "unknown property"),
        ("tier_reasons IS NULL", 0, "unknown property 'tier_reasons'"),
        ("name = 'unterminated", 7, "unterminated quote"),
        ("tier = ", 7, "expected a property name or a literal, found the end of the filter"),
        ("(tier = 'red'", 13, "expected ')'"),
        ("tier = 'red' tier", 13, "expected AND, OR or the end of the filter"),
        ("employees = 'many'", 0, "cannot compare employees (integer) with string 'many'"),
        ("tier_updated_at > '2024-01-01'", 0, "write DATE("),
        ("hazard_tags = 'fireworks'", 0, "hazard_tags of type string[] cannot be compared"),
        ("industry = 'mining'", 0, "industry: 'mining' is not one of"),
        ("employees LIKE '1%'", 0, "LIKE needs a string property"),
        ("S_INTERSECTS(name, POINT(1 2))", 13, "needs the geometry property"),
        ("S_INTERSECTS(geometry, POLYGON((1 2, 3 4, 5 6, 7 8)))", 31, "a polygon ring must end where it starts"),
        ("S_INTERSECTS(geometry, POINT(1 2 3))", 33, "only 2D coordinates"),
        ("S_INTERSECTS(geometry, LINESTRING(1 2))", 33, "expected at least 2 points"),
        ("S_INTERSECTS(geometry, BBOX(3, 0, 1, 1))", 23, "BBOX minimum is greater than its maximum"),
        ("employees > 1e999", 12, "number out of range"),
        ("employees > 99999999999999999999", 12, "integer out of range"),
        ("NOT " * 50 + "TRUE", 160, "nested more than 40 levels deep"),
        ("(" * 50, 40, "nested more than 40 levels deep"),
    ],
)
def test_errors_name_the_position(text: str, position: int, message: str) -> None:
    with pytest.raises(cql2.CQLError) as error:
        cql2.parse(text, ENTERPRISES)
    assert message in error.value.message
    assert error.value.position == position


def test_identifiers_only_come_from_the_registry() -> None:
    assert quote_ident('a"b') == '"a""b"'
    sql, values = compiled("name = 'x''; DROP TABLE enterprise; --'")
    assert sql == '("name" = $1::text)'
    assert values == ["x'; DROP TABLE enterprise; --"]


PIECES = [
    "tier",
    "employees",
    "name",
    "hazard_tags",
    "geometry",
    "=",
    "<>",
    "<",
    ">=",
    "(",
    ")",
    ",",
    "'red'",
    "'a''b'",
    "1",
    "-2.5",
    "1e3",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "BETWEEN",
    "IS",
    "NULL",
    "TRUE",
    "DATE('2024-01-01')",
    "S_INTERSECTS",
    "A_CONTAINS",
    "POINT",
    "POLYGON",
    "BBOX",
    ";",
    "--",
    "'",
    '"tier"',
]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(PIECES), max_size=14).map(" ".join), st.text(max_size=40)))
def test_any_text_parses_or_is_a_cql_error(text: str) -> None:
    try:
        sql, values = where_clause(ENTERPRISES, cql=cql2.parse(text, ENTERPRISES))
    except cql2.CQLError as error:
        assert 0 <= error.position <= len(text)
    else:
        assert sql.count("$") == len(values)
