"""The only home of TwoMaps colours and tier labels.

The UI derives its style function and legend from `/config.json`, Folium exports and notebooks read the same
palette: nothing else declares a colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Tier(StrEnum):
    """Four-colour risk tier (安委办〔2016〕11号): red is the most severe."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"

    @property
    def severity(self) -> int:
        """4 for red down to 1 for blue, so that `max` picks the most severe tier."""
        return TIER_SEVERITY[self]

    def step_up(self) -> Tier:
        """One tier more severe (red stays red): used for escalation rules."""
        return TIERS_BY_SEVERITY[min(self.severity + 1, 4)]


TIER_SEVERITY: dict[Tier, int] = {Tier.RED: 4, Tier.ORANGE: 3, Tier.YELLOW: 2, Tier.BLUE: 1}
TIERS_BY_SEVERITY: dict[int, Tier] = {v: k for k, v in TIER_SEVERITY.items()}
TIER_ORDER: tuple[Tier, ...] = (Tier.RED, Tier.ORANGE, Tier.YELLOW, Tier.BLUE)


def most_severe(tiers: list[Tier] | tuple[Tier, ...]) -> Tier:
    """The most severe of several tiers; blue when there are none."""
    return max(tiers, key=lambda t: t.severity, default=Tier.BLUE)


@dataclass(frozen=True)
class TierStyle:
    color: str
    label_zh: str
    label_en: str


TIER_STYLES: dict[Tier, TierStyle] = {
    Tier.RED: TierStyle("#e02020", "重大风险（红）", "Major risk (red)"),
    Tier.ORANGE: TierStyle("#f5821f", "较大风险（橙）", "High risk (orange)"),
    Tier.YELLOW: TierStyle("#f0c419", "一般风险（黄）", "Moderate risk (yellow)"),
    Tier.BLUE: TierStyle("#1f6fd1", "低风险（蓝）", "Low risk (blue)"),
}

# Rainstorm warning signal colours (暴雨预警信号): same hues as the tiers, ordered blue < yellow < orange < red.
WARNING_LEVELS: tuple[str, ...] = ("blue", "yellow", "orange", "red")
WARNING_LABELS: dict[str, tuple[str, str]] = {
    "none": ("无预警", "No warning"),
    "blue": ("暴雨蓝色预警", "Blue rainstorm warning"),
    "yellow": ("暴雨黄色预警", "Yellow rainstorm warning"),
    "orange": ("暴雨橙色预警", "Orange rainstorm warning"),
    "red": ("暴雨红色预警", "Red rainstorm warning"),
}
WARNING_COLORS: dict[str, str] = {
    "none": "#9aa5b1",
    "blue": TIER_STYLES[Tier.BLUE].color,
    "yellow": TIER_STYLES[Tier.YELLOW].color,
    "orange": TIER_STYLES[Tier.ORANGE].color,
    "red": TIER_STYLES[Tier.RED].color,
}

# Colours of layers that carry no tier (a shelter is not "risky"); one entry per layer kind.
NEUTRAL_COLORS: dict[str, str] = {
    "town": "#4a5568",
    "shelter": "#2f855a",
    "depot": "#6b46c1",
    "rescue_team": "#00838f",
    "vulnerable_site": "#b83280",
    "rain_gauge": "#2b6cb0",
    "population": "#718096",
    "demo": "#a0aec0",
}


def palette() -> dict[str, object]:
    """The palette as plain JSON for `/config.json`, Folium and notebooks."""
    return {
        "tiers": [
            {"id": t.value, "color": s.color, "label_zh": s.label_zh, "label_en": s.label_en}
            for t, s in ((t, TIER_STYLES[t]) for t in TIER_ORDER)
        ],
        "warnings": [
            {
                "id": w,
                "color": WARNING_COLORS[w],
                "label_zh": WARNING_LABELS[w][0],
                "label_en": WARNING_LABELS[w][1],
            }
            for w in ("red", "orange", "yellow", "blue", "none")
        ],
        "neutral": dict(NEUTRAL_COLORS),
    }
