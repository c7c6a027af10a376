"""Casework: the store side of the one case lifecycle (`core.workflow`) that complaints, takedowns, quality
cases, notices and credit repair applications follow."""
