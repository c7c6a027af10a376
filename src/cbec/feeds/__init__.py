"""cbec.feeds."""
