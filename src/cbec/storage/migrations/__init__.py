"""cbec.storage.migrations."""
