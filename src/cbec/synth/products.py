"""Product quality and IP feeds sized by the register: filings, inspections, listings, trademarks."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cbec.synth import calibration as cal
from cbec.synth import catalogue as cat
from cbec.synth import codes
from cbec.synth.batch import Context
from cbec.synth.codes import SECONDS_PER_DAY
from cbec.synth.columns import FEED_COLUMNS, LABEL_COLUMNS
from cbec.synth.month import cumulative, draw
from cbec.synth.trade import products_of

_YEAR = 365 * SECONDS_PER_DAY
_EXPORT_PLATFORMS = [p for p in cal.PLATFORMS if p.segment_weights.get("export_retail")]
_TITLE_TAILS = (
    "New Arrival",
    "Free Shipping",
    "2 Pack",
    "Wholesale",
    "Gift for Her",
    "Best Seller",
    "Premium",
)


def _table(feed: str, columns: dict[str, pa.Array | list[str]]) -> pa.Table:
    """Build a feed's table, checking its columns against the contract."""
    assert tuple(columns) == FEED_COLUMNS[feed], feed
    return pa.table({k: v if isinstance(v, pa.Array) else pa.array(v, type=pa.string()) for k, v in columns.items()})


# Foreign standards an importer cites beside (or for) the Chinese ones, by HS heading and origin ("*": any).
_FOREIGN_CITED = {
    ("1901", "*"): "CXS 72-1981",
    ("3304", "FR"): "Regulation (EC) No 1223/2009",
    ("3303", "FR"): "Regulation (EC) No 1223/2009",
    ("3304", "KR"): "ISO 22716:2007",
    ("3304", "JP"): "ISO 22716:2007",
    ("2106", "US"): "21 CFR 101",
    ("1905", "*"): "21 CFR 172.730",
    ("2204", "*"): "Regulation (EU) No 1169/2011",
}
FOREIGN_CITING_SHARE = 0.3  # of import filings that cite any standard


def _with_foreign(rng: np.random.Generator, cited: list[str], hs: list[str], origin: list[str]) -> list[str]:
    """Add an origin's standard to some import filings (a separate stream: the other columns stay as they were)."""
    out = []
    for text, code, country in zip(cited, hs, origin, strict=True):
        foreign = _FOREIGN_CITED.get((code[:4], country)) or _FOREIGN_CITED.get((code[:4], "*"))
        if foreign and text and country != "CN" and rng.random() < FOREIGN_CITING_SHARE:
            text = f"{text};{foreign}"
        out.append(text)
    return out


def filings_and_inspections(rng: np.random.Generator, ctx: Context) -> tuple[pa.Table, pa.Table]:
    """File products for producers and sample a quarter of the filings this month (about 5% fail)."""
    reg = ctx.registers
    owners = np.repeat(reg.exporters, cal.FILINGS_PER_PRODUCER)
    n = len(owners)
    exp_products, exp_cdf = products_of("export")
    imp_products, imp_cdf = products_of("import")
    trader = np.asarray(cal.ENTERPRISE_KINDS)[reg.kind[owners]] == "trader"
    imported = trader & (rng.random(n) < 0.5)
    product = np.where(imported, imp_products[draw(rng, imp_cdf, n)], exp_products[draw(rng, exp_cdf, n)])
    origin = [
        cat.PRODUCTS[p].origins[int(rng.integers(len(cat.PRODUCTS[p].origins)))] if imp else "CN"
        for p, imp in zip(product, imported, strict=True)
    ]
    branded = rng.random(n) < 0.7
    filed = ctx.month.start - rng.integers(0, 3 * _YEAR, n)
    status = draw(rng, cumulative((0.90, 0.07, 0.03)), n)
    filing_ids = codes.hex_ids("BA", np.arange(n, dtype=np.int64), ctx.keys["filing"])
    filings = _table(
        "filings",
        {
            "filing_id": filing_ids,
            "enterprise_id": codes.pick_from(reg.ids, owners),
            "product_name": [cat.PRODUCTS[p].name for p in product],
            "brand": [reg.brands[o] if b else "" for o, b in zip(owners, branded, strict=True)],
            "hs_code": [cat.PRODUCTS[p].hs_code for p in product],
            "origin_country": origin,
            "standards": _with_foreign(
                np.random.default_rng([ctx.seed, 21]),
                [cat.PRODUCTS[p].standards for p in product],
                [cat.PRODUCTS[p].hs_code for p in product],
                origin,
            ),
            "filed_at": codes.local_timestamps(filed),
            "status": codes.pick(("approved", "pending", "revoked"), status),
        },
    )
    sampled = np.sort(rng.choice(n, max(1, round(n * cal.INSPECTION_SHARE)), replace=False))
    m = len(sampled)
    failed = np.zeros(m, dtype=np.bool_)
    failed[rng.choice(m, max(1, round(m * cal.INSPECTION_FAIL_SHARE)), replace=False)] = True
    defect = rng.integers(0, len(cat.DEFECTS), m)
    inspections = _table(
        "inspections",
        {
            "inspection_id": codes.hex_ids("IN", sampled, ctx.keys["inspection"]),
            "enterprise_id": codes.pick_from(reg.ids, owners[sampled]),
            "filing_id": filing_ids.take(pa.array(sampled)),
            "product_name": [cat.PRODUCTS[p].name for p in product[sampled]],
            "sampled_at": codes.local_timestamps(ctx.month.uniform(rng, m)),
            "result": codes.pick(("pass", "fail"), failed.astype(np.int64)),
            "defect": codes.pick(cat.DEFECTS, defect, ~failed),
            "agency": codes.pick(cat.INSPECTION_AGENCIES, rng.integers(0, len(cat.INSPECTION_AGENCIES), m)),
        },
    )
    return filings, inspections


