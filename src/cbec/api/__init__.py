"""The REST API (/api/v1): thin routes that authenticate, call one service function and present."""
