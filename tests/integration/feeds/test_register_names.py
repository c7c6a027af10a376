"""The names pages put beside codes: every register a page asks for, read in one statement."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import event

from cbec.feeds.service import ingest, register_column, registers_names
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
    # The loads' stamp, then the names in one statement.
    assert len(statements) == 2 and statements[1].count("UNION ALL") == 2


def test_names_are_read_again_only_after_a_load_of_a_register_finishes(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path, "institutions", VALID["institutions"])
    feeds = ("institutions", "enterprises")
    first = registers_names(store=store, feeds=feeds)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    again = registers_names(store=store, feeds=feeds)
    assert again == first and again["institutions"] is first["institutions"]  # the process's copy, shared
    assert len(statements) == 1 and "UNION ALL" not in statements[0]  # the stamp alone
    with pytest.raises(TypeError):
        again["institutions"]["PI-X"] = ("x", "x")  # type: ignore[index]  # read-only: pages share it
    # A load of another feed leaves the stamp of these alone.
    _load(store, tmp_path, "platforms", VALID["platforms"])
    statements.clear()
    assert registers_names(store=store, feeds=feeds)["institutions"] is first["institutions"]
    assert len(statements) == 1
    # A new name for the institution, and a new enterprise: the next call reads both.
    _load(store, tmp_path, "institutions", {**VALID["institutions"], "name": "新名称"})
    _load(store, tmp_path, "enterprises", VALID["enterprises"])
    names = registers_names(store=store, feeds=feeds)
    assert names == {
        "institutions": {"PI-LIANLIAN": ("新名称", "新名称")},
        "enterprises": {ENTERPRISE: ("杭州示例跨境贸易有限公司", "Hangzhou Example Trading")},
    }


def test_a_register_column_by_key_is_kept_until_the_register_is_loaded_again(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path, "enterprises", VALID["enterprises"])
    cities = register_column(store=store, feed="enterprises", column="city")
    assert dict(cities) == {ENTERPRISE: VALID["enterprises"]["city"]}
    assert register_column(store=store, feed="enterprises", column="city") is cities  # kept, not read again
    with pytest.raises(TypeError):
        cities["X"] = "杭州市"  # type: ignore[index]
    _load(store, tmp_path, "enterprises", {**VALID["enterprises"], "city": "宁波市"})
    assert dict(register_column(store=store, feed="enterprises", column="city")) == {ENTERPRISE: "宁波市"}
    with pytest.raises(ValueError, match="payments is not a register"):
        register_column(store=store, feed="payments", column="amount")
