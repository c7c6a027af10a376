"""cbec.cli."""
