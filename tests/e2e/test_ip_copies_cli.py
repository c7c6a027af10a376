"""cbec ip scan finds listing images copied from registered designs and images, and copied descriptions.

The pictures are drawn with Pillow (tests/integration/ip/copies_world.py): every registered picture copied five
ways must be found, twelve unrelated pictures must not; edited copies of registered texts must be found,
unrelated texts must not. A second scan reuses the stored hashes and adds nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from cbec.cli.main import app
from cbec.config import Settings
from cbec.ip import service as ip
from cbec.ip.copy_models import ImageHashRow
from cbec.storage.store import open_store

from ..integration.ip.copies_world import EDITED_COPIES, EDITS, write_world

runner = CliRunner()
RIGHT_OF = {"D-1": "ZL20213000001", "D-2": "ZL20213000002", "W-IMG": "W-IMG-1"}


def test_ip_scan_finds_copied_images_and_descriptions_and_nothing_unrelated(tmp_path: Path) -> None:
    files = write_world(tmp_path / "world")
    env = {"CBEC_HOME": str(tmp_path / "home")}
    for feed in ("enterprises", "patents", "copyrights", "listings"):
        loaded = runner.invoke(app, ["ingest", feed, str(files[feed])], env=env)
        assert loaded.exit_code == 0, loaded.output
    scanned = runner.invoke(app, ["ip", "scan"], env=env)
    assert scanned.exit_code == 0, scanned.output
    text = " ".join(scanned.output.split())
    assert "against 5 registered images and 3 registered texts: 25 copied images, 4 copied descriptions" in text
    assert re.search(r"images hashed 43, reused 0, URLs not fetched 1, unreadable 0", text), text
    # the seller: no own right (R&D 30), 29 copy findings (sales 100): 0.3 x 30 + 0.4 x 100
    assert "91330100MA27XK0Q2K: risk 49, 0/46 listings" in text

    store = open_store(Settings(home=tmp_path / "home"))
    try:
        findings = ip.list_copy_findings(store=store)
        images = {f.listing_id: f for f in findings if f.rule == "image_copy"}
        expected = {f"LS-{name}-{edit}" for name in ("D-1-1", "D-1-2", "D-2-1", "D-2-2", "W-IMG-1") for edit in EDITS}
        assert set(images) == expected  # all 25 copies, no unrelated picture, not the design holder's own shop
        for listing_id, finding in images.items():
            assert finding.right_id == RIGHT_OF[listing_id[3:].rsplit("-", 2)[0]], listing_id
            assert finding.threshold == 12 and finding.rule_version == "1"
            assert finding.evidence["listing_sha256"] != finding.evidence["registered_sha256"]
            assert finding.how == "mirrored" if listing_id.endswith("mirrored") else finding.how in ("same", "cropped")
            assert finding.measure <= 12 or finding.how == "cropped"
        assert images["LS-D-1-1-jpeg"].right_kind == "design" and images["LS-W-IMG-1-jpeg"].right_kind == "work"
        assert images["LS-D-2-1-resized"].owner == "Dyson Technology Limited"

        texts = {f.listing_id: f for f in findings if f.rule == "text_copy"}
        assert {k: f.right_id for k, f in texts.items()} == {k: work for k, (work, _) in EDITED_COPIES.items()}
        assert texts["LS-T2"].evidence["containment"] >= 0.7  # padded with the seller's own sentences
        assert all(f.measure >= f.threshold for k, f in texts.items() if f.how == "similar")

        with store.factory() as session:
            hashes = list(session.scalars(select(ImageHashRow)))
        assert len(hashes) == 43 and all(len(h.phash) == 16 and len(h.sha256) == 64 for h in hashes)
        assert not list((tmp_path / "home").rglob("*.png")) and not list((tmp_path / "home").rglob("*.jpg"))
    finally:
        store.close()

    again = runner.invoke(app, ["ip", "scan"], env=env)
    assert again.exit_code == 0, again.output
    assert "(0 new findings)" in " ".join(again.output.split())
    assert "images hashed 0, reused 43" in " ".join(again.output.split())
