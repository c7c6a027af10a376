"""Consumer complaints: classification (and, later, intake, routing and deadlines)."""
