"""Copy screening through the product, printed: listing images and descriptions through `cbec ip scan`.

Usage: python bench/ip_copies.py [--registered 12] [--unrelated 60] [--texts 40] [--negatives 300]
- Images: `registered` product pictures registered as design views, each copied five ways (resized 50 %, JPEG
  q30, watermarked, mirrored, cropped 10 %) into listings, and `unrelated` other pictures listed too; the feeds
  are loaded and `cbec ip scan` run in a fresh CBEC_HOME; recall per edit and false matches on the unrelated.
- Texts: `texts` registered descriptions, each edited six ways (bench/ip_texts.py) into listings, and `negatives`
  unrelated descriptions from the same phrase banks (hard negatives); recall per edit and false matches, through
  the same scan. Seconds for each scan are printed too (a second scan reuses the stored hashes).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from typer.testing import CliRunner

from cbec.cli.main import app
from cbec.config import Settings
from cbec.ip import service as ip
from cbec.storage.store import open_store
from ip_images import EDITS as IMAGE_EDITS
from ip_images import product_image
from ip_texts import EDITS as TEXT_EDITS
from ip_texts import description, shared_clauses

SELLER = "91330100MA27XK0Q2K"


def write_feeds(
    folder: Path, registered: int, unrelated: int, texts: int, negatives: int, written: dict[str, str]
) -> dict[str, str]:
    """Write patents, copyrights and listings files; return the truth: listing id → right id ('' unrelated).

    `written` receives each registered text and each unrelated description by its work or listing id.
    """
    images, truth, rows = folder / "images", {}, []
    images.mkdir(parents=True)
    with (folder / "patents.csv").open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(
            ["patent_id", "kind", "title", "owner", "classes", "views", "jurisdiction", "valid_from", "valid_to"]
        )
        for i in range(registered):
            view = images / f"view-{i}.png"
            product_image(i).save(view)
            w.writerow([f"ZL-D{i}", "design", f"外观 {i}", "Holder", "02-04", view, "CN", "2021-01-01", "2035-01-01"])
            for edit, apply in IMAGE_EDITS.items():
                copy = images / f"copy-{i}-{edit.replace(' ', '_').replace('%', '')}.jpg"
                apply(product_image(i)).save(copy, quality=90)
                truth[f"LS-I{i}-{edit}"] = f"ZL-D{i}"
                rows.append((f"LS-I{i}-{edit}", str(copy), ""))
    for j in range(unrelated):
        other = images / f"other-{j}.jpg"
        product_image(10_000 + j).save(other, quality=90)
        truth[f"LS-O{j}"] = ""
        rows.append((f"LS-O{j}", str(other), ""))
    rng = random.Random(22)
    with (folder / "copyrights.csv").open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["work_id", "kind", "title", "owner", "content"])
        for i in range(texts):
            text = description(rng)
            written[f"W{i}"] = text
            w.writerow([f"W{i}", "text", f"描述 {i}", "Holder", text])
            for edit, apply in TEXT_EDITS.items():
                truth[f"LS-T{i}-{edit}"] = f"W{i}"
                rows.append((f"LS-T{i}-{edit}", "", apply(text, rng)))
    for j in range(negatives):
        truth[f"LS-N{j}"] = ""
        written[f"LS-N{j}"] = description(rng)
        rows.append((f"LS-N{j}", "", written[f"LS-N{j}"]))
    with (folder / "listings.csv").open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["listing_id", "platform_id", "enterprise_id", "title", "image", "listed_at", "description"])
        for listing_id, image, text in rows:
            w.writerow([listing_id, "PF-1", SELLER, listing_id, image, "2026-10-05T10:00:00+08:00", text])
    return truth


def report(kind: str, truth: dict[str, str], found: dict[str, str], prefix: str, negative: str) -> None:
    """Print recall per edit and false matches for one rule."""
    hits, totals = Counter[str](), Counter[str]()
    for listing_id, right in truth.items():
        if listing_id.startswith(prefix):
            edit = listing_id.split("-", 2)[2]
            totals[edit] += 1
            hits[edit] += found.get(listing_id) == right
    print(f"\n{kind}: recall per edit (copies found with the right they copy)")
    for edit, total in totals.items():
        print(f"  {edit:<16} {hits[edit]:>4}/{total:<4} {hits[edit] / total:.3f}")
    copies = sum(totals.values())
    print(f"  {'all edits':<16} {sum(hits.values()):>4}/{copies:<4} {sum(hits.values()) / copies:.3f}")
    unrelated = [k for k, right in truth.items() if k.startswith(negative)]
    false = [k for k in unrelated if k in found]
    print(f"  false matches on unrelated: {len(false)}/{len(unrelated)} = {len(false) / len(unrelated):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registered", type=int, default=12)
    parser.add_argument("--unrelated", type=int, default=60)
    parser.add_argument("--texts", type=int, default=40)
    parser.add_argument("--negatives", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        written: dict[str, str] = {}
        truth = write_feeds(root, args.registered, args.unrelated, args.texts, args.negatives, written)
        env = {"CBEC_HOME": str(root / "home")}
        runner = CliRunner()
        for feed in ("patents", "copyrights", "listings"):
            assert runner.invoke(app, ["ingest", feed, str(root / f"{feed}.csv")], env=env).exit_code == 0
        for attempt in ("first scan", "second scan"):
            started = time.perf_counter()
            result = runner.invoke(app, ["ip", "scan"], env=env)
            assert result.exit_code == 0, result.output
            print(f"cbec ip scan ({attempt}): {time.perf_counter() - started:.1f} s")
            print("  " + " ".join(result.output.splitlines()[1:3]))
        store = open_store(Settings(home=root / "home"))
        try:
            findings = ip.list_copy_findings(store=store, limit=100_000)
        finally:
            store.close()
        images = {f.listing_id: f.right_id for f in findings if f.rule == "image_copy"}
        texts = {f.listing_id: f.right_id for f in findings if f.rule == "text_copy"}
        hows = Counter(f.how for f in findings if f.rule == "image_copy")
        report("Images (pHash index, threshold 12 bits of 64)", truth, images, "LS-I", "LS-O")
        print(f"  matched as: {dict(hows)}")
        report(
            "Descriptions (3-character shingles, MinHash LSH, Jaccard ≥ 0.45 or containment ≥ 0.7)",
            truth,
            texts,
            "LS-T",
            "LS-N",
        )
        # The unrelated descriptions are drawn from the same six-clause phrase banks as the registered ones: some
        # share most of their clauses with a registered text by chance. How many clauses the false matches share:
        shared = Counter(
            shared_clauses(written[listing], written[work]) for listing, work in texts.items() if listing[:4] == "LS-N"
        )
        by_shared = dict(sorted(shared.items()))
        print(f"  false matches by clauses shared word for word with the matched text (of 6): {by_shared}")
        near = sum(
            1
            for j in range(args.negatives)
            if max(shared_clauses(written[f"LS-N{j}"], written[f"W{i}"]) for i in range(args.texts)) >= 4
        )
        print(f"  unrelated descriptions sharing ≥ 4 of 6 clauses with some registered text by chance: {near}")


if __name__ == "__main__":
    main()
