"""Signed session cookies and bearer tokens → the request's `CurrentUser`.

The cookie holds only the user id and session version, signed with `settings.secret_key`; it is HttpOnly,
SameSite=Strict (so another site cannot make the browser write for the user) and Secure unless the page is served
on loopback. Bumping a user's session version (password reset, disabling) invalidates every cookie at once.
"""

from __future__ import annotations

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.auth.roles import Role
from app.auth.users import NO_TOWN, CurrentUser, UserCache, user_by_id, user_by_token
from app.errors import Unauthorized
from app.settings import Settings

COOKIE = "twomaps_session"
SESSION_SECONDS = 12 * 3600
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Reachable without login in production: the health probe (it reads no data).
PUBLIC_PATHS = {"/health"}


def serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="twomaps.session")


def session_payload(request: Request) -> dict | None:
    """The verified cookie payload, or None when there is no valid, unexpired cookie."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        payload = serializer(request.app.state.settings).loads(cookie, max_age=SESSION_SECONDS)
    except BadSignature:
        return None
    return payload if isinstance(payload, dict) else None


def set_session_cookie(request: Request, response: Response, user: CurrentUser) -> None:
    value = serializer(request.app.state.settings).dumps({"u": user.id, "v": user.session_version})
    response.set_cookie(
        COOKIE,
        value,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.hostname not in LOOPBACK,
        path="/",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.hostname not in LOOPBACK
    )


def user_cache(request: Request) -> UserCache:
    state = request.app.state
    if not hasattr(state, "user_cache"):
        state.user_cache = UserCache()
    return state.user_cache


async def resolve_user(request: Request) -> CurrentUser:
    """Bearer token, else session cookie, else anonymous: a viewer outside production, refused (401) in it.

    A bad token is always refused (a script should hear that its token died). A stale cookie is refused in
    production and read as anonymous elsewhere, where anonymous visitors may read anyway.
    """
    settings: Settings = request.app.state.settings
    cache = user_cache(request)
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("use `Authorization: Bearer <token>`")
        key: tuple[str, object] = ("token", token.strip())
        found, user = cache.get(key)
        if not found:
            async with request.app.state.pool.acquire() as conn:
                user = await user_by_token(conn, token.strip())
            cache.put(key, user)
        if user is None:
            raise Unauthorized("the token is unknown, expired or revoked")
        return user
    payload = session_payload(request)
    if payload is not None:
        key = ("id", payload.get("u"))
        found, user = cache.get(key)
        if not found:
            async with request.app.state.pool.acquire() as conn:
                user = await user_by_id(conn, int(payload.get("u") or 0))
            cache.put(key, user)
        if user is not None and user.session_version == payload.get("v"):
            return user
        if settings.env == "production":
            raise Unauthorized("the session has ended; log in again")
    if settings.env != "production":
        return CurrentUser.anonymous()
    if request.url.path in PUBLIC_PATHS:
        return CurrentUser(None, "anonymous", Role.viewer, (NO_TOWN,))
    raise Unauthorized("log in first (POST /api/auth/login) or send a bearer token")
