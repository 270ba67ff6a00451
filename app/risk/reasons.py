"""Why a tier was given: every rule that fires leaves a `Reason`, and every result carries its reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from enum import Enum
from types import MappingProxyType
from typing import cast

from layers.styles import TIER_STYLES, Tier

UNVERIFIED_ZH = "（未核实的默认值）"
UNVERIFIED_EN = " (UNVERIFIED default)"


@dataclass(frozen=True)
class Reason:
    """One fired rule: a stable `rule` code, the tier it implies (None if it only informs) and its evidence.

    `verified` is False when the rule rests on a value ../shared/standards.md marks UNVERIFIED or on a
    configurable default TwoMaps chose; the messages then end with the UNVERIFIED marker.
    """

    rule: str
    tier: Tier | None
    message_zh: str
    message_en: str
    evidence: Mapping[str, object]
    source: str
    verified: bool


def reason(
    rule: str,
    tier: Tier | None,
    message_zh: str,
    message_en: str,
    *,
    evidence: Mapping[str, object],
    source: str,
    verified: bool = True,
) -> Reason:
    """Build a Reason; unverified ones get the marker in both messages so no consumer can drop it."""
    if not verified:
        message_zh += UNVERIFIED_ZH
        message_en += UNVERIFIED_EN
    return Reason(rule, tier, message_zh, message_en, MappingProxyType(plain(evidence)), source, verified)


def tier_labels(tier: Tier) -> tuple[str, str]:
    """The zh-CN and English labels of a tier, from the one palette in layers.styles."""
    style = TIER_STYLES[tier]
    return style.label_zh, style.label_en


def fmt(number: float) -> str:
    """A number for messages: up to 10 significant digits, no trailing zeros (85.6, 2, 0.15)."""
    return f"{number:.10g}"


SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: object) -> object:
    """JSON-ready copy: enums to their values, dates to ISO strings, dataclasses and mappings to dicts."""
    if type(value) in SCALARS:  # most values: skip the slower checks (tiering a city calls this millions of times)
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class JsonReady:
    """Mixin for result dataclasses: `to_dict()` gives plain JSON values for the API and tier history."""

    def to_dict(self) -> dict[str, object]:
        return cast(dict[str, object], plain(self))


@dataclass(frozen=True)
class TierResult(JsonReady):
    """A tier with the reasons for it; `grade` is the published class behind it when there is one (e.g. 大型)."""

    tier: Tier
    reasons: tuple[Reason, ...]
    grade: str | None = None
