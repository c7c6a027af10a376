"""Copy screening on both stores: hashes kept (not images) and reused, a right's owner exempt, URLs not fetched."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from cbec.feeds.service import ingest
from cbec.ip import service as ip
from cbec.ip.copy_models import ImageHashRow
from cbec.storage.store import Store

from .copies_world import OWNER_SELLER, REGISTERED_TEXTS, SELLER, T0, picture


def test_a_scan_keeps_explained_findings_once_and_reuses_the_hashes(store: Store, tmp_path: Path) -> None:
    picture(5).save(tmp_path / "view.png")
    picture(5).rotate(0).resize((300, 300)).save(tmp_path / "copy.jpg", quality=60)
    picture(6).save(tmp_path / "other.png")
    (store.settings.home_dir / "images").mkdir(parents=True)
    picture(5).save(store.settings.home_dir / "images" / "relative.png")  # a path relative to CBEC_HOME/images
    files = {
        "enterprises": "enterprise_id,name,city,kind\n"
        f"{SELLER},杭州某某贸易有限公司,杭州市,trader\n{OWNER_SELLER},Dyson Technology Limited,宁波市,trader\n",
        "patents": "patent_id,kind,title,owner,classes,views,jurisdiction,valid_from,valid_to\n"
        f"ZL-D,design,吸尘器,Dyson Technology Limited,15-05,{tmp_path / 'view.png'},GB,2021-01-01,2035-01-01\n",
        "copyrights": "work_id,kind,title,owner,content\n"
        f"W-TEXT-2,text,耳机描述,Dyson Technology Limited,{REGISTERED_TEXTS['W-TEXT-2']}\n",
        "listings": "listing_id,platform_id,enterprise_id,title,image,listed_at,description\n"
        f"LS-1,PF-1,{SELLER},吸尘器,{tmp_path / 'copy.jpg'},2026-10-01T10:00:00+08:00,\n"
        f"LS-2,PF-1,{SELLER},吸尘器,{tmp_path / 'other.png'},2026-10-01T10:00:00+08:00,\n"
        f"LS-3,PF-1,{OWNER_SELLER},吸尘器,{tmp_path / 'view.png'},2026-10-01T10:00:00+08:00,"
        f"{REGISTERED_TEXTS['W-TEXT-2']}\n"
        f"LS-4,PF-2,{SELLER},耳机,https://img.example.com/LS-4.jpg,2026-10-01T10:00:00+08:00,"
        f"【热卖】{REGISTERED_TEXTS['W-TEXT-2']}\n"
        f"LS-5,PF-2,{SELLER},吸尘器,file://{tmp_path / 'missing.png'},2026-10-01T10:00:00+08:00,\n"
        f"LS-6,PF-2,{SELLER},吸尘器,relative.png,2026-10-01T10:00:00+08:00,\n",
    }
    for feed, text in files.items():
        path = tmp_path / f"{feed}.csv"
        path.write_text(text, encoding="utf-8")
        ingest(store=store, feed=feed, paths=[path])

    first = ip.scan_copies(store=store, now=T0)
    assert first.model_dump() == {
        "registered_images": 1,
        "registered_texts": 1,
        "listings": 6,
        "images_hashed": 5,  # the view, LS-1, LS-2, LS-3 (the owner's own picture: hashed, then exempt) and LS-6
        "images_reused": 0,
        "images_remote": 1,
        "images_missing": 1,
        "image_findings": 2,
        "text_findings": 1,
        "new_findings": 3,
    }
    findings = {f.listing_id: f for f in ip.list_copy_findings(store=store)}
    assert set(findings) == {"LS-1", "LS-4", "LS-6"}  # LS-3 is the owner's shop, LS-2 another picture
    image = findings["LS-1"]
    assert (image.rule, image.right_kind, image.right_id, image.how) == ("image_copy", "design", "ZL-D", "same")
    assert image.measure <= image.threshold == 12 and image.evidence["registered_hash_id"] > 0
    text = findings["LS-4"]
    assert (text.rule, text.right_id, text.platform_id) == ("text_copy", "W-TEXT-2", "PF-2")
    assert text.evidence["containment"] == 1.0 and text.evidence["shingle_characters"] == 3

    second = ip.scan_copies(store=store, now=T0)
    assert (second.images_hashed, second.images_reused, second.new_findings) == (0, 5, 0)
    with store.factory() as session:
        assert session.scalar(select(func.count()).select_from(ImageHashRow)) == 5
