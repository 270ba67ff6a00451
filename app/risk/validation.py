"""Input checks shared by the risk rules: every error names the offending field so the API can point at it."""

from __future__ import annotations

import math
from typing import Self


class RiskInputError(ValueError):
    """Bad input to a risk rule; `field` is a path such as `units[0].chemicals[1].quantity_t`."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem

    def within(self, prefix: str) -> Self:
        """The same error located inside a containing input, so nested inputs report full paths."""
        return type(self)(f"{prefix}.{self.field}", self.problem)


class UnknownChemical(RiskInputError):
    """A chemical that is neither in GB 18218-2018 表1 nor given a 表2 hazard category."""


def number(field: str, value: object, *, minimum: float = 0.0, maximum: float = math.inf) -> float:
    """A finite real number in [minimum, maximum]; bools and NaN are refused rather than coerced."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RiskInputError(field, f"expected a number, got {value!r}")
    if not math.isfinite(value):
        raise RiskInputError(field, f"must be finite, got {value!r}")
    if not minimum <= value <= maximum:
        bounds = f"≥ {minimum:g}" if maximum == math.inf else f"between {minimum:g} and {maximum:g}"
        raise RiskInputError(field, f"must be {bounds}, got {value!r}")
    return float(value)


def flag(field: str, value: object) -> bool:
    """A real bool: a string such as "false" must not switch a rule on."""
    if not isinstance(value, bool):
        raise RiskInputError(field, f"expected true or false, got {value!r}")
    return value


def count(field: str, value: object) -> int:
    """A whole, non-negative number of people, sites or events."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RiskInputError(field, f"expected a whole number, got {value!r}")
    if value < 0:
        raise RiskInputError(field, f"must be ≥ 0, got {value!r}")
    return value
