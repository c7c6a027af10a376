"""The master keys sealing webhook secrets: CBEC_WEBHOOK_KEYS in production, a key file under keys_dir by default.

A ring of its own, apart from the personal-data ring: rotating and retiring the complaints' keys must never
leave an endpoint's secret unopenable, and a webhook secret is not personal data.
"""

from __future__ import annotations

import secrets

from cbec.config import Settings
from cbec.core.privacy import KeyRing, seal, unseal
from cbec.storage.files import key_file_ring

KEY_FILE = "webhook-keys"
FIELD = "webhook_secret"  # binds a sealed secret to its column


def load_keyring(settings: Settings) -> KeyRing:
    """Return the key ring: from settings, else from (or newly written to) keys_dir/webhook-keys."""
    if settings.webhook_keys is not None:
        return KeyRing.parse(settings.webhook_keys.get_secret_value())
    return key_file_ring(
        settings.keys_dir / KEY_FILE, first_key_id="w1", purpose="webhook", setting="CBEC_WEBHOOK_KEYS"
    )


def new_secret() -> str:
    """Return a fresh signing secret (32 random bytes, URL-safe)."""
    return "whsec_" + secrets.token_urlsafe(32)


def seal_secret(secret: str, ring: KeyRing) -> str:
    """Seal an endpoint's secret for storage."""
    return seal(secret, ring, FIELD)


def open_secret(sealed: str, ring: KeyRing) -> str:
    """Open an endpoint's sealed secret to sign with it."""
    return unseal(sealed, ring, FIELD)
