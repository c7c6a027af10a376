"""Supervision of payment institutions: ratings, warnings and rectification notices, incidents, settlement KPI."""
