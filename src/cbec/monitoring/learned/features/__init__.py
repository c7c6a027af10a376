"""learned/features."""
