"""streaming/jetstream."""
