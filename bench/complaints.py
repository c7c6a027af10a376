"""Accuracy of the complaint classifier, printed: held-out split, unseen set, synthetic province texts.

Usage: python bench/complaints.py [--test-size 0.25] [--seed 0]
- Held-out: the shipped labelled set split stratified by (language, category); trained on the rest with the
  shipped recipe; macro-F1 and per-class F1 for zh, en and overall, and the confusion matrix (issue 8 target:
  macro-F1 >= 0.85 in both languages).
- Unseen: bench/data/complaints_unseen.csv, written after the model was frozen in a different style; scored
  with the shipped model (trained on the whole labelled set). Never used for training or tuning.
- Synthetic: the synth generator's complaint templates (src/cbec/synth/consumers.py) with product names.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import train_test_split

from cbec.complaints import classifier as service
from cbec.complaints import domain, pipeline
from cbec.synth import catalogue
from cbec.synth.consumers import COMPLAINT_TEXTS

UNSEEN = Path(__file__).resolve().parent / "data" / "complaints_unseen.csv"
SHORT = {"description_mismatch": "desc_mism", "refund_return": "refund_ret", "counterfeit": "counterf"}


def _scores(title: str, truth: list[str], guess: list[str], languages: list[str]) -> None:
    print(f"\n== {title} ==")
    print(f"{'':22}{'n':>5}{'macro-F1':>10}{'accuracy':>10}")
    for name in ("zh", "en", "all"):
        keep = [i for i, lang in enumerate(languages) if name in (lang, "all")]
        if not keep:
            continue
        t, g = [truth[i] for i in keep], [guess[i] for i in keep]
        f1 = f1_score(t, g, average="macro", labels=sorted(set(t)), zero_division=0)
        accuracy = sum(a == b for a, b in zip(t, g, strict=True)) / len(t)
        print(f"{name:22}{len(t):>5}{f1:>10.3f}{accuracy:>10.3f}")
    per_class = f1_score(truth, guess, average=None, labels=list(domain.CATEGORIES), zero_division=0)
    for category, value in zip(domain.CATEGORIES, per_class, strict=True):
        zh = [i for i, lang in enumerate(languages) if lang == "zh"]
        en = [i for i, lang in enumerate(languages) if lang == "en"]
        by = [
            f1_score(
                [truth[i] for i in ix], [guess[i] for i in ix], labels=[category], average="macro", zero_division=0
            )
            for ix in (zh, en)
        ]
        print(f"  F1 {category:20}{value:>6.3f}   zh {by[0]:.3f}  en {by[1]:.3f}")


def _confusion(truth: list[str], guess: list[str]) -> None:
    labels = list(domain.CATEGORIES)
    matrix = confusion_matrix(truth, guess, labels=labels)
    print("confusion (rows: truth, columns: predicted)")
    print(" " * 11 + "".join(f"{SHORT.get(c, c)[:9]:>10}" for c in labels))
    for category, row in zip(labels, matrix, strict=True):
        print(f"{SHORT.get(category, category)[:10]:11}" + "".join(f"{v:>10}" for v in row))


def held_out(test_size: float, seed: int, threshold: float) -> None:
    rows = service.read_labelled()
    strata = [f"{r.language}/{r.category}" for r in rows]
    train, test = train_test_split(rows, test_size=test_size, stratify=strata, random_state=seed)
    print(f"labelled set: {len(rows)} rows {dict(Counter(r.language for r in rows))}")
    print(
        f"split (stratified by language x category, seed {seed}): train {len(train)}, held out {len(test)} "
        f"{dict(Counter(r.language for r in test))}"
    )
    variants = (
        ("TF-IDF n-grams only", None, False),
        ("TF-IDF + keyword prior", service.load_lexicon(), False),
        ("shipped: TF-IDF + keyword prior + USE sentence vectors", service.load_lexicon(), True),
    )
    for name, lexicon, embedding in variants:
        started = time.perf_counter()
        model = pipeline.train(train, lexicon=lexicon, embedding=embedding)
        predictions = pipeline.predict(model, [r.text for r in test], threshold=0.0)
        elapsed = time.perf_counter() - started
        truth, guess = [r.category for r in test], [p.predicted for p in predictions]
        _scores(f"held out, {name} (train+predict {elapsed:.1f} s)", truth, guess, [r.language for r in test])
    _confusion(truth, guess)
    with_fallback = pipeline.predict(model, [r.text for r in test], threshold=threshold)
    flagged = [p for p in with_fallback if p.needs_review]
    wrong_flagged = sum(p.predicted != r.category for p, r in zip(with_fallback, test, strict=True) if p.needs_review)
    wrong = sum(p.predicted != r.category for p, r in zip(with_fallback, test, strict=True))
    print(
        f"review threshold {threshold}: {len(flagged)} of {len(test)} flagged; "
        f"they hold {wrong_flagged} of the {wrong} errors"
    )


def repeated(test_size: float, seeds: int) -> None:
    """Print macro-F1 mean and spread over several stratified splits: one split of ~180 rows is noisy."""
    rows = service.read_labelled()
    strata = [f"{r.language}/{r.category}" for r in rows]
    lexicon = service.load_lexicon()
    scores: dict[str, list[float]] = {"zh": [], "en": [], "all": []}
    for seed in range(seeds):
        train, test = train_test_split(rows, test_size=test_size, stratify=strata, random_state=seed)
        guess = [
            p.predicted
            for p in pipeline.predict(pipeline.train(train, lexicon=lexicon), [r.text for r in test], threshold=0.0)
        ]
        for name in scores:
            keep = [i for i, r in enumerate(test) if name in (r.language, "all")]
            truth = [test[i].category for i in keep]
            scores[name].append(f1_score(truth, [guess[i] for i in keep], average="macro"))
    print(f"\n== held out, {seeds} stratified splits (seeds 0..{seeds - 1}), shipped recipe ==")
    for name, values in scores.items():
        print(
            f"{name:5} macro-F1 mean {statistics.mean(values):.3f}  sd {statistics.stdev(values):.3f}  "
            f"min {min(values):.3f}  max {max(values):.3f}"
        )


def unseen(threshold: float) -> None:
    if not UNSEEN.exists():
        print(f"\n(no unseen set at {UNSEEN})")
        return
    rows = service.read_labelled(UNSEEN)
    results = service.classify_texts([r.text for r in rows], threshold=0.0)
    truth, guess = [r.category for r in rows], [c.predicted for c in results]
    _scores(
        f"unseen set {UNSEEN.name} (shipped model {results[0].model_version})", truth, guess, [r.language for r in rows]
    )
    _confusion(truth, guess)
    for row, result in zip(rows, results, strict=True):
        if result.predicted != row.category:
            print(f"  miss: {row.category} -> {result.predicted} ({result.confidence:.2f}) {row.text[:70]}")
    print(f"review threshold {threshold}: {sum(c.confidence < threshold for c in results)} of {len(rows)} flagged")


def synthetic() -> None:
    texts, truth, languages = [], [], []
    perishable = [p for p in catalogue.PRODUCTS if p.hs_code in catalogue.NEAR_EXPIRY_HS]
    for category, by_language in COMPLAINT_TEXTS.items():
        # as the generator does: near_expiry only for perishable goods; three products per template
        products = perishable[:3] if category == "near_expiry" else catalogue.PRODUCTS[:3]
        for language, templates in by_language.items():
            for template, product in ((t, p) for t in templates for p in products):
                name = product.name if language == "zh" else product.name_en.lower()
                texts.append(template.format(p=name))
                truth.append(category)
                languages.append(language)
    results = service.classify_texts(texts, threshold=0.0)
    _scores("synthetic province templates (synth/consumers.py)", truth, [c.predicted for c in results], languages)
    for text, category, result in zip(texts, truth, results, strict=True):
        if result.predicted != category:
            print(f"  miss: {category} -> {result.predicted} ({result.confidence:.2f}) {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test-size", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5, help="stratified splits for the mean and spread")
    args = parser.parse_args()
    threshold = service.DEFAULT_THRESHOLD
    held_out(args.test_size, args.seed, threshold)
    repeated(args.test_size, args.repeats)
    unseen(threshold)
    synthetic()


if __name__ == "__main__":
    main()
