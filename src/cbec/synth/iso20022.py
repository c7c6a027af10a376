"""Synthetic ISO 20022 pacs.008 / pacs.002 pairs: payments, the status reports that settle them, and a
self-reported `confirmed_at` that is kinder than the messages (what the confirmation-time KPI must see through).

Per message: one pacs.008 with `per_message` credit transfers created at one instant, and its pacs.002 with one
status per transfer: ACSC at the settlement time for most, ACSP (accepted, not settled) or RJCT for a few. The
true lag is log-normal (median about 14 h); the feed's own confirmed_at claims a fraction of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from pathlib import Path

import numpy as np

from cbec.core.clock import SHANGHAI

NS8 = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"
NS2 = "urn:iso:std:iso:20022:tech:xsd:pacs.002.001.10"


@dataclass(frozen=True, slots=True)
class PairFiles:
    """The files written and the truth behind them (hours per payment, None when not settled)."""

    pacs008: list[Path]
    pacs002: list[Path]
    true_hours: dict[str, float | None]
    claimed_hours: dict[str, float]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


def _transfer(tx_id: str, amount: str, claimed: datetime, i: int) -> str:
    return (
        f"<CdtTrfTxInf><PmtId><EndToEndId>E2E-{tx_id}</EndToEndId><TxId>{tx_id}</TxId></PmtId>"
        f'<IntrBkSttlmAmt Ccy="USD">{amount}</IntrBkSttlmAmt>'
        f"<SttlmTmIndctn><CdtDtTm>{_stamp(claimed)}</CdtDtTm></SttlmTmIndctn>"
        "<Dbtr><Nm>Buyer</Nm><PstlAdr><Ctry>US</Ctry></PstlAdr><Id><OrgId><Othr><Id>US-EIN-12</Id></Othr></OrgId></Id>"
        f"</Dbtr><DbtrAcct><Id><Othr><Id>US-ACCT-{i % 40:03d}</Id></Othr></Id></DbtrAcct>"
        "<Cdtr><Nm>杭州示例跨境贸易有限公司</Nm><PstlAdr><Ctry>CN</Ctry></PstlAdr><Id><OrgId><Othr>"
        "<Id>91330100716105852F</Id><SchmeNm><Prtry>USCC</Prtry></SchmeNm></Othr></OrgId></Id></Cdtr>"
        f"<CdtrAcct><Id><Othr><Id>CN-ACCT-{i % 25:04d}</Id></Othr></Id></CdtrAcct>"
        f"<RmtInf><Strd><RfrdDocInf><Nb>ORD-{tx_id}</Nb></RfrdDocInf></Strd></RmtInf></CdtTrfTxInf>"
    )


def write_pairs(
    out_dir: Path,
    *,
    institution_id: str = "BANK-ICBC-ZJ",
    messages: int = 10,
    per_message: int = 30,
    start: datetime = datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI),
    seed: int = 21,
) -> PairFiles:
    """Write `messages` pacs.008 files and their pacs.002 files into out_dir; return them with the truth."""
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    files8, files2, truth, claimed_hours = [], [], {}, {}
    inst = escape(institution_id)
    for m in range(messages):
        created = start + timedelta(hours=float(m * 7 + rng.integers(0, 3)))
        transfers, statuses = [], []
        for t in range(per_message):
            tx_id = f"TX-{m:03d}-{t:03d}"
            hours = float(rng.lognormal(mean=np.log(14.0), sigma=0.8))
            claim = hours * float(rng.uniform(0.45, 0.8))  # the institution's own confirmed_at is optimistic
            outcome = rng.random()
            status = "ACSC" if outcome < 0.9 else "ACSP" if outcome < 0.97 else "RJCT"
            settled = created + timedelta(hours=hours)
            truth[tx_id] = hours if status == "ACSC" else None
            claimed_hours[tx_id] = claim
            amount = f"{rng.uniform(50, 50_000):.2f}"
            transfers.append(_transfer(tx_id, amount, created + timedelta(hours=claim), m * per_message + t))
            statuses.append(
                f"<TxInfAndSts><OrgnlEndToEndId>E2E-{tx_id}</OrgnlEndToEndId><OrgnlTxId>{tx_id}</OrgnlTxId>"
                f"<TxSts>{status}</TxSts><AccptncDtTm>{_stamp(settled)}</AccptncDtTm></TxInfAndSts>"
            )
        msg = f"MSG-{created:%Y%m%d}-{m:03d}"
        doc8 = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NS8}"><FIToFICstmrCdtTrf><GrpHdr>'
            f"<MsgId>{msg}</MsgId><CreDtTm>{_stamp(created)}</CreDtTm><NbOfTxs>{per_message}</NbOfTxs>"
            f"<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf><InstgAgt><FinInstnId><Othr><Id>{inst}</Id></Othr>"
            f"</FinInstnId></InstgAgt></GrpHdr>{''.join(transfers)}</FIToFICstmrCdtTrf></Document>\n"
        )
        reported = created + timedelta(days=4)
        doc2 = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NS2}"><FIToFIPmtStsRpt><GrpHdr>'
            f"<MsgId>STS-{msg}</MsgId><CreDtTm>{_stamp(reported)}</CreDtTm></GrpHdr><OrgnlGrpInfAndSts>"
            f"<OrgnlMsgId>{msg}</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.08</OrgnlMsgNmId>"
            f"<OrgnlCreDtTm>{_stamp(created)}</OrgnlCreDtTm></OrgnlGrpInfAndSts>{''.join(statuses)}"
            "</FIToFIPmtStsRpt></Document>\n"
        )
        path8, path2 = out_dir / f"pacs008-{m:03d}.xml", out_dir / f"pacs002-{m:03d}.xml"
        path8.write_text(doc8, encoding="utf-8")
        path2.write_text(doc2, encoding="utf-8")
        files8.append(path8)
        files2.append(path2)
    return PairFiles(pacs008=files8, pacs002=files2, true_hours=truth, claimed_hours=claimed_hours)
