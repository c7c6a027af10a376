"""The border world plus orders declared by another party, a patent of the mark owner and a takedown notice."""

from __future__ import annotations

from pathlib import Path

from cbec.feeds.service import ingest
from cbec.ip import service as ip
from cbec.storage.store import Store

from .copies_world import INFRINGER, LICENSEE, OWNER_SHOP, QUIET, T0, load_border_world

# The mark owner's shop sells O1, which INFRINGER declares at the border (so INFRINGER supplies it); O3 LICENSEE
# declares itself.
ORDERS = (
    "order_id,platform_id,enterprise_id,buyer_id,buyer_country,mode,direction,goods_value,currency,ordered_at\n"
    f"O1,PF-2,{OWNER_SHOP},B1,US,9610,export,120.00,USD,2026-10-07T10:00:00+08:00\n"
    f"O3,PF-1,{LICENSEE},B3,US,9610,export,90.00,USD,2026-10-07T10:00:00+08:00\n"
)
PATENTS = (
    "patent_id,kind,title,owner,classes,jurisdiction,valid_from,valid_to\n"
    'ZL2022100000001,invention,一种鞋底,"Nike, Inc.",A43B,CN,2022-01-01,2042-01-01\n'
    'ZL2001100000001,invention,过期鞋底,"Nike, Inc.",A43B,CN,2001-01-01,2021-01-01\n'
)


def load_risk_world(store: Store, folder: Path) -> None:
    """Load the border world, flag October, add orders and patents, and open one takedown against INFRINGER."""
    load_border_world(store, folder)
    ip.flag_border(store=store, month="2026-10", now=T0)
    for feed, text in (("orders", ORDERS), ("patents", PATENTS)):
        path = folder / f"{feed}.csv"
        path.write_text(text, encoding="utf-8")
        ingest(store=store, feed=feed, paths=[path])
    ip.open_takedown(
        store=store,
        listing_id="LS-A",
        platform_id="PF-1",
        enterprise_id=INFRINGER,
        mark_id="TM-1",
        rights_holder="Nike, Inc.",
        evidence="商标注册证",
        actor="rights-holder",
        now=T0,
    )


__all__ = ["INFRINGER", "LICENSEE", "OWNER_SHOP", "QUIET", "load_risk_world"]
