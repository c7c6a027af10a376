"""Declarative base whose constraint names are the same on every database, and the id key most tables share."""

from __future__ import annotations

from sqlalchemy import Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every relational table in cbec."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdKeyed(Base):
    """A table keyed by an autoincrement integer `id`, its first column: the model side of `storage.ddl.create_table`.

    Abstract (it makes no table of its own); `sort_order=-1` keeps `id` first whatever the subclass declares.
    """

    __abstract__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, sort_order=-1)
