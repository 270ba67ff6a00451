"""Photos of hidden dangers: the type is read from the bytes (never the name or the declared type), the size is
capped, and the file is stored under `data_dir/uploads/hidden_dangers/` with a random name."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import Request

from app.errors import Unprocessable
from app.imports.upload import Upload, receive_upload
from app.settings import Settings

MAX_PHOTO_MB = 10
PHOTO_FOLDER = Path("uploads") / "hidden_dangers"
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def sniff_image(head: bytes) -> str | None:
    """'jpg', 'png' or 'webp' from the first bytes; None for anything else (an HTML file named .jpg included)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


async def receive_with_photo(request: Request, settings: Settings) -> tuple[dict[str, str], str | None]:
    """The multipart text fields and, when a `photo` part came, its stored path relative to `data_dir`."""
    scratch = settings.data_dir / "uploads" / "incoming" / secrets.token_hex(16)
    limit = min(settings.max_upload_mb, MAX_PHOTO_MB) * 2**20
    try:
        upload: Upload = await receive_upload(
            request, limit=limit, folder=scratch, name="photo", field="photo", required=False
        )
        if upload.path is None:
            return upload.fields, None
        with upload.path.open("rb") as file:
            kind = sniff_image(file.read(16))
        if kind is None:
            raise Unprocessable("the photo must be a JPEG, PNG or WebP image", field="photo")
        relative = PHOTO_FOLDER / f"{secrets.token_hex(16)}.{kind}"
        (settings.data_dir / PHOTO_FOLDER).mkdir(parents=True, exist_ok=True)
        shutil.move(upload.path, settings.data_dir / relative)
        return upload.fields, relative.as_posix()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def discarded_on_error(settings: Settings, photo: str | None) -> Iterator[None]:
    """A photo whose step was refused (out of scope, wrong status, bad fields) is not kept."""
    try:
        yield
    except BaseException:
        if photo:
            (settings.data_dir / photo).unlink(missing_ok=True)
        raise


def photo_file(settings: Settings, relative: str) -> tuple[Path, str]:
    """The stored file and its media type; the path came from our own column, checked to stay in the folder."""
    path = (settings.data_dir / relative).resolve()
    root = (settings.data_dir / PHOTO_FOLDER).resolve()
    if root not in path.parents or not path.is_file():
        raise FileNotFoundError(relative)
    return path, MEDIA_TYPES[path.suffix.lstrip(".")]
