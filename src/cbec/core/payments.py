"""Field names of a payment record as the payments feed contract lists them, for every reader and rule of it."""

from __future__ import annotations

# Who pays whom, from where to where, for which enterprise and order: the parties of one payment.
PARTY_FIELDS = (
    "payer_id",
    "payee_id",
    "payer_type",
    "payee_type",
    "payer_country",
    "payee_country",
    "enterprise_id",
    "order_id",
)
