"""The names pages put beside codes: every register a page asks for, read in one statement."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import event

from cbec.feeds.service import ingest, registers_names
from cbec.storage.store import Store

from .samples import ENTERPRISE, VALID


def _load(store: Store, tmp_path: Path, feed: str, *rows: dict[str, str]) -> None:
    path = tmp_path / f"{feed}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(VALID[feed]))
        writer.writeheader()
        writer.writerows(rows)
    ingest(store=store, feed=feed, paths=[path])


def test_the_three_registers_names_come_in_one_statement_with_english_where_the_register_has_it(
    store: Store, tmp_path: Path
) -> None:
    _load(store, tmp_path, "enterprises", VALID["enterprises"])
    _load(store, tmp_path, "institutions", VALID["institutions"], {**VALID["institutions"], "institution_id": "PI-2"})
    # A newer row for the same institution replaces its name: only current rows are named.
    _load(store, tmp_path, "institutions", {**VALID["institutions"], "institution_id": "PI-2", "name": "新名称"})
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    names = registers_names(store=store, feeds=("institutions", "enterprises", "platforms"))
    assert names == {
        # institutions have one name: it stands for both languages
        "institutions": {
            "PI-LIANLIAN": ("连连银通电子支付有限公司", "连连银通电子支付有限公司"),
            "PI-2": ("新名称", "新名称"),
        },
        "enterprises": {ENTERPRISE: ("杭州示例跨境贸易有限公司", "Hangzhou Example Trading")},
        "platforms": {},
    }
    assert len(statements) == 1 and statements[0].count("UNION ALL") == 2
