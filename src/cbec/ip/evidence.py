"""Evidence on takedown cases: files kept under CBEC_HOME with their SHA-256, and the package for a complaint or court.

A file given in evidence is stored once per case under `CBEC_HOME/evidence/takedowns/<case>/<sha256>` (written
atomically, storage/files.py) and recorded with its name, size and SHA-256; the addition is audited. The evidence
package of a case is a zip: the files, the case's timeline, the findings against the listing and its seller,
the border flags of the seller, a statement in Chinese (案件说明.txt) and a manifest.json giving every file's
SHA-256 and size. A stored file whose bytes no longer match its recorded SHA-256 stops the export.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.auth.domain import PLATFORM, SYSTEM, NotVisible, Principal
from cbec.casework import service as casework
from cbec.core.clock import SHANGHAI
from cbec.ip.copy_models import BorderFlag, CopyFinding, TakedownEvidence
from cbec.ip.models import TAKEDOWNS, ListingFinding, TakedownCase, TakedownTransition
from cbec.ip.schemas import EvidencePackage, EvidenceRead, TakedownStepRead
from cbec.storage.engine import transaction
from cbec.storage.files import safe_name, write_atomic
from cbec.storage.store import Store

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


class EvidenceError(ValueError):
    """An evidence file refused (empty, too large) or a stored file that no longer matches its checksum."""


def can_see_case(principal: Principal, case: TakedownCase) -> bool:
    """Tell whether the principal may see a takedown case (a platform its own, a seller those against it)."""
    if principal.role == PLATFORM:
        return principal.can_see("platform_id", case.platform_id)
    return principal.can_see("enterprise_id", case.enterprise_id)


def visible_case(session: Session, case_id: int, principal: Principal) -> TakedownCase:
    """Return the case if the principal may see it, else raise NotVisible (as for a case that does not exist)."""
    case = session.get(TakedownCase, case_id)
    if case is None or not can_see_case(principal, case):
        raise NotVisible(f"no takedown case {case_id} / 下架案件 {case_id} 不存在")
    return case


def add_evidence(
    *,
    store: Store,
    case_id: int,
    name: str,
    data: bytes,
    actor: str,
    principal: Principal = SYSTEM,
    now: datetime | None = None,
) -> EvidenceRead:
    """Keep a file in evidence on a case (once: the same bytes again return the stored record)."""
    if not data:
        raise EvidenceError("证据文件为空 / the evidence file is empty")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(f"证据文件超过 {MAX_EVIDENCE_BYTES // 2**20} MiB / evidence file too large")
    now = now or datetime.now(UTC)
    digest = hashlib.sha256(data).hexdigest()
    with transaction(store.factory) as session:
        case = visible_case(session, case_id, principal)
        stored = session.scalars(
            select(TakedownEvidence).where(TakedownEvidence.case_id == case.id, TakedownEvidence.sha256 == digest)
        ).first()
        if stored is not None:
            return EvidenceRead.model_validate(stored)
        relative = Path("evidence") / "takedowns" / str(case.id) / digest
        write_atomic(store.settings.home_dir / relative, data, mode=0o600)
        row = TakedownEvidence(
            case_id=case.id,
            name=safe_name(name),
            path=str(relative),
            sha256=digest,
            size=len(data),
            added_by=actor,
            added_at=now,
        )
        session.add(row)
        session.flush()
        audit.record_change(
            session,
            case,
            actor=actor,
            action="takedown.evidence_add",
            after={"name": row.name, "sha256": digest, "size": len(data)},
            now=now,
        )
        return EvidenceRead.model_validate(row)


def list_evidence(*, store: Store, case_id: int, principal: Principal = SYSTEM) -> list[EvidenceRead]:
    """Return the files in evidence on a case, oldest first."""
    with store.factory() as session:
        visible_case(session, case_id, principal)
        query = select(TakedownEvidence).where(TakedownEvidence.case_id == case_id).order_by(TakedownEvidence.id)
        return [EvidenceRead.model_validate(e) for e in session.scalars(query)]


def takedown_steps(*, store: Store, case_id: int, principal: Principal = SYSTEM) -> list[TakedownStepRead]:
    """Return a case's steps, oldest first."""
    with store.factory() as session:
        visible_case(session, case_id, principal)
        return [TakedownStepRead.model_validate(t) for t in casework.history(session, TAKEDOWNS, case_id)]


def _local(value: datetime) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _findings(session: Session, case: TakedownCase) -> list[dict[str, Any]]:
    marks = session.scalars(
        select(ListingFinding).where(ListingFinding.enterprise_id == case.enterprise_id).order_by(ListingFinding.id)
    )
    copies = session.scalars(
        select(CopyFinding).where(CopyFinding.enterprise_id == case.enterprise_id).order_by(CopyFinding.id)
    )
    out: list[dict[str, Any]] = [
        {
            "id": f"ip_listing_findings:{f.id}",
            "rule": "trademark",
            "listing_id": f.listing_id,
            "right": f.mark_id,
            "matched": f.mark_text,
            "measure": str(f.score),
            "signals": f.signals,
            "found_at": _local(f.found_at),
        }
        for f in marks
    ]
    out += [
        {
            "id": f"ip_copy_findings:{c.id}",
            "rule": f"{c.rule} v{c.rule_version}",
            "listing_id": c.listing_id,
            "right": c.right_id,
            "matched": c.matched,
            "measure": str(c.measure),
            "threshold": str(c.threshold),
            "how": c.how,
            "evidence": c.evidence,
            "found_at": _local(c.found_at),
        }
        for c in copies
    ]
    return out


