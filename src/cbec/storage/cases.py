"""The columns every lifecycle item, transition table and evidence file share, and the binding of one kind of case.

Complaints, takedowns, quality cases, notices and credit repair applications each keep their items in a table
of their own (with their own columns) and each step in a `*_transitions` table. The shared columns are
declared here once, as abstract declarative classes (mixins that make no table of their own and keep the
mapped classes' keyword constructor); `core.workflow` holds the lifecycle they follow (pure, so the columns,
which need storage types, live here) and `cbec.casework.service` the steps taken on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cbec.storage.base import IdKeyed
from cbec.storage.types import UTCDateTime


class CaseColumns(IdKeyed):
    """An item on a lifecycle: its id, its state, the deadline of that state and when it last moved."""

    __abstract__ = True

    state: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TransitionColumns(IdKeyed):
    """One step of an item: who took which action when and why, the states it left and entered, the new deadline.

    The table adds the column naming its item (a foreign key: `case_id`, `notice_id`, `application_id`).
    """

    __abstract__ = True

    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(20))  # None: the step that opened the item
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EvidenceFileColumns(IdKeyed):
    """A file given in evidence on an item, kept under CBEC_HOME by its SHA-256: where, how large, who added it when.

    The table adds the column naming its item (a foreign key: `case_id`, `item_id`) and the file's name.
    """

    __abstract__ = True

    path: Mapped[str] = mapped_column(String(1000))  # relative to CBEC_HOME
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


ItemT = TypeVar("ItemT", bound=CaseColumns)
StepT = TypeVar("StepT", bound=TransitionColumns)


@dataclass(frozen=True, slots=True)
class CaseTables(Generic[ItemT, StepT]):
    """One kind of case in the store: its items, its steps, the steps' column naming the item, its audit name.

    `entity` names the items in the audit log; each step is audited as `<entity>.<action>`.
    """

    entity: str
    items: type[ItemT]
    steps: type[StepT]
    link: str
