"""The narrative summary is written after submit, off the patient's path, and shown to the
clinician only for the facts it was written from. A scripted summarizer decides what the
model 'wrote' (tests/test_summarizer.py runs the real model and check)."""

from __future__ import annotations

import threading

from assistant.auth import Principal
from assistant.micromodels.base import Result, Trace
from assistant.micromodels.summarizer import Narrative
from assistant.services import Services
from assistant.summary_types import ClinicalSummary
from tests.test_coordinator import ENGLISH, _play

DOCTOR = Principal("dr.sara", frozenset({"clinician"}))


class ScriptedSummarizer:
    name = "summarizer"
    version = "scripted-1"

    def __init__(self, narrative: Narrative, gate: threading.Event | None = None) -> None:
        self.narrative = narrative
        self.gate = gate
        self.seen: list[ClinicalSummary] = []

    def warm_up(self) -> None:
        pass

    def summarize(self, summary: ClinicalSummary) -> Result[Narrative]:
        if self.gate is not None:
            self.gate.wait(10)
        self.seen.append(summary)
        return Result(self.narrative, Trace(self.name, self.version, 12.0, 0.8))


def _submit(services: Services) -> str:
    intake_id = _play(services, "en", ENGLISH)
    services.coordinator.submit(intake_id)
    return intake_id


def test_the_checked_narrative_is_shown_and_traced(services: Services) -> None:
    check = Trace("faithfulness", "rules-1", 3.0, 1.0)
    text = "45-year-old man with a 3-day headache behind the eyes."
    services.summarizer = ScriptedSummarizer(  # type: ignore[assignment]
        Narrative(text, "narrative", "checked", (check,))
    )
    intake_id = _submit(services)
    assert services.summary(intake_id).kind == "template"  # nothing written yet
    services.after_submit(intake_id, wait=True)
    summary = services.desk.summary(DOCTOR, intake_id)
    assert summary.kind == "narrative" and summary.narrative == text
    assert summary.narrative_note == "checked"
    assert summary.model_versions["summarizer"] == "scripted-1"
    models = [t.model for t in services.store.traces(intake_id) if t.turn_id is None]
    assert models == ["faithfulness", "summarizer"]
    # The model was given the structured summary, never a patient turn.
    seen = services.summarizer.seen[0]  # type: ignore[attr-defined]
    assert seen.session_id == intake_id and seen.kind == "template"


def test_a_narrative_that_failed_the_check_leaves_the_template_and_says_why(
    services: Services,
) -> None:
    services.summarizer = ScriptedSummarizer(  # type: ignore[assignment]
        Narrative("template text", "template", "faithfulness:unsupported_symptom")
    )
    intake_id = _submit(services)
    services.after_submit(intake_id, wait=True)
    summary = services.summary(intake_id)
    assert summary.kind == "template" and summary.narrative == ""
    assert summary.narrative_note == "faithfulness:unsupported_symptom"


def test_a_clinician_correction_makes_the_narrative_stale(services: Services) -> None:
    services.summarizer = ScriptedSummarizer(  # type: ignore[assignment]
        Narrative("45-year-old man with headache.", "narrative", "checked")
    )
    intake_id = _submit(services)
    services.after_submit(intake_id, wait=True)
    assert services.summary(intake_id).kind == "narrative"
    facts = dict(services.desk.editable_facts(DOCTOR, intake_id))
    age_id = next(i for i, text in facts.items() if text.startswith("[answer] How old"))
    summary = services.desk.correct(DOCTOR, intake_id, age_id, "47", None, "checked ID card")
    assert summary.kind == "template" and summary.age == 47
    assert summary.narrative_note.startswith("stale")


def test_submit_returns_before_the_narrative_is_written(services: Services) -> None:
    gate = threading.Event()
    services.summarizer = ScriptedSummarizer(  # type: ignore[assignment]
        Narrative("written later", "narrative", "checked"), gate
    )
    intake_id = _play(services, "en", ENGLISH)
    view = services.coordinator.submit(intake_id)
    services.after_submit(intake_id)  # returns at once: the summarizer is blocked on the gate
    assert view.status == "submitted"
    assert services.store.latest_summary(intake_id, kind="narrative") is None
    gate.set()
    services.wait_for_narratives(10)
    assert services.summary(intake_id).narrative == "written later"
