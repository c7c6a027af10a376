"""Confirmation time from the payment messages themselves: synthetic pacs.008/pacs.002 pairs against confirmed_at.

Writes `--messages` pairs into a fresh home, loads the pacs.008 files as payments and the pacs.002 files as
statuses, and prints what the settlement KPI says: median, p90, share under 24 h, the source of each figure and
the difference from the self-reported (confirmed_at) figure, beside the generator's own truth.

    PYTHONPATH=src python bench/confirmation.py --messages 10 --per-message 30
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from cbec.config import Settings
from cbec.feeds.service import ingest, load_payment_status
from cbec.storage.store import open_store
from cbec.supervision.service import settlement_kpi
from cbec.synth.service import write_pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--per-message", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        pairs = write_pairs(home / "iso", messages=args.messages, per_message=args.per_message)
        store = open_store(Settings(home=home / "home"))
        try:
            loaded = ingest(store=store, feed="payments", paths=pairs.pacs008)
            quarantined = sum(r.quarantined for r in loaded)
            for path in pairs.pacs002:
                load_payment_status(store=store, path=path)
            rows = [r for r in settlement_kpi(store=store, month="2026-10") if r.channel is None]
        finally:
            store.close()
    settled = sorted(h for h in pairs.true_hours.values() if h is not None)
    print(
        f"pairs: {len(pairs.pacs008)} pacs.008 + {len(pairs.pacs002)} pacs.002, {len(pairs.true_hours)} payments"
        f" ({quarantined} quarantined)"
    )
    for r in rows:
        share = "-" if r.share_within_target is None else f"{r.share_within_target:.1%}"
        claimed = "-" if r.self_reported_share_within_target is None else f"{r.self_reported_share_within_target:.1%}"
        print(
            f"{r.institution_id}: source {r.source} ({r.from_messages} from pacs.002, {r.self_reported} confirmed_at)"
        )
        print(f"  median {r.median_hours} h, p90 {r.p90_hours} h, under 24 h {share}")
        print(f"  self-reported: median {r.self_reported_median_hours} h, under 24 h {claimed}")
        print(f"  difference of the median from the self-reported figure: {r.median_difference_hours:+} h")
    print(
        f"generator truth (ACSC only): median {statistics.median(settled):.2f} h, "
        f"under 24 h {sum(h < 24 for h in settled) / len(settled):.1%}"
    )


if __name__ == "__main__":
    main()
