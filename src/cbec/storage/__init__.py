"""cbec.storage."""
