"""Customs recordations flag declarations for the border; a takedown case's evidence is kept and packaged."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from cbec.audit.models import AuditEntry
from cbec.auth.domain import NotVisible, Principal
from cbec.ip import service as ip
from cbec.storage.store import Store

from .copies_world import INFRINGER, LICENSEE, QUIET, T0, load_border_world


def test_declarations_of_recorded_goods_from_neither_owner_nor_licensee_are_flagged(
    store: Store, tmp_path: Path
) -> None:
    load_border_world(store, tmp_path)
    flags = ip.flag_border(store=store, month="2026-10", now=T0)
    assert [(f.declaration_id, f.recordation_id, f.hs_code) for f in flags] == [("DC-1", "T2021-1", "6404110000")]
    flag = flags[0]
    assert flag.enterprise_id == INFRINGER and flag.right_id == "TM-1" and flag.owner == "Nike, Inc."
    assert flag.evidence["recorded_hs"] == ["6404"] and flag.evidence["rule"] == "customs_recorded_right"
    assert (
        flag.evidence["carries_right"][0].startswith("ip_listing_findings:")
        and "LS-A" in flag.evidence["carries_right"][0]
    )
    # DC-2 other goods, DC-3 licensee, DC-4 no sign of the mark, DC-5 the owner, DC-6 another month.
    assert ip.flag_border(store=store, month="2026-10", now=T0) == flags  # again: nothing new
    assert ip.list_border_flags(store=store, month="2026-10") == flags
    mine = Principal(username="a", role="enterprise", tenant_id=INFRINGER)
    other = Principal(username="b", role="enterprise", tenant_id=LICENSEE)
    assert ip.list_border_flags(store=store, month="2026-10", principal=mine) == flags
    assert ip.list_border_flags(store=store, month="2026-10", principal=other) == []
    with pytest.raises(ValueError):
        ip.flag_border(store=store, month="2026-13")


def test_an_evidence_package_lists_every_file_with_its_hash_and_refuses_a_changed_file(
    store: Store, tmp_path: Path
) -> None:
    load_border_world(store, tmp_path)
    ip.flag_border(store=store, month="2026-10", now=T0)
    case = ip.open_takedown(
        store=store,
        listing_id="LS-A",
        platform_id="PF-1",
        enterprise_id=INFRINGER,
        mark_id="TM-1",
        rights_holder="Nike, Inc.",
        evidence="商标注册证及比对截图",
        actor="rights-holder",
        now=T0,
    )
    photo, certificate = b"\x89PNG listing screenshot", "商标注册证 第 123 号".encode()
    kept = ip.add_evidence(store=store, case_id=case.id, name="../截图 1.png", data=photo, actor="rh", now=T0)
    assert kept.name == "截图_1.png" and kept.sha256 == hashlib.sha256(photo).hexdigest() and kept.size == len(photo)
    again = ip.add_evidence(store=store, case_id=case.id, name="copy.png", data=photo, actor="rh", now=T0)
    assert again.id == kept.id  # the same bytes are kept once
    ip.add_evidence(store=store, case_id=case.id, name="certificate.txt", data=certificate, actor="rh", now=T0)
    stored = store.settings.home_dir / "evidence" / "takedowns" / str(case.id) / kept.sha256
    assert stored.read_bytes() == photo
    with pytest.raises(ValueError):
        ip.add_evidence(store=store, case_id=case.id, name="empty.txt", data=b"", actor="rh")
    ip.advance_takedown(store=store, case_id=case.id, action="take_down", actor="pf", reason="已下架", now=T0)
    outsider = Principal(username="x", role="enterprise", tenant_id=QUIET)
    with pytest.raises(NotVisible):
        ip.list_evidence(store=store, case_id=case.id, principal=outsider)

    out = tmp_path / "package.zip"
    package = ip.evidence_package(store=store, case_id=case.id, out=out, actor="regulator", now=T0)
    names = [name for name, _, _ in package.files]
    assert names == [
        "案件说明.txt",
        "timeline.csv",
        "findings.json",
        "border_flags.json",
        "files/01_截图_1.png",
        "files/02_certificate.txt",
    ]
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == sorted([*names, "manifest.json"])
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
        assert archive.read("files/01_截图_1.png") == photo
        statement = archive.read("案件说明.txt").decode("utf-8")
        assert "权利人:Nike, Inc." in statement and "take_down" in statement and "DC-1" in statement
        assert kept.sha256 in statement
        findings = json.loads(archive.read("findings.json"))
        assert [f["listing_id"] for f in findings] == ["LS-A"] and findings[0]["right"] == "TM-1"
        timeline = archive.read("timeline.csv").decode("utf-8-sig").splitlines()
        assert timeline[0].startswith("时间,动作") and [r.split(",")[1] for r in timeline[1:]] == [
            "notify",
            "take_down",
        ]
    with store.factory() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "takedown")))
    assert actions.count("takedown.evidence_add") == 2 and "takedown.evidence_export" in actions

    stored.write_bytes(b"tampered")
    with pytest.raises(ValueError, match="SHA-256"):
        ip.evidence_package(store=store, case_id=case.id, out=tmp_path / "again.zip", actor="regulator")
