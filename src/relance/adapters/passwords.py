"""Password hashing with argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_decoys: dict[int, str] = {}


def _decoy() -> str:
    """A hash checked when an address has no account, so that a wrong address takes as long
    as a wrong password and the answer's timing does not tell which addresses exist."""
    key = id(_hasher)
    if key not in _decoys:
        _decoys[key] = _hasher.hash("relance-decoy-password")
    return _decoys[key]


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash with `hasher` from now on (tests use cheap costs); returns the one replaced."""
    global _hasher
    previous, _hasher = _hasher, hasher
    return previous


def hash_password(password: str) -> str:
    """The argon2id hash of `password`, salted, in PHC string form."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches `password_hash`; None checks against a decoy (False)."""
    try:
        return _hasher.verify(password_hash or _decoy(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)
