"""ISO 20022 pacs.002 (FI to FI payment status report) parsed safely into transaction statuses.

The same guards as the pacs.008 reader: no DTD, no entity expanded, nothing fetched, the size capped. Each
`TxInfAndSts` gives the payment it reports on (`OrgnlTxId`, else `OrgnlEndToEndId`), the original pacs.008's
message id and creation time (`OrgnlGrpInf`, else the report's `OrgnlGrpInfAndSts`), the status (`TxSts`:
ACSC/ACCC settle) and its time (`AccptncDtTm`, else the report's `GrpHdr/CreDtTm`). A status without a payment,
a status code or an aware time is kept with its `problem`, line and raw text (the quarantine of this kind).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lxml import etree

from cbec.core.clock import parse_timestamp
from cbec.feeds.readers.base import FileRejected
from cbec.feeds.readers.pacs008_reader import _FORBIDDEN, _first, _safe_parser

SETTLED = ("ACSC", "ACCC")  # AcceptedSettlementCompleted (debtor side), AcceptedCreditSettlementCompleted
STATUS_CODES = frozenset(
    {
        "ACCC",
        "ACCP",
        "ACFC",
        "ACIS",
        "ACPD",
        "ACSC",
        "ACSP",
        "ACTC",
        "ACWC",
        "ACWP",
        "PDNG",
        "RCVD",
        "RJCT",
        "PART",
        "CANC",
        "BLCK",
    }
)


def _aware(text: str | None) -> datetime | None:
    """Parse a time that carries its offset; None when missing, ValueError when naive or malformed."""
    if text is None:
        return None
    if not (text.endswith("Z") or (text[-6:-5] in "+-" and text[-3:-2] == ":")):
        raise ValueError(f"time {text!r} has no UTC offset")
    return parse_timestamp(text)


def _status(tx: etree._Element, header: etree._Element, group: etree._Element, index: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        "tx_index": index,
        "line": tx.sourceline,
        "payment_id": _first(tx, "OrgnlTxId", "OrgnlEndToEndId"),
        "original_msg_id": _first(tx, "OrgnlGrpInf/OrgnlMsgId") or _first(group, "OrgnlMsgId"),
        "status": _first(tx, "TxSts"),
        "original_created_at": None,
        "status_at": None,
        "problem": None,
        "message": "",
        "raw": etree.tostring(tx, encoding="unicode")[:20_000],
    }
    try:
        row["original_created_at"] = _aware(_first(tx, "OrgnlGrpInf/OrgnlCreDtTm") or _first(group, "OrgnlCreDtTm"))
        row["status_at"] = _aware(_first(tx, "AccptncDtTm") or _first(header, "CreDtTm"))
    except ValueError as exc:
        row["problem"], row["message"] = "bad_time", str(exc)
    if row["problem"] is None:
        if row["payment_id"] is None:
            row["problem"], row["message"] = "missing_payment_id", "no OrgnlTxId or OrgnlEndToEndId"
        elif row["status"] not in STATUS_CODES:
            row["problem"], row["message"] = "bad_status", f"TxSts {row['status']!r} is not an ISO 20022 status code"
        elif row["status_at"] is None:
            row["problem"], row["message"] = "missing_time", "no AccptncDtTm and no GrpHdr/CreDtTm"
    return row


def read_pacs002(data: bytes, max_bytes: int) -> tuple[str, list[dict[str, Any]]]:
    """Return a pacs.002 message's id and one row per TxInfAndSts; raise FileRejected for an unusable file."""
    if not data.strip():
        raise FileRejected("empty_file", "the XML file is empty")
    if len(data) > max_bytes:
        raise FileRejected("file_too_large", f"{len(data)} bytes is over the {max_bytes}-byte limit for XML")
    if _FORBIDDEN.search(data):
        raise FileRejected("xml_forbidden", "DTD and entity declarations are refused (XML bomb protection)")
    try:
        root = etree.fromstring(data, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        raise FileRejected("malformed_xml", f"not well-formed XML: {exc}") from None
    report = root.xpath("*[local-name()='FIToFIPmtStsRpt']")
    if not str(root.tag).endswith("Document") or not report:
        raise FileRejected("not_pacs002", "the root is not a pacs.002 Document with FIToFIPmtStsRpt")
    headers = report[0].xpath("*[local-name()='GrpHdr']")
    header = headers[0] if headers else report[0]
    msg_id = _first(header, "MsgId")
    if msg_id is None:
        raise FileRejected("missing_msg_id", "the pacs.002 GrpHdr has no MsgId")
    groups = report[0].xpath("*[local-name()='OrgnlGrpInfAndSts']")
    group = groups[0] if groups else report[0]
    transactions = report[0].xpath("*[local-name()='TxInfAndSts']")
    return msg_id[:64], [_status(tx, header, group, i) for i, tx in enumerate(transactions)]
