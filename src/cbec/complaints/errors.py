"""Errors of the complaints context that entry points catch (kept apart from the classifier's heavy imports)."""

from __future__ import annotations


class EmptyComplaintError(ValueError):
    """A complaint text with nothing to classify (empty or whitespace only)."""
