"""The payment security programme of each institution: scan findings, cadence, deadlines, the half-yearly upgrade."""
