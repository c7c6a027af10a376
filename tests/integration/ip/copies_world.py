"""A small world of registered designs, images and texts, and listings that copy them or not (drawn with Pillow).

Registered: two design patents (two views each) and one registered product image; three registered product
descriptions. Listings: each registered picture copied five ways (resized, JPEG-recompressed, watermarked,
mirrored, cropped), twelve unrelated pictures, four edited copies of registered texts and four unrelated texts.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from PIL import ImageOps

from cbec.core.clock import SHANGHAI
from cbec.feeds.service import ingest
from cbec.ip import service as ip
from cbec.storage.store import Store
from cbec.synth.images import SIZE, crop, jpeg, product_image, watermark

SELLER = "91330100MA27XK0Q2K"
OWNER_SELLER = "91330200MA2AB1CD3Y"  # the design holder's own shop: its copies are not findings


picture = product_image
EDITS = {
    "resized": lambda im: im.resize((SIZE // 2, SIZE // 2)),
    "jpeg": jpeg,
    "watermarked": watermark,
    "mirrored": ImageOps.mirror,
    "cropped": crop,
}
REGISTERED_TEXTS = {
    "W-TEXT-1": "这款不锈钢保温杯采用双层真空结构，保温保冷长达十二小时，杯身轻巧便于携带，食品级硅胶密封圈防漏，"
    "适合办公室、户外和旅行使用。",
    "W-TEXT-2": "无线蓝牙耳机，主动降噪深度可达四十分贝，单次续航八小时，配合充电仓总续航三十二小时，"
    "人体工学设计佩戴舒适，支持双设备连接。",
    "W-TEXT-3": "Handmade genuine leather wallet with twelve card slots, RFID blocking lining, slim profile that "
    "fits any pocket, and a lifetime stitching warranty from our workshop.",
}
EDITED_COPIES = {  # listing -> (registered text it copies, the edited copy)
    "LS-T1": (
        "W-TEXT-1",
        "这款不锈钢保温杯采用双层真空结构, 保温保冷长达12小时! 杯身轻巧方便携带, 食品级硅胶密封圈防漏, "
        "适合办公室、户外与旅行使用~",
    ),
    "LS-T2": (
        "W-TEXT-1",
        "【爆款热卖】这款不锈钢保温杯采用双层真空结构，保温保冷长达十二小时，杯身轻巧便于携带，"
        "食品级硅胶密封圈防漏，适合办公室、户外和旅行使用。下单送杯刷一个，七天无理由退换，顺丰包邮。",
    ),
    "LS-T3": (
        "W-TEXT-2",
        "人体工学设计佩戴舒适，支持双设备连接。无线蓝牙耳机，主动降噪深度可达四十分贝，单次续航八小时，"
        "配合充电仓总续航三十二小时。",
    ),
    "LS-T4": (
        "W-TEXT-3",
        "Handmade genuine leather wallet with 12 card slots, RFID-blocking lining, a slim profile that fits "
        "any pocket - and a lifetime stitching warranty from our workshop!",
    ),
}
UNRELATED_TEXTS = {
    "LS-U1": "316不锈钢真空焖烧杯，大容量一升，适合学生和上班族带饭，配折叠勺，一键开盖设计。",
    "LS-U2": "头戴式游戏耳机，七点一声道环绕音效，可拆卸麦克风，RGB灯效，兼容电脑和主机。",
    "LS-U3": "Minimalist aluminium card holder for men, holds up to ten cards, pop-up mechanism, matte finish.",
    "LS-U4": "纯棉四件套，六十支长绒棉，亲肤透气，活性印染不褪色，一米五和一米八床通用。",
}


def write_world(folder: Path) -> dict[str, Path]:
    """Write the images and the patents, copyrights and listings files; return the files by feed."""
    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    registered = {"D-1-1": 11, "D-1-2": 12, "D-2-1": 21, "D-2-2": 22, "W-IMG-1": 31}
    for name, seed in registered.items():
        picture(seed).save(images / f"{name}.png")
    patents = folder / "patents.csv"
    with patents.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(
            ["patent_id", "kind", "title", "owner", "classes", "views", "jurisdiction", "valid_from", "valid_to"]
        )
        for n, owner in ((1, "Nike, Inc."), (2, "Dyson Technology Limited")):
            views = ";".join(str(images / f"D-{n}-{v}.png") for v in (1, 2))
            w.writerow(
                [f"ZL2021300000{n}", "design", f"外观设计 {n}", owner, "02-04", views, "CN", "2021-01-01", "2035-12-31"]
            )
        w.writerow(
            [
                "ZL2010300000009",
                "design",
                "过期外观",
                "Old Co.",
                "02-04",
                str(images / "D-1-1.png"),
                "CN",
                "2010-01-01",
                "2020-12-31",
            ]
        )
        w.writerow(
            ["ZL2022100000001", "invention", "一种杯子", "Nike, Inc.", "A47G", "", "CN", "2022-01-01", "2042-01-01"]
        )
    copyrights = folder / "copyrights.csv"
    with copyrights.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["work_id", "kind", "title", "owner", "content", "image"])
        w.writerow(["W-IMG-1", "image", "产品主图", "LEGO Juris A/S", "", str(images / "W-IMG-1.png")])
        for work_id, text in REGISTERED_TEXTS.items():
            w.writerow([work_id, "text", f"商品描述 {work_id}", "Nike, Inc.", text, ""])
    rows: list[tuple[str, str, str, str]] = []  # listing id, seller, image, description
    for name, seed in registered.items():
        for edit, apply in EDITS.items():
            path = images / f"copy-{name}-{edit}.jpg"
            apply(picture(seed)).save(path, quality=90)
            rows.append((f"LS-{name}-{edit}", SELLER, str(path), ""))
    for seed in range(100, 112):
        path = images / f"other-{seed}.jpg"
        picture(seed).save(path, quality=90)
        rows.append((f"LS-O{seed}", SELLER, str(path), ""))
    rows.append(("LS-OWN", OWNER_SELLER, str(images / "D-2-1.png"), ""))
    rows.append(("LS-URL", SELLER, "https://img.example.com/listings/LS-URL.jpg", ""))
    rows += [(k, SELLER, "", text) for k, (_work, text) in EDITED_COPIES.items()]
    rows += [(k, SELLER, "", text) for k, text in UNRELATED_TEXTS.items()]
    listings = folder / "listings.csv"
    with listings.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["listing_id", "platform_id", "enterprise_id", "title", "image", "listed_at", "description"])
        for listing_id, seller, image, description in rows:
            w.writerow(
                [listing_id, "PF-1", seller, f"商品 {listing_id}", image, "2026-10-05T10:00:00+08:00", description]
            )
    enterprises = folder / "enterprises.csv"
    enterprises.write_text(
        "enterprise_id,name,city,kind\n"
        f"{SELLER},杭州某某贸易有限公司,杭州市,trader\n"
        f"{OWNER_SELLER},Dyson Technology Limited,宁波市,trader\n",
        encoding="utf-8",
    )
    return {"patents": patents, "copyrights": copyrights, "listings": listings, "enterprises": enterprises}


INFRINGER, LICENSEE, OWNER_SHOP, QUIET = (
    "91330100MA27XK0Q2K",
    "91330200MA2AB1CD3Y",
    "91330100716105852F",
    "913301000000000037",
)
T0 = datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI)


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def load_border_world(store: Store, folder: Path) -> None:
    """Load sellers, a mark, two recordations (one expired) and one broken, listings and declarations; screen."""
    files = {
        "enterprises": "enterprise_id,name,city,kind\n"
        f"{INFRINGER},杭州甲贸易有限公司,杭州市,trader\n{LICENSEE},宁波乙鞋业有限公司,宁波市,manufacturer\n"
        f'{OWNER_SHOP},"Nike, Inc.",杭州市,trader\n{QUIET},杭州丁贸易有限公司,杭州市,trader\n',
        "trademarks": 'mark_id,mark_text,owner,nice_classes,jurisdiction\nTM-1,NIKE,"Nike, Inc.",25;28,US\n',
        "customs_recordations": "recordation_id,right_kind,right_id,owner,licensees,hs_codes,valid_from,valid_to\n"
        f'T2021-1,trademark,TM-1,"Nike, Inc.",{LICENSEE},6404;6403,2021-01-01,2031-01-01\n'
        'T2010-9,trademark,TM-1,"Nike, Inc.",,8517,2010-01-01,2020-12-31\n'
        "T-BAD,trademark,TM-2,Someone,,6404,2021-13-01,2031-01-01\n",
        "listings": "listing_id,platform_id,enterprise_id,title,listed_at\n"
        f"LS-A,PF-1,{INFRINGER},N1KE running shoes,2026-10-01T10:00:00+08:00\n"
        f"LS-B,PF-1,{LICENSEE},NIKE running shoes,2026-10-01T10:00:00+08:00\n"
        f"LS-C,PF-2,{OWNER_SHOP},NIKE running shoes,2026-10-01T10:00:00+08:00\n"
        f"LS-D,PF-2,{QUIET},Plain canvas shoes,2026-10-01T10:00:00+08:00\n",
        "declarations": "declaration_id,order_id,waybill_id,enterprise_id,mode,declared_value,currency,hs_code,"
        "declared_at\n"
        f"DC-1,O1,W1,{INFRINGER},9610,120.00,USD,6404110000,2026-10-08T10:00:00+08:00\n"
        f"DC-2,O2,W2,{INFRINGER},9610,80.00,USD,8517130000,2026-10-08T10:00:00+08:00\n"
        f"DC-3,O3,W3,{LICENSEE},9610,90.00,USD,6404110000,2026-10-08T10:00:00+08:00\n"
        f"DC-4,O4,W4,{QUIET},9610,95.00,USD,6404110000,2026-10-08T10:00:00+08:00\n"
        f"DC-5,O5,W5,{OWNER_SHOP},9610,95.00,USD,6403990000,2026-10-08T10:00:00+08:00\n"
        f"DC-6,O6,W6,{INFRINGER},9610,95.00,USD,6403990000,2026-09-08T10:00:00+08:00\n",
    }
    for feed, text in files.items():
        reports = ingest(store=store, feed=feed, paths=[_csv(folder / f"{feed}.csv", text)])
        if feed == "customs_recordations":
            assert (reports[0].accepted, reports[0].quarantined) == (2, 1)  # T-BAD: month 13, with file and line
    ip.screen_listings(store=store, now=T0)
