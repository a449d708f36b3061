"""Coordination tests: the real questionnaire, store and answer parser; a fake understanding
fleet so each test decides exactly what was 'understood'."""

from __future__ import annotations

import pytest

from assistant.concepts import Analysis, Duration, Finding, RedFlag
from assistant.errors import InvalidAnswer, SessionClosed, StaleAnswer
from assistant.fakes import FakeUnderstanding
from assistant.services import Services

ENGLISH = {
    "age": "45",
    "sex": "male",
    "chief_complaint": "I have a bad headache",
    "hpi_onset": "gradually",
    "hpi_location": "behind my eyes",
    "hpi_duration": "3 days",
    "hpi_character": "throbbing",
    "hpi_aggravating": "bright light",
    "hpi_alleviating": "sleep",
    "hpi_radiation": "no",
    "hpi_timing": "it comes and goes",
    "hpi_severity": "7",
    "associated_symptoms": "a bit of nausea",
    "past_medical": "diabetes",
    "past_surgical": "none",
    "medications": "metformin 500 mg twice a day",
    "allergies": "penicillin, I get a rash",
    "family_history": "my father has high blood pressure",
    "smoking": "never",
    "alcohol": "no",
    "concerns": "I am worried it is something serious",
}


def _play(services: Services, lang: str, answers: dict[str, str]) -> str:
    view = services.coordinator.start(lang)
    for _ in range(60):
        if view.status != "in_progress" or view.question is None:
            break
        view = services.coordinator.answer(
            view.intake_id, view.question.link_id, answers[view.question.link_id]
        )
    return view.intake_id


def test_a_whole_english_intake_reaches_review_and_submits(services: Services) -> None:
    intake_id = _play(services, "en", ENGLISH)
    assert services.store.get_intake(intake_id).status == "review"
    review = {row.link_id: row for row in services.coordinator.review(intake_id)}
    assert review["age"].understood == "45"
    assert review["hpi_duration"].understood == "3 days"
    assert review["hpi_severity"].understood == "7/10"
    assert review["sex"].understood == "Male"
    assert "pregnant" not in review
    view = services.coordinator.submit(intake_id)
    assert view.status == "submitted"
    summary = services.summary(intake_id)
    assert summary.age == 45
    assert summary.triage_level == "consultation"
    hpi = {f.text for s in summary.sections if s.id == "hpi" for f in s.facts}
    assert "Duration: 3 days" in hpi
    assert "Severity: 7/10" in hpi
    assert summary.concerns[0].text == ENGLISH["concerns"]
    assert [i.id for i in services.store.queue()] == [intake_id]
    with pytest.raises(SessionClosed):
        services.coordinator.submit(intake_id)


def test_every_turn_stores_traces_without_patient_text(services: Services) -> None:
    intake_id = _play(services, "en", ENGLISH)
    traces = services.store.traces(intake_id)
    assert {t.model for t in traces} >= {"answer_parser", "findings"}
    for trace in traces:
        assert trace.version
        assert trace.latency_ms >= 0
        for words in ENGLISH.values():
            if len(words) > 3:
                assert words not in trace.note


def test_a_red_flag_stops_the_interview_at_once(
    services: Services, fake: FakeUnderstanding
) -> None:
    view = services.coordinator.start("ur")
    view = services.coordinator.answer(view.intake_id, "age", "60")
    view = services.coordinator.answer(view.intake_id, "sex", "مرد")
    fake.queue(
        Analysis(
            "ur",
            red_flags=[
                RedFlag(
                    "cardiac_chest_pain_radiating",
                    "Chest pain spreading to the arm",
                    "سینے میں درد",
                    "chest_pain+radiation",
                    "emergency_ambulance",
                )
            ],
        )
    )
    view = services.coordinator.answer(
        view.intake_id, "chief_complaint", "سینے میں شدید درد جو بازو تک جا رہا ہے"
    )
    assert view.status == "emergency"
    assert view.question is None
    assert "ایمبولینس" in view.reply  # guidance in the patient's language
    assert "998" in view.reply
    intake = services.store.get_intake(view.intake_id)
    assert intake.triage_level == "emergency_ambulance"
    summary = services.summary(view.intake_id)
    assert summary.red_flags[0].evidence == "سینے میں درد"
    assert [i.id for i in services.store.queue()] == [view.intake_id]
    with pytest.raises(SessionClosed):
        services.coordinator.answer(view.intake_id, None, "hello")


def test_a_failed_screen_escalates_instead_of_passing(
    services: Services, fake: FakeUnderstanding
) -> None:
    view = services.coordinator.start("en")
    fake.queue(Analysis("en", escalated=True))
    view = services.coordinator.answer(view.intake_id, "age", "45")
    assert view.status == "emergency"
    flags = [f for f in services.store.facts(view.intake_id) if f.kind == "red_flag"]
    assert flags and flags[0].key == "screening_error"


