"""How well the understanding fleet reads the hand-written gold utterances (tests/data).

Run from the repository root:
``.venv/bin/python bench/eval_understanding.py [--split dev|test|all] [--failures]``.
``--split dev`` measures the development split (``tests/data/*/understanding.jsonl``, the one
the fleet is tuned on), ``--split test`` the held-out test split (``understanding_test.jsonl``,
never tuned against; its cohorts are printed as ``en-test`` ...), and the default ``all`` prints
both, one labelled section each. ``--failures`` lists the misses of the development split; the
held-out split's misses only with ``--split test`` asked for by name, since reading them to
choose rules would turn it into a second development split. Each utterance goes once through
``Understanding(knowledge_dir).analyze_json(text, language)`` (Roman Urdu is passed as ``ur``).
Prints markdown tables; exits 0 even when the fleet is absent.

What the figures mean (all micro-averaged over a cohort):
- finding P/R/F1: a finding is the pair (label, present). Fleet labels are lower-cased and put
  through ``FINDING_SYNONYMS``; the tail of the fleet's code is tried too. Findings the fleet
  marks with a ``context`` other than "current" (family, history) are left out. F1 is printed
  to three decimals, and the details give the counts (right / extra / missed). "F1 over gold
  labels" leaves out the extra findings whose label is not in the gold README's label list
  ("epilepsy", "fall"): the gold can never hold them, right or wrong. The main F1 counts them.
- neg acc: over gold findings whose label the fleet found, where the gold or the fleet says
  "absent": the share where the fleet's polarity equals the gold one. (n) is that count.
- dur acc / sev acc: over gold findings with a duration (severity) that the fleet found with
  the right polarity: the share where the fleet's duration is the same length of time (3 days
  == 72 hours) or the severity is the same number.
- med R: gold medications whose generic name (after ``DRUG_ALIASES``) the fleet listed.
  dose/freq acc: over those found with a gold dose (frequency): same first number and unit
  family; same doses per day or both "as needed".
- allergy R: gold substances the fleet listed (aliases, or one name containing the other).
  NKA acc: over utterances tagged allergy or where the fleet said "no known allergies".
- RF sens / spec: per utterance, any gold red flag vs any fleet red flag. near-miss spec: the
  share of near misses (a denied, family, past or mild red-flag word) with no fleet red flag.
  Per category: a gold category counts as found when some fleet flag maps to it through
  ``red_flag_category`` (prefix/alias table in assistant/eval_scoring.py).
- latency: wall time of analyze_json per utterance after one warm-up call, in ms.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.eval_scoring import (
    BY_TAG,
    RED_FLAG_CATEGORIES,
    Score,
    gold_labels,
    ratio,
    score_row,
)
from bench._common import (
    GOLD_DIR,
    Analyzer,
    fmt,
    load_fleet,
    markdown_table,
    percentile,
    timed_analyze,
)

COHORTS = ("en", "ar", "ur", "ur-Latn")
# split -> (gold file in each cohort folder, suffix of the cohort name in the tables)
SPLITS = {"dev": ("understanding.jsonl", ""), "test": ("understanding_test.jsonl", "-test")}
TITLES = {
    "dev": "## Understanding fleet on the gold utterances",
    "test": "## Understanding fleet on the held-out test split (never tuned against)",
}
ALL_TITLES = {
    "dev": "## Understanding fleet on the gold utterances: development split (tuned on)",
    "test": TITLES["test"],
}
FLEET_LANGUAGE = {"en": "en", "ar": "ar", "ur": "ur", "ur-Latn": "ur"}


def load_cohort(cohort: str, split: str = "dev") -> list[dict[str, Any]]:
    path = GOLD_DIR / cohort / SPLITS[split][0]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@functools.cache
def _gold_labels() -> frozenset[str]:
    """The gold README's label list, read once per run."""
    return gold_labels((GOLD_DIR / "README.md").read_text(encoding="utf-8"))


def evaluate(fleet: Analyzer, cohort: str, split: str = "dev") -> Score:
    score = Score()
    labels = _gold_labels()
    language = FLEET_LANGUAGE[cohort]
    rows = load_cohort(cohort, split)
    timed_analyze(fleet, rows[0]["text"], language)  # warm caches before timing
    for row in rows:
        out, latency_ms, error = timed_analyze(fleet, row["text"], language)
        score.n += 1
        score.latency_ms.append(latency_ms)
        problems = score_row(row, out, score, labels)
        if error:
            score.errors[error] += 1
            problems.insert(0, f"analyze_json raised {error}")
        if problems:
            score.failures.append(
                f"- `{row['id']}` {row['text']}\n" + "\n".join(f"    - {p}" for p in problems)
            )
    return score


def _mean(values: list[bool]) -> tuple[float | None, int]:
    return ratio(sum(values), len(values)), len(values)


