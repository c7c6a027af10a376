"""Every kind of case on one board: complaints, takedowns, quality cases, notices, credit repairs."""
