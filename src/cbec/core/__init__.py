"""cbec.core."""
