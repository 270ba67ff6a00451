"""Typed request dependencies: route functions stay a few lines."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Path, Request

from app.errors import NotFound
from app.settings import Settings
from layers.spec import LayerSpec


def get_pool(request: Request) -> asyncpg.Pool:
    return request.app.state.pool


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_layer(request: Request, collection_id: Annotated[str, Path(description="Layer id")]) -> LayerSpec:
    layers: dict[str, LayerSpec] = request.app.state.layers
    spec = layers.get(collection_id)
    if spec is None:
        raise NotFound(
            f"unknown collection {collection_id!r}; known: {', '.join(layers)}", field="collectionId"
        )
    return spec


PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
LayerDep = Annotated[LayerSpec, Depends(get_layer)]
