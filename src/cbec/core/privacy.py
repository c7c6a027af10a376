"""Personal data at rest: envelope encryption with rotating master keys, and masking for screens and exports.

Each value gets its own data key (AES-256-GCM); the data key is wrapped by the current master key
(AES-256-GCM as well) and stored beside the ciphertext with the master key's id:
`pd1.<key id>.<wrapped data key>.<ciphertext>` (URL-safe base64, nonce first). Rotation re-wraps the data
key under the new master key and never touches the ciphertext. The associated data binds a value to its
field, so a ciphertext copied into another column does not open.
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "pd1"
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class PrivacyError(ValueError):
    """A key ring or ciphertext that cannot be used (never contains the plaintext)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class KeyRing:
    """Master keys by id; the first is current (used to wrap), the others only unwrap until rotated away."""

    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise PrivacyError("the key ring is empty")
        for key_id, key in self.keys:
            if not KEY_ID.match(key_id) or len(key) != 32:
                raise PrivacyError(f"master key {key_id!r} must have a short id and 32 bytes")

    @classmethod
    def parse(cls, text: str) -> KeyRing:
        """Parse `id:base64key[,id:base64key...]` (CBEC_DATA_KEYS), current key first."""
        keys = []
        for part in (p.strip() for p in text.split(",") if p.strip()):
            key_id, _, encoded = part.partition(":")
            try:
                keys.append((key_id, _unb64(encoded)))
            except ValueError as exc:
                raise PrivacyError(f"master key {key_id!r} is not base64") from exc
        return cls(tuple(keys))

    @staticmethod
    def new_key_text(key_id: str) -> str:
        """Return a fresh `id:base64key` entry."""
        return f"{key_id}:{_b64(os.urandom(32))}"

    @property
    def current(self) -> tuple[str, bytes]:
        """Return the id and bytes of the current master key."""
        return self.keys[0]

    def key(self, key_id: str) -> bytes:
        """Return a master key by id."""
        for found, key in self.keys:
            if found == key_id:
                return key
        raise PrivacyError(f"master key {key_id!r} is not in the key ring (rotated away too early?)")


def seal(plaintext: str, ring: KeyRing, field: str) -> str:
    """Encrypt one value for one field under a fresh data key wrapped by the current master key."""
    key_id, master = ring.current
    data_key, data_nonce, wrap_nonce = AESGCM.generate_key(256), os.urandom(12), os.urandom(12)
    aad = f"{PREFIX}|{field}".encode()
    ciphertext = AESGCM(data_key).encrypt(data_nonce, plaintext.encode("utf-8"), aad)
    wrapped = AESGCM(master).encrypt(wrap_nonce, data_key, aad + b"|key")
    return ".".join((PREFIX, key_id, _b64(wrap_nonce + wrapped), _b64(data_nonce + ciphertext)))


def _parts(token: str) -> tuple[str, bytes, bytes]:
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise PrivacyError("not a sealed value")
    return parts[1], _unb64(parts[2]), _unb64(parts[3])


def _data_key(ring: KeyRing, key_id: str, wrapped: bytes, field: str) -> bytes:
    try:
        return AESGCM(ring.key(key_id)).decrypt(wrapped[:12], wrapped[12:], f"{PREFIX}|{field}|key".encode())
    except InvalidTag as exc:
        raise PrivacyError(f"the data key of {field} does not open (wrong key or field)") from exc


def unseal(token: str, ring: KeyRing, field: str) -> str:
    """Decrypt a value sealed for the same field."""
    key_id, wrapped, sealed = _parts(token)
    data_key = _data_key(ring, key_id, wrapped, field)
    try:
        return AESGCM(data_key).decrypt(sealed[:12], sealed[12:], f"{PREFIX}|{field}".encode()).decode("utf-8")
    except InvalidTag as exc:
        raise PrivacyError(f"the value of {field} has been altered") from exc


def rewrap(token: str, ring: KeyRing, field: str) -> str:
    """Re-wrap a value's data key under the current master key (rotation); the ciphertext stays as it is."""
    key_id, wrapped, sealed = _parts(token)
    if key_id == ring.current[0]:
        return token
    data_key = _data_key(ring, key_id, wrapped, field)
    current_id, master = ring.current
    nonce = os.urandom(12)
    rewrapped = AESGCM(master).encrypt(nonce, data_key, f"{PREFIX}|{field}|key".encode())
    return ".".join((PREFIX, current_id, _b64(nonce + rewrapped), _b64(sealed)))


def key_id_of(token: str) -> str:
    """Return the id of the master key a sealed value is wrapped with."""
    return _parts(token)[0]


def mask_name(name: str) -> str:
    """张三丰 → 张**; John Smith → J*** S****."""
    if not name:
        return ""
    if name.isascii():
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678 (the first three and last four digits stay)."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(number: str) -> str:
    """330102199001011234 → 330***********1234."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_address(address: str) -> str:
    """Keep the first six characters (province, city) and hide the rest."""
    return address[:6] + "*" * min(8, max(0, len(address) - 6))
