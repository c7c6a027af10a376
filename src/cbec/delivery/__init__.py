"""Delivery: what cbec issues to an institution reaches its portal and, where registered, its outbound webhook."""
