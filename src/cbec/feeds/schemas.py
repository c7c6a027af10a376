"""What a load reports back to its caller."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LoadReport(BaseModel):
    """The accounting of one file's load; read = accepted + quarantined + duplicate always."""

    feed: str
    source: str
    batch_id: int
    status: str
    file_format: str
    encoding: str | None = None
    checksum: str
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicate: int = 0
    new_versions: int = 0
    errors_by_rule: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    reason: str | None = Field(default=None, description="why a rejected file was refused whole (rule: detail)")

    @property
    def balanced(self) -> bool:
        """Tell whether every row read is accounted for."""
        return self.read == self.accepted + self.quarantined + self.duplicate


class QuarantineRead(BaseModel):
    """A quarantined row as shown to a person."""

    id: int
    batch_id: int
    feed: str
    source: str
    line: int | None
    rule: str
    column_name: str | None
    message: str
    raw: str
