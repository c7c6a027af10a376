"""Consumers' personal data in complaint cases: opened only for a stated reason, erased, keys rotated."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from cbec.audit import service as audit
from cbec.auth.domain import REGULATOR_ADMIN, Principal
from cbec.complaints.config import shipped_config
from cbec.complaints.keys import load_keyring
from cbec.complaints.models import ComplaintCase
from cbec.core.pii import mask_personal
from cbec.core.privacy import KeyRing, rewrap, seal, unseal
from cbec.core.workflow import SYSTEM_ACTOR
from cbec.storage.engine import transaction
from cbec.storage.store import Store

PERSONAL = ("consumer_name", "consumer_phone", "consumer_id_number", "consumer_address")
TEXT_PERSONAL = "text_personal"  # the original free text, sealed, when it held personal data


def seal_text(text: str, ring: KeyRing) -> tuple[str, str | None]:
    """Return a complaint's text with personal data masked, and the original sealed (None: nothing found).

    Mobile numbers, resident ID numbers, bank card numbers and e-mail addresses typed into the text are
    shown masked like the dedicated fields; the original opens only through `reveal_personal`.
    """
    masked, found = mask_personal(text)
    return (masked, seal(text, ring, TEXT_PERSONAL)) if found else (text, None)


def reveal_personal(*, store: Store, case_id: int, principal: Principal, reason: str) -> dict[str, str | None]:
    """Open a case's personal data for a regulator's admin who states why; the access itself is audited."""
    principal.require(REGULATOR_ADMIN)
    ring = load_keyring(store.settings)
    with transaction(store.factory) as session:
        case = session.get_one(ComplaintCase, case_id)
        audit.record(
            session,
            actor=principal.username,
            action="complaint.reveal_personal",
            entity="complaint",
            entity_id=case_id,
            after={"reason": reason},
        )
        opened = {f: (None if getattr(case, f) is None else unseal(getattr(case, f), ring, f)) for f in PERSONAL}
        sealed_text = case.text_personal
        return opened | {"text": case.text if sealed_text is None else unseal(sealed_text, ring, TEXT_PERSONAL)}


def erase_personal(*, store: Store, case_id: int, actor: str, reason: str, now: datetime | None = None) -> None:
    """Erase a case's personal data (on the consumer's request or at the end of retention); the case stays."""
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        case = session.get_one(ComplaintCase, case_id)
        for f in (*PERSONAL, TEXT_PERSONAL):
            setattr(case, f, None)
        case.personal_erased_at = now
        audit.record(
            session,
            actor=actor,
            action="complaint.erase_personal",
            entity="complaint",
            entity_id=case_id,
            after={"reason": reason},
            now=now,
        )


def purge_expired(*, store: Store, now: datetime | None = None) -> int:
    """Erase the personal data of complaints closed longer ago than the retention period; return how many."""
    now = now or datetime.now(UTC)
    years = shipped_config().retention.years_after_closure
    cutoff = now.replace(year=now.year - years)
    with store.factory() as session:
        ids = list(
            session.scalars(
                select(ComplaintCase.id).where(
                    ComplaintCase.closed_at.is_not(None),
                    ComplaintCase.closed_at < cutoff,
                    ComplaintCase.personal_erased_at.is_(None),
                )
            )
        )
    for case_id in ids:
        erase_personal(store=store, case_id=case_id, actor=SYSTEM_ACTOR, reason=f"retention {years} years", now=now)
    return len(ids)


def rotate_keys(*, store: Store, actor: str = "system") -> int:
    """Re-wrap every sealed value's data key under the current master key; return the values re-wrapped."""
    ring = load_keyring(store.settings)
    count = 0
    with transaction(store.factory) as session:
        for case in session.scalars(select(ComplaintCase)):
            for f in (*PERSONAL, TEXT_PERSONAL):
                value = getattr(case, f)
                if value is not None and (new := rewrap(value, ring, f)) != value:
                    setattr(case, f, new)
                    count += 1
        audit.record(
            session,
            actor=actor,
            action="privacy.rotate",
            entity="key_ring",
            entity_id=ring.current[0],
            after={"rewrapped": count},
        )
    return count
