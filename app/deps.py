"""Typed request dependencies: route functions stay a few lines."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated

from fastapi import Depends, Path, Request

from app.auth.roles import Role
from app.auth.scope import ScopedPool
from app.auth.sessions import resolve_user
from app.auth.users import CurrentUser
from app.errors import Forbidden, NotFound, Unauthorized
from app.settings import Settings
from layers.spec import LayerSpec


async def get_current_user(request: Request) -> CurrentUser:
    """Bearer token, session cookie, or anonymous (a viewer outside production; 401 in production)."""
    return await resolve_user(request)


CurrentUserDep = Annotated[CurrentUser, Depends(get_current_user)]


async def get_pool(request: Request, user: CurrentUserDep) -> ScopedPool:
    """Connections that run as the current user: row-level security limits them to the user's towns."""
    return ScopedPool(request.app.state.pool, user)


def require_role(roles: Iterable[Role]) -> Callable[[CurrentUser], Awaitable[CurrentUser]]:
    """A dependency that lets only these roles through: 401 for anonymous visitors, 403 for other roles."""
    allowed = frozenset(roles)

    async def check(user: CurrentUserDep) -> CurrentUser:
        if user.is_anonymous:
            raise Unauthorized("log in to make changes")
        if user.role not in allowed:
            names = ", ".join(sorted(allowed))
            raise Forbidden(f"role {user.role} may not do this; allowed: {names}", role=user.role)
        return user

    return check


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_layer(request: Request, collection_id: Annotated[str, Path(description="Layer id")]) -> LayerSpec:
    layers: dict[str, LayerSpec] = request.app.state.layers
    spec = layers.get(collection_id)
    if spec is None:
        raise NotFound(f"unknown collection {collection_id!r}; known: {', '.join(layers)}", field="collectionId")
    return spec


PoolDep = Annotated[ScopedPool, Depends(get_pool)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
LayerDep = Annotated[LayerSpec, Depends(get_layer)]
