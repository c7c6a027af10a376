"""Data quality of an institution's own feed: late rows against T+1 in working days, malformed, duplicates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pyarrow as pa

from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.storage.lake import connect
from cbec.supervision.measures import reporting_quality


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_late_malformed_and_duplicate_rows_are_counted_per_institution_with_their_ids() -> None:
    con = connect()
    payments = pa.table(
        {
            "institution_id": ["PI-A", "PI-A", "PI-A", "PI-B", "PI-B"],
            "payment_id": ["a1", "a2", "a3", "b1", "b2"],
            # Tue 29 Sep is due by the end of Wed 30 Sep; Wed 30 Sep is due by Thu 8 Oct (National Day)
            "initiated_at": [
                at("2026-09-29 10:00"),
                at("2026-09-30 10:00"),
                at("2026-09-30 11:00"),
                at("2026-09-30 12:00"),
                at("2026-09-30 13:00"),
            ],
            "month": ["2026-09"] * 5,
            "_batch_id": [1, 1, 2, 3, 4],
        }
    )
    con.register("_payments", payments)
    con.execute("CREATE VIEW payments AS SELECT * FROM _payments")
    receipts = [
        (1, at("2026-10-08 20:00"), 0),  # a1 late (due 30 Sep), a2 in time (due 8 Oct)
        (2, at("2026-10-09 09:00"), 2),  # a3 late; two duplicate rows of PI-A
        (3, at("2026-10-01 09:00"), 0),
        (4, at("2026-12-01 09:00"), 5),  # an archive replay after the judged window: not judged
    ]
    quarantined = [(10, 2, "PI-A,a9,2026-09-30,not-a-number"), (11, 3, "garbled row"), (12, 3, "PI-B,b9,x")]
    result = reporting_quality(
        con,
        "2026-09",
        receipts=receipts,
        quarantined=quarantined,
        calendar=WorkingCalendar(),
        late_after_working_days=1,
        judged_until=at("2026-10-21 23:59:59"),
    )
    a, b = result["PI-A"], result["PI-B"]
    assert (a["reported"], a["late"], sorted(a["late_ids"]), a["unjudged_replayed"]) == (
        3,
        2,
        ["a1", "a3"],
        0,
    )
    assert (a["malformed"], a["malformed_ids"], a["duplicates"], a["duplicate_batches"]) == (1, [10], 2, [2])
    assert (b["reported"], b["late"], b["unjudged_replayed"], b["malformed_ids"]) == (2, 0, 1, [12])
    assert b["duplicates"] == 5  # batch 4 reported PI-B only
    assert a["share"] == Decimal(5) / Decimal(6)  # (late + malformed + duplicates) / rows sent