def trademarks(rng: np.random.Generator, ctx: Context) -> tuple[pa.Table, np.ndarray]:
    """Register famous marks and the overseas marks of some sellers; return the table and owner flags."""
    reg = ctx.registers
    owns = np.zeros(reg.size, dtype=np.bool_)
    owners = reg.exporters[rng.random(len(reg.exporters)) < cal.OWN_MARKS_PER_ENTERPRISE]
    owns[owners] = True
    texts = [m[0] for m in cat.FAMOUS_MARKS] + [reg.brands[o] for o in owners]
    holders = [m[1] for m in cat.FAMOUS_MARKS] + [reg.names[o] for o in owners]
    classes = [m[2] for m in cat.FAMOUS_MARKS] + [
        ";".join(sorted(set(rng.choice(cat.MARK_CLASSES_BY_TRADE, int(rng.integers(1, 3))).tolist()), key=int))
        for _ in owners
    ]
    places = [m[3] for m in cat.FAMOUS_MARKS] + rng.choice(cat.MARK_JURISDICTIONS, len(owners)).tolist()
    n = len(texts)
    age = np.where(np.arange(n) < len(cat.FAMOUS_MARKS), rng.integers(15, 40, n), rng.integers(0, 8, n))
    registered = ctx.month.start - age * _YEAR - rng.integers(0, _YEAR, n)
    table = _table(
        "trademarks",
        {
            "mark_id": codes.hex_ids("TM", np.arange(n, dtype=np.int64), ctx.keys["mark"]),
            "mark_text": texts,
            "owner": holders,
            "nice_classes": classes,
            "jurisdiction": places,
            "registered_at": codes.local_dates(registered // SECONDS_PER_DAY),
            "image": codes.constant("", n),
        },
    )
    return table, owns


def listings(rng: np.random.Generator, ctx: Context, owns_mark: np.ndarray) -> tuple[pa.Table, pa.Table]:
    """List the sellers' products; a few titles use a look-alike of a famous mark (labelled)."""
    reg = ctx.registers
    sellers = np.repeat(reg.exporters, cal.LISTINGS_PER_SELLER)
    n = len(sellers)
    exp_products, exp_cdf = products_of("export")
    product = exp_products[draw(rng, exp_cdf, n)]
    lookalike = rng.random(n) < cal.LOOKALIKE_SHARE
    famous = rng.integers(0, len(cat.FAMOUS_MARKS), n)
    own = owns_mark[sellers] | (rng.random(n) < 0.3)
    brands, titles = [], []
    for i in range(n):
        if lookalike[i]:
            variants = cat.FAMOUS_MARKS[famous[i]][4]
            brand = variants[int(rng.integers(len(variants)))]
        else:
            brand = reg.brands[sellers[i]] if own[i] else ""
        tail = _TITLE_TAILS[int(rng.integers(len(_TITLE_TAILS)))]
        titles.append(" ".join(x for x in (brand, cat.PRODUCTS[product[i]].name_en, tail) if x))
        brands.append(brand)
    platform = np.array([cal.PLATFORMS.index(p) for p in _EXPORT_PLATFORMS])[
        draw(rng, cumulative([p.segment_weights["export_retail"] for p in _EXPORT_PLATFORMS]), n)
    ]
    price = np.maximum(99, rng.lognormal(np.log(2_500), 0.8, n)).astype(np.int64)
    ids = codes.hex_ids("LS", np.arange(n, dtype=np.int64), ctx.keys["listing"])
    table = _table(
        "listings",
        {
            "listing_id": ids,
            "platform_id": codes.pick([p.platform_id for p in cal.PLATFORMS], platform),
            "enterprise_id": codes.pick_from(reg.ids, sellers),
            "title": titles,
            "brand": brands,
            "price": codes.decimal_amounts(price),
            "currency": codes.constant("USD", n),
            "image": codes.join("https://img.example.com/listings/", ids, ".jpg"),
            "listed_at": codes.local_timestamps(ctx.month.end - 1 - rng.integers(0, _YEAR, n)),
        },
    )
    flagged = np.flatnonzero(lookalike)
    labels = pa.table(
        {
            "feed": codes.constant("listings", len(flagged)),
            "key": ids.take(pa.array(flagged)),
            "institution_id": codes.constant("", len(flagged)),
            "pattern": codes.constant("lookalike_brand", len(flagged)),
        }
    )
    assert tuple(labels.column_names) == LABEL_COLUMNS
    return table, labels
