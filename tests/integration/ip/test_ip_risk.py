"""Every listing of a synthetic month screened against its trademarks register; findings make the IP risk."""

from __future__ import annotations

import csv

import pytest

from cbec.feeds.service import ingest
from cbec.ip import service as ip
from cbec.storage.store import Store
from cbec.synth import SynthResult, generate


@pytest.fixture(scope="module")
def synth_month(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(out_dir=tmp_path_factory.mktemp("synth"), month="2026-10", payments=3_000, seed=8)


def test_screening_finds_the_labelled_look_alike_listings_and_explains_the_risk(
    store: Store, synth_month: SynthResult
) -> None:
    for feed in ("enterprises", "trademarks", "listings"):
        ingest(store=store, feed=feed, paths=[synth_month.files[feed]])
    with synth_month.labels_file.open(encoding="utf-8", newline="") as handle:
        labelled = {r["key"] for r in csv.DictReader(handle) if r["feed"] == "listings"}
    hits = ip.screen_listings(store=store)
    assert ip.screen_listings(store=store) == hits  # a second scan finds the same and stores nothing twice
    risk = ip.enterprise_ip_risk(store=store)
    flagged = {f.listing_id for f in ip.list_findings(store=store)}
    assert labelled and labelled <= flagged  # every disguised famous brand is found
    assert sum(r.findings for r in risk) == len(flagged) == hits
    found = [r for r in risk if r.findings]
    assert found and all(0 < r.share <= 1 and r.marks for r in found)
    assert all(r.score == 0 and r.share == 0 and not r.marks for r in risk if not r.findings and r.listings == 0)
    assert all(r.components[2].name == "sales" and r.components[2].score > 0 and r.score > 0 for r in found)
    assert [r.score for r in risk] == sorted((r.score for r in risk), reverse=True)
