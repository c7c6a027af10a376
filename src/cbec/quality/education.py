"""Consumer education: events from the education_events feed (and the few entered by hand), reach by channel and city.

The feed is the source (channel, day, organiser, city, reach); `cbec education add` still records an event by
hand, counted under the channel `entered_by_hand` since it names none. Reach is compared with the yearly target
(quality.yaml, 100,000 people [LIU §5.3]) and with its pace: the target's share of the months gone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from cbec.audit import service as audit
from cbec.core.regions import find_city
from cbec.feeds.service import register_rows
from cbec.quality.config import shipped_config
from cbec.quality.models import EducationEvent
from cbec.quality.schemas import EducationEventRead, EducationReach, ReachGroup
from cbec.storage.engine import transaction
from cbec.storage.store import Store

BY_HAND = "entered_by_hand"
FEED = "education_events"


def add_education_event(
    *,
    store: Store,
    held_on: date,
    city: str,
    topic: str,
    attendance: int,
    organiser: str,
    actor: str = "system",
) -> int:
    """Record a consumer-education event with its attendance (by hand; the feed is the usual way in)."""
    if attendance < 0:
        raise ValueError("attendance cannot be negative")
    now = datetime.now(UTC)
    with transaction(store.factory) as session:
        event = EducationEvent(
            held_on=held_on, city=city, topic=topic, attendance=attendance, organiser=organiser, created_at=now
        )
        audit.record_added(
            session,
            event,
            actor=actor,
            action="education.add",
            after={"held_on": held_on.isoformat(), "city": city, "attendance": attendance},
            now=now,
        )
        return event.id


def _city(name: str) -> str:
    found = find_city(name)
    return found.name_zh if found else name


def education_events(*, store: Store, first: date, last: date) -> list[EducationEventRead]:
    """Return the events held between two days (inclusive), from the feed and by hand, latest first."""
    events = [
        EducationEventRead(
            event_id=str(r["event_id"]),
            channel=str(r["channel"]),
            held_on=r["held_on"],
            organiser=str(r["organiser"]),
            city=_city(str(r["city"])),
            reach=int(r["reach"]),
            topic=r["topic"],
        )
        for r in register_rows(store=store, feed=FEED)
        if first <= r["held_on"] <= last
    ]
    with store.factory() as session:
        rows: list[Any] = list(
            session.execute(select(EducationEvent).where(EducationEvent.held_on.between(first, last))).scalars()
        )
    events += [
        EducationEventRead(
            event_id=f"hand-{e.id}",
            channel=BY_HAND,
            held_on=e.held_on,
            organiser=e.organiser,
            city=_city(e.city),
            reach=e.attendance,
            topic=e.topic,
        )
        for e in rows
    ]
    return sorted(events, key=lambda e: (e.held_on, e.event_id), reverse=True)


def _groups(events: list[EducationEventRead], key: str) -> list[ReachGroup]:
    sums: dict[str, list[int]] = {}
    for e in events:
        s = sums.setdefault(str(getattr(e, key)), [0, 0])
        s[0] += 1
        s[1] += e.reach
    return [ReachGroup(key=k, events=n, reach=r) for k, (n, r) in sorted(sums.items(), key=lambda kv: -kv[1][1])]


def education_reach(*, store: Store, year: int, through_month: int = 12) -> EducationReach:
    """Return the people reached in a year up to a month, by channel and city, against the target and its pace."""
    target = shipped_config().education_target_per_year
    last = date(year + 1, 1, 1) if through_month == 12 else date(year, through_month + 1, 1)
    events = education_events(store=store, first=date(year, 1, 1), last=date.fromordinal(last.toordinal() - 1))
    total = sum(e.reach for e in events)
    pace = (Decimal(target) * through_month / 12).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    by_city = _groups(events, "city")
    return EducationReach(
        year=year,
        through_month=through_month,
        events=len(events),
        attendance=total,
        target=target,
        share_of_target=round(total / target, 4),
        pace_target=int(pace),
        on_pace=total >= pace,
        by_city={g.key: g.reach for g in sorted(by_city, key=lambda g: g.key)},
        by_channel=_groups(events, "channel"),
        cities=by_city,
        first_day=min((e.held_on for e in events), default=None),
    )
