"""The master keys sealing webhook secrets: CBEC_WEBHOOK_KEYS in production, a key file under keys_dir by default.

A ring of its own, apart from the personal-data ring: rotating and retiring the complaints' keys must never
leave an endpoint's secret unopenable, and a webhook secret is not personal data.
"""

from __future__ import annotations

import logging
import secrets

from cbec.config import Settings
from cbec.core.privacy import KeyRing, seal, unseal
from cbec.storage.files import create_exclusive

log = logging.getLogger(__name__)
KEY_FILE = "webhook-keys"
FIELD = "webhook_secret"  # binds a sealed secret to its column


def load_keyring(settings: Settings) -> KeyRing:
    """Return the key ring: from settings, else from (or newly written to) keys_dir/webhook-keys."""
    if settings.webhook_keys is not None:
        return KeyRing.parse(settings.webhook_keys.get_secret_value())
    path = settings.keys_dir / KEY_FILE
    if not path.exists():
        settings.keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written aside and linked into place: a kill never leaves an empty or half-written key file.
        if create_exclusive(path, (KeyRing.new_key_text("w1") + "\n").encode("ascii")):
            log.warning("created a webhook master key in %s; set CBEC_WEBHOOK_KEYS in production", path)
    return KeyRing.parse(path.read_text(encoding="ascii").strip())


def new_secret() -> str:
    """Return a fresh signing secret (32 random bytes, URL-safe)."""
    return "whsec_" + secrets.token_urlsafe(32)


def seal_secret(secret: str, ring: KeyRing) -> str:
    """Seal an endpoint's secret for storage."""
    return seal(secret, ring, FIELD)


def open_secret(sealed: str, ring: KeyRing) -> str:
    """Open an endpoint's sealed secret to sign with it."""
    return unseal(sealed, ring, FIELD)
