"""Reasons: the UNVERIFIED marker cannot be dropped, evidence is frozen, results serialise to plain JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.risk import TierResult
from app.risk.reasons import UNVERIFIED_EN, UNVERIFIED_ZH, reason
from layers.styles import Tier


def test_unverified_reasons_carry_the_marker_in_both_languages() -> None:
    flagged = reason("x.rule", Tier.RED, "中文", "English", evidence={}, source="s", verified=False)
    assert (flagged.message_zh, flagged.message_en) == ("中文" + UNVERIFIED_ZH, "English" + UNVERIFIED_EN)
    assert reason("x.rule", None, "中文", "English", evidence={}, source="s").message_en == "English"


def test_evidence_is_frozen_and_plain() -> None:
    evidence = {"tier": Tier.RED, "due": date(2025, 1, 2), "pairs": ((1, Tier.BLUE),)}
    made = reason("x.rule", None, "z", "e", evidence=evidence, source="s")
    evidence["tier"] = Tier.BLUE
    assert made.evidence == {"tier": "red", "due": "2025-01-02", "pairs": [[1, "blue"]]}
    with pytest.raises(TypeError):
        made.evidence["tier"] = "blue"  # type: ignore[index]


def test_tier_result_to_dict_round_trips_through_json() -> None:
    result = TierResult(Tier.ORANGE, (reason("x.rule", Tier.ORANGE, "z", "e", evidence={"n": 1}, source="s"),), "大型")
    data = result.to_dict()
    assert data["tier"] == "orange" and data["grade"] == "大型" and data["reasons"][0]["tier"] == "orange"
    assert json.loads(json.dumps(data)) == data
