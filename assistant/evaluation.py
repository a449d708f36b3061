"""The understanding fleet's quality per language, measured on the gold utterances and kept.

``run_eval`` sends every gold utterance through ``analyze_json`` (format in
``tests/data/README.md``): the development split (``tests/data/{en,ar,ur,ur-Latn}/
understanding.jsonl``, cohorts ``en`` ... ``ur-Latn``) and the held-out test split
(``understanding_test.jsonl`` beside it, cohorts ``en-test`` ... ``ur-Latn-test``), which is
scored and stored as cohorts of its own so that tuning gains on the development split can be
told from gains that carry over. It scores each cohort with
``assistant.eval_scoring`` (the same scoring ``bench/eval_understanding.py`` prints) and stores
one ``eval_runs`` row per cohort with the model versions and a timestamp. ``latest_eval`` sets
the newest run of each cohort beside the one before it, so a drop in one language shows even
when the others improved: ``dropped`` is true when a score fell by more than ``DROP_THRESHOLD``.
"""

from __future__ import annotations

import importlib
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Protocol, TypedDict

from sqlalchemy import JSON, Float, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.config import PROJECT_ROOT, Settings
from assistant.errors import ConfigError
from assistant.eval_scoring import Score, ratio, score_row
from assistant.model_health import percentile
from assistant.store import Base, Store, utcnow

DEV_COHORTS: Final = ("en", "ar", "ur", "ur-Latn")
TEST_SUFFIX: Final = "-test"
TEST_COHORTS: Final = tuple(f"{cohort}{TEST_SUFFIX}" for cohort in DEV_COHORTS)
COHORTS: Final = DEV_COHORTS + TEST_COHORTS
_DEV_LANGUAGE: Final = {"en": "en", "ar": "ar", "ur": "ur", "ur-Latn": "ur"}
FLEET_LANGUAGE: Final = _DEV_LANGUAGE | {
    f"{cohort}{TEST_SUFFIX}": language for cohort, language in _DEV_LANGUAGE.items()
}
GOLD_FILES: Final = {"dev": "understanding.jsonl", "test": "understanding_test.jsonl"}
METRICS: Final = (
    "finding_f1",
    "negation_accuracy",
    "red_flag_sensitivity",
    "red_flag_specificity",
    "medication_recall",
    "allergy_recall",
)
DROP_THRESHOLD: Final = 0.02
GOLD_DIR: Final = PROJECT_ROOT / "tests" / "data"


class EvalRunRow(Base):
    """One cohort's scores in one evaluation run (rows of a run share ``run_id``)."""

    __tablename__ = "eval_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    cohort: Mapped[str] = mapped_column(String(16), index=True)
    n: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    finding_precision: Mapped[float | None] = mapped_column(Float)
    finding_recall: Mapped[float | None] = mapped_column(Float)
    finding_f1: Mapped[float | None] = mapped_column(Float)
    negation_accuracy: Mapped[float | None] = mapped_column(Float)
    red_flag_sensitivity: Mapped[float | None] = mapped_column(Float)
    red_flag_specificity: Mapped[float | None] = mapped_column(Float)
    medication_recall: Mapped[float | None] = mapped_column(Float)
    allergy_recall: Mapped[float | None] = mapped_column(Float)
    nka_accuracy: Mapped[float | None] = mapped_column(Float)
    p50_latency_ms: Mapped[float | None] = mapped_column(Float)
    p95_latency_ms: Mapped[float | None] = mapped_column(Float)
    versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Analyzer(Protocol):
    def analyze_json(self, text: str, language: str) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class CohortScores:
    cohort: str
    n: int
    errors: int
    finding_precision: float | None
    finding_recall: float | None
    finding_f1: float | None
    negation_accuracy: float | None
    red_flag_sensitivity: float | None
    red_flag_specificity: float | None
    medication_recall: float | None
    allergy_recall: float | None
    nka_accuracy: float | None
    p50_latency_ms: float | None
    p95_latency_ms: float | None


class EvalRow(TypedDict):
    cohort: str
    metric: str
    value: float | None
    previous: float | None
    delta: float | None
    dropped: bool
    n: int
    run_at: str
    previous_run_at: str | None
    changed_versions: list[str]


def ensure_schema(store: Store) -> None:
    """Create ``eval_runs`` if this database has not got it yet."""
    store.create_schema()


# --- measuring ------------------------------------------------------------------------------


def gold_path(cohort: str, gold_dir: Path = GOLD_DIR) -> Path:
    """The file a cohort is read from: ``en`` -> ``en/understanding.jsonl``, ``en-test`` ->
    ``en/understanding_test.jsonl`` (the held-out split of the same language)."""
    if cohort.endswith(TEST_SUFFIX):
        return gold_dir / cohort.removesuffix(TEST_SUFFIX) / GOLD_FILES["test"]
    return gold_dir / cohort / GOLD_FILES["dev"]


