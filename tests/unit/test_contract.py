"""The feed specs follow contract/FEEDS.md, the data standard shared with the reporting parties."""

from __future__ import annotations

import re
from pathlib import Path

from cbec.feeds.catalog import FEEDS

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contract" / "FEEDS.md"
FEED_COLUMNS = {name: spec.names for name, spec in FEEDS.items()}
# cbec's own feeds (spec.standard False) are not FEEDS.md's: docs/feeds.md documents them.
STANDARD = {name for name, spec in FEEDS.items() if spec.standard}


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
    assert set(contract) == STANDARD - {"platforms"}  # FEEDS.md names platforms without columns
    for name, columns in contract.items():
        assert FEED_COLUMNS[name] == columns, name


def test_required_columns_follow_the_r_marks() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    payments = dict(re.findall(r"^\| ([a-z_, ]+) \| ([Ro]) \|", text.split("## orders")[0], re.M))
    for names, mark in payments.items():
        for name in names.split(", "):
            assert FEEDS["payments"].column_index[name].required == (mark == "R"), name


def test_own_feeds_are_not_in_feeds_md_and_are_documented() -> None:
    own = set(FEED_COLUMNS) - STANDARD
    assert own == {
        "employment_records",
        "training_programmes",
        "education_events",
        "brand_recognitions",
        "patents",
        "copyrights",
        "customs_recordations",
    }
    assert not own & set(_contract_columns(CONTRACT.read_text(encoding="utf-8")))
    docs = (Path(__file__).resolve().parents[2] / "docs" / "feeds.md").read_text(encoding="utf-8")
    assert all(f"| {name} |" in docs for name in own)


def test_the_ip_feeds_have_each_column_described_in_docs_feeds_md() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "feeds.md").read_text(encoding="utf-8")
    for name in ("patents", "copyrights", "customs_recordations"):
        assert not FEEDS[name].standard, name
        section = docs.split(f"### {name}")[1].split("###")[0]
        for column in FEEDS[name].names:
            assert f"`{column}`" in section, (name, column)
