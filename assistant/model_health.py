"""How each micro-model is behaving in production, per language, read from the stored traces.

Traces hold no patient text, so these figures can be shown to an admin freely. A row covers
one micro-model in one language over a period ``[since, until)`` (UTC; a naive datetime is
taken as UTC):

- ``calls``: traces in the period; ``versions``: the model versions that answered them.
- ``p50_latency_ms`` / ``p95_latency_ms``: percentiles with linear interpolation between the
  closest ranks (numpy's default), so a p95 over few calls is a blend, not the maximum.
- ``low_confidence_rate``: share of the calls *that reported a confidence* whose confidence is
  below the threshold (default 0.6); ``None`` when no call reported one. A model that never
  reports confidence is not counted as confident.
- ``fallback_rate`` / ``escalation_rate`` / ``error_rate``: share of all calls with trace status
  ``fallback`` / ``escalated`` / ``error``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.store import Store, TraceRow

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

DEFAULT_LOW_CONFIDENCE = 0.6


class HealthRow(TypedDict):
    model: str
    language: str
    versions: list[str]
    calls: int
    p50_latency_ms: float
    p95_latency_ms: float
    scored: int
    low_confidence_rate: float | None
    fallback_rate: float
    escalation_rate: float
    error_rate: float


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) with linear interpolation; NaN for no values."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1, got {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _utc(value: datetime) -> datetime:
    # SQLite keeps UTC wall-clock time without an offset; compare like with like.
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def load_traces(
    store: Store, *, since: datetime | None = None, until: datetime | None = None
) -> list[TraceRow]:
    """Traces recorded in ``[since, until)``, oldest first."""
    if since is not None and until is not None and _utc(until) <= _utc(since):
        raise ValueError(f"until must be after since, got since={since} until={until}")
    query = select(TraceRow)
    if since is not None:
        query = query.where(TraceRow.created_at >= _utc(since))
    if until is not None:
        query = query.where(TraceRow.created_at < _utc(until))
    with Session(store.engine) as session:
        return list(session.scalars(query.order_by(TraceRow.created_at, TraceRow.id)))


def summarize(traces: Iterable[TraceRow], *, low_confidence: float) -> HealthRow | None:
    """The figures for one group of traces (all of one model and language)."""
    rows = list(traces)
    if not rows:
        return None
    latencies = [row.latency_ms for row in rows]
    confidences = [row.confidence for row in rows if row.confidence is not None]
    status: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        status[row.status] += 1
    calls = len(rows)
    return HealthRow(
        model=rows[0].model,
        language=rows[0].language or "unknown",
        versions=sorted({row.version for row in rows}),
        calls=calls,
        p50_latency_ms=percentile(latencies, 0.5),
        p95_latency_ms=percentile(latencies, 0.95),
        scored=len(confidences),
        low_confidence_rate=(
            sum(c < low_confidence for c in confidences) / len(confidences) if confidences else None
        ),
        fallback_rate=status["fallback"] / calls,
        escalation_rate=status["escalated"] / calls,
        error_rate=status["error"] / calls,
    )


def _check_threshold(low_confidence: float) -> None:
    if not 0.0 <= low_confidence <= 1.0:
        raise ValueError(f"low_confidence must be between 0 and 1, got {low_confidence}")


def health_rows(
    store: Store,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    low_confidence: float = DEFAULT_LOW_CONFIDENCE,
) -> list[HealthRow]:
    """One row per (micro-model, language) with traces in the period, sorted by both."""
    _check_threshold(low_confidence)
    groups: defaultdict[tuple[str, str], list[TraceRow]] = defaultdict(list)
    for trace in load_traces(store, since=since, until=until):
        groups[(trace.model, trace.language or "unknown")].append(trace)
    out: list[HealthRow] = []
    for key in sorted(groups):
        row = summarize(groups[key], low_confidence=low_confidence)
        if row is not None:
            out.append(row)
    return out


def health_frame(
    store: Store,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    low_confidence: float = DEFAULT_LOW_CONFIDENCE,
) -> pd.DataFrame:
    """Per UTC day, model and language: calls, p95 latency and low-confidence rate.

    Columns: ``day`` (UTC midnight), ``model``, ``language``, ``series`` ("model (language)"),
    ``calls``, ``p95_latency_ms``, ``low_confidence_rate``; for
    ``gr.LinePlot(frame, x="day", y="p95_latency_ms", color="series")``.
    """
    import pandas as pd

    _check_threshold(low_confidence)
    groups: defaultdict[tuple[datetime, str, str], list[TraceRow]] = defaultdict(list)
    for trace in load_traces(store, since=since, until=until):
        day = _utc(trace.created_at).replace(hour=0, minute=0, second=0, microsecond=0)
        groups[(day, trace.model, trace.language or "unknown")].append(trace)
    records: list[dict[str, Any]] = []
    for (day, model, language), traces in sorted(groups.items()):
        row = summarize(traces, low_confidence=low_confidence)
        if row is None:
            continue
        records.append(
            {
                "day": day,
                "model": model,
                "language": language,
                "series": f"{model} ({language})",
                "calls": row["calls"],
                "p95_latency_ms": row["p95_latency_ms"],
                "low_confidence_rate": row["low_confidence_rate"],
            }
        )
    columns = [
        "day",
        "model",
        "language",
        "series",
        "calls",
        "p95_latency_ms",
        "low_confidence_rate",
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["day"] = pd.to_datetime(frame["day"], utc=True)
    return frame


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def health_table(rows: Sequence[HealthRow]) -> list[list[Any]]:
    """Rows as lists, for a ``gr.Dataframe`` with ``HEALTH_HEADERS``."""
    return [
        [
            r["model"],
            r["language"],
            ", ".join(r["versions"]),
            r["calls"],
            round(r["p50_latency_ms"], 1),
            round(r["p95_latency_ms"], 1),
            _pct(r["low_confidence_rate"]),
            _pct(r["fallback_rate"]),
            _pct(r["escalation_rate"]),
            _pct(r["error_rate"]),
        ]
        for r in rows
    ]


HEALTH_HEADERS = [
    "model",
    "language",
    "versions",
    "calls",
    "p50 ms",
    "p95 ms",
    "low conf.",
    "fallback",
    "escalated",
    "error",
]


def format_health(rows: Sequence[HealthRow]) -> str:
    """A plain-text table for the console."""
    if not rows:
        return "no traces in this period"
    table = [HEALTH_HEADERS, *([str(cell) for cell in row] for row in health_table(rows))]
    widths = [max(len(str(line[i])) for line in table) for i in range(len(HEALTH_HEADERS))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in table
    )