def load_cohort(cohort: str, gold_dir: Path = GOLD_DIR) -> list[dict[str, Any]]:
    path = gold_path(cohort, gold_dir)
    if not path.exists():
        raise ConfigError(f"{path}: gold utterances for cohort {cohort!r} not found")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except ValueError as exc:
            raise ConfigError(f"{path}:{number}: not JSON ({exc})") from exc
    return rows


def _mean(values: Sequence[bool]) -> float | None:
    return ratio(sum(values), len(values))


def cohort_scores(cohort: str, score: Score) -> CohortScores:
    """The stored figures from an accumulated ``Score``. F1 is 2TP / (2TP + FP + FN), so a
    fleet that finds nothing scores 0, not "undefined"."""
    denominator = 2 * score.tp + score.fp + score.fn
    return CohortScores(
        cohort=cohort,
        n=score.n,
        errors=sum(score.errors.values()),
        finding_precision=ratio(score.tp, score.tp + score.fp),
        finding_recall=ratio(score.tp, score.tp + score.fn),
        finding_f1=2 * score.tp / denominator if denominator else None,
        negation_accuracy=_mean(score.neg),
        red_flag_sensitivity=ratio(score.rf_tp, score.rf_pos),
        red_flag_specificity=ratio(score.rf_tn, score.rf_neg),
        medication_recall=ratio(score.med_hit, score.med_gold),
        allergy_recall=ratio(score.allergy_hit, score.allergy_gold),
        nka_accuracy=_mean(score.nka),
        p50_latency_ms=percentile(score.latency_ms, 0.5) if score.latency_ms else None,
        p95_latency_ms=percentile(score.latency_ms, 0.95) if score.latency_ms else None,
    )


def evaluate_cohort(analyzer: Analyzer, rows: Sequence[dict[str, Any]], cohort: str) -> Score:
    """Every utterance through ``analyze_json`` once (after one untimed warm-up call)."""
    score = Score()
    language = FLEET_LANGUAGE.get(cohort, cohort)
    if rows:
        _timed(analyzer, rows[0]["text"], language)
    for row in rows:
        out, latency_ms, error = _timed(analyzer, row["text"], language)
        score.n += 1
        score.latency_ms.append(latency_ms)
        score_row(row, out, score)
        if error:
            score.errors[error] += 1
    return score


def _timed(analyzer: Analyzer, text: str, language: str) -> tuple[dict[str, Any], float, str]:
    start = time.perf_counter()
    try:
        out, error = analyzer.analyze_json(text, language), ""
    except Exception as exc:  # a raising fleet scores as finding nothing; the error is counted
        out, error = {}, type(exc).__name__
    return out, (time.perf_counter() - start) * 1000.0, error


def _versions(analyzer: object) -> dict[str, str]:
    versions = getattr(analyzer, "versions", None)
    if callable(versions):
        versions = versions()
    if not isinstance(versions, Mapping):
        return {}
    return {str(k): str(v) for k, v in versions.items()}


def _real_analyzer(settings: Settings) -> Analyzer:
    module = importlib.import_module("assistant.understanding")
    analyzer: Analyzer = module.Understanding(
        settings.knowledge_dir, cache_dir=settings.data_dir / "cache"
    )
    warm_up = getattr(analyzer, "warm_up", None)
    if callable(warm_up):
        warm_up()
    return analyzer


def run_eval(
    settings: Settings,
    *,
    analyzer: Analyzer | None = None,
    cohorts: Sequence[str] = COHORTS,
    gold_dir: Path = GOLD_DIR,
    store: Store | None = None,
) -> list[EvalRow]:
    """Measure ``cohorts``, store one row each under a new run id, return ``latest_eval``.

    Without ``analyzer`` the real understanding fleet is loaded from ``settings``.
    """
    unknown = sorted(set(cohorts) - set(FLEET_LANGUAGE))
    if unknown:
        raise ValueError(f"unknown cohort {unknown}; choose from {', '.join(COHORTS)}")
    gold = {cohort: load_cohort(cohort, gold_dir) for cohort in cohorts}
    fleet = analyzer if analyzer is not None else _real_analyzer(settings)
    versions = _versions(fleet)
    results = [
        cohort_scores(cohort, evaluate_cohort(fleet, rows, cohort)) for cohort, rows in gold.items()
    ]
    if store is None:
        settings.ensure_data_dir()
        store = Store(settings.resolved_database_url)
    save_run(store, results, versions)
    return latest_eval(store, cohorts=cohorts)


