"""Model health from stored traces (rates and percentiles checked exactly), and the stored
understanding evaluation: per-cohort scores, the previous run beside the newest, drop flags."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from assistant.concepts import Analysis, Finding
from assistant.config import Settings
from assistant.evaluation import (
    COHORTS,
    DROP_THRESHOLD,
    METRICS,
    EvalRow,
    format_eval,
    latest_eval,
    load_cohort,
    run_eval,
)
from assistant.fakes import FakeUnderstanding
from assistant.micromodels.base import Trace
from assistant.model_health import (
    format_health,
    health_frame,
    health_rows,
    percentile,
)
from assistant.services import Services
from assistant.store import Store, TraceRow, TurnWrite

DAY1 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)


@pytest.fixture
def store(settings: Settings) -> Store:
    s = Store(settings.resolved_database_url)
    s.create_schema()
    return s


def write(store: Store, language: str, traces: list[Trace], at: datetime) -> None:
    """Store traces through a real turn, then date them."""
    row, _ = store.create_intake(language, "1", "age", "hello", 7)
    store.record_turn(
        TurnWrite(row.id, "age", "x", language, "next?", "age", "in_progress", traces=traces)
    )
    with Session(store.engine) as session, session.begin():
        session.execute(update(TraceRow).where(TraceRow.intake_id == row.id).values(created_at=at))


def t(
    model: str,
    latency_ms: float,
    confidence: float | None,
    status: str = "ok",
    version: str = "rules-1",
) -> Trace:
    return Trace(model, version, latency_ms, confidence, status, "")  # type: ignore[arg-type]


def by_key(rows: list[Any]) -> dict[tuple[str, str], Any]:
    return {(r["model"], r["language"]): r for r in rows}


# --- percentiles --------------------------------------------------------------------------------


def test_percentile_interpolates_between_closest_ranks() -> None:
    assert percentile([10, 20, 30, 40], 0.5) == 25
    assert percentile([10, 20, 30, 40, 100], 0.95) == pytest.approx(88.0)  # 40 + 0.8 * 60
    assert percentile([7], 0.95) == 7
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1], 95)


# --- health rows --------------------------------------------------------------------------------


def test_rates_and_percentiles_per_model_and_language(store: Store) -> None:
    write(
        store,
        "en",
        [
            t("findings", 10, 0.9),
            t("findings", 20, 0.5, "fallback"),
            t("findings", 30, None, "error"),
            t("answer_parser", 2, 0.95),
        ],
        DAY1,
    )
    write(store, "en", [t("findings", 40, 0.59, "escalated"), t("findings", 100, 0.6)], DAY2)
    write(
        store,
        "ur",
        [t("findings", 50, 0.3, version="rules-2"), t("findings", 70, 0.8, version="rules-2")],
        DAY2,
    )

    rows = by_key(health_rows(store))
    assert sorted(rows) == [("answer_parser", "en"), ("findings", "en"), ("findings", "ur")]
    en = rows[("findings", "en")]
    assert en["calls"] == 5
    assert en["p50_latency_ms"] == 30
    assert en["p95_latency_ms"] == pytest.approx(88.0)
    assert en["scored"] == 4
    assert en["low_confidence_rate"] == 0.5  # 0.5 and 0.59 of 0.9, 0.5, 0.59, 0.6
    assert en["fallback_rate"] == 0.2
    assert en["escalation_rate"] == 0.2
    assert en["error_rate"] == 0.2
    ur = rows[("findings", "ur")]
    assert (ur["calls"], ur["p50_latency_ms"], ur["low_confidence_rate"]) == (2, 60, 0.5)
    assert ur["p95_latency_ms"] == pytest.approx(69.0)
    assert ur["versions"] == ["rules-2"]
    assert (ur["fallback_rate"], ur["escalation_rate"], ur["error_rate"]) == (0, 0, 0)
    parser = rows[("answer_parser", "en")]
    assert (parser["calls"], parser["low_confidence_rate"]) == (1, 0.0)

    stricter = by_key(health_rows(store, low_confidence=0.95))
    assert stricter[("findings", "en")]["low_confidence_rate"] == 1.0
    assert stricter[("answer_parser", "en")]["low_confidence_rate"] == 0.0


def test_a_period_keeps_only_its_traces(store: Store) -> None:
    write(store, "en", [t("findings", 10, 0.9), t("findings", 30, 0.2)], DAY1)
    write(store, "ar", [t("findings", 80, 0.9)], DAY2)
    write(store, "en", [t("findings", 500, 0.1, "error")], DAY2)

    day2 = by_key(
        health_rows(
            store,
            since=datetime(2026, 11, 21, tzinfo=UTC),
            until=datetime(2026, 11, 22, tzinfo=UTC),
        )
    )
    assert sorted(day2) == [("findings", "ar"), ("findings", "en")]
    assert day2[("findings", "en")]["calls"] == 1
    assert day2[("findings", "en")]["error_rate"] == 1.0
    # until is exclusive; a time in another zone means the same instant.
    gulf = timezone(timedelta(hours=4))
    day1 = by_key(
        health_rows(
            store,
            since=datetime(2026, 11, 20, 13, 0, tzinfo=gulf),
            until=datetime(2026, 11, 20, 9, 0, 1),
        )
    )
    assert list(day1) == [("findings", "en")]
    assert day1[("findings", "en")]["calls"] == 2
    assert day1[("findings", "en")]["p50_latency_ms"] == 20
    assert day1[("findings", "en")]["low_confidence_rate"] == 0.5
    assert health_rows(store, since=datetime(2026, 12, 1, tzinfo=UTC)) == []
    with pytest.raises(ValueError, match="until must be after since"):
        health_rows(store, since=DAY2, until=DAY1)
    with pytest.raises(ValueError, match="low_confidence"):
        health_rows(store, low_confidence=60)


def test_per_day_frame_for_plotting(store: Store) -> None:
    write(store, "en", [t("findings", 10, 0.9), t("findings", 20, 0.1)], DAY1)
    write(
        store,
        "en",
        [t("findings", 100, 0.9), t("findings", 300, 0.8), t("findings", 200, 0.2)],
        DAY2,
    )
    write(store, "ur", [t("findings", 40, None)], DAY2)

    frame = health_frame(store)
    assert list(frame.columns) == [
        "day",
        "model",
        "language",
        "series",
        "calls",
        "p95_latency_ms",
        "low_confidence_rate",
    ]
    en = frame[frame["series"] == "findings (en)"].reset_index(drop=True)
    assert [d.date().isoformat() for d in en["day"]] == ["2026-11-20", "2026-11-21"]
    assert list(en["calls"]) == [2, 3]
    assert en["p95_latency_ms"].tolist() == pytest.approx([19.5, 290.0])
    assert en["low_confidence_rate"].tolist() == pytest.approx([0.5, 1 / 3])
    ur = frame[frame["series"] == "findings (ur)"]
    assert ur["low_confidence_rate"].isna().all()  # no confidence reported: not "confident"
    assert health_frame(store, since=datetime(2027, 1, 1, tzinfo=UTC)).empty


def test_traces_from_real_turns_show_up(services: object, fake: object) -> None:
    svc, understanding = cast(Services, services), cast(FakeUnderstanding, fake)
    for lang, answers in (("en", ["45", "male"]), ("ur", ["۶۰", "مرد"])):
        view = svc.coordinator.start(lang)
        for text in answers:
            assert view.question is not None
            understanding.queue(
                Analysis(lang, findings=[Finding("fever", "fever", True, "x", 0.9)])
            )
            view = svc.coordinator.answer(view.intake_id, view.question.link_id, text)
    rows = by_key(health_rows(svc.store))
    for lang in ("en", "ur"):
        assert rows[("findings", lang)]["calls"] == 2
        assert rows[("findings", lang)]["versions"] == ["fake-1"]
        assert rows[("answer_parser", lang)]["calls"] >= 2
        assert rows[("answer_parser", lang)]["versions"] == [svc.fleet.answer_parser.version]
    text = format_health(health_rows(svc.store))
    assert text.splitlines()[0].split()[:3] == ["model", "language", "versions"]
    assert "findings" in text and "ur" in text


# --- stored evaluation ----------------------------------------------------------------------------


def gold_line(
    uid: str,
    text: str,
    findings: list[tuple[str, bool]],
    *,
    meds: tuple[str, ...] = (),
    allergies: tuple[str, ...] = (),
    red_flags: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
) -> str:
    return json.dumps(
        {
            "id": uid,
            "text": text,
            "language": uid.rsplit("-", 1)[0],
            "findings": [
                {"label": label, "present": present, "duration": None, "severity": None}
                for label, present in findings
            ],
            "medications": [{"label": m, "dose": None, "frequency": None} for m in meds],
            "allergies": [{"substance": a, "reaction": None} for a in allergies],
            "no_known_allergies": False,
            "red_flags": list(red_flags),
            "tags": list(tags),
        },
        ensure_ascii=False,
    )


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    root = tmp_path / "gold"
    (root / "en").mkdir(parents=True)
    (root / "ar").mkdir(parents=True)
    (root / "en" / "understanding.jsonl").write_text(
        "\n".join(
            [
                gold_line(
                    "en-001",
                    "fever and cough, no headache",
                    [("fever", True), ("cough", True), ("headache", False)],
                    tags=("negation",),
                ),
                gold_line(
                    "en-002",
                    "crushing chest pain",
                    [("chest pain", True)],
                    red_flags=("cardiac_chest_pain",),
                ),
                gold_line(
                    "en-003",
                    "I take Panadol, allergic to penicillin",
                    [],
                    meds=("paracetamol",),
                    allergies=("penicillin",),
                    tags=("allergy",),
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    (root / "ar" / "understanding.jsonl").write_text(
        "\n".join(
            [
                gold_line("ar-001", "عندي كحة وسخونة", [("cough", True), ("fever", True)]),
                gold_line("ar-002", "ما فيني حرارة", [("fever", False)], tags=("negation",)),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return root


class ScriptedFleet:
    """Answers analyze_json from a table: text -> output. Unknown text: nothing found."""

    def __init__(self, outputs: dict[str, dict[str, Any]], versions: dict[str, str]) -> None:
        self.outputs = outputs
        self.versions = versions
        self.seen: list[tuple[str, str]] = []

    def analyze_json(self, text: str, language: str) -> dict[str, Any]:
        self.seen.append((text, language))
        if text == "boom":
            raise RuntimeError("fleet failed")
        return self.outputs.get(text, {})


def finding(label: str, present: bool = True, context: str = "current") -> dict[str, Any]:
    return {
        "code": label.replace(" ", "_"),
        "label": label,
        "present": present,
        "duration": None,
        "severity": None,
        "evidence": "",
        "confidence": 0.9,
        "context": context,
    }


PERFECT: dict[str, dict[str, Any]] = {
    "fever and cough, no headache": {
        "findings": [finding("fever"), finding("cough"), finding("headache", False)]
    },
    "crushing chest pain": {
        "findings": [finding("chest pain")],
        "red_flags": [{"code": "cardiac_chest_pain", "label": "x", "evidence": ""}],
    },
    "I take Panadol, allergic to penicillin": {
        "medications": [{"label": "Panadol"}],
        "allergies": [{"substance": "penicillin"}],
    },
    "عندي كحة وسخونة": {"findings": [finding("cough"), finding("fever")]},
    "ما فيني حرارة": {"findings": [finding("fever", False)]},
}


def value(rows: list[EvalRow], cohort: str, metric: str) -> EvalRow:
    return next(r for r in rows if r["cohort"] == cohort and r["metric"] == metric)


def test_a_run_is_scored_per_cohort_and_stored(
    settings: Settings, store: Store, gold: Path
) -> None:
    fleet = ScriptedFleet(PERFECT, {"findings": "rules-a", "red_flags": "rules-b"})
    rows = run_eval(settings, analyzer=fleet, cohorts=("en", "ar"), gold_dir=gold, store=store)
    assert ("ما فيني حرارة", "ar") in fleet.seen and ("crushing chest pain", "en") in fleet.seen
    assert [(r["cohort"], r["metric"]) for r in rows] == [
        (c, m) for c in ("en", "ar") for m in METRICS
    ]
    for metric in (
        "finding_f1",
        "negation_accuracy",
        "red_flag_sensitivity",
        "medication_recall",
        "allergy_recall",
    ):
        assert value(rows, "en", metric)["value"] == 1.0
    assert value(rows, "en", "red_flag_specificity")["value"] == 1.0  # 2 of 2 without flags
    assert value(rows, "ar", "red_flag_sensitivity")["value"] is None  # no gold red flag in ar
    assert value(rows, "ar", "medication_recall")["value"] is None
    assert all(r["previous"] is None and r["delta"] is None and not r["dropped"] for r in rows)
    assert value(rows, "en", "finding_f1")["n"] == 3
    assert "(first run)" in format_eval(rows)


def test_a_drop_in_one_language_is_flagged_and_the_others_are_not(
    settings: Settings, store: Store, gold: Path
) -> None:
    run_eval(
        settings,
        analyzer=ScriptedFleet(PERFECT, {"findings": "rules-a"}),
        cohorts=("en", "ar"),
        gold_dir=gold,
        store=store,
    )
    worse = dict(PERFECT)
    # English misses the cough and reads "no headache" as a headache; Arabic is unchanged.
    worse["fever and cough, no headache"] = {"findings": [finding("fever"), finding("headache")]}
    rows = run_eval(
        settings,
        analyzer=ScriptedFleet(worse, {"findings": "rules-b"}),
        cohorts=("en", "ar"),
        gold_dir=gold,
        store=store,
    )

    f1 = value(rows, "en", "finding_f1")
    # gold pairs: fever+, cough+, headache-, chest pain+; fleet: fever+, headache+, chest pain+
    # TP 2, FP 1, FN 2 -> F1 = 4 / 7
    assert f1["value"] == pytest.approx(4 / 7)
    assert f1["previous"] == 1.0
    assert f1["delta"] == pytest.approx(round(4 / 7 - 1, 6))
    assert f1["dropped"] is True
    negation = value(rows, "en", "negation_accuracy")
    assert (negation["value"], negation["dropped"]) == (0.0, True)
    assert value(rows, "en", "medication_recall")["dropped"] is False
    assert not any(r["dropped"] for r in rows if r["cohort"] == "ar")
    assert value(rows, "ar", "finding_f1")["delta"] == 0.0
    assert f1["changed_versions"] == ["findings"]
    assert f1["previous_run_at"] is not None
    assert "DROP" in format_eval(rows)
    assert latest_eval(store) == rows  # the stored view is what the run returned


def test_a_fall_of_exactly_the_threshold_is_not_a_drop(
    settings: Settings, store: Store, gold: Path
) -> None:
    from assistant.evaluation import CohortScores, save_run

    def scores(f1: float) -> CohortScores:
        return CohortScores(
            "ur", 50, 0, None, None, f1, None, None, None, None, None, None, None, None
        )

    save_run(store, [scores(0.85)], {}, at=DAY1)
    save_run(store, [scores(0.83)], {}, at=DAY2)
    row = value(latest_eval(store), "ur", "finding_f1")
    assert row["delta"] == pytest.approx(-DROP_THRESHOLD)
    assert row["dropped"] is False
    save_run(store, [scores(0.8099)], {}, at=DAY2 + timedelta(days=1))
    row = value(latest_eval(store), "ur", "finding_f1")
    assert (row["previous"], row["dropped"]) == (0.83, True)


def test_errors_count_and_score_as_nothing_found(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    (tmp_path / "g" / "en").mkdir(parents=True)
    (tmp_path / "g" / "en" / "understanding.jsonl").write_text(
        gold_line("en-001", "boom", [("fever", True)]) + "\n", encoding="utf-8"
    )
    rows = run_eval(
        settings,
        analyzer=ScriptedFleet({}, {}),
        cohorts=("en",),
        gold_dir=tmp_path / "g",
        store=store,
    )
    assert value(rows, "en", "finding_f1")["value"] == 0.0
    from sqlalchemy import select

    from assistant.evaluation import EvalRunRow

    with Session(store.engine) as session:
        (stored,) = session.scalars(select(EvalRunRow))
    assert (stored.errors, stored.n, stored.cohort) == (1, 1, "en")


def test_the_real_gold_files_score_perfectly_against_themselves(
    settings: Settings, store: Store
) -> None:
    """An oracle that answers with the gold facts in the analyze_json format scores 1.0: the
    contract and the gold files (development and held-out test split) agree."""
    oracle: dict[str, dict[str, Any]] = {}
    for cohort in COHORTS:
        for row in load_cohort(cohort):
            oracle[row["text"]] = {
                "findings": [
                    finding(f["label"], f["present"])
                    | {"duration": f["duration"], "severity": f["severity"]}
                    for f in row["findings"]
                ],
                "medications": [dict(m) for m in row["medications"]],
                "allergies": [dict(a) for a in row["allergies"]],
                "no_known_allergies": row["no_known_allergies"],
                "red_flags": [{"code": c, "label": c, "evidence": ""} for c in row["red_flags"]],
            }
    rows = run_eval(settings, analyzer=ScriptedFleet(oracle, {}), store=store)
    assert {r["cohort"] for r in rows} == {
        "en",
        "ar",
        "ur",
        "ur-Latn",
        "en-test",
        "ar-test",
        "ur-test",
        "ur-Latn-test",
    }
    for r in rows:
        assert r["value"] in (1.0, None), r
        assert r["n"] >= 20 if r["cohort"] in ("en", "ar", "ur", "ur-Latn") else r["n"] >= 60
    with pytest.raises(ValueError, match="unknown cohort"):
        run_eval(settings, analyzer=ScriptedFleet(oracle, {}), cohorts=("fr",), store=store)


def test_the_held_out_split_is_scored_and_stored_as_its_own_cohort(
    settings: Settings, store: Store, gold: Path
) -> None:
    (gold / "ar" / "understanding_test.jsonl").write_text(
        gold_line("ar-t-001", "عندي كحة وسخونة", [("cough", True), ("fever", True)])
        + "\n"
        + gold_line("ar-t-002", "بطني يوجعني", [("abdominal pain", True)])
        + "\n",
        encoding="utf-8",
    )
    fleet = ScriptedFleet(PERFECT, {})
    rows = run_eval(settings, analyzer=fleet, cohorts=("ar", "ar-test"), gold_dir=gold, store=store)
    # Same language for the fleet; the second test line is missed, so only the test cohort drops
    # below 1.0: TP 2, FN 1 -> F1 = 4 / 5.
    assert ("بطني يوجعني", "ar") in fleet.seen
    assert value(rows, "ar", "finding_f1")["value"] == 1.0
    assert value(rows, "ar", "finding_f1")["n"] == 2
    test_f1 = value(rows, "ar-test", "finding_f1")
    assert test_f1["value"] == pytest.approx(4 / 5)
    assert test_f1["n"] == 2
    assert [r["cohort"] for r in rows][:: len(METRICS)] == ["ar", "ar-test"]
    assert latest_eval(store, cohorts=("ar-test",)) == [r for r in rows if r["cohort"] == "ar-test"]


def test_a_run_without_a_store_uses_the_settings_database(tmp_path: Path, gold: Path) -> None:
    settings = Settings(data_dir=tmp_path / "fresh" / "data")
    rows = run_eval(settings, analyzer=ScriptedFleet(PERFECT, {}), cohorts=("ar",), gold_dir=gold)
    assert value(rows, "ar", "finding_f1")["value"] == 1.0
    assert (tmp_path / "fresh" / "data" / "intake.sqlite3").exists()
    assert latest_eval(Store(settings.resolved_database_url)) == rows
