"""CQL2-text (OGC 21-065) → a small typed tree, by a hand-written tokenizer and recursive-descent parser.

The subset: comparisons, AND/OR/NOT and parentheses, [NOT] LIKE/BETWEEN/IN, IS [NOT] NULL, the S_* spatial
functions over WKT or BBOX literals, the A_* array functions, DATE/TIMESTAMP literals. Property names are checked
against the layer registry and operand types against the property types while parsing, so a tree that parses is
safe to compile (`app.query.compile_cql`): names are quoted from the registry, every literal is bound. Anything
else — an unknown function, a stray `;` or comment — is a `CQLError` with the position where reading stopped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from layers.spec import LayerSpec

T = TypeVar("T")
MAX_LENGTH = 20_000
MAX_DEPTH = 40

# Literal type → the PostgreSQL type its bound value is cast to.
LITERAL_SQL_TYPES = {
    "string": "text",
    "integer": "int8",
    "number": "float8",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamptz",
}
# Types that compare with each other; arrays, JSON and geometries only take part in functions and IS NULL.
COMPARABLE = {
    "string": "text",
    "integer": "number",
    "number": "number",
    "boolean": "boolean",
    "date": "time",
    "datetime": "time",
}
SPATIAL_FUNCTIONS = {
    "S_INTERSECTS": "ST_Intersects",
    "S_DISJOINT": "ST_Disjoint",
    "S_EQUALS": "ST_Equals",
    "S_TOUCHES": "ST_Touches",
    "S_CROSSES": "ST_Crosses",
    "S_OVERLAPS": "ST_Overlaps",
    "S_WITHIN": "ST_Within",
    "S_CONTAINS": "ST_Contains",
}
# S_WITHIN(literal, geometry) is S_CONTAINS(geometry, literal): the property always goes first in SQL.
CONVERSE = {"S_WITHIN": "S_CONTAINS", "S_CONTAINS": "S_WITHIN"}
ARRAY_FUNCTIONS = {"A_EQUALS": "=", "A_CONTAINS": "@>", "A_CONTAINEDBY": "<@", "A_OVERLAPS": "&&"}
GEOMETRY_TYPES = (
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
    "GEOMETRYCOLLECTION",
)
KEYWORDS = {"AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE", "DATE", "TIMESTAMP"}

TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>'(?:[^']|'')*')
      | (?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
      | (?P<ident>[A-Za-z_][A-Za-z0-9_.:]*)
      | (?P<quoted>"(?:[^"]|"")+")
      | (?P<op><>|<=|>=|[=<>])
      | (?P<punct>[(),])""",
    re.VERBOSE,
)


