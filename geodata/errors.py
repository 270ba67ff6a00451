"""The one error base of `geodata`: input a person can fix, told in zh-CN and English with a stable code.

`app` maps these to problem+json; nothing here knows about HTTP.
"""

from __future__ import annotations


class GeodataError(ValueError):
    """Bad input data (not a bug): `code` is stable for clients, the messages are for people."""

    code = "geodata_error"

    def __init__(self, message_zh: str, message_en: str, *, code: str | None = None):
        super().__init__(f"{message_en} ({message_zh})")
        self.message_zh = message_zh
        self.message_en = message_en
        if code is not None:
            self.code = code
