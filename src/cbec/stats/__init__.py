"""Official statistics: the source paper's figures, shipped with their source, and their reconciliation."""
