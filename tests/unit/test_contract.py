"""The feed specs follow contract/FEEDS.md, the data standard shared with the reporting parties."""

from __future__ import annotations

import re
from pathlib import Path

from cbec.feeds.catalog import FEEDS

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contract" / "FEEDS.md"
FEED_COLUMNS = {name: spec.names for name, spec in FEEDS.items() if not spec.own}
OWN_FEEDS = {name for name, spec in FEEDS.items() if spec.own}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "feeds.md"


def _contract_columns(text: str) -> dict[str, tuple[str, ...]]:
    """Read every feed's column names, in order, out of FEEDS.md."""
    out: dict[str, tuple[str, ...]] = {}
    current: str | None = None
    for line in text.splitlines():
        start = re.match(r"(?:## )?([a-z_]+)(?: \(|:)", line)
        if start and start.group(1) in FEED_COLUMNS:
            current = start.group(1)
            out[current] = ()
        elif not line.strip() or line.startswith("##"):
            current = None
        if current is None:
            continue
        row = re.match(r"\| ([a-z_, ]+) \| [Ro] \|", line)
        names = [n.strip() for n in row.group(1).split(",")] if row else re.findall(r"\b([a-z][a-z_]*) [Ro]\b", line)
        out[current] += tuple(names)
    return out


def test_feed_specs_have_the_columns_of_feeds_md_in_order() -> None:
    contract = _contract_columns(CONTRACT.read_text(encoding="utf-8"))
    assert set(contract) == set(FEED_COLUMNS) - {"platforms"}  # FEEDS.md names platforms without columns
    for name, columns in contract.items():
        assert FEED_COLUMNS[name] == columns, name


def test_required_columns_follow_the_r_marks() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    payments = dict(re.findall(r"^\| ([a-z_, ]+) \| ([Ro]) \|", text.split("## orders")[0], re.M))
    for names, mark in payments.items():
        for name in names.split(", "):
            assert FEEDS["payments"].column_index[name].required == (mark == "R"), name


def test_cbecs_own_feeds_are_not_in_feeds_md_and_are_documented_in_docs_feeds_md() -> None:
    contract, docs = CONTRACT.read_text(encoding="utf-8"), DOCS.read_text(encoding="utf-8")
    assert {"patents", "copyrights", "customs_recordations"} <= OWN_FEEDS
    for name in OWN_FEEDS:
        assert f"## {name}" not in contract, name
        assert f"### {name}" in docs, name
        for column in FEEDS[name].names:
            assert f"`{column}`" in docs.split(f"### {name}")[1].split("###")[0], (name, column)
