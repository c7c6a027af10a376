"""The registers: Zhejiang enterprises, payment institutions and platforms."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from cbec.core.ids import complete_uscc
from cbec.synth import calibration as cal
from cbec.synth import catalogue as cat
from cbec.synth.codes import IntArray, days_from_civil, local_dates
from cbec.synth.columns import FEED_COLUMNS
from cbec.synth.month import cumulative

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997 organisation code check weights
_ENGLISH_SHORT = {"义乌": "Yiwu"}


@dataclass(frozen=True)
class Registers:
    """The enterprise register plus what the generators need to sample from it."""

    ids: pa.StringArray
    names: tuple[str, ...]
    brands: tuple[str, ...]
    city: IntArray
    kind: IntArray
    exporters: IntArray
    exporter_cdf: npt.NDArray[np.float64]
    importers: IntArray
    importer_cdf: npt.NDArray[np.float64]
    domestic_payers: IntArray
    domestic_cdf: npt.NDArray[np.float64]
    table: pa.Table

    @property
    def size(self) -> int:
        """Return the number of enterprises."""
        return len(self.ids)


def enterprise_count(payments: int) -> int:
    """Return the register size for a run of `payments` payments."""
    wanted = round(payments * cal.ENTERPRISES_PER_PAYMENT)
    return max(cal.ENTERPRISES_MIN, min(cal.ENTERPRISES_MAX, wanted))


def org_code(digits: str) -> str:
    """Append the GB 11714 check character to an 8-digit organisation code body."""
    total = sum(int(ch) * w for ch, w in zip(digits, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return digits + ("X" if check == 10 else "0" if check == 11 else str(check))


def allocate(weights: tuple[float, ...], total: int) -> list[int]:
    """Split total into integer parts proportional to weights (largest remainder)."""
    exact = [w * total / sum(weights) for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def build_registers(rng: np.random.Generator, payments: int) -> Registers:
    """Create the enterprise register for a run, with city and kind mixes per the calibration."""
    n = enterprise_count(payments)
    city = np.repeat(np.arange(len(cal.CITIES)), allocate(tuple(c.weight for c in cal.CITIES), n))
    rng.shuffle(city)
    kind = rng.choice(len(cal.ENTERPRISE_KINDS), n, p=np.asarray(cal.ENTERPRISE_KIND_WEIGHTS))
    ids, names, names_en = [], [], []
    org_digits = rng.integers(0, 10, (n, 8))
    industry_draw = rng.random(n)
    listed = rng.random(n) < 0.15
    yiwu = rng.random(n) < 0.6
    pairs = rng.integers(0, len(cat.TRADE_NAME_CHARS), (n, 2))
    syllables = np.asarray(cat.BRAND_SYLLABLES)[rng.integers(0, len(cat.BRAND_SYLLABLES), (n, 3))]
    brands = ["".join(row).capitalize() for row in syllables]
    seen_org: set[str] = set()
    seen_name: set[str] = set()
    for i in range(n):
        town = cal.CITIES[city[i]]
        org = org_code("".join(map(str, org_digits[i])))
        while org in seen_org:
            org = org_code("".join(str(d) for d in rng.integers(0, 10, 8)))
        seen_org.add(org)
        ids.append(complete_uscc("91" + town.region_code + org))
        industries = cat.INDUSTRIES[cal.ENTERPRISE_KINDS[kind[i]]]
        industry, industry_en = industries[int(industry_draw[i] * len(industries))]
        suffix = "股份有限公司" if listed[i] else "有限公司"
        short = "义乌" if town.short == "义乌" and yiwu[i] else town.name[:2]
        a, b = pairs[i]
        while True:
            (ch_a, py_a), (ch_b, py_b) = cat.TRADE_NAME_CHARS[a], cat.TRADE_NAME_CHARS[b]
            name = f"{short}{ch_a}{ch_b}{industry}{suffix}"
            if name not in seen_name and a != b:
                break
            a, b = rng.integers(0, len(cat.TRADE_NAME_CHARS), 2)
        seen_name.add(name)
        names.append(name)
        names_en.append(f"{_ENGLISH_SHORT.get(short, town.name_en)} {py_a}{py_b.lower()} {industry_en} Co., Ltd.")
    founded = rng.integers(days_from_civil(1995, 1, 1), days_from_civil(2023, 12, 31), n)
    employees = np.maximum(3, rng.lognormal(np.log(40), 1.1, n)).astype(np.int64)
    weight = rng.pareto(cal.SELLER_PARETO_SHAPE, n) + 1.0
    kind_names = np.asarray(cal.ENTERPRISE_KINDS)[kind]
    exporters = np.flatnonzero(np.isin(kind_names, ("manufacturer", "trader")))
    importers = np.flatnonzero(kind_names == "trader")
    domestic = np.flatnonzero(np.isin(kind_names, ("platform", "logistics", "service", "trader")))
    id_array = pa.array(ids, type=pa.string())
    table = pa.table(
        {
            "enterprise_id": id_array,
            "name": pa.array(names, type=pa.string()),
            "name_en": pa.array(names_en, type=pa.string()),
            "city": pa.array([cal.CITIES[c].name for c in city], type=pa.string()),
            "kind": pa.array(kind_names.tolist(), type=pa.string()),
            "founded_on": local_dates(founded),
            "employees": pa.array([str(e) for e in employees], type=pa.string()),
        }
    )
    assert tuple(table.column_names) == FEED_COLUMNS["enterprises"]
    return Registers(
        ids=id_array,
        names=tuple(names),
        brands=tuple(brands),
        city=city.astype(np.int64),
        kind=kind.astype(np.int64),
        exporters=exporters,
        exporter_cdf=cumulative(weight[exporters]),
        importers=importers,
        importer_cdf=cumulative(weight[importers]),
        domestic_payers=domestic,
        domestic_cdf=cumulative(weight[domestic]),
        table=table,
    )


def institutions_table() -> pa.Table:
    """Return the institutions register."""
    rows = cal.INSTITUTIONS
    return pa.table(
        {
            "institution_id": [i.institution_id for i in rows],
            "name": [i.name for i in rows],
            "kind": [i.kind for i in rows],
            "licence_no": [i.licence_no for i in rows],
            "country": [i.country for i in rows],
        }
    )


def platforms_table() -> pa.Table:
    """Return the platforms register."""
    rows = cal.PLATFORMS
    return pa.table(
        {
            "platform_id": [p.platform_id for p in rows],
            "name": [p.name.partition(" ")[0] for p in rows],
            "name_en": [p.name.partition(" ")[2] for p in rows],
            "enterprise_id": pa.array(["" for _ in rows], type=pa.string()),
            "city": ["杭州市" if p.country == "CN" else "" for p in rows],
            "country": [p.country for p in rows],
        }
    )
