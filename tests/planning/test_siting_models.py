"""The sparse MILPs against spopt, the reference, on small instances of plain arrays (no database)."""

from __future__ import annotations

import numpy as np
import pytest

from app.analyses.planning.siting import SitingProblem, solve
from app.analyses.planning.travel import StraightLine

RADIUS_M = 1_500.0
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp")


def problem(k: int | None = 4, capacity: np.ndarray | None = None, seed: int = 7) -> SitingProblem:
    """300 demand points and 40 sites over a 12 km square; the first 3 sites exist and stay selected."""
    rng = np.random.default_rng(seed)
    fixed = np.zeros(40, dtype=bool)
    fixed[:3] = True
    return SitingProblem(
        demand=rng.uniform(0, 12_000, (300, 2)),
        weights=rng.integers(1, 5_000, 300).astype(float),
        sites=rng.uniform(0, 12_000, (40, 2)),
        fixed=fixed,
        limit=RADIUS_M,
        travel=StraightLine(),
        k=k,
        capacity=capacity,
    )


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_sparse_mclp_reaches_spopts_optimum(seed: int) -> None:
    instance = problem(seed=seed)
    sparse, reference = solve(instance, "mclp", "sparse", 60), solve(instance, "mclp", "spopt", 60)
    assert (sparse.status, reference.status) == ("optimal", "optimal")
    assert sparse.objective == pytest.approx(reference.objective, abs=1e-6)
    covered = instance.weights[instance.covered(sparse.selected)].sum()
    assert covered == pytest.approx(sparse.objective)
    for solution in (sparse, reference):
        assert solution.selected[:3].all() and solution.selected.sum() == 3 + 4


def test_sparse_lscp_covers_everyone_reachable_with_as_few_sites_as_spopt() -> None:
    instance = problem(k=None)
    sparse, reference = solve(instance, "lscp", "sparse", 60), solve(instance, "lscp", "spopt", 60)
    assert sparse.objective == reference.objective == (sparse.selected & ~instance.fixed).sum()
    assert np.array_equal(instance.covered(sparse.selected), instance.coverable)
    assert sparse.selected[:3].all()


def test_capacity_caps_what_mclp_serves() -> None:
    unlimited = solve(problem(), "mclp", "sparse", 60)
    assert solve(problem(capacity=np.full(40, 1e9)), "mclp", "sparse", 60).objective == pytest.approx(
        unlimited.objective
    )
    capped = solve(problem(capacity=np.full(40, 2_000.0)), "mclp", "sparse", 60)
    assert capped.objective <= 2_000.0 * 7 + 1e-6
    assert capped.objective < unlimited.objective


def test_capacitated_lscp_matches_spopts_clscp() -> None:
    instance = problem(k=None, capacity=np.full(40, 60_000.0))
    sparse, reference = solve(instance, "lscp", "sparse", 60), solve(instance, "lscp", "spopt", 60)
    assert sparse.objective == reference.objective


@pytest.mark.parametrize("model", ["p_median", "p_center"])
def test_dense_models_keep_the_existing_sites(model: str) -> None:
    solution = solve(problem(k=2), model, "auto", 60)
    assert solution.engine == "spopt"
    assert solution.selected[:3].all() and solution.selected.sum() == 5


def test_a_time_limit_returns_the_incumbent_or_a_clear_error() -> None:
    from app.errors import ServiceUnavailable

    rng = np.random.default_rng(1)
    big = SitingProblem(
        demand=rng.uniform(0, 40_000, (20_000, 2)),
        weights=rng.integers(1, 5_000, 20_000).astype(float),
        sites=rng.uniform(0, 40_000, (2_000, 2)),
        fixed=np.zeros(2_000, dtype=bool),
        limit=2_000.0,
        travel=StraightLine(),
        k=30,
    )
    try:
        solution = solve(big, "mclp", "sparse", 0.2)
    except ServiceUnavailable as exc:
        assert "no solution within 0.2 s" in exc.detail
    else:
        assert solution.status == "time_limit" and solution.selected.sum() == 30
