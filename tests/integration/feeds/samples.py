"""One valid row per feed, written by hand from contract/FEEDS.md, and a way to make more of them."""

from __future__ import annotations

from cbec.core.ids import complete_uscc
from cbec.feeds.catalog import FEEDS
from cbec.feeds.spec import Kind

ENTERPRISE = "91330100716105852F"
VALID: dict[str, dict[str, str]] = {
    "payments": {
        "payment_id": "PAY-1",
        "institution_id": "PI-LIANLIAN",
        "channel": "third_party",
        "direction": "inbound",
        "payer_id": "BUYER-9",
        "payee_id": "MERCHANT-3",
        "payer_type": "individual",
        "payee_type": "enterprise",
        "payer_country": "US",
        "payee_country": "CN",
        "enterprise_id": ENTERPRISE,
        "order_id": "ORD-1",
        "amount": "125.40",
        "currency": "USD",
        "initiated_at": "2026-10-09T10:15:00+08:00",
        "confirmed_at": "2026-10-09T18:00:00+08:00",
        "status": "succeeded",
    },
    "orders": {
        "order_id": "ORD-1",
        "platform_id": "PF-AMZ",
        "enterprise_id": ENTERPRISE,
        "buyer_id": "BUYER-9",
        "buyer_country": "US",
        "mode": "9610",
        "direction": "export",
        "goods_value": "120.00",
        "freight": "5.40",
        "tax": "",
        "currency": "USD",
        "ordered_at": "2026-10-09T10:00:00+08:00",
        "hs_code": "6204430090",
        "item_count": "2",
    },
    "waybills": {
        "waybill_id": "WB-1",
        "logistics_id": "LG-CAINIAO",
        "order_id": "ORD-1",
        "origin_country": "CN",
        "destination_country": "US",
        "weight_kg": "0.85",
        "declared_value": "120.00",
        "currency": "USD",
        "shipped_at": "2026-10-10T09:00:00+08:00",
        "delivered_at": "",
        "status": "in_transit",
    },
    "declarations": {
        "declaration_id": "DEC-1",
        "order_id": "ORD-1",
        "waybill_id": "WB-1",
        "payment_id": "PAY-1",
        "enterprise_id": ENTERPRISE,
        "mode": "9610",
        "declared_value": "120.00",
        "currency": "USD",
        "hs_code": "6204430090",
        "declared_at": "2026-10-10T08:00:00+08:00",
        "cleared_at": "",
        "customs_office": "杭州海关",
    },
    "enterprises": {
        "enterprise_id": ENTERPRISE,
        "name": "杭州示例跨境贸易有限公司",
        "name_en": "Hangzhou Example Trading",
        "city": "杭州市",
        "kind": "trader",
        "founded_on": "2015-03-01",
        "employees": "120",
    },
    "institutions": {
        "institution_id": "PI-LIANLIAN",
        "name": "连连银通电子支付有限公司",
        "kind": "payment_institution",
        "licence_no": "Z2003733000019",
        "country": "CN",
    },
    "platforms": {
        "platform_id": "PF-AMZ",
        "name": "示例跨境平台",
        "name_en": "Example Marketplace",
        "enterprise_id": ENTERPRISE,
        "city": "杭州市",
        "country": "CN",
    },
    "filings": {
        "filing_id": "FIL-1",
        "enterprise_id": ENTERPRISE,
        "product_name": "儿童保温杯",
        "brand": "Haoshi",
        "hs_code": "9617001100",
        "origin_country": "CN",
        "standards": "GB 4806.9-2016;GB/T 29606-2013",
        "filed_at": "2026-10-01T09:00:00+08:00",
        "status": "approved",
    },
    "inspections": {
        "inspection_id": "INS-1",
        "enterprise_id": ENTERPRISE,
        "filing_id": "FIL-1",
        "product_name": "儿童保温杯",
        "sampled_at": "2026-10-12T09:00:00+08:00",
        "result": "fail",
        "defect": "lead migration over limit",
        "agency": "浙江省产品质量检验院",
    },
    "complaints": {
        "complaint_id": "CMP-1",
        "received_at": "2026-10-14T20:00:00+08:00",
        "channel": "web",
        "language": "en",
        "consumer_id": "C-884",
        "consumer_country": "GB",
        "enterprise_id": ENTERPRISE,
        "platform_id": "PF-AMZ",
        "order_id": "ORD-1",
        "text": "The parcel never arrived",
        "category": "",
        "amount_claimed": "125.40",
        "currency": "USD",
    },
    "reviews": {
        "review_id": "REV-1",
        "enterprise_id": ENTERPRISE,
        "platform_id": "PF-AMZ",
        "rating": "4",
        "text": "good value",
        "posted_at": "2026-10-20T12:00:00+08:00",
    },
    "listings": {
        "listing_id": "LST-1",
        "platform_id": "PF-AMZ",
        "enterprise_id": ENTERPRISE,
        "title": "奈克 运动鞋 男款",
        "brand": "",
        "price": "39.90",
        "currency": "USD",
        "image": "img/lst-1.jpg",
        "listed_at": "2026-10-02T08:00:00+08:00",
    },
    "trademarks": {
        "mark_id": "TM-1",
        "mark_text": "NIKE",
        "owner": "Nike Innovate C.V.",
        "nice_classes": "25;28",
        "jurisdiction": "CN",
        "registered_at": "1996-05-14",
        "image": "",
    },
    "security_incidents": {
        "incident_id": "SEC-1",
        "institution_id": "PI-LIANLIAN",
        "reported_at": "2026-10-03T09:00:00+08:00",
        "severity": "high",
        "responded_at": "2026-10-04T10:00:00+08:00",
        "fixed_at": "",
        "summary": "credential stuffing against merchant portal",
    },
    "trade_statistics": {
        "year": "2023",
        "region": "浙江省",
        "indicator": "cbec_import_export_total",
        "value": "5129.3",
        "unit": "亿元",
        "reported_growth_pct": "18.9",
        "source": "浙江省商务厅 (Liu 2025 Table 1)",
    },
    "job_postings": {
        "posting_id": "JOB-1",
        "enterprise_id": ENTERPRISE,
        "city": "金华市",
        "role": "operations",
        "posted_at": "2026-10-05T09:00:00+08:00",
        "salary_min": "8000",
        "salary_max": "15000",
    },
}


def row(feed: str, i: int) -> dict[str, str]:
    """Return a valid row of a feed whose natural key is unique for each i."""
    spec = FEEDS[feed]
    values = dict(VALID[feed])
    for key in spec.key:
        column = spec.column_index[key]
        if column.kind is Kind.TEXT:
            values[key] = f"{values[key]}-{i}"
        elif column.kind is Kind.USCC and len(spec.key) == 1:
            values[key] = complete_uscc(f"91330100{i:09d}")
    return values
