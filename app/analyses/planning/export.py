"""Tables and sites as the planners take them away: CSV for Excel, GeoJSON for GIS."""

from __future__ import annotations

import pandas as pd
from fastapi.responses import Response

GEOJSON = "application/geo+json"


def csv_response(table: pd.DataFrame, filename: str) -> Response:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese names correctly."""
    return Response(
        table.to_csv(index=False).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def sites_feature_collection(sites: pd.DataFrame) -> dict[str, object]:
    """Point features from a table with lon/lat; every other column becomes a property (NaN is sent as null)."""
    properties = sites.drop(columns=["lon", "lat"])
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
            for lon, lat, props in zip(sites["lon"], sites["lat"], properties.to_dict("records"), strict=True)
        ],
    }
