"""The master keys of personal data: CBEC_DATA_KEYS in production, a key file under home for the embedded default."""

from __future__ import annotations

from cbec.config import Settings
from cbec.core.privacy import KeyRing
from cbec.storage.files import key_file_ring, write_atomic

KEY_FILE = "data-keys"


def load_keyring(settings: Settings) -> KeyRing:
    """Return the key ring: from settings, else from (or newly written to) home/keys/data-keys."""
    if settings.data_keys is not None:
        return KeyRing.parse(settings.data_keys.get_secret_value())
    return key_file_ring(
        settings.keys_dir / KEY_FILE, first_key_id="k1", purpose="personal-data", setting="CBEC_DATA_KEYS"
    )


def add_key(settings: Settings, key_id: str) -> KeyRing:
    """Put a new current key in front of the key file (rotation, step 1); returns the new ring."""
    if settings.data_keys is not None:
        raise ValueError("CBEC_DATA_KEYS is set: rotate it where it is kept (add the new key first, then run rotate)")
    ring = load_keyring(settings)
    if any(k == key_id for k, _ in ring.keys):
        raise ValueError(f"key id {key_id} is already in the ring")
    path = settings.keys_dir / KEY_FILE
    text = KeyRing.new_key_text(key_id) + "," + path.read_text(encoding="ascii").strip()
    write_atomic(path, (text + "\n").encode("ascii"), mode=0o600)  # a kill mid-write must not lose the ring
    return KeyRing.parse(text)


def drop_retired(settings: Settings, ring: KeyRing) -> None:
    """Keep only the current key in the key file (rotation, last step, once nothing uses the old ones)."""
    if settings.data_keys is None:
        path = settings.keys_dir / KEY_FILE
        current = path.read_text(encoding="ascii").strip().split(",")[0]
        write_atomic(path, (current + "\n").encode("ascii"), mode=0o600)
