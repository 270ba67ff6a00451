"""转移避险 assignment: people to shelters at the least total person-distance, as a sparse transportation LP.

Only origin–shelter pairs within the maximum travel distance become variables. The LP starts from each origin's
nearest few shelters and adds any other in-reach pair whose reduced cost is negative (column generation on a
warm-started HiGHS model) until none is left: the optimum over all in-reach pairs at a fraction of the cost of
solving them all at once. Supplies and capacities are integers and HiGHS returns a vertex, so flows are whole people.

An unassigned person costs more than any re-routing could save (the longest pair × (shelters + 1)), so the plan first
moves as many people as the capacity in reach allows, then minimises person-kilometres.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import highspy
import numpy as np
from scipy.spatial import cKDTree

INITIAL_CANDIDATES = 8  # nearest shelters per origin in the first LP
REDUCED_COST_TOLERANCE = 1e-9


class TravelDistance(Protocol):
    """Travel kilometres of the origin–shelter pairs within `max_km` (inputs are (n, 2) arrays of metres).

    The hook for roads: a pgRouting implementation over road_edge returns the same triple of arrays.
    """

    def describe(self) -> dict[str, object]: ...

    def pairs(self, origins: np.ndarray, shelters: np.ndarray, max_km: float) -> tuple[np.ndarray, ...]: ...


@dataclass(frozen=True)
class StraightLineDetour:
    """Straight-line distance × a detour factor: 1.3 is a common urban road circuity (docs/storm.md)."""

    factor: float = 1.3

    def describe(self) -> dict[str, object]:
        return {"model": "straight_line_detour", "detour_factor": self.factor}

    def pairs(self, origins: np.ndarray, shelters: np.ndarray, max_km: float) -> tuple[np.ndarray, ...]:
        if not len(origins) or not len(shelters):
            return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
        reach_m = max_km * 1000 / self.factor
        close = cKDTree(origins).sparse_distance_matrix(cKDTree(shelters), reach_m, output_type="ndarray")
        return close["i"].astype(np.int64), close["j"].astype(np.int64), close["v"] * self.factor / 1000


@dataclass(frozen=True)
class Plan:
    """Flows (origin, shelter, people, km) and, per origin, the people left over."""

    origin: np.ndarray
    shelter: np.ndarray
    people: np.ndarray
    km: np.ndarray
    unassigned: np.ndarray
    in_reach: np.ndarray  # per origin: whether any shelter with free capacity lies within the maximum distance


def _add_pairs(model: highspy.Highs, origins: int, rows: np.ndarray, cols: np.ndarray, km: np.ndarray) -> None:
    count = len(rows)
    entries = np.column_stack([rows, origins + cols]).ravel().astype(np.int32)
    starts = np.arange(0, 2 * count, 2, dtype=np.int32)
    model.addCols(
        count, km, np.zeros(count), np.full(count, highspy.kHighsInf), 2 * count, starts, entries, np.ones(2 * count)
    )


def assign(
    demand: np.ndarray,
    capacity: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    km: np.ndarray,
) -> Plan:
    """Solve the transportation LP over the in-reach pairs (rows → origins, cols → shelters)."""
    origins, shelters = len(demand), len(capacity)
    order = np.lexsort((km, rows))
    rows, cols, km = rows[order], cols[order], km[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    used = rank < INITIAL_CANDIDATES
    unassigned_cost = (km.max() if len(km) else 1.0) * (shelters + 1) + 1.0

    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    no_entries = (np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
    demand_f, capacity_f = demand.astype(float), capacity.astype(float)
    model.addRows(origins, demand_f, demand_f, 0, *no_entries)  # each origin: assigned + unassigned = demand
    model.addRows(shelters, np.full(shelters, -highspy.kHighsInf), capacity_f, 0, *no_entries)
    slack = np.arange(origins, dtype=np.int32)
    model.addCols(
        origins,
        np.full(origins, unassigned_cost),
        np.zeros(origins),
        np.full(origins, highspy.kHighsInf),
        origins,
        slack,
        slack,
        np.ones(origins),
    )
    columns = np.flatnonzero(used)
    _add_pairs(model, origins, rows[columns], cols[columns], km[columns])
    while True:
        model.run()
        duals = np.asarray(model.getSolution().row_dual)
        priced = (~used) & (km - duals[rows] - duals[origins + cols] < -REDUCED_COST_TOLERANCE)
        if not priced.any():
            break
        fresh = np.flatnonzero(priced)
        _add_pairs(model, origins, rows[fresh], cols[fresh], km[fresh])
        used[fresh] = True
        columns = np.concatenate([columns, fresh])
    values = np.rint(np.asarray(model.getSolution().col_value)).astype(np.int64)
    flows = values[origins:]
    moving = flows > 0
    in_reach = np.zeros(origins, bool)
    in_reach[rows] = True
    return Plan(
        origin=rows[columns][moving],
        shelter=cols[columns][moving],
        people=flows[moving],
        km=km[columns][moving],
        unassigned=values[:origins],
        in_reach=in_reach,
    )
