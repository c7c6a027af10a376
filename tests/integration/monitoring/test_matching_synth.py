"""Matching on a generated 5,000-payment month finds every labelled missing-document and amount anomaly."""

from __future__ import annotations

import csv
from pathlib import Path

from cbec.core.money import load_fx_table
from cbec.feeds.service import ingest, read_side
from cbec.monitoring.matching.run import match_documents, match_rates
from cbec.storage.store import Store
from cbec.synth.service import generate

MONTH = "2024-03"
# A labelled pattern and the findings that reveal it.
REVEALED_BY = {
    "amount_mismatch": {"amount_mismatch"},
    "payment_without_order": {"missing_order", "missing_waybill", "missing_declaration"},
}


def test_every_labelled_payment_gets_its_finding(sqlite_settings_store: Store, tmp_path: Path) -> None:
    synth = generate(out_dir=tmp_path / "synth", month=MONTH, payments=5_000, seed=7)
    for feed, path in synth.files.items():
        ingest(store=sqlite_settings_store, feed=feed, paths=[path])
    con = read_side(store=sqlite_settings_store)
    result = match_documents(con, month=MONTH, fx=load_fx_table())
    con.close()

    with synth.labels_file.open(encoding="utf-8", newline="") as handle:
        labels = [row for row in csv.DictReader(handle) if row["feed"] == "payments"]
    reasons: dict[tuple[str, str], set[str]] = {}
    for finding in result.findings.to_pylist():
        reasons.setdefault((finding["institution_id"], finding["payment_id"]), set()).add(finding["reason"])

    for pattern, revealing in REVEALED_BY.items():
        labelled = {(row["institution_id"], row["key"]) for row in labels if row["pattern"] == pattern}
        flagged = {key for key, found in reasons.items() if found & revealing}
        hits = labelled & flagged
        precision = len(hits) / len(flagged) if flagged else float("nan")
        recall = len(hits) / len(labelled) if labelled else float("nan")
        print(
            f"{pattern}: labelled {len(labelled)}, flagged {len(flagged)}, hits {len(hits)}, "
            f"precision {precision:.3f}, recall {recall:.3f}"
        )
        assert labelled, pattern
        assert labelled <= flagged, sorted(labelled - flagged)

    counts = result.findings.group_by("reason").aggregate([("payment_id", "count")]).to_pylist()
    print("findings per reason:", {c["reason"]: c["payment_id_count"] for c in counts})
    checked = [r for r in result.per_payment.to_pylist() if r["checked"]]
    without_payer = sum(not set(r["reasons"]) - {"payer_not_buyer"} for r in checked)
    print(
        f"checked payments {len(checked)}, matched {sum(r['matched'] for r in checked)}, "
        f"matched but for payer_not_buyer {without_payer}"
    )
    for row in match_rates(result, "platform_id").to_pylist():
        print("platform", row)
