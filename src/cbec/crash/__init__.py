"""Crash drills: kill -9 the real `cbec` processes at random moments, restart them, prove nothing is lost or doubled."""
