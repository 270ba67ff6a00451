"""Argon2id password hashes, the password rule, and the demo passwords production refuses."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import Unprocessable

HASHER = PasswordHasher()  # argon2id with the library's current recommended cost
MIN_LENGTH = 10
# Documented in docs/data-and-access.md; `twomaps users demo` sets them and production refuses them.
DEMO_PASSWORDS = {
    "admin": "demo-admin",
    "commander": "demo-commander",
    "planner": "demo-planner",
    "inspector-changan": "demo-inspector",
    "viewer": "demo-viewer",
}
# A hash to verify against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str, *, production: bool) -> None:
    """Refuse short passwords everywhere and the published demo passwords in production."""
    if len(password) < MIN_LENGTH:
        raise Unprocessable(f"the password must have at least {MIN_LENGTH} characters", field="password")
    if production and password in DEMO_PASSWORDS.values():
        raise Unprocessable("a published demo password cannot be used in production", field="password")
