"""Users and their API tokens (only hashes are stored)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.base import IdKeyed
from cbec.storage.types import UTCDateTime


class User(IdKeyed):
    """A person or system account with one role and, for tenant roles, its tenant."""

    __tablename__ = "users"
    audit_entity: ClassVar[str] = "user"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # since the last success
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # set after too many failures


class ApiToken(IdKeyed):
    """A bearer token (API) or session (web): the SHA-256 of the secret, its expiry and revocation."""

    __tablename__ = "api_tokens"
    audit_entity: ClassVar[str] = "token"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # api or session
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
