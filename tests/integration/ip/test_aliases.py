"""A rights holder's nickname file: loaded once, audited, refused rows named by line, and used by the screen."""

from __future__ import annotations

from pathlib import Path

from cbec.audit import service as audit
from cbec.feeds.service import ingest
from cbec.ip import service as ip
from cbec.ip.schemas import ListingIn
from cbec.storage.store import Store


def test_nicknames_are_stored_once_audited_and_screened(store: Store, tmp_path: Path) -> None:
    marks = tmp_path / "trademarks.csv"
    marks.write_text(
        'mark_id,mark_text,owner,nice_classes,jurisdiction\nTM1,NIKE,"Nike, Inc.",25;28,US\n'
        "TM3,adidas,adidas AG,25;28,DE\n",
        encoding="utf-8",
    )
    ingest(store=store, feed="trademarks", paths=[marks])
    rows = [(2, {"mark": "tm1", "alias": "Air Jordan"}), (3, {"mark": "adidas", "alias": "Yeezy"})]
    rows.append((4, {"mark": "GUCCI", "alias": "GG"}))
    first = ip.import_aliases(store=store, rows=rows, source="nick.csv", actor="rights-holder:nike")
    assert (first.added, first.unchanged) == (2, 0)
    assert first.problems == ["nick.csv:4: 未注册的商标 / no registered mark 'GUCCI'"]
    second = ip.import_aliases(store=store, rows=rows, source="nick.csv", actor="rights-holder:nike")
    assert (second.added, second.unchanged) == (0, 2)
    entries = audit.list_entries(store=store, entity="mark")
    assert sorted((e.entity_id, e.action) for e in entries) == [("TM1", "ip.alias_add"), ("TM3", "ip.alias_add")]
    assert {e.entity_id: e.after for e in entries}["TM3"] == {"alias": "Yeezy", "source": "nick.csv"}
    results = ip.screen_titles(
        store=store,
        listings=[ListingIn(title="Air Jordan 1 high OG"), ListingIn(title="Yeezy slide sandals")],
    )
    assert [(r.mark_id, "alias" in r.signals) for r in results] == [("TM1", True), ("TM3", True)]


def test_an_alias_typed_in_is_audited_like_one_loaded_from_a_file(store: Store) -> None:
    ip.add_alias(store=store, mark_id="TM1", alias="AJ", actor="rights-holder:nike")
    entries = audit.list_entries(store=store, entity="mark")
    assert [(e.entity_id, e.action, e.actor, e.after) for e in entries] == [
        ("TM1", "ip.alias_add", "rights-holder:nike", {"alias": "AJ"})
    ]