def _statement(
    case: TakedownCase, steps: list[TakedownTransition], findings: list[dict[str, Any]], flags: list[BorderFlag]
) -> str:
    lines = [
        f"知识产权下架案件证据材料 — 案件编号 {case.id}",
        "",
        f"商品链接:{case.listing_id}(平台 {case.platform_id})",
        f"被通知经营者(统一社会信用代码):{case.enterprise_id}",
        f"权利人:{case.rights_holder};涉及权利:{case.mark_id}",
        f"通知时间:{_local(case.opened_at)};当前状态:{case.state}",
        f"权利人初步证据说明:{case.evidence or '(无)'}",
        "",
        "一、处理经过(《电子商务法》第四十二条至第四十五条)",
        f"  {_local(case.opened_at)}  notify:权利人通知 → notified({case.rights_holder})",
    ]
    lines += [f"  {_local(s.at)}  {s.action}:{s.from_state or '—'} → {s.to_state}({s.actor}){s.reason}" for s in steps]
    lines += ["", f"二、监测发现({len(findings)} 项,详见 findings.json)"]
    lines += [
        f"  {f['id']}  规则 {f['rule']}  链接 {f['listing_id']}  权利 {f['right']}  度量 {f['measure']}"
        for f in findings
    ]
    lines += ["", f"三、海关边境布控提示({len(flags)} 项,详见 border_flags.json)"]
    lines += [f"  报关单 {b.declaration_id}  备案 {b.recordation_id}  HS {b.hs_code}  权利人 {b.owner}" for b in flags]
    lines += ["", "四、证据文件(SHA-256 校验值见 manifest.json)"]
    return "\n".join(lines) + "\n"


def evidence_package(
    *, store: Store, case_id: int, out: Path, actor: str, principal: Principal = SYSTEM, now: datetime | None = None
) -> EvidencePackage:
    """Write a case's evidence package as a zip at `out` (see module doc); return its files with their SHA-256."""
    now = now or datetime.now(UTC)
    entries: list[tuple[str, bytes]] = []
    with transaction(store.factory) as session:
        case = visible_case(session, case_id, principal)
        steps = casework.history(session, TAKEDOWNS, case.id)
        findings = _findings(session, case)
        flags = list(
            session.scalars(
                select(BorderFlag).where(BorderFlag.enterprise_id == case.enterprise_id).order_by(BorderFlag.id)
            )
        )
        files = list(
            session.scalars(
                select(TakedownEvidence).where(TakedownEvidence.case_id == case.id).order_by(TakedownEvidence.id)
            )
        )
        statement = _statement(case, steps, findings, flags)
        for n, evidence in enumerate(files, start=1):
            data = (store.settings.home_dir / evidence.path).read_bytes()
            if hashlib.sha256(data).hexdigest() != evidence.sha256:
                wrong = f"证据文件 {evidence.name} 校验值不符 / {evidence.name} no longer matches its SHA-256"
                raise EvidenceError(wrong)
            entries.append((f"files/{n:02d}_{evidence.name}", data))
            statement += f"  files/{n:02d}_{evidence.name}  {evidence.size} 字节  SHA-256 {evidence.sha256}\n"
        timeline = io.StringIO()
        writer = csv.writer(timeline, lineterminator="\n")
        writer.writerow(["时间", "动作", "原状态", "新状态", "操作人", "理由"])
        writer.writerow([_local(case.opened_at), "notify", "", "notified", case.rights_holder, case.evidence])
        for s in steps:
            writer.writerow([_local(s.at), s.action, s.from_state or "", s.to_state, s.actor, s.reason])
        border = [
            {
                "declaration_id": b.declaration_id,
                "recordation_id": b.recordation_id,
                "hs_code": b.hs_code,
                "right": f"{b.right_kind}:{b.right_id}",
                "owner": b.owner,
                "evidence": b.evidence,
            }
            for b in flags
        ]
        entries = [
            ("案件说明.txt", statement.encode("utf-8")),
            ("timeline.csv", timeline.getvalue().encode("utf-8-sig")),
            ("findings.json", json.dumps(findings, ensure_ascii=False, indent=2).encode("utf-8")),
            ("border_flags.json", json.dumps(border, ensure_ascii=False, indent=2).encode("utf-8")),
            *entries,
        ]
        listed = [(name, hashlib.sha256(data).hexdigest(), len(data)) for name, data in entries]
        manifest = {
            "case_id": case.id,
            "kind": "takedown",
            "generated_at": _local(now),
            "generated_by": actor,
            "purpose": "行政投诉或诉讼证据 / evidence for an administrative complaint or a court filing",
            "files": [{"name": n, "sha256": h, "bytes": b} for n, h, b in listed],
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=now.astimezone(SHANGHAI).timetuple()[:6])
                archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
            info = zipfile.ZipInfo("manifest.json", date_time=now.astimezone(SHANGHAI).timetuple()[:6])
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            archive.writestr(info, manifest_bytes, compress_type=zipfile.ZIP_DEFLATED)
        write_atomic(out, buffer.getvalue())
        audit.record_change(
            session,
            case,
            actor=actor,
            action="takedown.evidence_export",
            after={"files": len(listed), "sha256": hashlib.sha256(buffer.getvalue()).hexdigest()},
            now=now,
        )
    return EvidencePackage(case_id=case_id, path=str(out), files=listed)