def save_run(
    store: Store,
    results: Sequence[CohortScores],
    versions: Mapping[str, str],
    *,
    at: datetime | None = None,
) -> str:
    """Store one run (all cohorts in one transaction); returns its run id."""
    ensure_schema(store)
    run_id = uuid.uuid4().hex
    when = at or utcnow()
    with Session(store.engine) as session, session.begin():
        for result in results:
            session.add(
                EvalRunRow(
                    run_id=run_id,
                    created_at=when,
                    cohort=result.cohort,
                    n=result.n,
                    errors=result.errors,
                    finding_precision=result.finding_precision,
                    finding_recall=result.finding_recall,
                    finding_f1=result.finding_f1,
                    negation_accuracy=result.negation_accuracy,
                    red_flag_sensitivity=result.red_flag_sensitivity,
                    red_flag_specificity=result.red_flag_specificity,
                    medication_recall=result.medication_recall,
                    allergy_recall=result.allergy_recall,
                    nka_accuracy=result.nka_accuracy,
                    p50_latency_ms=result.p50_latency_ms,
                    p95_latency_ms=result.p95_latency_ms,
                    versions=dict(versions),
                )
            )
    return run_id


# --- comparing ------------------------------------------------------------------------------


def latest_eval(store: Store, *, cohorts: Sequence[str] | None = None) -> list[EvalRow]:
    """Per cohort and metric: the newest value, the previous run's, the change, and whether
    it dropped by more than ``DROP_THRESHOLD``. Cohorts in ``COHORTS`` order, then others."""
    ensure_schema(store)
    with Session(store.engine) as session:
        query = select(EvalRunRow).order_by(EvalRunRow.created_at.desc(), EvalRunRow.id.desc())
        if cohorts is not None:
            query = query.where(EvalRunRow.cohort.in_(list(cohorts)))
        history: dict[str, list[EvalRunRow]] = {}
        for row in session.scalars(query):
            runs = history.setdefault(row.cohort, [])
            if len(runs) < 2:
                runs.append(row)
    order = {cohort: i for i, cohort in enumerate(COHORTS)}
    out: list[EvalRow] = []
    for cohort in sorted(history, key=lambda c: (order.get(c, len(order)), c)):
        newest, *rest = history[cohort]
        previous = rest[0] if rest else None
        changed = _changed_versions(newest.versions, previous.versions if previous else None)
        for metric in METRICS:
            value: float | None = getattr(newest, metric)
            before: float | None = getattr(previous, metric) if previous else None
            delta = round(value - before, 6) if value is not None and before is not None else None
            out.append(
                EvalRow(
                    cohort=cohort,
                    metric=metric,
                    value=value,
                    previous=before,
                    delta=delta,
                    dropped=delta is not None and delta < -DROP_THRESHOLD,
                    n=newest.n,
                    run_at=_iso(newest.created_at),
                    previous_run_at=_iso(previous.created_at) if previous else None,
                    changed_versions=changed,
                )
            )
    return out


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _changed_versions(new: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[str]:
    if old is None:
        return []
    return sorted(k for k in set(new) | set(old) if new.get(k) != old.get(k))


EVAL_HEADERS = ["cohort", "metric", "value", "previous", "delta", "dropped", "n"]


def eval_table(rows: Sequence[EvalRow]) -> list[list[Any]]:
    """Rows as lists, for a ``gr.Dataframe`` with ``EVAL_HEADERS``."""

    def fmt(value: float | None, sign: bool = False) -> str:
        if value is None:
            return "–"
        return f"{value:+.3f}" if sign else f"{value:.3f}"

    return [
        [
            r["cohort"],
            r["metric"],
            fmt(r["value"]),
            fmt(r["previous"]),
            fmt(r["delta"], sign=True),
            "DROP" if r["dropped"] else "",
            r["n"],
        ]
        for r in rows
    ]


def format_eval(rows: Sequence[EvalRow]) -> str:
    """A plain-text table for the console, with the runs compared and changed versions."""
    if not rows:
        return "no evaluation runs stored yet"
    table = [EVAL_HEADERS, *([str(c) for c in row] for row in eval_table(rows))]
    widths = [max(len(line[i]) for line in table) for i in range(len(EVAL_HEADERS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in table
    ]
    seen: set[str] = set()
    for r in rows:
        if r["cohort"] in seen:
            continue
        seen.add(r["cohort"])
        versus = f" vs {r['previous_run_at']}" if r["previous_run_at"] else " (first run)"
        changed = ", ".join(r["changed_versions"]) or "none"
        lines.append(f"{r['cohort']}: run {r['run_at']}{versus}; changed models: {changed}")
    return "\n".join(lines)
