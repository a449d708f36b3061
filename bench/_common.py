"""What the understanding benchmarks share: paths, loading the fleet, timing a call and
printing tables. The scoring rules (when a predicted label counts as the gold one) are the
app's own, in ``assistant/eval_scoring.py``, so `intake eval` and the benches score alike.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

KNOWLEDGE_DIR = REPO / "knowledge"
GOLD_DIR = REPO / "tests" / "data"
SHARED_DATA = REPO.parent / "shared" / "data"
# The app's own cache of the red-flag examples' vectors (``data/cache`` under the default
# data folder): a bench run after the first embeds only the examples that changed.
CACHE_DIR = REPO / "data" / "cache"

# The scoring rules are the app's own (`intake eval` scores with them too): one copy.


class Analyzer(Protocol):
    def analyze_json(self, text: str, language: str) -> dict[str, Any]: ...


def load_fleet() -> Analyzer | None:
    """The understanding fleet, warmed up; None (with a message on stderr) if it cannot be built."""
    try:
        from assistant.understanding import Understanding

        fleet = Understanding(KNOWLEDGE_DIR, cache_dir=CACHE_DIR)
        warm_up = getattr(fleet, "warm_up", None)
        if callable(warm_up):
            warm_up()
    except Exception as exc:  # a missing or broken fleet is reported, not raised
        print(
            f"The understanding fleet could not be built ({type(exc).__name__}: {exc}); "
            "nothing to measure.",
            file=sys.stderr,
        )
        return None
    return fleet


def timed_analyze(fleet: Analyzer, text: str, language: str) -> tuple[dict[str, Any], float, str]:
    """(output, latency_ms, error). A raising fleet yields an empty output and the error name."""
    start = time.perf_counter()
    try:
        out = fleet.analyze_json(text, language)
        error = ""
    except Exception as exc:  # the benchmark reports errors instead of stopping
        out, error = {}, type(exc).__name__
    return out, (time.perf_counter() - start) * 1000.0, error


# --- findings -----------------------------------------------------------------------------


# --- medications and allergies ------------------------------------------------------------


# --- red flags ----------------------------------------------------------------------------


# --- reporting ----------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def fmt(value: float | None, n: int | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if n is None else f"{value:.2f} ({n})"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