class CQLError(ValueError):
    """The filter does not parse or does not fit the layer; `position` is the 0-based offset in the text."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int

    @property
    def keyword(self) -> str | None:
        return self.text.upper() if self.kind == "ident" else None


@dataclass(frozen=True)
class Property:
    name: str
    type: str  # a registry property type, or "geometry"


@dataclass(frozen=True)
class Literal:
    value: object
    type: str  # a key of LITERAL_SQL_TYPES


@dataclass(frozen=True)
class Envelope:
    bounds: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


@dataclass(frozen=True)
class Shape:
    wkt: str  # re-written from the parsed coordinates, lon/lat order


@dataclass(frozen=True)
class Comparison:
    op: str
    left: Property | Literal
    right: Property | Literal


@dataclass(frozen=True)
class Like:
    prop: Property
    pattern: str
    negated: bool


@dataclass(frozen=True)
class Between:
    prop: Property
    low: Literal
    high: Literal
    negated: bool


@dataclass(frozen=True)
class In:
    prop: Property
    values: tuple[Literal, ...]  # one literal type throughout
    negated: bool


@dataclass(frozen=True)
class IsNull:
    prop: Property
    negated: bool


@dataclass(frozen=True)
class ArrayPredicate:
    operator: str
    prop: Property
    values: tuple[str, ...]


@dataclass(frozen=True)
class SpatialPredicate:
    function: str
    geometry: Envelope | Shape


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Logical:
    op: str
    operands: tuple[Node, ...]


Node = Logical | Not | Comparison | Like | Between | In | IsNull | ArrayPredicate | SpatialPredicate | Literal


def queryable_types(spec: LayerSpec) -> dict[str, str]:
    """What a filter may name: the published properties (JSON ones excepted) and `geometry`."""
    types: dict[str, str] = {p.name: p.type for p in spec.properties if p.type != "json"}
    if spec.demo_column:
        types.setdefault(spec.demo_column, "boolean")
    types.setdefault("geometry", "geometry")
    return types


def tokenize(text: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            what = "unterminated quote" if text[position] in "'\"" else f"unexpected character {text[position]!r}"
            raise CQLError(what, position)
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup or "", match.group(), position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def parse(text: str, spec: LayerSpec, *, lat_lon: bool = False) -> Node:
    """Parse a CQL2-text filter for one layer; `lat_lon` when the filter-crs puts latitude first (EPSG:4326)."""
    if len(text) > MAX_LENGTH:
        raise CQLError(f"filter longer than {MAX_LENGTH} characters", MAX_LENGTH)
    if "\x00" in text:
        raise CQLError("NUL characters are not allowed", text.index("\x00"))
    return Parser(tokenize(text), spec, lat_lon).parse()


class Parser:
    def __init__(self, tokens: list[Token], spec: LayerSpec, lat_lon: bool):
        self.tokens, self.index, self.depth = tokens, 0, 0
        self.spec, self.lat_lon = spec, lat_lon
        self.types = queryable_types(spec)

    # token stream

    @property
    def token(self) -> Token:
        return self.tokens[min(self.index, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.token
        self.index += 1
        return token

    def accept(self, keyword: str) -> bool:
        if self.token.keyword == keyword or (self.token.kind == "punct" and self.token.text == keyword):
            self.index += 1
            return True
        return False

    def expect(self, keyword: str, what: str | None = None) -> Token:
        token = self.token
        if not self.accept(keyword):
            raise self.error(f"expected {what or repr(keyword)}")
        return token

    def error(self, message: str, token: Token | None = None) -> CQLError:
        """A syntax error: says what was expected and what was found instead."""
        token = token or self.token
        found = "the end of the filter" if token.kind == "end" else repr(token.text)
        return CQLError(f"{message}, found {found}", token.position)

    def invalid(self, message: str, token: Token | None = None) -> CQLError:
        """Well-formed but not allowed here: a type mismatch, an unknown name, a value out of range."""
        return CQLError(message, (token or self.token).position)

    # boolean structure

    def parse(self) -> Node:
        node = self.disjunction()
        if self.token.kind != "end":
            raise self.error("expected AND, OR or the end of the filter")
        return node

    def disjunction(self) -> Node:
        operands = [self.conjunction()]
        while self.accept("OR"):
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Logical("OR", tuple(operands))

    def conjunction(self) -> Node:
        operands = [self.negation()]
        while self.accept("AND"):
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else Logical("AND", tuple(operands))

    def negation(self) -> Node:
        if self.accept("NOT"):
            return Not(self.nested(self.negation))
        if self.accept("("):
            node = self.nested(self.disjunction)
            self.expect(")", "')'")
            return node
        return self.predicate()

    def nested(self, parse: Callable[[], T]) -> T:
        """Bound the recursion: a pathological filter is a 400, not a RecursionError."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.invalid(f"nested more than {MAX_DEPTH} levels deep", self.tokens[self.index - 1])
        node = parse()
        self.depth -= 1
        return node

    # predicates

    def predicate(self) -> Node:
        name = self.token.keyword
        if name in SPATIAL_FUNCTIONS or name in ARRAY_FUNCTIONS:
            return self.spatial() if name in SPATIAL_FUNCTIONS else self.array()
        start = self.token
        left = self.scalar()
        if self.token.kind == "op":
            op = self.next().text
            right = self.scalar()
            self.check_comparable(left, right, start)
            if op in ("=", "<>"):
                self.check_vocabulary(left, right, start)
            return Comparison(op, left, right)
        if isinstance(left, Literal) and left.type == "boolean":
            return left
        if not isinstance(left, Property):
            raise self.error("expected a comparison operator")
        if self.accept("IS"):
            negated = self.accept("NOT")
            self.expect("NULL", "NULL")
            return IsNull(left, negated)
        negated = self.accept("NOT")
        if self.accept("LIKE"):
            return self.like(left, negated, start)
        if self.accept("BETWEEN"):
            return self.between(left, negated, start)
        if self.accept("IN"):
            return self.in_list(left, negated, start)
        raise self.error("expected a comparison operator, LIKE, BETWEEN, IN or IS")

    def like(self, prop: Property, negated: bool, start: Token) -> Like:
        if prop.type != "string":
            raise self.invalid(f"LIKE needs a string property; {prop.name} is {prop.type}", start)
        pattern = self.scalar()
        if not isinstance(pattern, Literal) or pattern.type != "string":
            raise self.error("LIKE needs a string pattern")
        return Like(prop, str(pattern.value), negated)

    def between(self, prop: Property, negated: bool, start: Token) -> Between:
        low_token = self.token
        low = self.literal()
        self.expect("AND", "AND")
        high = self.literal()
        self.check_comparable(prop, low, start)
        self.check_comparable(prop, high, low_token)
        return Between(prop, low, high, negated)

    def in_list(self, prop: Property, negated: bool, start: Token) -> In:
        self.expect("(", "'(' opening the IN list")
        values = [self.literal()]
        while self.accept(","):
            values.append(self.literal())
        self.expect(")", "')' closing the IN list")
        for value in values:
            self.check_comparable(prop, value, start)
            self.check_vocabulary(prop, value, start)
        if len({v.type for v in values}) > 1:  # integers mixed with decimals: bind them all as numbers
            values = [Literal(float(str(v.value)), "number") for v in values]
        return In(prop, tuple(values), negated)

    def spatial(self) -> SpatialPredicate:
        name = self.next().keyword or ""
        start = self.expect("(", f"'(' after {name}")
        first = self.geometry_argument(name)
        self.expect(",", f"',' between the two arguments of {name}")
        second = self.geometry_argument(name)
        self.expect(")", f"')' closing {name}")
        if isinstance(first, Property) and not isinstance(second, Property):
            return SpatialPredicate(SPATIAL_FUNCTIONS[name], second)
        if isinstance(second, Property) and not isinstance(first, Property):
            return SpatialPredicate(SPATIAL_FUNCTIONS[CONVERSE.get(name, name)], first)
        raise self.invalid(f"{name} needs the geometry property and one geometry literal", start)

    def geometry_argument(self, function: str) -> Property | Envelope | Shape:
        if self.token.keyword in GEOMETRY_TYPES or self.token.keyword == "BBOX":
            return self.geometry_literal()
        start = self.token
        prop = self.property()
        if prop.type != "geometry":
            raise self.invalid(f"{function} needs the geometry property; {prop.name} is {prop.type}", start)
        return prop

    def array(self) -> ArrayPredicate:
        name = self.next().keyword or ""
        self.expect("(", f"'(' after {name}")
        start = self.token
        prop = self.property()
        if prop.type != "string[]":
            raise self.invalid(f"{name} needs an array property; {prop.name} is {prop.type}", start)
        self.expect(",", f"',' between the two arguments of {name}")
        self.expect("(", "'(' opening the array")
        values: list[str] = []
        while self.token.text != ")":
            if values:
                self.expect(",", "',' or ')'")
            value = self.literal()
            if value.type != "string":
                raise self.invalid(f"{prop.name} holds strings, not {value.type}")
            self.check_vocabulary(prop, value, start)
            values.append(str(value.value))
        self.next()
        self.expect(")", f"')' closing {name}")
        return ArrayPredicate(ARRAY_FUNCTIONS[name], prop, tuple(values))

    # operands

    def scalar(self) -> Property | Literal:
        if self.token.kind == "quoted" or (self.token.kind == "ident" and self.token.keyword not in KEYWORDS):
            return self.property()
        return self.literal()

    def property(self) -> Property:
        token = self.next()
        if token.kind == "quoted":
            name = token.text[1:-1].replace('""', '"')
        elif token.kind == "ident" and token.keyword not in KEYWORDS:
            name = token.text
        else:
            raise self.error("expected a property name", token)
        if self.token.text == "(":
            raise self.invalid(f"unknown function {name!r}", token)
        kind = "geometry" if name == self.spec.geometry_column else self.types.get(name)
        if kind is None:
            known = ", ".join(self.types)
            raise self.invalid(f"unknown property {name!r}; the queryables of {self.spec.id} are: {known}", token)
        return Property(self.spec.geometry_column if kind == "geometry" else name, kind)

    def literal(self) -> Literal:
        token = self.next()
        if token.kind == "string":
            text = token.text[1:-1].replace("''", "'")
            return Literal(text, "string")
        if token.kind == "number":
            return self.number(token)
        keyword = token.keyword
        if keyword in ("TRUE", "FALSE"):
            return Literal(keyword == "TRUE", "boolean")
        if keyword in ("DATE", "TIMESTAMP"):
            self.expect("(", f"'(' after {keyword}")
            text_token = self.next()
            if text_token.kind != "string":
                raise self.error(f"{keyword} needs a quoted ISO 8601 value", text_token)
            self.expect(")", f"')' closing {keyword}")
            try:
                if keyword == "DATE":
                    return Literal(date.fromisoformat(text_token.text[1:-1]), "date")
                return Literal(datetime.fromisoformat(text_token.text[1:-1].replace("Z", "+00:00")), "datetime")
            except ValueError:
                raise self.error(f"{keyword} needs an ISO 8601 value", text_token) from None
        raise self.error("expected a property name or a literal", token)

    def number(self, token: Token) -> Literal:
        if re.fullmatch(r"[+-]?[0-9]+", token.text):
            if not -(2**63) <= int(token.text) < 2**63:
                raise self.invalid("integer out of range", token)
            return Literal(int(token.text), "integer")
        if not math.isfinite(float(token.text)):
            raise self.invalid("number out of range", token)
        return Literal(float(token.text), "number")

    # geometry literals, re-written as WKT in lon/lat order

    def geometry_literal(self) -> Envelope | Shape:
        start = self.token
        if self.accept("BBOX"):
            self.expect("(", "'(' after BBOX")
            numbers = [self.coordinate()]
            while self.accept(","):
                numbers.append(self.coordinate())
            self.expect(")", "')' closing BBOX")
            if len(numbers) not in (4, 6):
                raise self.invalid("BBOX needs 4 (or 6) numbers", start)
            x1, y1, x2, y2 = numbers[:2] + numbers[len(numbers) // 2 : len(numbers) // 2 + 2]
            bounds = (y1, x1, y2, x2) if self.lat_lon else (x1, y1, x2, y2)
            if bounds[0] > bounds[2] or bounds[1] > bounds[3]:
                raise self.invalid("BBOX minimum is greater than its maximum", start)
            return Envelope(bounds)
        return Shape(self.wkt())

    def wkt(self) -> str:
        kind = self.next().keyword or ""
        members = {
            "POINT": self.wkt_point_text,
            "LINESTRING": self.wkt_linestring,
            "POLYGON": self.wkt_polygon,
            "MULTIPOINT": lambda: self.wkt_list(self.wkt_multipoint_member),
            "MULTILINESTRING": lambda: self.wkt_list(self.wkt_linestring),
            "MULTIPOLYGON": lambda: self.wkt_list(self.wkt_polygon),
            "GEOMETRYCOLLECTION": lambda: self.wkt_list(lambda: self.nested(self.wkt)),
        }
        return kind + members[kind]()

    def wkt_list(self, member: Callable[[], str]) -> str:
        self.expect("(", "'('")
        parts = [member()]
        while self.accept(","):
            parts.append(member())
        self.expect(")", "')'")
        return "(" + ",".join(parts) + ")"

    def wkt_point_text(self) -> str:
        self.expect("(", "'('")
        point = self.wkt_point()
        self.expect(")", "')'")
        return f"({point})"

    def wkt_multipoint_member(self) -> str:
        return self.wkt_point_text() if self.token.text == "(" else self.wkt_point()

    def wkt_linestring(self, minimum: int = 2) -> str:
        start = self.token
        text = self.wkt_list(self.wkt_point)
        if text.count(",") + 1 < minimum:
            raise self.invalid(f"expected at least {minimum} points", start)
        return text

    def wkt_polygon(self) -> str:
        return self.wkt_list(self.wkt_ring)

    def wkt_ring(self) -> str:
        start = self.token
        ring = self.wkt_linestring(4)
        points = ring[1:-1].split(",")
        if points[0] != points[-1]:
            raise self.invalid("a polygon ring must end where it starts", start)
        return ring

    def wkt_point(self) -> str:
        a, b = self.coordinate_text(), self.coordinate_text()
        if self.token.kind == "number":
            raise self.error("only 2D coordinates are supported")
        return f"{b} {a}" if self.lat_lon else f"{a} {b}"

    def coordinate_text(self) -> str:
        token = self.next()
        if token.kind != "number" or not math.isfinite(float(token.text)):
            raise self.error("expected a coordinate", token)
        return str(float(token.text))

    def coordinate(self) -> float:
        return float(self.coordinate_text())

    # type checks

    def check_comparable(self, left: Property | Literal, right: Property | Literal, at: Token) -> None:
        left_class, right_class = COMPARABLE.get(left.type), COMPARABLE.get(right.type)
        for side, cls in ((left, left_class), (right, right_class)):
            if cls is None:
                hint = " (use A_CONTAINS/A_OVERLAPS)" if side.type == "string[]" else ""
                name = side.name if isinstance(side, Property) else "value"
                raise self.invalid(f"{name} of type {side.type} cannot be compared{hint}", at)
        if left_class != right_class:
            hint = (
                " (write DATE('2024-05-01') or TIMESTAMP('2024-05-01T08:00:00Z'))"
                if "time" in (left_class, right_class)
                else ""
            )
            raise self.invalid(f"cannot compare {_describe(left)} with {_describe(right)}{hint}", at)

    def check_vocabulary(self, left: Property | Literal, right: Property | Literal, at: Token) -> None:
        if isinstance(left, Literal):
            left, right = right, left
        if not isinstance(left, Property) or not isinstance(right, Literal) or right.type != "string":
            return
        prop = self.spec.prop(left.name)
        choices = prop.choices() if prop else None
        if choices is not None and right.value not in choices:
            raise self.invalid(f"{left.name}: {right.value!r} is not one of {', '.join(choices)}", at)


def _describe(operand: Property | Literal) -> str:
    if isinstance(operand, Property):
        return f"{operand.name} ({operand.type})"
    return f"{operand.type} {operand.value!r}"
