"""The feed specs, one module per section of the data standard (contract/FEEDS.md) and one for cbec's own feeds."""
