"""Talent, consumer education and brand recognitions: cbec's own feeds for issue 22 parts 5-7.

Small tables, built row by row. Registers (training programmes, brand recognitions) depend on the seed and
the year only, so every month of a year writes the same rows and reloading them changes nothing; the
employment records and education events are the month's own.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from cbec.synth import calibration as cal
from cbec.synth.batch import Context
from cbec.synth.columns import FEED_COLUMNS

# [ASSUMED] monthly leaving rate by role (leavers / headcount); the paper names the loss of core staff (§4.5)
# without figures. Hires run slightly below leavers in the roles most in demand (the shortage of §3.4).
LEAVING_RATE = {
    "operations": 0.065, "promotion": 0.055, "product_development": 0.035, "sourcing": 0.03,
    "design_photography": 0.04, "logistics": 0.045, "other": 0.03,
}  # fmt: skip
EMPLOYERS = 240  # [ASSUMED] enterprises that report employment records in a run (at most the register)
# [LIU §5.3] at least 100,000 people a year; the demo month runs a little under the monthly pace. [ASSUMED]
EDUCATION_MONTH_REACH = 8_000
EDUCATION_CHANNELS = {  # channel: (weight of events, people reached per event low, high) [ASSUMED]
    "live_stream": (0.15, 800, 6_000),
    "short_video": (0.20, 1_000, 9_000),
    "community_lecture": (0.30, 30, 200),
    "school_lecture": (0.20, 60, 400),
    "exhibition": (0.10, 200, 1_500),
    "other": (0.05, 20, 300),
}
EDUCATION_EVENTS = 40
ORGANISERS = (
    "浙江省市场监督管理局",
    "杭州市消费者权益保护委员会",
    "宁波市商务局",
    "浙江省跨境电子商务协会",
    "义乌市消保委",
)
EDUCATION_TOPICS = ("跨境网购维权", "正品识别与假冒防范", "海外直邮退换货", "个人信息保护", "跨境支付安全")
# [LIU §5.5] up to 1,000,000 yuan per programme; one synthetic grant is above it (flagged), one exactly at it.
FUNDING_CAP_CENTS = 100_000_000
PROGRAMMES_PER_YEAR = 12
PROVIDERS = (  # (provider, kind) [LIU §5.5]: government, association, university and enterprise together
    ("浙江省商务厅", "government"),
    ("杭州市跨境电子商务协会", "association"),
    ("浙江工商大学", "university"),
    ("浙江外国语学院", "university"),
    ("义乌跨境电商产业园", "enterprise"),
    ("宁波跨境电商人才联盟", "association"),
)
PROGRAMME_NAMES = ("跨境运营实训", "海外推广与直播", "跨境产品开发", "跨境物流与通关", "跨境电商英语", "品牌出海")
# [LIU §3.2] 84 new export famous brands in 2023, 41 proposed for 2024; no figures per city (Fig. 1 is an image).
NEW_BRANDS = {2023: 84, 2024: 41}


def _city_counts(total: int) -> list[int]:
    """Share a total among the cities by their weights (largest remainder)."""
    weights = np.array([c.weight for c in cal.CITIES])
    raw = weights / weights.sum() * total
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: total - int(counts.sum())]:
        counts[i] += 1
    return [int(n) for n in counts]


def _table(feed: str, rows: list[dict[str, str]]) -> pa.Table:
    columns = FEED_COLUMNS[feed]
    return pa.table({c: pa.array([r.get(c, "") for r in rows], type=pa.string()) for c in columns})


def employment_records_table(rng: np.random.Generator, ctx: Context) -> pa.Table:
    """Report headcount, hires and leavers for the month by enterprise and role."""
    reg = ctx.registers
    period = date(ctx.month.year, ctx.month.month, 1).isoformat()
    employers = np.unique(reg.exporters[: min(EMPLOYERS, len(reg.exporters))])
    rows = []
    for e in employers:
        roles = [r for r in cal.JOB_ROLES if rng.random() < 0.75 or r == "operations"]
        for role in roles:
            headcount = int(rng.integers(2, 40))
            rate = LEAVING_RATE[role]
            leavers = int(rng.binomial(headcount, rate))
            hires = int(rng.binomial(headcount, rate * 0.9))
            rows.append(
                {
                    "enterprise_id": str(reg.ids[int(e)]),
                    "role": role,
                    "period": period,
                    "city": cal.CITIES[int(reg.city[int(e)])].name,
                    "headcount_start": str(headcount),
                    "hires": str(hires),
                    "leavers": str(leavers),
                }
            )
    return _table("employment_records", rows)


def education_events_table(rng: np.random.Generator, ctx: Context) -> pa.Table:
    """Hold the month's consumer-education events by channel; their reach adds up to the month's figure."""
    channels = list(EDUCATION_CHANNELS)
    weights = np.array([EDUCATION_CHANNELS[c][0] for c in channels])
    picked = rng.choice(len(channels), EDUCATION_EVENTS, p=weights / weights.sum())
    raw = np.array([rng.integers(*EDUCATION_CHANNELS[channels[i]][1:]) for i in picked], dtype=np.float64)
    reach = np.maximum(1, np.round(raw / raw.sum() * EDUCATION_MONTH_REACH)).astype(int)
    city_weights = np.array([c.weight for c in cal.CITIES])
    cities = rng.choice(len(cal.CITIES), EDUCATION_EVENTS, p=city_weights / city_weights.sum())
    days = rng.integers(1, ctx.month.days + 1, EDUCATION_EVENTS)
    rows = [
        {
            "event_id": f"EE-{ctx.month.index}-{i + 1:03d}",
            "channel": channels[int(picked[i])],
            "held_on": date(ctx.month.year, ctx.month.month, int(days[i])).isoformat(),
            "organiser": ORGANISERS[i % len(ORGANISERS)],
            "city": cal.CITIES[int(cities[i])].name,
            "reach": str(int(reach[i])),
            "topic": EDUCATION_TOPICS[i % len(EDUCATION_TOPICS)],
        }
        for i in range(EDUCATION_EVENTS)
    ]
    return _table("education_events", rows)


def training_programmes_table(rng: np.random.Generator, year: int) -> pa.Table:
    """Register the year's training programmes with their outcomes and the funding granted."""
    rows = []
    for i in range(PROGRAMMES_PER_YEAR):
        provider, kind = PROVIDERS[i % len(PROVIDERS)]
        start = date(year, 1 + i % 12, 1 + int(rng.integers(0, 27)))
        end = start + timedelta(days=int(rng.integers(14, 90)))
        trainees = int(rng.integers(30, 300))
        passed = int(rng.binomial(trainees, 0.8))
        placed = int(rng.binomial(passed, 0.7))
        funding = int(rng.integers(20, 90)) * 1_000_000  # hundredths: 200,000 to 900,000 yuan
        if i == 3:
            funding = FUNDING_CAP_CENTS + 20_000_000  # 1,200,000 yuan: over the cap
        elif i == 7:
            funding = FUNDING_CAP_CENTS
        rows.append(
            {
                "programme_id": f"TP-{year}-{i + 1:03d}",
                "name": f"{PROGRAMME_NAMES[i % len(PROGRAMME_NAMES)]}（{year} 第 {i // len(PROGRAMME_NAMES) + 1} 期）",
                "provider": provider,
                "provider_kind": kind,
                "mode": ("online", "offline", "blended")[i % 3],
                "city": cal.CITIES[i % len(cal.CITIES)].name,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "trainees": str(trainees),
                "tests_passed": str(passed),
                "placed_within_6_months": str(placed),
                "funding_granted": f"{funding // 100}.{funding % 100:02d}",
            }
        )
    return _table("training_programmes", rows)


def brand_recognitions_table(ctx: Context) -> pa.Table:
    """Recognise the paper's yearly totals of new export famous brands, shared among the cities."""
    reg = ctx.registers
    rows = []
    n = 0
    for year, total in NEW_BRANDS.items():
        for city_index, count in enumerate(_city_counts(total)):
            in_city = [int(e) for e in reg.exporters if int(reg.city[int(e)]) == city_index] or [int(reg.exporters[0])]
            for k in range(count):
                e = in_city[(k * 7 + year) % len(in_city)]
                n += 1
                rows.append(
                    {
                        "recognition_id": f"BR-{year}-{n:04d}",
                        "brand": reg.brands[e],
                        "enterprise_id": str(reg.ids[e]),
                        "city": cal.CITIES[city_index].name,
                        "year": str(year),
                        "level": "provincial_export_famous",
                        "source": cal.SYNTHETIC_SOURCE,
                    }
                )
    return _table("brand_recognitions", rows)
