"""One error family → RFC 9457 problem+json with a stable code and zh-CN/en titles.

PostgreSQL errors are mapped by SQLSTATE; an exception that reaches the generic handler is a bug (500, logged).
"""

from __future__ import annotations

import logging

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("twomaps")
PROBLEM = "application/problem+json"


class TwoMapsError(Exception):
    status = 400
    code = "bad_request"
    title_zh = "请求有误"
    title_en = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None, **extra: object):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra


class InvalidParameter(TwoMapsError):
    code, title_zh, title_en = "invalid_parameter", "参数无效", "Invalid parameter"


class NotFound(TwoMapsError):
    status, code, title_zh, title_en = 404, "not_found", "未找到", "Not found"


class Unprocessable(TwoMapsError):
    status, code, title_zh, title_en = 422, "unprocessable", "内容无法处理", "Unprocessable content"


class Conflict(TwoMapsError):
    status, code, title_zh, title_en = 409, "conflict", "数据冲突", "Conflict"


class PayloadTooLarge(TwoMapsError):
    status, code, title_zh, title_en = 413, "payload_too_large", "上传内容过大", "Payload too large"


class Forbidden(TwoMapsError):
    status, code, title_zh, title_en = 403, "forbidden", "无权访问", "Forbidden"


class Unauthorized(TwoMapsError):
    status, code, title_zh, title_en = 401, "unauthorized", "请先登录", "Login required"


class ServiceUnavailable(TwoMapsError):
    status, code, title_zh, title_en = 503, "unavailable", "服务暂不可用", "Service unavailable"


# SQLSTATE → (error class, message): user data that the database refused is the caller's problem, not a 500.
SQLSTATE_ERRORS: dict[str, type[TwoMapsError]] = {
    "23514": Unprocessable,  # check_violation
    "23502": Unprocessable,  # not_null_violation
    "23503": Unprocessable,  # foreign_key_violation
    "23505": Conflict,  # unique_violation
    "22P02": InvalidParameter,  # invalid_text_representation
    "22023": InvalidParameter,  # invalid_parameter_value (e.g. PostGIS SRID)
    "22003": InvalidParameter,  # numeric_value_out_of_range
    "XX000": InvalidParameter,  # PostGIS internal error: almost always a bad geometry from the caller
    "57014": ServiceUnavailable,  # query_canceled (statement timeout)
    "42501": Forbidden,  # insufficient_privilege: a row outside the user's towns (row-level security)
    "25006": Forbidden,  # read_only_sql_transaction: a viewer's connection is read-only
}


def preferred_language(request: Request) -> str:
    lang = request.query_params.get("lang") or request.headers.get("accept-language", "zh")
    return "en" if lang.lower().startswith("en") else "zh"


def problem(request: Request, status: int, code: str, title: tuple[str, str], detail: str, **extra: object):
    lang = preferred_language(request)
    body = {
        "type": f"https://twomaps.local/problems/{code}",
        "title": title[1] if lang == "en" else title[0],
        "status": status,
        "code": code,
        "detail": detail,
        "instance": request.url.path,
        **{k: v for k, v in extra.items() if v is not None},
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _from_error(request: Request, exc: TwoMapsError) -> JSONResponse:
    return problem(
        request, exc.status, exc.code, (exc.title_zh, exc.title_en), exc.detail, field=exc.field, **exc.extra
    )


def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path")),
            "msg": e["msg"],
        }
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": None, "msg": "invalid request"}
    detail = f"{first['field']}: {first['msg']}" if first["field"] else first["msg"]
    return problem(
        request,
        422,
        "validation_error",
        ("请求参数校验失败", "Validation failed"),
        detail,
        field=first["field"] or None,
        errors=errors,
    )


def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    titles = {404: ("未找到", "Not found"), 405: ("方法不允许", "Method not allowed")}
    title = titles.get(exc.status_code, ("请求有误", "Request error"))
    return problem(request, exc.status_code, f"http_{exc.status_code}", title, str(exc.detail))


def _postgres(request: Request, exc: asyncpg.PostgresError) -> JSONResponse:
    kind = SQLSTATE_ERRORS.get(exc.sqlstate or "")
    if kind is None:
        return _unhandled(request, exc)
    return _from_error(request, kind(exc.args[0] if exc.args else str(exc), sqlstate=exc.sqlstate))


def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        request,
        500,
        "internal_error",
        ("服务器内部错误", "Internal server error"),
        "An unexpected error occurred; it has been logged.",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TwoMapsError, _from_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(asyncpg.PostgresError, _postgres)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unhandled)