def f1_score(tp: int, fp: int, fn: int) -> float | None:
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    return 2 * precision * recall / (precision + recall) if precision and recall else None


def f1_text(value: float | None) -> str:
    """Three decimals: two once printed 0.847 as 0.85, beside a 0.85 target."""
    return "–" if value is None else f"{value:.3f}"


def report(scores: dict[str, Score], failures: bool, title: str = TITLES["dev"]) -> str:
    main = []
    for cohort, s in scores.items():
        precision, recall = ratio(s.tp, s.tp + s.fp), ratio(s.tp, s.tp + s.fn)
        f1 = f1_score(s.tp, s.fp, s.fn)
        main.append(
            [
                cohort,
                s.n,
                fmt(precision),
                fmt(recall),
                f1_text(f1),
                fmt(*_mean(s.neg)),
                fmt(*_mean(s.dur)),
                fmt(ratio(s.med_hit, s.med_gold), s.med_gold),
                fmt(ratio(s.allergy_hit, s.allergy_gold), s.allergy_gold),
                fmt(*_mean(s.nka)),
                fmt(ratio(s.rf_tp, s.rf_pos), s.rf_pos),
                fmt(ratio(s.rf_tn, s.rf_neg), s.rf_neg),
                f"{percentile(s.latency_ms, 0.5):.1f}",
                f"{percentile(s.latency_ms, 0.95):.1f}",
            ]
        )
    out = [title, ""]
    out.append(
        markdown_table(
            [
                "cohort",
                "n",
                "find P",
                "find R",
                "find F1",
                "neg acc (n)",
                "dur acc (n)",
                "med R (n)",
                "allergy R (n)",
                "NKA acc (n)",
                "RF sens (n)",
                "RF spec (n)",
                "p50 ms",
                "p95 ms",
            ],
            main,
        )
    )
    detail = [
        [
            cohort,
            f"{s.tp} / {s.fp} / {s.fn}",
            f"{f1_text(f1_score(s.tp, s.fp - s.fp_unlabelled, s.fn))} ({s.fp_unlabelled})",
            fmt(*_mean(s.sev)),
            fmt(ratio(s.med_pred_hit, s.med_pred), s.med_pred),
            fmt(*_mean(s.dose)),
            fmt(*_mean(s.freq)),
            fmt(ratio(s.allergy_pred_hit, s.allergy_pred), s.allergy_pred),
            fmt(*_mean(s.near_miss)),
            sum(s.errors.values()),
            ", ".join(f"{code} x{n}" for code, n in s.unmapped.most_common()) or "–",
        ]
        for cohort, s in scores.items()
    ]
    out += ["", "### Details", ""]
    out.append(
        markdown_table(
            [
                "cohort",
                "findings right / extra / missed",
                "F1 over gold labels (extra outside them)",
                "sev acc (n)",
                "med P (n)",
                "dose acc (n)",
                "freq acc (n)",
                "allergy P (n)",
                "near-miss spec (n)",
                "errors",
                "unmapped flag codes",
            ],
            detail,
        )
    )
    out += ["", "### Red-flag categories found (hits / gold utterances)", ""]
    out.append(
        markdown_table(
            ["category", *scores],
            [
                [
                    category,
                    *(
                        f"{s.category_hit[category]}/{s.category_gold[category]}"
                        for s in scores.values()
                    ),
                ]
                for category in RED_FLAG_CATEGORIES
            ],
        )
    )
    out += ["", "### Finding recall by tag (found / gold findings in tagged utterances)", ""]
    out.append(
        markdown_table(
            ["tag", *scores],
            [
                [
                    tag,
                    *(
                        f"{s.tag_hit[tag]}/{s.tag_gold[tag]}" if s.tag_gold[tag] else "–"
                        for s in scores.values()
                    ),
                ]
                for tag in BY_TAG
            ],
        )
    )
    if failures:
        for cohort, s in scores.items():
            out += ["", f"### Misses: {cohort} ({len(s.failures)} of {s.n} utterances)", ""]
            out += s.failures or ["none"]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--failures", action="store_true", help="list every miss per cohort")
    parser.add_argument("--cohort", choices=COHORTS, action="append", help="only these cohorts")
    parser.add_argument(
        "--split",
        choices=("dev", "test", "all"),
        default="all",
        help="development split, held-out test split, or both (default)",
    )
    args = parser.parse_args(argv)
    fleet = load_fleet()
    if fleet is None:
        return 0
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    titles = ALL_TITLES if args.split == "all" else TITLES
    sections = []
    for split in splits:
        suffix = SPLITS[split][1]
        scores = {
            f"{cohort}{suffix}": evaluate(fleet, cohort, split) for cohort in args.cohort or COHORTS
        }
        show_misses = args.failures and (split == "dev" or args.split == "test")
        sections.append(report(scores, show_misses, titles[split]))
    print("\n\n".join(sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
