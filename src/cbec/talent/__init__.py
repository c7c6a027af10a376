"""Talent: job demand by role, city and month; turnover of core roles; training programmes and their funding."""
