"""The rule fleet against the small generative model on the same utterances, and the fallback.

Run from the repository root:
``.venv/bin/python bench/fleet_vs_llm.py [--limit N] [--mts-limit N] [--cohort en ...]``.

Utterances: the first ``--limit`` lines of each gold cohort (tests/data/{en,ar,ur,ur-Latn}/
understanding.jsonl), and the patient lines of the first ``--mts-limit`` MEDICATIONS / ALLERGY
rows of each MTS-Dialog test set (../shared/data/mts-dialog). Each goes through
(a) the fleet, ``Understanding(knowledge_dir).analyze_json(text, language)``;
(b) ``LLMExtractor`` (the small model prompted for the same JSON, greedy);
(c) the fleet with the fallback: when ``should_fallback(fleet_json, text)``, the model's answer
    is merged in with ``merge_llm_facts`` (additions only, marked ``llm_suggested``).

Scoring is bench/eval_understanding.py's (``score_row``: finding F1 over (label, present),
negation accuracy, red-flag sensitivity, medication and allergy recall) and
bench/mts_dialog.py's (``evaluate_split``) for MTS-Dialog. Latency is wall time per utterance;
the fallback's includes the model only where it ran. Peak memory is the process's peak
resident set size after each system ran (the fleet runs first, so its figure is its own; the
model's includes the fleet's). The model needs seconds per utterance on two cores: the tables
say how many utterances were run.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.eval_scoring import ratio
from bench._common import (
    SHARED_DATA,
    Analyzer,
    fmt,
    load_fleet,
    markdown_table,
    percentile,
)
from bench.eval_understanding import COHORTS, FLEET_LANGUAGE, Score, load_cohort, score_row

SYSTEMS = ("fleet", "llm", "fleet+fallback")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Timed:
    """An Analyzer that remembers every answer and its latency, so each text runs once."""

    def __init__(self, inner: Analyzer) -> None:
        self.inner = inner
        self.answers: dict[tuple[str, str], tuple[dict[str, Any], float]] = {}

    def analyze_json(self, text: str, language: str) -> dict[str, Any]:
        return self.timed(text, language)[0]

    def timed(self, text: str, language: str) -> tuple[dict[str, Any], float]:
        key = (text, language)
        if key not in self.answers:
            start = time.perf_counter()
            try:
                out = self.inner.analyze_json(text, language)
            except Exception:  # a failing system scores as an empty answer
                out = {}
            self.answers[key] = (out, (time.perf_counter() - start) * 1000.0)
        return self.answers[key]


@dataclass
class Fallback:
    """Fleet first; the model's additions when the fleet looks unsure."""

    fleet: Timed
    llm: Timed
    calls: int = 0
    used: int = 0
    added: int = 0
    latency_ms: list[float] = field(default_factory=list)

    def analyze_json(self, text: str, language: str) -> dict[str, Any]:
        from assistant.micromodels.llm_extractor import merge_llm_facts, should_fallback

        out, spent = self.fleet.timed(text, language)
        self.calls += 1
        if should_fallback(out, text):
            self.used += 1
            suggestion, extra = self.llm.timed(text, language)
            out = merge_llm_facts(out, suggestion)
            self.added += int(out.get("llm_suggested", 0))
            spent += extra
        self.latency_ms.append(spent)
        return out


def f1(score: Score) -> float | None:
    precision, recall = ratio(score.tp, score.tp + score.fp), ratio(score.tp, score.tp + score.fn)
    return 2 * precision * recall / (precision + recall) if precision and recall else None


def mean(values: list[bool]) -> str:
    return fmt(ratio(sum(values), len(values)), len(values))


def gold_cohorts(
    fleet: Timed, llm: Timed, cohorts: list[str], limit: int
) -> tuple[list[list[object]], list[list[object]]]:
    main: list[list[object]] = []
    gains: list[list[object]] = []
    memory: dict[str, float] = {}
    rows_by_cohort = {c: load_cohort(c)[:limit] for c in cohorts}
    for cohort, rows in rows_by_cohort.items():  # the fleet everywhere first: its own memory
        for row in rows:
            fleet.timed(row["text"], FLEET_LANGUAGE[cohort])
    memory["fleet"] = peak_rss_mb()
    for cohort, rows in rows_by_cohort.items():
        for row in rows:
            llm.timed(row["text"], FLEET_LANGUAGE[cohort])
    memory["llm"] = memory["fleet+fallback"] = peak_rss_mb()
    for cohort, rows in rows_by_cohort.items():
        language = FLEET_LANGUAGE[cohort]
        fallback = Fallback(fleet, llm)
        scores = {name: Score() for name in SYSTEMS}
        latencies: dict[str, list[float]] = {name: [] for name in SYSTEMS}
        for row in rows:
            for name, system in (("fleet", fleet), ("llm", llm)):
                out, spent = system.timed(row["text"], language)
                latencies[name].append(spent)
                scores[name].n += 1
                score_row(row, out, scores[name])
            merged = fallback.analyze_json(row["text"], language)
            scores["fleet+fallback"].n += 1
            score_row(row, merged, scores["fleet+fallback"])
        latencies["fleet+fallback"] = fallback.latency_ms
        for name in SYSTEMS:
            s = scores[name]
            main.append(
                [
                    cohort,
                    name,
                    s.n,
                    fmt(f1(s)),
                    mean(s.neg),
                    fmt(ratio(s.rf_tp, s.rf_pos), s.rf_pos),
                    fmt(ratio(s.med_hit, s.med_gold), s.med_gold),
                    fmt(ratio(s.allergy_hit, s.allergy_gold), s.allergy_gold),
                    f"{percentile(latencies[name], 0.5):.0f}",
                    f"{percentile(latencies[name], 0.95):.0f}",
                    f"{memory[name]:.0f}",
                ]
            )
        base, merged_score = scores["fleet"], scores["fleet+fallback"]

        def delta(a: float | None, b: float | None) -> str:
            return "–" if a is None or b is None else f"{b - a:+.2f}"

        gains.append(
            [
                cohort,
                len(rows),
                f"{fallback.used}/{fallback.calls}",
                fallback.added,
                delta(f1(base), f1(merged_score)),
                delta(
                    ratio(base.tp, base.tp + base.fn),
                    ratio(merged_score.tp, merged_score.tp + merged_score.fn),
                ),
                delta(
                    ratio(base.rf_tp, base.rf_pos), ratio(merged_score.rf_tp, merged_score.rf_pos)
                ),
                delta(
                    ratio(base.rf_tn, base.rf_neg), ratio(merged_score.rf_tn, merged_score.rf_neg)
                ),
                delta(
                    ratio(base.med_hit, base.med_gold),
                    ratio(merged_score.med_hit, merged_score.med_gold),
                ),
                delta(
                    ratio(base.allergy_hit, base.allergy_gold),
                    ratio(merged_score.allergy_hit, merged_score.allergy_gold),
                ),
            ]
        )
    return main, gains


