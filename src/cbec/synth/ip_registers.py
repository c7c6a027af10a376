"""The IP registers beyond trademarks: patents and designs, registered works, customs recordations.

The famous marks' holders own a design (its views are URLs: cbec never fetches them, the image tests and the
bench draw their own pictures), an invention and a registered product description each, and record their mark
with customs for the goods their counterfeits are declared under; a few sellers with their own marks hold
utility models. Each holder licenses one or two sellers, whose declarations are then not flagged.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cbec.synth import catalogue as cat
from cbec.synth.batch import Context
from cbec.synth.codes import SECONDS_PER_DAY, local_dates
from cbec.synth.columns import FEED_COLUMNS

_YEAR = 365 * SECONDS_PER_DAY
# Per famous mark (in catalogue order): Locarno class of its design, IPC of its invention, recorded HS prefixes,
# and the product its registered description sells.
_RIGHTS: tuple[tuple[str, str, str, str], ...] = (
    (
        "02-04",
        "A43B",
        "6404;6403;6109;6104",
        "轻量缓震跑步鞋，采用透气网面鞋面与一体成型中底，回弹出色，适合日常慢跑与健身训练。",
    ),
    (
        "02-04",
        "A43B",
        "6404;6403;6109;6104",
        "经典三条纹运动鞋，橡胶大底防滑耐磨，鞋垫柔软贴合足弓，城市通勤与运动两相宜。",
    ),
    ("14-03", "H04M", "8517;3926", "全新智能手机保护壳，精准开孔，四角气囊防摔，亲肤磨砂手感，支持无线充电。"),
    ("14-03", "H04M", "8517;3926", "超薄曲面屏智能手机，高刷新率显示，长续航大电池，夜景拍照清晰明亮。"),
    ("26-05", "F21V", "9405;8516", "护眼LED吸顶灯，无频闪均匀照明，三段调色温，安装简便，适合卧室与客厅。"),
    ("15-05", "A47L", "8508;8516", "无绳手持吸尘器，数码马达强劲吸力，多锥气旋分离，一键排尘，续航长达六十分钟。"),
    ("21-01", "A63H", "9503", "拼插积木玩具套装，颗粒精准咬合，锻炼儿童动手能力与空间想象力，附带详细拼搭说明。"),
    ("16-01", "G03B", "8525", "专业数码相机，全画幅传感器，高速连拍，双卡槽存储，适合风光与人像摄影。"),
    ("11-01", "A44C", "7113;7117", "纯银串珠手链，可自由搭配吊坠，抛光工艺细致，送礼自用皆宜。"),
    ("14-03", "H04W", "8517;3926", "旗舰智能手机，麒麟芯片高效节能，超感知影像系统，卫星通话随时连接。"),
)


def _table(feed: str, columns: dict[str, list[str] | pa.Array]) -> pa.Table:
    assert tuple(columns) == FEED_COLUMNS[feed], feed
    return pa.table({k: v if isinstance(v, pa.Array) else pa.array(v, type=pa.string()) for k, v in columns.items()})


def _dates(ctx: Context, years_back: np.ndarray) -> pa.StringArray:
    return local_dates((ctx.month.start - years_back * _YEAR) // SECONDS_PER_DAY)


def patents_table(rng: np.random.Generator, ctx: Context, owns_mark: np.ndarray) -> pa.Table:
    """A design and an invention per famous holder, a utility model for some sellers with their own marks."""
    reg = ctx.registers
    famous = len(cat.FAMOUS_MARKS)
    sellers = np.flatnonzero(owns_mark)[: max(1, reg.size // 20)]
    ids, kinds, titles, owners, classes, claims, views, places = [], [], [], [], [], [], [], []
    for i, (mark, holder, _nice, place, _looks) in enumerate(cat.FAMOUS_MARKS):
        locarno, ipc, _hs, _text = _RIGHTS[i]
        ids += [f"ZL{2015 + i}3{i:07d}", f"ZL{2012 + i}1{i:07d}"]
        kinds += ["design", "invention"]
        titles += [f"{mark} 产品外观设计", f"{mark} 产品结构"]
        owners += [holder, holder]
        classes += [locarno, ipc]
        claims += ["", f"1. 一种{mark}产品,其特征在于……"]
        views += [f"https://img.example.com/designs/{ids[-2]}-{v}.jpg" for v in (1,)] + [""]
        places += [place, place]
    for n, s in enumerate(sellers):
        ids.append(f"ZL{2020 + n % 5}2{famous + n:07d}")
        kinds.append("utility_model")
        titles.append(f"{reg.brands[s]} 实用新型")
        owners.append(reg.names[s])
        classes.append(str(rng.choice(("A47G", "B65D", "F21V", "A45C"))))
        claims.append("1. 一种实用新型,其特征在于……")
        views.append("")
        places.append("CN")
    n = len(ids)
    filed = rng.integers(1, 10, n)
    return _table(
        "patents",
        {
            "patent_id": ids,
            "kind": kinds,
            "title": titles,
            "owner": owners,
            "classes": classes,
            "claims": claims,
            "views": views,
            "jurisdiction": places,
            "filed_at": _dates(ctx, filed),
            "valid_from": _dates(ctx, filed - 1),
            "valid_to": _dates(ctx, filed - np.where(np.array(kinds) == "invention", 20, 10)),
        },
    )


def copyrights_table(ctx: Context) -> pa.Table:
    """A registered product description per famous holder."""
    marks = cat.FAMOUS_MARKS
    n = len(marks)
    return _table(
        "copyrights",
        {
            "work_id": [f"国作登字-{2020 + i % 5}-A-{i + 1:08d}" for i in range(n)],
            "kind": ["text"] * n,
            "title": [f"{m[0]} 商品描述" for m in marks],
            "owner": [m[1] for m in marks],
            "content": [r[3] for r in _RIGHTS],
            "image": [""] * n,
            "registered_at": _dates(ctx, np.full(n, 3)),
        },
    )


def customs_recordations_table(rng: np.random.Generator, ctx: Context, marks: pa.Table) -> pa.Table:
    """Each famous mark recorded with customs for its goods, with one or two licensed sellers."""
    reg = ctx.registers
    n = len(cat.FAMOUS_MARKS)
    licensees = [
        ";".join(reg.ids[int(e)].as_py() for e in rng.choice(reg.exporters, int(rng.integers(1, 3)), replace=False))
        for _ in range(n)
    ]
    return _table(
        "customs_recordations",
        {
            "recordation_id": [f"T{2019 + i % 6}-{40000 + i * 137}" for i in range(n)],
            "right_kind": ["trademark"] * n,
            "right_id": marks.column("mark_id").slice(0, n).to_pylist(),
            "owner": [m[1] for m in cat.FAMOUS_MARKS],
            "licensees": licensees,
            "hs_codes": [r[2] for r in _RIGHTS],
            "valid_from": _dates(ctx, np.full(n, 2)),
            "valid_to": _dates(ctx, np.full(n, -8)),
        },
    )
