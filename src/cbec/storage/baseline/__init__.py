"""The schema as it stood at the first release, one module per context: the baseline migration (0022) runs them.

Each module's `upgrade()` creates its context's tables (and on PostgreSQL its functions and triggers), its
`downgrade()` drops them. They are frozen like a migration: a change to the schema is a new migration, never an
edit here. The revisions 0001..0022 they replace were squashed before any production release (docs/storage.md).
"""
