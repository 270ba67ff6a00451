"""A coverage mask: the hazard area on a lattice over its bounding box, so most points need no geometry test.

Cells are closed rectangles classified once: INSIDE (the area contains the whole cell), OUTSIDE (they share no
point) or EDGE. A point takes the cell found by flooring its offsets, which lies in the closed cell, so INSIDE and
OUTSIDE answers are exact and only EDGE points need ST_Intersects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

OUTSIDE, EDGE, INSIDE = 0, 1, 2
CELLS_ALONG_LONGER_SIDE = 256


@dataclass(frozen=True)
class CoverageMask:
    west: float
    south: float
    dlon: float
    dlat: float
    nx: int
    ny: int
    classes: np.ndarray  # per cell, row-major from the south-west

    def sql_args(self) -> tuple[object, ...]:
        return self.west, self.south, self.dlon, self.dlat, self.nx, self.ny, self.classes.astype(np.int16).tolist()


def coverage_mask(area: shapely.Geometry, cells: int = CELLS_ALONG_LONGER_SIDE) -> CoverageMask:
    west, south, east, north = area.bounds
    side = max(east - west, north - south) / cells or 1e-9
    nx, ny = max(1, int(np.ceil((east - west) / side))), max(1, int(np.ceil((north - south) / side)))
    col, row = np.arange(nx * ny) % nx, np.arange(nx * ny) // nx
    boxes = shapely.box(west + col * side, south + row * side, west + (col + 1) * side, south + (row + 1) * side)
    shapely.prepare(area)
    touched = shapely.intersects(area, boxes)
    classes = np.where(touched, EDGE, OUTSIDE).astype(np.int16)
    classes[touched] = np.where(shapely.contains(area, boxes[touched]), INSIDE, EDGE)
    return CoverageMask(west, south, side, side, nx, ny, classes)
