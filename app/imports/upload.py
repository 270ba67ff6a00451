"""Receive one multipart upload onto disk without ever holding it in memory, refusing it past a size limit.

The body is parsed as it streams in (Starlette's multipart parser spools file parts to disk beyond 1 MiB); the
byte counter in front of it raises 413 as soon as the limit is passed, so an oversized upload costs at most the
limit. A declared Content-Length above the limit is refused before a byte is read.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from app.errors import InvalidParameter, PayloadTooLarge

MAX_FIELDS = 50
SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


@dataclass(frozen=True)
class Upload:
    path: Path | None  # where the file part now lies
    filename: str | None  # the name the client gave, for messages only
    fields: dict[str, str]


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the upload exceeds the limit of {limit / 2**20:.0f} MiB", limit_bytes=limit)


async def limited(stream: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > limit:
            raise too_large(limit)
        yield chunk


async def receive_upload(
    request: Request, *, limit: int, folder: Path, name: str, field: str = "file", required: bool = True
) -> Upload:
    """Save the multipart file part `field` as `folder/name + its suffix`; other parts come back as text fields.

    Without a file (allowed when not `required`) the returned path is None.
    """
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidParameter("send the file as multipart/form-data", field=field)
    parser = MultiPartParser(request.headers, limited(request.stream(), limit), max_files=1, max_fields=MAX_FIELDS)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise InvalidParameter(f"malformed multipart body: {exc.message}", field=field) from None
    try:
        fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
        part = form.get(field)
        if not isinstance(part, UploadFile) or not part.filename:
            if required:
                raise InvalidParameter(f"no file in the multipart field {field!r}", field=field)
            return Upload(None, None, fields)
        client_name = Path(part.filename.replace("\\", "/")).name
        suffix = Path(client_name).suffix.lower()
        suffix = suffix if SAFE_SUFFIX.fullmatch(suffix) else ""  # only the suffix of the client's name is used
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}{suffix}"
        with path.open("wb") as target:
            shutil.copyfileobj(part.file, target, 2**20)
        return Upload(path, client_name, fields)
    finally:
        await form.close()
