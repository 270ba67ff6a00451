"""JSON responses serialised by orjson (fast, numpy-aware, non-string keys allowed).

FastAPI deprecated its own `ORJSONResponse` in favour of response models; most of our JSON is built by hand or by
PostGIS and has no model, so the same few lines live here instead of warning on every request.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse


class ORJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
