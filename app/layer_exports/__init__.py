"""Exports of any registry layer, filtered like the features API: GeoJSON, CSV, XLSX, GeoPackage, zipped Shapefile."""
