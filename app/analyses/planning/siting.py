"""Facility siting models over plain arrays: MCLP and LSCP as sparse MILPs solved by HiGHS, p-median and p-center
through spopt, which is also the reference the sparse models are tested against.

spopt builds a dense model (every demand × site pair), which costs minutes at city scale; the sparse MILPs keep
only the pairs within reach, the same model with far fewer rows. Existing sites are columns fixed at 1, so they
stay selected while `k` new ones are added. Capacity-aware: MCLP and LSCP (a site serves at most its capacity,
through one assignment variable per pair within reach) and p-median (spopt's facility capacities); p-center has
no capacitated form.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from app.analyses.planning.travel import TravelModel
from app.errors import ServiceUnavailable, Unprocessable

Model = Literal["mclp", "lscp", "p_median", "p_center"]
Engine = Literal["auto", "sparse", "spopt"]
SPARSE_MODELS = ("mclp", "lscp")
# spopt's dense models grow with demand × sites: 50k pairs take ~10 s to build as a p-median, a minute to solve.
DENSE_PAIR_LIMIT = 60_000
# Solve to proven optimality (HiGHS' default stops within 0.01 %), so that results match the reference exactly.
MIP_REL_GAP = 0.0


@dataclass(frozen=True)
class SitingProblem:
    """Demand points and sites in metres; existing sites come first and are fixed when `fixed` says so."""

    demand: np.ndarray
    weights: np.ndarray  # people per demand point, all > 0
    sites: np.ndarray
    fixed: np.ndarray  # bool per site
    limit: float  # service radius or travel time, in the travel model's unit
    travel: TravelModel
    k: int | None = None  # new sites; LSCP finds the number itself
    capacity: np.ndarray | None = None  # people per site, when capacity-aware

    @cached_property
    def cover(self) -> sparse.csr_array:
        return self.travel.reach(self.demand, self.sites, self.limit)

    @cached_property
    def coverable(self) -> np.ndarray:
        """Demand points with at least one site within reach: LSCP can only promise to cover these."""
        return np.diff(self.cover.indptr) > 0

    def covered(self, selected: np.ndarray) -> np.ndarray:
        """Per demand point: is a selected site within reach?"""
        return (self.cover @ selected.astype(float)) > 0


@dataclass(frozen=True)
class Solution:
    status: Literal["optimal", "time_limit"]
    selected: np.ndarray  # bool per site
    objective: float
    gap: float | None
    seconds: float
    engine: Literal["sparse_highs", "spopt"]


def solve(problem: SitingProblem, model: Model, engine: Engine, time_limit_s: float) -> Solution:
    """Run one model; a time-out with an incumbent is status "time_limit", no solution at all is a 503."""
    use_sparse = engine == "sparse" or (engine == "auto" and model in SPARSE_MODELS)
    if use_sparse and model not in SPARSE_MODELS:
        raise Unprocessable(f"the sparse engine solves mclp and lscp, not {model}", field="engine")
    return (_solve_sparse if use_sparse else _solve_spopt)(problem, model, time_limit_s)


def _solve_sparse(problem: SitingProblem, model: Model, time_limit_s: float) -> Solution:
    """MCLP: max Σ wᵢyᵢ, yᵢ ≤ Σⱼ aᵢⱼxⱼ, Σ x = fixed + k. LSCP: min Σ new x, Σⱼ aᵢⱼxⱼ ≥ 1 per coverable i.
    With capacities yᵢ becomes Σⱼ zᵢⱼ ≤ wᵢ (MCLP, maximised) or = wᵢ (LSCP), with Σᵢ zᵢⱼ ≤ Cⱼxⱼ."""
    cover, weights = merge_identical_rows(problem.cover[problem.coverable], problem.weights[problem.coverable])
    n_demand, n_sites = cover.shape
    site_cost = np.zeros(n_sites) if model == "mclp" else (~problem.fixed).astype(float)
    constraints: list[LinearConstraint] = []
    if problem.capacity is None:
        if model == "mclp":
            extra_cost, extra_upper = -weights, np.ones(n_demand)
            constraints.append(LinearConstraint(sparse.hstack([-cover, sparse.eye_array(n_demand)]), -np.inf, 0))
        else:
            extra_cost = extra_upper = np.zeros(0)
            constraints.append(LinearConstraint(cover, 1, np.inf))
    else:
        pairs = cover.tocoo()
        pair_index, ones = np.arange(pairs.nnz), np.ones(pairs.nnz)
        per_demand = sparse.csr_array((ones, (pairs.row, pair_index)), shape=(n_demand, pairs.nnz))
        per_site = sparse.csr_array((ones, (pairs.col, pair_index)), shape=(n_sites, pairs.nnz))
        extra_cost = -ones if model == "mclp" else np.zeros(pairs.nnz)
        extra_upper = np.full(pairs.nnz, np.inf)
        no_sites = sparse.csr_array((n_demand, n_sites))
        demand_floor = 0 if model == "mclp" else weights
        constraints += [
            LinearConstraint(sparse.hstack([no_sites, per_demand]), demand_floor, weights),
            LinearConstraint(sparse.hstack([-sparse.diags_array(problem.capacity), per_site]), -np.inf, 0),
        ]
    if model == "mclp":
        total = int(problem.fixed.sum()) + (problem.k or 0)
        count_row = sparse.csr_array(np.r_[np.ones(n_sites), np.zeros(len(extra_cost))][None, :])
        constraints.append(LinearConstraint(count_row, total, total))
    started = time.perf_counter()
    result = milp(
        np.r_[site_cost, extra_cost],
        constraints=constraints,
        integrality=np.r_[np.ones(n_sites), np.zeros(len(extra_cost))],
        bounds=Bounds(
            np.r_[problem.fixed.astype(float), np.zeros(len(extra_cost))], np.r_[np.ones(n_sites), extra_upper]
        ),
        options={"time_limit": time_limit_s, "mip_rel_gap": MIP_REL_GAP},
    )
    seconds = time.perf_counter() - started
    if result.x is None or result.status not in (0, 1):
        if result.status == 2:
            raise Unprocessable(f"no siting satisfies the constraints ({model}): {result.message}")
        raise ServiceUnavailable(f"the solver found no solution within {time_limit_s:g} s: {result.message}")
    selected = result.x[:n_sites] > 0.5
    return Solution(
        status="optimal" if result.status == 0 else "time_limit",
        selected=selected,
        objective=float(-result.fun) if model == "mclp" else float((selected & ~problem.fixed).sum()),
        gap=float(result.mip_gap) if result.mip_gap is not None else None,
        seconds=seconds,
        engine="sparse_highs",
    )


def merge_identical_rows(cover: sparse.csr_array, weights: np.ndarray) -> tuple[sparse.csr_array, np.ndarray]:
    """Demand points reached by exactly the same sites are one point to a coverage model: merged, with their
    people summed (benchmark, 2k × 20k: 27 % fewer rows, half the solve time)."""
    cover.sort_indices()
    groups: dict[bytes, int] = {}
    group = np.array(
        [groups.setdefault(cover.indices[start:end].tobytes(), len(groups)) for start, end in pairwise(cover.indptr)],
        dtype=int,
    )
    first = np.unique(group, return_index=True)[1]
    return cover[first], np.bincount(group, weights, minlength=len(groups))


def _solve_spopt(problem: SitingProblem, model: Model, time_limit_s: float) -> Solution:
    """The spopt models on the dense cost matrix, solved by HiGHS through PuLP."""
    import pulp
    from spopt.locate import LSCP, MCLP, PCenter, PMedian

    rows = problem.coverable if model == "lscp" else np.ones(len(problem.demand), dtype=bool)
    pairs = int(rows.sum()) * len(problem.sites)
    if pairs > DENSE_PAIR_LIMIT:
        raise Unprocessable(
            f"{model} with spopt over {rows.sum():,} demand cells × {len(problem.sites):,} sites = {pairs:,} pairs "
            f"exceeds {DENSE_PAIR_LIMIT:,}: choose fewer towns (town_codes) or fewer candidates",
            field="town_codes",
        )
    started = time.perf_counter()
    costs, weights = problem.travel.costs(problem.demand[rows], problem.sites), problem.weights[rows]
    fixed = problem.fixed if problem.fixed.any() else None
    total = int(problem.fixed.sum()) + (problem.k or 0)
    try:
        if model == "mclp":
            built = MCLP.from_cost_matrix(costs, weights, problem.limit, total, fixed)
        elif model == "lscp":
            capacity = (
                {}
                if problem.capacity is None
                else {"demand_quantity_arr": weights, "facility_capacity_arr": problem.capacity}
            )
            built = LSCP.from_cost_matrix(costs, problem.limit, fixed, **capacity)
        elif model == "p_median":
            built = PMedian.from_cost_matrix(costs, weights, total, fixed, facility_capacities=problem.capacity)
        else:
            built = PCenter.from_cost_matrix(costs, total, fixed)
    except ValueError as exc:
        raise Unprocessable(f"{model}: {exc}") from None
    remaining_s = max(1.0, time_limit_s - (time.perf_counter() - started))  # building the dense model counts
    built.problem.solve(pulp.HiGHS(msg=False, timeLimit=remaining_s, gapRel=MIP_REL_GAP))
    seconds = time.perf_counter() - started
    solution_status = built.problem.sol_status
    if solution_status == pulp.LpSolutionInfeasible:
        raise Unprocessable(f"no siting satisfies the constraints ({model})")
    if solution_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        raise ServiceUnavailable(
            f"spopt found no solution within {time_limit_s:g} s ({pulp.LpStatus[built.problem.status]})"
        )
    selected = np.array([(v.value() or 0) > 0.5 for v in built.fac_vars])
    objective = (selected & ~problem.fixed).sum() if model == "lscp" else pulp.value(built.problem.objective)
    return Solution(
        status="optimal" if solution_status == pulp.LpSolutionOptimal else "time_limit",
        selected=selected,
        objective=float(objective),
        gap=None,
        seconds=seconds,
        engine="spopt",
    )