def mts(fleet: Timed, llm: Timed, limit: int) -> list[list[object]]:
    from bench.mts_dialog import evaluate_split

    folder = SHARED_DATA / "mts-dialog"
    table: list[list[object]] = []
    for name in (
        "MTS-Dialog-TestSet-1-MEDIQA-Chat-2023.csv",
        "MTS-Dialog-TestSet-2-MEDIQA-Sum-2023.csv",
    ):
        path = folder / name
        if not path.is_file():
            print(f"{path} is absent; MTS-Dialog skipped.", file=sys.stderr)
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = list(reader.fieldnames or [])
            rows = [r for r in reader if r["section_header"] in ("MEDICATIONS", "ALLERGY")][:limit]
        with tempfile.TemporaryDirectory() as tmp:
            subset = Path(tmp) / name
            with subset.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)
            fallback = Fallback(fleet, llm)
            for system_name, system in (
                ("fleet", fleet),
                ("llm", llm),
                ("fleet+fallback", fallback),
            ):
                s = evaluate_split(system, subset)
                fallback_rate = "–"
                if system is fallback:  # its answers come from the caches: use their real times
                    fallback_rate = f"{fallback.used}/{fallback.calls}"
                    s.latency_ms = list(fallback.latency_ms)
                table.append(
                    [
                        name.split("-MEDIQA")[0].removeprefix("MTS-Dialog-"),
                        system_name,
                        len(rows),
                        fmt(ratio(s.med_hit, s.med_gold), s.med_gold),
                        fmt(ratio(s.med_said_hit, s.med_said), s.med_said),
                        fmt(ratio(s.allergy_hit, s.allergy_gold), s.allergy_gold),
                        fmt(ratio(sum(s.nka), len(s.nka)), len(s.nka)),
                        fallback_rate,
                        f"{percentile(s.latency_ms, 0.5):.0f}",
                        f"{percentile(s.latency_ms, 0.95):.0f}",
                    ]
                )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=8, help="gold utterances per cohort")
    parser.add_argument("--mts-limit", type=int, default=4, help="MTS rows per test set (0: skip)")
    parser.add_argument("--cohort", choices=COHORTS, action="append", help="only these cohorts")
    parser.add_argument(
        "--data-dir", type=Path, help="where the model cache lives (Settings.data_dir)"
    )
    args = parser.parse_args(argv)

    from assistant.config import Settings
    from assistant.micromodels.llm_extractor import LLMExtractor

    fleet_model = load_fleet()
    if fleet_model is None:
        return 0
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    extractor = LLMExtractor(settings)
    start = time.perf_counter()
    extractor.warm_up()
    load_s = time.perf_counter() - start
    fleet, llm = Timed(fleet_model), Timed(extractor)
    cohorts = args.cohort or list(COHORTS)
    main_rows, gains = gold_cohorts(fleet, llm, cohorts, args.limit)
    print(
        f"## Fleet vs small model ({extractor.version}), first {args.limit} utterances per cohort"
    )
    print(f"\nModel load: {load_s:.1f} s. Peak RSS is the whole process's, in MB.\n")
    print(
        markdown_table(
            [
                "cohort",
                "system",
                "n",
                "find F1",
                "neg acc (n)",
                "RF sens (n)",
                "med R (n)",
                "allergy R (n)",
                "p50 ms",
                "p95 ms",
                "peak RSS MB",
            ],
            main_rows,
        )
    )
    print("\n### Fallback: the model only where the fleet looks unsure (gain over the fleet)\n")
    print(
        markdown_table(
            [
                "cohort",
                "n",
                "fallback rate",
                "facts added",
                "Δ find F1",
                "Δ find R",
                "Δ RF sens",
                "Δ RF spec",
                "Δ med R",
                "Δ allergy R",
            ],
            gains,
        )
    )
    if args.mts_limit > 0:
        table = mts(fleet, llm, args.mts_limit)
        if table:
            print(f"\n### MTS-Dialog test sets, first {args.mts_limit} MEDICATIONS/ALLERGY rows\n")
            print(
                markdown_table(
                    [
                        "split",
                        "system",
                        "rows",
                        "med R (n)",
                        "med R said (n)",
                        "allergy R (n)",
                        "NKA acc (n)",
                        "fallback",
                        "p50 ms",
                        "p95 ms",
                    ],
                    table,
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
