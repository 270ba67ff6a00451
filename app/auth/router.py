"""Log in and out, bearer tokens, and the admin's user management (`/api/auth/*`, `/api/users*`).

`install_auth(app)` adds these routes, refuses to start production while a demo password is still in use, and in
production sends an anonymous browser asking for a page to the login page (the API answers 401 instead).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from itsdangerous import BadData
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth import users
from app.auth.roles import ROLE_LABELS, Role
from app.auth.sessions import (
    COOKIE,
    SESSION_SECONDS,
    clear_session_cookie,
    serializer,
    set_session_cookie,
    user_cache,
)
from app.auth.users import CurrentUser
from app.deps import CurrentUserDep, PoolDep, require_role
from app.errors import Unauthorized


@asynccontextmanager
async def refuse_demo_passwords(app: FastAPI) -> AsyncIterator[None]:
    """Production does not start while an enabled account still has its published demo password."""
    if app.state.settings.env == "production":
        async with app.state.pool.acquire() as conn:
            names = await users.default_password_accounts(conn)
        if names:
            raise RuntimeError(
                f"production refuses to start: accounts {', '.join(names)} still use their demo passwords; "
                "change them (POST /api/auth/password) or disable them first"
            )
    yield


router = APIRouter(tags=["auth"], lifespan=refuse_demo_passwords)
AdminDep = Annotated[CurrentUser, Depends(require_role({Role.admin}))]
LOGIN_PAGE = "/static/login.html"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=1, max_length=200)


class TokenIn(LoginIn):
    name: str = Field(default="script", min_length=1, max_length=100)
    days: int = Field(default=30, ge=1, le=365)


class PasswordChangeIn(Strict):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class UserIn(Strict):
    username: str = Field(min_length=2, max_length=40)
    password: str = Field(min_length=1, max_length=200)
    role: Role
    towns: list[str] = Field(default=[], max_length=50)
    display_name: str | None = Field(default=None, max_length=100)


class UserPatch(Strict):
    role: Role | None = None
    towns: list[str] | None = Field(default=None, max_length=50)
    disabled: bool | None = None
    display_name: str | None = Field(default=None, max_length=100)


class PasswordResetIn(Strict):
    password: str = Field(min_length=1, max_length=200)


def public_user(user: CurrentUser) -> dict:
    zh, en = ROLE_LABELS[user.role]
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "role_label": {"zh": zh, "en": en},
        "towns": list(user.towns),
        "anonymous": user.is_anonymous,
    }


def production(request: Request) -> bool:
    return request.app.state.settings.env == "production"


async def password_login(request: Request, body: LoginIn) -> CurrentUser:
    async with request.app.state.pool.acquire() as conn:
        user = await users.authenticate(conn, body.username, body.password)
    if user is None:
        raise Unauthorized("wrong username or password, or the account is disabled")
    return user


@router.post("/api/auth/login", operation_id="login", summary="Log in: sets an HttpOnly session cookie")
async def login(request: Request, response: Response, body: LoginIn) -> dict:
    user = await password_login(request, body)
    set_session_cookie(request, response, user)
    return public_user(user)


@router.post("/api/auth/logout", operation_id="logout", summary="Log out: clears the session cookie")
async def logout(request: Request, response: Response) -> dict:
    clear_session_cookie(request, response)
    return {"ok": True}


@router.get("/api/auth/me", operation_id="me", summary="Who the request acts for (anonymous outside production)")
async def me(user: CurrentUserDep) -> dict:
    return public_user(user)


@router.post("/api/auth/tokens", operation_id="createToken", summary="A bearer token for scripts (shown once)")
async def create_token(request: Request, body: TokenIn) -> dict:
    user = await password_login(request, body)
    async with request.app.state.pool.acquire() as conn:
        await conn.execute("SELECT set_config('twomaps.user', $1, false)", user.username)
        token, expires = await users.create_token(conn, user.id or 0, body.name, body.days)
    return {"token": token, "token_type": "bearer", "expires_at": expires.isoformat(), "user": public_user(user)}


@router.post("/api/auth/password", operation_id="changePassword", summary="Change one's own password")
async def change_password(request: Request, body: PasswordChangeIn, user: CurrentUserDep) -> dict:
    if user.is_anonymous:
        raise Unauthorized("log in first")
    await password_login(request, LoginIn(username=user.username, password=body.current_password))
    async with request.app.state.pool.acquire() as conn:  # the pool's own role: a viewer may change a password
        await conn.execute("SELECT set_config('twomaps.user', $1, false)", user.username)
        await users.set_password(conn, user.id or 0, body.new_password, production=production(request))
    user_cache(request).clear()
    return {"ok": True, "detail": "password changed; log in again"}


@router.get("/api/users", operation_id="listUsers", summary="All users (admin)")
async def list_users(pool: PoolDep, _: AdminDep) -> dict:
    async with pool.acquire() as conn:
        return {"users": await users.list_users(conn), "roles": ROLE_LABELS}


@router.post("/api/users", operation_id="createUser", summary="Create a user (admin)", status_code=201)
async def create_user(request: Request, pool: PoolDep, body: UserIn, _: AdminDep) -> dict:
    async with pool.acquire() as conn:
        return await users.create_user(
            conn, body.username, body.password, body.role, body.towns, body.display_name,
            production=production(request),
        )  # fmt: skip


@router.patch("/api/users/{user_id}", operation_id="updateUser", summary="Role, towns, name, disable (admin)")
async def update_user(request: Request, pool: PoolDep, user_id: int, body: UserPatch, _: AdminDep) -> dict:
    async with pool.acquire() as conn:
        row = await users.update_user(conn, user_id, **body.model_dump(exclude_unset=True))
    user_cache(request).clear()
    return row


@router.post("/api/users/{user_id}/password", operation_id="resetPassword", summary="Reset a password (admin)")
async def reset_password(request: Request, pool: PoolDep, user_id: int, body: PasswordResetIn, _: AdminDep) -> dict:
    async with pool.acquire() as conn:
        await users.set_password(conn, user_id, body.password, production=production(request))
    user_cache(request).clear()
    return {"ok": True}


class LoginRedirect:
    """Production only: an anonymous GET for a page goes to the login page; API calls get their 401 as usual."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and self.wants_login(scope):
            target = LOGIN_PAGE + "?next=" + quote(scope["path"])
            await Response(status_code=303, headers={"Location": target})(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def wants_login(scope: Scope) -> bool:
        path: str = scope["path"]
        is_page = path == "/" or (path.startswith("/static/") and path.endswith(".html") and path != LOGIN_PAGE)
        if not is_page or scope["app"].state.settings.env != "production":
            return False
        request = Request(scope)
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            return True
        try:
            serializer(scope["app"].state.settings).loads(cookie, max_age=SESSION_SECONDS)
        except BadData:
            return True
        return False


def install_auth(app: FastAPI) -> None:
    app.include_router(router)
    app.add_middleware(LoginRedirect)
