"""Users, roles and password hashing for the clinician and admin doors.

Passwords are hashed with argon2id (argon2-cffi's defaults: memory-hard, random salt);
hashes written by earlier versions with scrypt still verify. There is no default password:
the first admin is created with ``intake users add``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assistant.errors import AccessDenied
from assistant.store import Store

ROLES: Final = ("clinician", "admin")
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD_CHARS: Final = 10


@dataclass(frozen=True, slots=True)
class Principal:
    username: str
    roles: frozenset[str]

    def require(self, role: str) -> None:
        if role not in self.roles:
            raise AccessDenied(f"{role} role required")


_ARGON2: Final = PasswordHasher()


def hash_password(password: str) -> str:
    return _ARGON2.hash(password)


def _scrypt_hash(password: str) -> str:
    """The earlier scheme, kept so tests can prove old hashes still verify."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    salt_b64 = base64.b64encode(salt).decode()
    digest_b64 = base64.b64encode(digest).decode()
    return f"scrypt${_N}${_R}${_P}${salt_b64}${digest_b64}"


def verify_password(password: str, stored: str) -> bool:
    if stored.startswith("$argon2"):
        try:
            return _ARGON2.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


class Users:
    def __init__(self, store: Store) -> None:
        self._store = store
        # A hash to verify against when the user does not exist, so timing does not
        # reveal which usernames are real.
        self._dummy = hash_password(secrets.token_hex(8))

    def add(self, username: str, password: str, roles: list[str]) -> None:
        username = username.strip()
        if not username:
            raise ValueError("username must not be empty")
        unknown = sorted(set(roles) - set(ROLES))
        if unknown or not roles:
            raise ValueError(f"roles must be some of {', '.join(ROLES)}, got {roles}")
        if len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
        self._store.add_user(username, hash_password(password), roles)

    def remove(self, username: str) -> bool:
        return self._store.remove_user(username)

    def login(self, username: str, password: str) -> Principal:
        row = self._store.get_user(username.strip())
        if row is None:
            verify_password(password, self._dummy)
            raise AccessDenied("bad credentials")
        if not verify_password(password, row.password_hash):
            raise AccessDenied("bad credentials")
        self._store.audit(row.username, "login")
        return Principal(row.username, frozenset(filter(None, row.roles.split(","))))
