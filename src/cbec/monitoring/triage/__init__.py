"""Triage: large-value reports to their register, suspicion scored once, only what passes opens a review item."""
