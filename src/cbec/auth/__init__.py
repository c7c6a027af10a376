"""Users, roles, tenants, passwords (argon2), sessions and API tokens."""
