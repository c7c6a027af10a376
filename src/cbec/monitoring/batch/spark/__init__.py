"""batch/spark."""
