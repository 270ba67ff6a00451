"""Shared Dongguan reference data (shared/ sits beside the repository, locally and in CI)."""

from pathlib import Path

import pytest

SHARED_DONGGUAN = Path(__file__).resolve().parents[3] / "shared" / "data" / "dongguan"


@pytest.fixture(scope="session")
def dongguan() -> Path:
    return SHARED_DONGGUAN
