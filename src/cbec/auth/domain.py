"""Who is asking: roles, tenants and what each may see. Pure; every service applies it to its own rows."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cbec.core.i18n import labels

REGULATOR_ADMIN = "regulator-admin"
REGULATOR_ANALYST = "regulator-analyst"
INSTITUTION = "institution"
PLATFORM = "platform"
ENTERPRISE = "enterprise"
AUDITOR = "auditor"
# A registered partner that credit information is shared with (a platform, bank or logistics firm): it reads
# enterprise credit ratings and lists, nothing else; its tenant id names the partner organisation.
PARTNER = "partner"
ROLES = (REGULATOR_ADMIN, REGULATOR_ANALYST, INSTITUTION, PLATFORM, ENTERPRISE, AUDITOR, PARTNER)
REGULATORS = frozenset({REGULATOR_ADMIN, REGULATOR_ANALYST})
# The column that names a tenant's own rows, per tenant role.
TENANT_COLUMN = {
    INSTITUTION: "institution_id",
    PLATFORM: "platform_id",
    ENTERPRISE: "enterprise_id",
    PARTNER: "partner_id",  # no table has it: a partner sees no tenant's rows, only what credit shares
}
NO_ACCESS = "no-access:" + "-" * 90  # matches no row: every tenant id column is at most 64 characters
ROLE_TITLES = labels.pairs("role")  # (zh, en) by code: the catalogs name each code once

# The longest an API token may live, by role: people's roles hours, reporting systems' roles a month.
TOKEN_MAX_HOURS = {
    REGULATOR_ADMIN: 24,
    REGULATOR_ANALYST: 24 * 7,
    AUDITOR: 24 * 7,
    INSTITUTION: 24 * 30,
    PLATFORM: 24 * 30,
    ENTERPRISE: 24 * 30,
    PARTNER: 24 * 30,
}


def token_hours_cap(role: str) -> int:
    """Return the longest lifetime, in hours, of a token of a user with `role`."""
    return TOKEN_MAX_HOURS[role]


def csrf_token(session_token: str) -> str:
    """Derive the CSRF token of a web session (an HMAC of the session secret, so nothing more is stored)."""
    return hmac.new(session_token.encode(), b"cbec-csrf", hashlib.sha256).hexdigest()[:40]


class Forbidden(PermissionError):
    """The principal may not do this (message in Chinese and English)."""


class NotVisible(LookupError):
    """The row does not exist for this principal: another tenant's row reads exactly like a missing one."""


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user: name, role and, for a tenant role, the id of the tenant it belongs to."""

    username: str
    role: str
    tenant_id: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if (self.role in TENANT_COLUMN) != (self.tenant_id is not None):
            raise ValueError(f"role {self.role} {'needs' if self.role in TENANT_COLUMN else 'takes no'} tenant id")

    @property
    def is_regulator(self) -> bool:
        """Tell whether the principal is a regulator (sees every tenant)."""
        return self.role in REGULATORS

    @property
    def tenant_column(self) -> str | None:
        """Return the column naming this principal's own rows (None: not a tenant)."""
        return TENANT_COLUMN.get(self.role)

    def require(self, *roles: str) -> None:
        """Raise Forbidden unless the principal has one of the roles."""
        if self.role not in roles:
            allowed = ", ".join(roles)
            raise Forbidden(
                f"角色 {self.role} 无权执行此操作（需要 {allowed}） / role {self.role} may not do this ({allowed})"
            )

    def scope(self, column: str) -> str | None:
        """Return the value rows must have in `column` for this principal (None: no restriction).

        A tenant asking about rows keyed by another kind of tenant sees nothing: the sentinel never matches
        (longer than any id column, and free of NUL, which PostgreSQL refuses in text parameters).
        """
        if self.tenant_column is None:
            return None
        return self.tenant_id if column == self.tenant_column else NO_ACCESS

    def can_see(self, column: str, value: str | None) -> bool:
        """Tell whether a row whose `column` holds value is visible to the principal."""
        wanted = self.scope(column)
        return wanted is None or value == wanted


SYSTEM = Principal(username="system", role=REGULATOR_ADMIN)
