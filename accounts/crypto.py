"""Encryption at rest and keyed look-up digests for identifiers (national identity numbers).

Both keys are derived from IPPLAN_DATA_KEY with HKDF under different labels, so the digest used
for look-ups cannot be turned back into the number without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        settings.IPPLAN_DATA_KEY.encode()
    )


@cache
def _fernet(data_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"ipplan/encryption/v1")))


@cache
def _digest_key(data_key: str) -> bytes:
    return _derive(b"ipplan/lookup-digest/v1")


def encrypt(plaintext: str) -> str:
    return _fernet(settings.IPPLAN_DATA_KEY).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.IPPLAN_DATA_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("The value cannot be decrypted with the current IPPLAN_DATA_KEY.") from exc


@cache
def _sealer(data_key: str, label: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(label)))


def seal(data: bytes, *, label: bytes) -> bytes:
    """Encrypt bytes under a key of their own (derived with `label`): for what is kept outside
    the database for a while, such as rendered plan pages in the cache."""
    return _sealer(settings.IPPLAN_DATA_KEY, label).encrypt(data)


def unseal(token: bytes, *, label: bytes, max_age: int | None = None) -> bytes:
    """The bytes `seal` sealed; ValueError when the token is not ours, was tampered with or
    is older than `max_age` seconds."""
    try:
        return _sealer(settings.IPPLAN_DATA_KEY, label).decrypt(token, ttl=max_age)
    except InvalidToken as exc:
        raise ValueError("The token cannot be opened with the current IPPLAN_DATA_KEY.") from exc


def digest(value: str) -> str:
    return hmac.new(
        _digest_key(settings.IPPLAN_DATA_KEY), value.encode(), hashlib.sha256
    ).hexdigest()
