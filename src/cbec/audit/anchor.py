"""Where the audit chain is anchored outside the database: the MAC key, the signing key, the checkpoint file.

Production sets CBEC_AUDIT_KEY and CBEC_AUDIT_SIGNING_KEY from a secret store and points
CBEC_AUDIT_CHECKPOINTS at an append-only place the database's administrators cannot rewrite (another host's
volume, a file with `chattr +a`, an object-locked bucket mounted as a file). The embedded default keeps both
keys as files in CBEC_KEYS_DIR (home/keys unless set) and the checkpoints in home/audit/checkpoints.jsonl.
Each checkpoint is one JSON line, written with a single append: {"seq", "hash", "at", "key", "sig"}.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import SecretStr

from cbec.audit.domain import checkpoint_message, entry_mac
from cbec.config import Settings
from cbec.storage.files import create_exclusive

log = logging.getLogger(__name__)
MAC_KEY_FILE = "audit-mac-key"
SIGNING_KEY_FILE = "audit-signing-key"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _key_bytes(secret: SecretStr | None, path: Path, what: str) -> bytes:
    """Return 32 key bytes from the setting, else from (or newly written to) a key file."""
    if secret is not None:
        text = secret.get_secret_value().strip()
    else:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if create_exclusive(path, (_b64(os.urandom(32)) + "\n").encode("ascii")):
                log.warning("created the %s in %s; keep it off the database's host in production", what, path)
        text = path.read_text(encoding="ascii").strip()
    key = base64.b64decode(text, validate=True)
    if len(key) != 32:
        raise ValueError(f"the {what} must be 32 bytes in base64")
    return key


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that the chain's entry `seq` had hash `digest` at `at`."""

    seq: int
    digest: str
    at: str


class Anchor:
    """The audit chain's keys and its checkpoint file."""

    def __init__(self, mac_key: bytes, signing_key: Ed25519PrivateKey, checkpoints: Path) -> None:
        self.mac_key, self.signing_key, self.checkpoints = mac_key, signing_key, checkpoints
        self.public_key: Ed25519PublicKey = signing_key.public_key()
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = raw.hex()[:16]

    @classmethod
    def of(cls, settings: Settings) -> Anchor:
        """Build the anchor from the settings (keys from the environment, else from key files)."""
        mac_key = _key_bytes(settings.audit_key, settings.keys_dir / MAC_KEY_FILE, "audit MAC key")
        seed = _key_bytes(settings.audit_signing_key, settings.keys_dir / SIGNING_KEY_FILE, "audit signing key")
        return cls(mac_key, Ed25519PrivateKey.from_private_bytes(seed), settings.audit_checkpoints_file)

    def mac(self, digest: str) -> str:
        """Return the MAC of an entry's hash."""
        return entry_mac(self.mac_key, digest)

    def write_checkpoint(self, seq: int, digest: str, at: datetime | None = None) -> None:
        """Append a signed checkpoint of the head (one write of one line, so writers never interleave)."""
        stamp = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
        signature = self.signing_key.sign(checkpoint_message(seq, digest, stamp))
        line = json.dumps({"seq": seq, "hash": digest, "at": stamp, "key": self.key_id, "sig": _b64(signature)})
        self.checkpoints.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = os.open(self.checkpoints, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(handle, (line + "\n").encode("ascii"))
        finally:
            os.close(handle)

    def read_checkpoints(self) -> Iterator[tuple[int, Checkpoint | None]]:
        """Yield (line number, checkpoint) for each line; None for a line that is not a valid signed checkpoint."""
        if not self.checkpoints.exists():
            return
        with self.checkpoints.open(encoding="ascii", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, self._parse(line)

    def _parse(self, line: str) -> Checkpoint | None:
        try:
            found = json.loads(line)
            point = Checkpoint(seq=int(found["seq"]), digest=str(found["hash"]), at=str(found["at"]))
            signature = base64.b64decode(found["sig"], validate=True)
            self.public_key.verify(signature, checkpoint_message(point.seq, point.digest, point.at))
        except (ValueError, KeyError, TypeError, InvalidSignature):
            return None
        return point


_ANCHORS: dict[tuple[object, ...], Anchor] = {}
_LOCK = threading.Lock()


def anchor_of(settings: Settings) -> Anchor:
    """Return the anchor of these settings, built once per process."""
    key = (
        settings.keys_dir,
        settings.audit_checkpoints_file,
        settings.audit_key.get_secret_value() if settings.audit_key else None,
        settings.audit_signing_key.get_secret_value() if settings.audit_signing_key else None,
    )
    with _LOCK:
        if key not in _ANCHORS:
            _ANCHORS[key] = Anchor.of(settings)
        return _ANCHORS[key]
