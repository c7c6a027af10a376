"""The report's sections in order: each is a key, a build function (data) and optionally its charts (layout).

A section's template is templates/sections/<key>.html.j2 and its title the text `section.<key>` (i18n.py).
Adding a section is: a build function, a template, its words in both languages and one line here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cbec.core.months import check_month
from cbec.feeds.service import one_read_side
from cbec.reports import (
    actions,
    build,
    build_agenda,
    build_consumers,
    build_stats,
    build_supervision,
    section_charts,
    summary,
)
from cbec.reports.context import BuildContext
from cbec.reports.i18n import Texts
from cbec.storage.store import Store

Builder = Callable[[BuildContext], dict[str, Any]]
ChartMaker = Callable[[dict[str, Any], Texts, Path], dict[str, Path]]


@dataclass(frozen=True)
class Section:
    """One section of the monthly report."""

    key: str
    build: Builder
    charts: ChartMaker | None = None
    rollup: bool = False  # reads the month's raw lake rows once, then its rollup (rollups.py)


SECTIONS: tuple[Section, ...] = (
    Section("summary", summary.build_summary, section_charts.summary_charts, rollup=True),
    Section("alerts", build.build_alerts, section_charts.alerts_charts),
    Section("matching", build.build_matching),
    Section("ratings", build_supervision.build_ratings, section_charts.ratings_charts),
    Section("notices", build_supervision.build_notices),
    Section("incidents", build_supervision.build_incidents),
    Section("security", build_supervision.build_security),
    Section("settlement", build_supervision.build_settlement, section_charts.settlement_charts, rollup=True),
    Section("consumers", build_consumers.build_consumers),
    Section("ip", build_consumers.build_ip, rollup=True),
    Section("statistics", build_stats.build_statistics, section_charts.statistics_charts),
    Section("brands", build_agenda.build_brands, section_charts.brands_charts),
    Section("talent", build_agenda.build_talent, section_charts.talent_charts),
    Section("education", build_agenda.build_education, section_charts.education_charts),
    Section("logistics", build_stats.build_logistics, rollup=True),
)


@dataclass
class ReportData:
    """What the build step produced: every section's data, and how long each took to build."""

    month: str
    generated_at: datetime
    sections: dict[str, dict[str, Any]]
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # this process's, DuckDB's threads included

    @property
    def synthetic(self) -> bool:
        """Tell whether the feeds behind the report are the synthetic demo province."""
        return any(bool(data.get("synthetic")) for data in self.sections.values())


def build_report(*, store: Store, month: str, now: datetime, sections: tuple[Section, ...] = SECTIONS) -> ReportData:
    """Build every section's data for a month over one read side of the lake (no layout here)."""
    check_month(month)
    data = ReportData(month=month, generated_at=now, sections={})
    # One read side for the whole build: the services the sections call take cursors of it, not the lake again.
    with one_read_side(store=store) as con:
        ctx = BuildContext(store=store, con=con, month=month)
        for section in sections:
            started, cpu = time.perf_counter(), time.process_time()
            data.sections[section.key] = section.build(ctx)
            data.seconds[section.key] = time.perf_counter() - started
            data.cpu_seconds[section.key] = time.process_time() - cpu
    data.sections["executive"] = actions.executive_summary(data.sections)  # from the sections, nothing else
    return data


def write_rollups(*, store: Store, month: str, sections: tuple[Section, ...] = SECTIONS) -> list[str]:
    """Write the month's rollups (the sections that read its raw lake rows), as monitoring a month does; return
    the sections whose rollups are now kept. A rollup already written for the same inputs is left as it is."""
    check_month(month)
    rolled = [s for s in sections if s.rollup]
    with one_read_side(store=store) as con:
        ctx = BuildContext(store=store, con=con, month=month)
        for section in rolled:
            section.build(ctx)
    return [s.key for s in rolled]
