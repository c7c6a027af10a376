"""The audit log: every state change, append-only, chained by hashes so that an edit or a deletion shows."""
