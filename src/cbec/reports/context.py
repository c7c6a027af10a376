"""What every section's build function gets: the store, a read-side connection and the months compared."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from cbec.core.money import FxTable, load_fx_table
from cbec.core.months import previous_month, year_before
from cbec.feeds.service import register_rows
from cbec.storage.store import Store


@dataclass
class BuildContext:
    """The inputs of one build: the month, the one it follows and the one a year before."""

    store: Store
    con: duckdb.DuckDBPyConnection
    month: str
    _registers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _fx: list[FxTable] = field(default_factory=list)

    def fx(self) -> FxTable:
        """Return the dated FX table of the settings, read once per build."""
        if not self._fx:
            self._fx.append(load_fx_table(self.store.settings.fx_file))
        return self._fx[0]

    def register(self, feed: str) -> list[dict[str, Any]]:
        """Return a register's current rows, read once per build however many sections need them."""
        if feed not in self._registers:
            self._registers[feed] = register_rows(store=self.store, feed=feed)
        return self._registers[feed]

    @property
    def previous(self) -> str:
        """Return the month before."""
        return previous_month(self.month)

    @property
    def last_year(self) -> str:
        """Return the same month a year earlier."""
        return year_before(self.month)

    def has_view(self, name: str) -> bool:
        """Tell whether the read side has a view of that feed (anything was loaded into it)."""
        rows = self.con.sql("SELECT 1 FROM duckdb_views() WHERE NOT internal AND view_name = $n", params={"n": name})
        return bool(rows.fetchall())
