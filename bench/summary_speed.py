"""How long a clinician waits after submit: narrative (generation + check) and template + PDF.

Run from the repository root: ``.venv/bin/python bench/summary_speed.py [--repeat N]``.

Summaries: the seven in tests/data/faithfulness (English, Arabic and Urdu sessions; the summary
is English in every case). For each, ``repeat`` times:
- narrative: ``Summarizer(settings).summarize(summary)`` with the model already loaded (the app
  warms it at start), greedy, ``llm_max_new_tokens`` (120) new tokens at most, ``llm_threads``
  (2) torch threads; the wall time covers generation and the faithfulness check. Targets:
  p95 < 15 s. The kind (narrative, or template when the check or the model said no) and the
  reason codes are counted.
- template + PDF: ``template_paragraph`` and ``assistant.report.render_pdf``; target < 1 s.
The model's first load (verify + load, or the one-off GGUF conversion) is reported apart. The
machine's load average is printed too: other processes on the same two cores slow generation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import REPO, markdown_table, percentile

CASES = REPO / "tests" / "data" / "faithfulness"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, help="where the model cache lives")
    parser.add_argument("--show", action="store_true", help="print each paragraph")
    args = parser.parse_args(argv)

    from assistant.config import Settings
    from assistant.micromodels.summarizer import Summarizer, template_paragraph
    from assistant.report import render_pdf
    from assistant.summary import summary_from_dict

    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    summaries = [
        summary_from_dict(json.loads(p.read_text(encoding="utf-8"))["summary"])
        for p in sorted(CASES.glob("*.json"))
    ]
    load_before = os.getloadavg()

    pdf_ms: list[float] = []
    for _ in range(args.repeat):
        for summary in summaries:
            start = time.perf_counter()
            template_paragraph(summary)
            render_pdf(summary, fonts_dir=settings.fonts_dir, clinic_name=settings.clinic_name)
            pdf_ms.append((time.perf_counter() - start) * 1000.0)

    summarizer = Summarizer(settings)
    start = time.perf_counter()
    summarizer.warm_up()
    load_s = time.perf_counter() - start
    narrative_ms: list[float] = []
    tokens: list[int] = []
    kinds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for _ in range(args.repeat):
        for summary in summaries:
            start = time.perf_counter()
            result = summarizer.summarize(summary)
            narrative_ms.append((time.perf_counter() - start) * 1000.0)
            kinds[result.value.kind] += 1
            for code in result.value.reason.split(":", 1)[-1].split(","):
                reasons[code] += 1
            llm = next((t for t in result.value.traces if t.model == "llm"), None)
            if llm is not None:
                tokens.append(int(llm.note.split("+")[-1]))
            if args.show:
                print(f"- {summary.session_id[:8]} [{result.value.kind}] {result.value.text}")
    load_after = os.getloadavg()

    def seconds(values: list[float], q: float) -> str:
        return f"{percentile(values, q) / 1000.0:.2f}"

    print(f"## Summary speed ({summarizer.version})\n")
    print(
        f"{len(summaries)} summaries x {args.repeat}; torch threads {settings.llm_threads}, "
        f"{os.cpu_count()} CPUs; load average before {load_before[0]:.1f}, "
        f"after {load_after[0]:.1f}. Model load (first in this process): {load_s:.1f} s.\n"
    )
    rate = sum(tokens) / (sum(narrative_ms) / 1000.0) if narrative_ms and tokens else 0.0
    print(
        markdown_table(
            ["step", "n", "p50 s", "p95 s", "max s", "target"],
            [
                [
                    "narrative (generate + check)",
                    len(narrative_ms),
                    seconds(narrative_ms, 0.5),
                    seconds(narrative_ms, 0.95),
                    seconds(narrative_ms, 1.0),
                    f"p95 < 15 s: {'met' if percentile(narrative_ms, 0.95) < 15000 else 'NOT met'}",
                ],
                [
                    "template + PDF",
                    len(pdf_ms),
                    seconds(pdf_ms, 0.5),
                    seconds(pdf_ms, 0.95),
                    seconds(pdf_ms, 1.0),
                    f"< 1 s: {'met' if max(pdf_ms) < 1000 else 'NOT met'}",
                ],
            ],
        )
    )
    print(
        f"\nNew tokens per narrative: mean {sum(tokens) / max(1, len(tokens)):.0f}; "
        f"{rate:.1f} tokens/s overall."
    )
    print(f"Kinds: {dict(kinds)}. Reasons: {dict(reasons.most_common())}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
