-- One GeoJSON Feature as text for a row of the layer's table aliased t: an unclosed concat( to which the
-- including statement adds the last members and the closing brace and parenthesis. row_to_json over a
-- sub-select is several times faster than json_build_object. The geometry slot may hold ST_FlipCoordinates.
concat(
    '{"type":"Feature","id":', to_json({id}),
    ',"geometry":', ST_AsGeoJSON({geometry}, 7),
    ',"properties":', (SELECT row_to_json(p) FROM (SELECT {properties}) AS p)