def test_what_the_patient_already_said_is_not_asked_again(
    services: Services, fake: FakeUnderstanding
) -> None:
    view = services.coordinator.start("ar")
    view = services.coordinator.answer(view.intake_id, "age", "٣٤")
    view = services.coordinator.answer(view.intake_id, "sex", "ذكر")
    fake.queue(
        Analysis(
            "ar",
            findings=[
                Finding(
                    "R51",
                    "headache",
                    True,
                    "صداع",
                    0.9,
                    duration=Duration(3, "day"),
                    severity=8,
                    location="forehead",
                )
            ],
        )
    )
    view = services.coordinator.answer(
        view.intake_id, "chief_complaint", "عندي صداع في الجبهة من ثلاثة أيام، شدته ٨ من ١٠"
    )
    asked = []
    while view.status == "in_progress" and view.question is not None:
        asked.append(view.question.link_id)
        fake.queue(Analysis("ar"))
        view = services.coordinator.answer(
            view.intake_id,
            view.question.link_id,
            {"hpi_onset": "فجأة", "hpi_timing": "على طول", "smoking": "لا", "alcohol": "لا"}.get(
                view.question.link_id, "لا أعرف"
            ),
        )
    assert "hpi_duration" not in asked
    assert "hpi_severity" not in asked
    assert "hpi_location" not in asked
    assert "hpi_character" in asked
    summary = services.summary(view.intake_id)
    hpi = {f.text: f for s in summary.sections if s.id == "hpi" for f in s.facts}
    assert hpi["Duration: 3 days"].source == "model"
    assert hpi["Severity: 8/10"].evidence == "صداع"


def test_an_answer_that_is_not_understood_is_asked_again_and_kept(
    services: Services,
) -> None:
    view = services.coordinator.start("en")
    view = services.coordinator.answer(view.intake_id, "age", "purple")
    assert view.question is not None and view.question.link_id == "age"
    assert "number" in view.reply
    turns = services.store.turns(view.intake_id)
    assert [t.text for t in turns if t.role == "patient"] == ["purple"]
    view = services.coordinator.answer(view.intake_id, "age", "I'm 52")
    assert view.question is not None and view.question.link_id == "sex"


def test_double_submit_and_second_tab_are_refused_without_losing_anything(
    services: Services,
) -> None:
    view = services.coordinator.start("en")
    services.coordinator.answer(view.intake_id, "age", "45")
    with pytest.raises(StaleAnswer):
        services.coordinator.answer(view.intake_id, "age", "46")
    facts = [f for f in services.store.facts(view.intake_id) if f.kind == "answer"]
    assert [(f.link_id, f.value["value"]) for f in facts] == [("age", 45)]


@pytest.mark.parametrize(
    ("text", "key"),
    [("", "error_empty"), ("   \u202e ", "error_empty"), ("x" * 10_000, "error_too_long")],
)
def test_bad_messages_get_a_clear_error_and_nothing_is_lost(
    services: Services, text: str, key: str
) -> None:
    view = services.coordinator.start("ur")
    services.coordinator.answer(view.intake_id, "age", "45")
    with pytest.raises(InvalidAnswer) as err:
        services.coordinator.answer(view.intake_id, "sex", text)
    assert err.value.key == key
    assert services.messages.get(key, "ur", max=2000) != services.messages.get(key, "en", max=2000)
    assert services.store.get_intake(view.intake_id).current_link_id == "sex"
    assert [f.link_id for f in services.store.facts(view.intake_id)] == ["age"]


def test_corrections_replace_the_answer_and_can_reopen_questions(services: Services) -> None:
    intake_id = _play(services, "en", ENGLISH)
    view = services.coordinator.correct(intake_id, "age", "44")
    assert view.status == "review"
    review = {row.link_id: row for row in services.coordinator.review(intake_id)}
    assert review["age"].understood == "44"
    all_answers = [
        f
        for f in services.store.facts(intake_id, active_only=False)
        if f.link_id == "age" and f.kind == "answer"
    ]
    assert [f.active for f in all_answers] == [False, True]  # the original is kept
    view = services.coordinator.correct(intake_id, "sex", "female")
    assert view.status == "in_progress"
    assert view.question is not None and view.question.link_id == "pregnant"
    view = services.coordinator.answer(intake_id, "pregnant", "no")
    assert view.status == "review"


def test_resume_with_the_code_returns_to_the_pending_question(services: Services) -> None:
    view = services.coordinator.start("ar")
    token = view.resume_token
    assert token
    services.coordinator.answer(view.intake_id, "age", "٤٥")
    resumed = services.coordinator.resume(token)
    assert resumed.intake_id == view.intake_id
    assert resumed.question is not None and resumed.question.link_id == "sex"
    assert resumed.language == "ar"
