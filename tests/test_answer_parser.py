"""The answer parser: free-text answers in en/ar/ur/Roman Urdu -> typed values."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import ConfigError
from assistant.micromodels.answer_lexicon import LEXICON_FILES
from assistant.micromodels.answer_parser import AnswerParser, ParsedAnswer
from assistant.micromodels.base import Result
from assistant.questionnaire import ANSWER_TYPES, AnswerType, Option
from assistant.text import clean_input

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
NOW = datetime(2026, 11, 23, 11, 0)  # 11:00, so "since this morning" (06:00) is 5 hours


@pytest.fixture(scope="module")
def parser() -> AnswerParser:
    answer_parser = AnswerParser(KNOWLEDGE, clock=lambda: NOW)
    answer_parser.warm_up()
    return answer_parser


def value(v: Any) -> tuple[str, Any]:
    return ("value", v)


def days(n: float, unit: str = "day") -> tuple[str, Any]:
    return ("value", {"value": n, "unit": unit})


PAIN_OPTIONS = (
    Option("sharp", {"en": "Sharp", "ar": "حاد", "ur": "تیز"}, ("stabbing", "طعن")),
    Option("dull", {"en": "Dull ache", "ar": "ألم خفيف", "ur": "ہلکا درد"}),
    Option("burning", {"en": "Burning", "ar": "حرقان", "ur": "جلن"}, ("يحرق",)),
)


UNKNOWN = ("unknown", None)
NONE = ("none", None)
AGE = {"minimum": 0, "maximum": 120}

# The same case list in every language: id -> (qtype, text, expected, extra run arguments).
# Roman Urdu runs in Urdu sessions ("ur") like Urdu script does.
CaseTable = dict[str, tuple[AnswerType, str, tuple[str, Any] | None, dict[str, int]]]
CASES: dict[str, CaseTable] = {
    "en": {
        "integer-digits": ("integer", "45", value(45), AGE),
        "integer-sentence": ("integer", "I am 45 years old", value(45), AGE),
        "integer-words": ("integer", "forty five", value(45), AGE),
        "integer-word": ("integer", "seven", value(7), AGE),
        "integer-out-of-range": ("integer", "150", None, AGE),
        "severity-digits": ("severity", "7", value(7), {}),
        "severity-slash": ("severity", "7/10", value(7), {}),
        "severity-scale": ("severity", "7 out of 10", value(7), {}),
        "severity-word": ("severity", "seven", value(7), {}),
        "severity-too-high": ("severity", "11", None, {}),
        "severity-not-a-number": ("severity", "very bad", None, {}),
        "boolean-yes": ("boolean", "yes", value(True), {}),
        "boolean-yes-informal": ("boolean", "yeah", value(True), {}),
        "boolean-no": ("boolean", "no", value(False), {}),
        "boolean-no-informal": ("boolean", "nope", value(False), {}),
        "boolean-negated": ("boolean", "I don't smoke", value(False), {}),
        "boolean-unknown": ("boolean", "I don't know", UNKNOWN, {}),
        "duration-digits": ("duration", "3 days", days(3), {}),
        "duration-words": ("duration", "three days", days(3), {}),
        "duration-two-weeks": ("duration", "for 2 weeks", days(2, "week"), {}),
        "duration-yesterday": ("duration", "since yesterday", days(1), {}),
        "duration-unknown": ("duration", "don't know", UNKNOWN, {}),
        "text-none": ("text", "nothing", NONE, {}),
        "text-unknown": ("text", "I don't know", UNKNOWN, {}),
        "text-value": ("text", "paracetamol twice a day", value("paracetamol twice a day"), {}),
        "garbage": ("integer", "what do you mean", None, AGE),
    },
    "ar": {
        "integer-digits": ("integer", "٤٥", value(45), AGE),
        "integer-sentence": ("integer", "عمري ٤٥ سنة", value(45), AGE),
        "integer-words": ("integer", "خمسة وأربعين", value(45), AGE),
        "integer-word": ("integer", "سبعة", value(7), AGE),
        "integer-out-of-range": ("integer", "١٥٠", None, AGE),
        "severity-digits": ("severity", "٧", value(7), {}),
        "severity-slash": ("severity", "٧/١٠", value(7), {}),
        "severity-scale": ("severity", "٧ من ١٠", value(7), {}),
        "severity-word": ("severity", "سبعة", value(7), {}),
        "severity-too-high": ("severity", "١١", None, {}),
        "severity-not-a-number": ("severity", "قوي وايد", None, {}),
        "boolean-yes": ("boolean", "نعم", value(True), {}),
        "boolean-yes-informal": ("boolean", "ايوه", value(True), {}),
        "boolean-no": ("boolean", "لا", value(False), {}),
        "boolean-no-informal": ("boolean", "ما عندي", value(False), {}),
        "boolean-negated": ("boolean", "ما ادخن", value(False), {}),
        "boolean-unknown": ("boolean", "ما أدري", UNKNOWN, {}),
        "duration-digits": ("duration", "٣ أيام", days(3), {}),
        "duration-words": ("duration", "ثلاثة أيام", days(3), {}),
        "duration-two-weeks": ("duration", "أسبوعين", days(2, "week"), {}),
        "duration-yesterday": ("duration", "من امس", days(1), {}),
        "duration-unknown": ("duration", "لا أعرف", UNKNOWN, {}),
        "text-none": ("text", "لا شيء", NONE, {}),
        "text-unknown": ("text", "ما أدري", UNKNOWN, {}),
        "text-value": ("text", "بنادول مرتين في اليوم", value("بنادول مرتين في اليوم"), {}),
        "garbage": ("integer", "شو قصدك", None, AGE),
    },
    "ur": {
        "integer-digits": ("integer", "۴۵", value(45), AGE),
        "integer-sentence": ("integer", "میری عمر 45 سال ہے", value(45), AGE),
        "integer-words": ("integer", "پینتالیس", value(45), AGE),
        "integer-word": ("integer", "سات", value(7), AGE),
        "integer-out-of-range": ("integer", "۱۵۰", None, AGE),
        "severity-digits": ("severity", "۷", value(7), {}),
        "severity-slash": ("severity", "۷/۱۰", value(7), {}),
        "severity-scale": ("severity", "10 میں سے 7", value(7), {}),
        "severity-word": ("severity", "سات", value(7), {}),
        "severity-too-high": ("severity", "۱۱", None, {}),
        "severity-not-a-number": ("severity", "بہت زیادہ", None, {}),
        "boolean-yes": ("boolean", "ہاں", value(True), {}),
        "boolean-yes-informal": ("boolean", "جی ہاں", value(True), {}),
        "boolean-no": ("boolean", "نہیں", value(False), {}),
        "boolean-no-informal": ("boolean", "جی نہیں", value(False), {}),
        "boolean-negated": ("boolean", "میں سگریٹ نہیں پیتا", value(False), {}),
        "boolean-unknown": ("boolean", "مجھے نہیں پتا", UNKNOWN, {}),
        "duration-digits": ("duration", "۳ دن", days(3), {}),
        "duration-words": ("duration", "تین دن", days(3), {}),
        "duration-two-weeks": ("duration", "دو ہفتے", days(2, "week"), {}),
        "duration-yesterday": ("duration", "کل سے", days(1), {}),
        "duration-unknown": ("duration", "پتا نہیں", UNKNOWN, {}),
        "text-none": ("text", "کچھ نہیں", NONE, {}),
        "text-unknown": ("text", "مجھے نہیں پتا", UNKNOWN, {}),
        "text-value": ("text", "پیناڈول دن میں دو بار", value("پیناڈول دن میں دو بار"), {}),
        "garbage": ("integer", "کیا مطلب", None, AGE),
    },
    "ur-Latn": {
        "integer-digits": ("integer", "45", value(45), AGE),
        "integer-sentence": ("integer", "meri umar 45 saal hai", value(45), AGE),
        "integer-words": ("integer", "paintalis", value(45), AGE),
        "integer-word": ("integer", "saat", value(7), AGE),
        "integer-out-of-range": ("integer", "150", None, AGE),
        "severity-digits": ("severity", "7", value(7), {}),
        "severity-slash": ("severity", "7/10", value(7), {}),
        "severity-scale": ("severity", "10 mein se 7", value(7), {}),
        "severity-word": ("severity", "saat", value(7), {}),
        "severity-too-high": ("severity", "11", None, {}),
        "severity-not-a-number": ("severity", "bohat zyada", None, {}),
        "boolean-yes": ("boolean", "haan", value(True), {}),
        "boolean-yes-informal": ("boolean", "ji", value(True), {}),
        "boolean-no": ("boolean", "nahi", value(False), {}),
        "boolean-no-informal": ("boolean", "nahin", value(False), {}),
        "boolean-negated": ("boolean", "main cigarette nahi peeta", value(False), {}),
        "boolean-unknown": ("boolean", "pata nahi", UNKNOWN, {}),
        "duration-digits": ("duration", "3 din", days(3), {}),
        "duration-words": ("duration", "teen din", days(3), {}),
        "duration-two-weeks": ("duration", "do hafte", days(2, "week"), {}),
        "duration-yesterday": ("duration", "kal se", days(1), {}),
        "duration-unknown": ("duration", "pata nahi", UNKNOWN, {}),
        "text-none": ("text", "koi nahi", NONE, {}),
        "text-unknown": ("text", "pata nahi", UNKNOWN, {}),
        "text-value": ("text", "panadol din mein do baar", value("panadol din mein do baar"), {}),
        "garbage": ("integer", "kya matlab", None, AGE),
    },
}
TABLE = [
    pytest.param(lang, *case, id=f"{lang}-{case_id}")
    for lang, cases in CASES.items()
    for case_id, case in cases.items()
]


def outcome(result: Result[ParsedAnswer | None]) -> tuple[str, Any] | None:
    return None if result.value is None else (result.value.kind, result.value.value)


def session(lang: str) -> Any:
    return "ur" if lang == "ur-Latn" else lang


def test_every_language_has_the_same_cases() -> None:
    shapes = {lang: [(k, c[0]) for k, c in cases.items()] for lang, cases in CASES.items()}
    assert all(shape == shapes["en"] for shape in shapes.values())


@pytest.mark.parametrize(("lang", "qtype", "text", "expected", "bounds"), TABLE)
def test_table(
    parser: AnswerParser,
    lang: str,
    qtype: AnswerType,
    text: str,
    expected: tuple[str, Any] | None,
    bounds: dict[str, int],
) -> None:
    result = parser.run(text, qtype=qtype, language=session(lang), **bounds)
    assert outcome(result) == expected
    if expected is None:
        assert result.trace.status == "fallback"
        assert result.trace.confidence is not None and result.trace.confidence <= 0.2
    else:
        assert result.trace.status == "ok"


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "yep", True),
        ("en", "not really", False),
        ("ar", "اي", True),
        ("ar", "إيه", True),
        ("ar", "لا", False),
        ("ur", "جی", True),
        ("ur", "ji", True),
        ("ur", "nahin", False),
        # negated sentences
        ("en", "I have never smoked", False),
        ("en", "No, I quit two years ago", False),
        ("en", "I do not drink alcohol", False),
        ("en", "I do", True),
        ("en", "Definitely not", False),
        ("en", "of course not", False),
        ("ar", "أكيد لا", False),
        ("ar", "لا ما ادخن", False),
        ("ar", "ما عندي أي حساسية", False),
        ("ar", "مو مدخن", False),
        ("ur", "نہیں جی", False),
        ("ur", "میں شراب نہیں پیتا", False),
        ("ur", "جی کچھ نہیں", False),
        ("ur", "main nahi peeta", False),
        ("ur", "ji nahi", False),
        # English words in Arabic and Urdu sessions
        ("ar", "yes", True),
        ("ur", "no", False),
    ],
)
def test_yes_no(parser: AnswerParser, lang: Any, text: str, expected: bool) -> None:
    result = parser.run(text, qtype="boolean", language=lang)
    assert outcome(result) == value(expected)
    assert result.value is not None and result.value.english == ("Yes" if expected else "No")


@pytest.mark.parametrize("text", ["yes no", "maybe", "sometimes", "haan nahi", "sure never"])
def test_ambiguous_yes_no_is_asked_again(parser: AnswerParser, text: str) -> None:
    assert parser.run(text, qtype="boolean", language="ur").value is None


def test_a_qualified_yes_stays_yes_with_lower_confidence(parser: AnswerParser) -> None:
    plain = parser.run("yes", qtype="boolean", language="en")
    qualified = parser.run("yes but not every day", qtype="boolean", language="en")
    assert outcome(qualified) == value(True)
    assert qualified.trace.confidence is not None and plain.trace.confidence is not None
    assert qualified.trace.confidence < plain.trace.confidence


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "zero", 0),
        ("en", "ten", 10),
        ("en", "fifteen", 15),
        ("en", "twenty", 20),
        ("en", "twenty one", 21),
        ("en", "sixty-eight", 68),
        ("en", "ninety nine", 99),
        ("en", "one hundred", 100),
        ("en", "a hundred and five", 105),
        ("ar", "عشرة", 10),
        ("ar", "خمسة عشر", 15),
        ("ar", "عشرين", 20),
        ("ar", "ثلاثين", 30),
        ("ar", "ثلاثة وستين", 63),
        ("ar", "تسعين", 90),
        ("ar", "مية", 100),
        ("ur", "دس", 10),
        ("ur", "بیس", 20),
        ("ur", "پچاس", 50),
        ("ur", "اٹھاسی", 88),
        ("ur", "nau", 9),
        ("ur", "chalees", 40),
    ],
)
def test_number_words(parser: AnswerParser, lang: Any, text: str, expected: int) -> None:
    result = parser.run(text, qtype="integer", language=lang)
    assert outcome(result) == value(expected)
    assert result.value is not None and result.value.english == str(expected)


@pytest.mark.parametrize(
    ("qtype", "texts", "expected"),
    [
        ("integer", ["45", "٤٥", "۴۵"], value(45)),
        ("severity", ["7/10", "٧/١٠", "۷/۱۰"], value(7)),
        ("duration", ["3 days", "٣ days", "۳ days"], days(3)),
        ("choice", ["2", "٢", "۲"], value("dull")),
    ],
)
def test_digit_scripts(
    parser: AnswerParser, qtype: AnswerType, texts: list[str], expected: tuple[str, Any]
) -> None:
    for text in texts:
        result = parser.run(text, qtype=qtype, language="en", options=PAIN_OPTIONS)
        assert outcome(result) == expected, text


@pytest.mark.parametrize(
    ("text", "bounds", "expected"),
    [
        ("150", AGE, None),
        ("0", {"minimum": 1, "maximum": 10}, None),
        ("12 cigarettes", {}, value(12)),
        ("7.5", {}, None),
        ("I'm 45, born 1980", AGE, value(45)),
        ("I'm 45, born 1980", {}, None),
        ("99999999999999999999", {}, None),
    ],
)
def test_integer_ranges(
    parser: AnswerParser, text: str, bounds: dict[str, int], expected: tuple[str, Any] | None
) -> None:
    assert outcome(parser.run(text, qtype="integer", language="en", **bounds)) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "10/10", 10),
        ("en", "0", 0),
        ("en", "no pain", 0),
        ("ar", "ما في ألم", 0),
        ("ur", "koi dard nahi", 0),
        ("en", "I'd say an 8", 8),
        ("en", "6-7", 7),
        ("en", "11/10", None),
        ("en", "5/5", None),
        ("en", "7.5", None),
        ("en", "-", None),
    ],
)
def test_severity(parser: AnswerParser, lang: Any, text: str, expected: int | None) -> None:
    result = parser.run(text, qtype="severity", language=lang)
    assert outcome(result) == (None if expected is None else value(expected))
    if expected is not None:
        assert result.value is not None and result.value.english == f"{expected}/10"


def test_severity_with_a_custom_scale(parser: AnswerParser) -> None:
    assert outcome(parser.run("4/5", qtype="severity", language="en", maximum=5)) == value(4)
    assert parser.run("7", qtype="severity", language="en", maximum=5).value is None


@pytest.mark.parametrize(
    ("lang", "text", "expected", "english"),
    [
        ("en", "since this morning", days(5, "hour"), "5 hours"),
        ("en", "since last night", days(13, "hour"), "13 hours"),
        ("en", "a week", days(1, "week"), "1 week"),
        ("en", "half an hour", days(30, "minute"), "30 minutes"),
        ("en", "an hour and a half", days(1.5, "hour"), "1.5 hours"),
        ("en", "2-3 days", days(3), "3 days"),
        ("en", "a week or two", days(2, "week"), "2 weeks"),
        ("en", "1 year and 6 months", days(1.5, "year"), "1.5 years"),
        ("en", "I think about 3 weeks ago", days(3, "week"), "3 weeks"),
        ("ar", "يومين", days(2), "2 days"),
        ("ar", "شهرين", days(2, "month"), "2 months"),
        ("ar", "صار لي أسبوع", days(1, "week"), "1 week"),
        ("ar", "من ٣ أيام", days(3), "3 days"),
        ("ar", "ساعة ونص", days(1.5, "hour"), "1.5 hours"),
        ("ar", "نص ساعة", days(30, "minute"), "30 minutes"),
        ("ar", "يومين ثلاثة", days(3), "3 days"),
        ("ar", "سنة أو سنتين", days(2, "year"), "2 years"),
        ("ar", "من الصبح", days(5, "hour"), "5 hours"),
        ("ar", "١٥ يوم", days(15), "15 days"),
        ("ur", "تین دن سے", days(3), "3 days"),
        ("ur", "ڈیڑھ گھنٹہ", days(1.5, "hour"), "1.5 hours"),
        ("ur", "پچھلے ہفتے سے", days(1, "week"), "1 week"),
        ("ur", "do se teen din", days(3), "3 days"),
        ("ur", "subah se", days(5, "hour"), "5 hours"),
    ],
)
def test_durations(
    parser: AnswerParser, lang: Any, text: str, expected: tuple[str, Any], english: str
) -> None:
    result = parser.run(text, qtype="duration", language=lang)
    assert outcome(result) == expected
    assert result.value is not None and result.value.english == english


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "a few days"), ("en", "days"), ("en", "3"), ("en", "0 days"), ("ar", "كم يوم")],
)
def test_durations_without_a_number_of_units_are_asked_again(
    parser: AnswerParser, lang: Any, text: str
) -> None:
    assert parser.run(text, qtype="duration", language=lang).value is None


def test_a_hedge_keeps_the_value_but_lowers_confidence(parser: AnswerParser) -> None:
    plain = parser.run("3 days", qtype="duration", language="en")
    hedged = parser.run("I don't know, maybe 3 days", qtype="duration", language="en")
    assert outcome(hedged) == days(3)
    assert hedged.trace.confidence is not None and plain.trace.confidence is not None
    assert hedged.trace.confidence < plain.trace.confidence


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Sharp", "sharp"),
        ("en", "dull ache", "dull"),
        ("en", "it's stabbing", "sharp"),
        ("en", "2", "dull"),
        ("en", "option 3", "burning"),
        ("en", "it is burning all the time", "burning"),
        ("en", "not sharp, more of a dull ache", "dull"),
        ("en", "burnign", "burning"),
        ("en", "dull", "dull"),
        ("ar", "حاد", "sharp"),
        ("ar", "الحرقان", "burning"),
        ("ar", "٣", "burning"),
        ("ar", "يحرق", "burning"),
        ("ur", "جلن", "burning"),
        ("ur", "تیز نہیں، ہلکا درد ہے", "dull"),
        ("ur", "Sharp", "sharp"),
    ],
)
def test_choice(parser: AnswerParser, lang: Any, text: str, expected: str) -> None:
    result = parser.run(text, qtype="choice", language=lang, options=PAIN_OPTIONS)
    assert outcome(result) == value(expected)
    option = next(o for o in PAIN_OPTIONS if o.code == expected)
    assert result.value is not None and result.value.english == option.text["en"]


@pytest.mark.parametrize("text", ["4", "0", "purple", "sharp and burning", "not sharp"])
def test_choice_that_matches_no_single_option(parser: AnswerParser, text: str) -> None:
    assert parser.run(text, qtype="choice", language="en", options=PAIN_OPTIONS).value is None


def test_choice_special_kinds_and_yes_no_options(parser: AnswerParser) -> None:
    assert (
        outcome(parser.run("no idea", qtype="choice", language="en", options=PAIN_OPTIONS))
        == UNKNOWN
    )
    yes_no = (
        Option("y", {"en": "Yes", "ar": "نعم", "ur": "ہاں"}),
        Option("n", {"en": "No", "ar": "لا", "ur": "نہیں"}),
    )
    assert outcome(parser.run("yeah", qtype="choice", language="en", options=yes_no)) == value("y")
    assert outcome(parser.run("ما ادخن", qtype="choice", language="ar", options=yes_no)) == value(
        "n"
    )


def test_confidence_is_lower_for_fuzzy_and_partial_matches(parser: AnswerParser) -> None:
    def confidence(text: str) -> float:
        result = parser.run(text, qtype="choice", language="en", options=PAIN_OPTIONS)
        assert result.value is not None and result.trace.confidence is not None
        return result.trace.confidence

    assert confidence("Burning") >= 0.9
    assert confidence("burnign") < confidence("it is burning all the time") < confidence("Burning")


@pytest.mark.parametrize(
    ("lang", "qtype", "text", "expected"),
    [
        ("en", "text", "none", NONE),
        ("en", "text", "No", NONE),
        ("en", "text", "I don't have any", NONE),
        ("ar", "text", "الحمد لله ما عندي شي", NONE),
        ("ar", "text", "ما في", NONE),
        ("ur", "text", "ji kuch nahi", NONE),
        ("en", "text", "skip", UNKNOWN),
        ("ar", "text", "لا أعرف", UNKNOWN),
        ("en", "string", "No allergies to penicillin", value("No allergies to penicillin")),
        ("en", "string", "  aspirin\n  daily ", value("aspirin daily")),
        ("en", "text", "aspirin\n\n daily", value("aspirin\ndaily")),
        ("en", "text", "\u202e\x00 \t", None),
        ("en", "integer", "none", NONE),
        ("ar", "duration", "ما في", NONE),
        ("en", "boolean", "nothing", value(False)),
        ("ar", "severity", "ما أدري", UNKNOWN),
        ("ur", "integer", "pata nahi", UNKNOWN),
    ],
)
def test_free_text_and_special_kinds(
    parser: AnswerParser,
    lang: Any,
    qtype: AnswerType,
    text: str,
    expected: tuple[str, Any] | None,
) -> None:
    result = parser.run(text, qtype=qtype, language=lang)
    assert outcome(result) == expected
    if expected in (NONE, UNKNOWN):
        assert result.value is not None and result.value.english == expected[0].title()


@pytest.mark.parametrize("qtype", ANSWER_TYPES)
@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "\u202e\u2066"])
def test_empty_input_is_asked_again(parser: AnswerParser, qtype: AnswerType, text: str) -> None:
    result = parser.run(text, qtype=qtype, language="en", options=PAIN_OPTIONS)
    assert result.value is None
    assert result.trace.status == "fallback" and result.trace.note == "fallback:empty"


def test_control_and_bidi_characters_are_ignored(parser: AnswerParser) -> None:
    assert outcome(parser.run("\u202e4\x005\u200f", qtype="integer", language="ar")) == value(45)
    assert outcome(parser.run("yes 👍", qtype="boolean", language="en")) == value(True)


@pytest.mark.parametrize("qtype", ANSWER_TYPES)
def test_very_long_input(parser: AnswerParser, qtype: AnswerType) -> None:
    text = "نعم 45 days yes ۷/۱۰ " * 500
    result = parser.run(text, qtype=qtype, language="ar", options=PAIN_OPTIONS)
    assert result.trace.status in ("ok", "fallback")
    if qtype == "text":
        assert result.value is not None and result.value.value == clean_input(text)


def test_trace_holds_no_patient_text(parser: AnswerParser) -> None:
    text = "my name is Zainab and the pain started 3 days ago"
    result = parser.run(text, qtype="duration", language="en")
    assert outcome(result) == days(3)
    assert result.trace.model == "answer_parser" and result.trace.version == parser.version
    dumped = json.dumps(result.trace.as_dict())
    assert "Zainab" not in dumped and "pain" not in dumped


# --- the contract for any text -------------------------------------------------------------

_PIECES = st.sampled_from(
    list("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹ /-–.,'?!\n\t\x00\u202e\u200c")
    + list("abcdefghijklmnopqrstuvwxyz")
    + list("ابتثجحخدذرزسشصضطظعغفقكلمنهويىةأإآءئؤ")
    + list("ںہھےیکگچپٹڈڑژ")
    + ["yes ", "no ", " days", " يومين", " نہیں", "haan ", "seven ", "و", " half ", "an ", "hour"]
    + ["ما ", "اي ", "جی ", " out of ", " or ", " and ", "hundred ", "مية ", "ونص", "a "]
)
# Arbitrary Unicode, and soups of the lexicon's own words and digits (which reach deeper rules).
_TEXTS = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=30).map("".join))


def assert_contract(
    result: Result[ParsedAnswer | None],
    text: str,
    qtype: AnswerType,
    bounds: dict[str, int],
) -> None:
    assert isinstance(result, Result)
    assert result.trace.status in ("ok", "fallback"), result.trace.note
    answer = result.value
    if answer is None:
        return
    json.dumps(answer.value)
    assert answer.kind in ("value", "unknown", "none")
    if answer.kind != "value":
        assert answer.value is None and answer.english in ("Unknown", "None")
        return
    if qtype == "integer":
        assert type(answer.value) is int and answer.english == str(answer.value)
        assert bounds["minimum"] <= answer.value <= bounds["maximum"]
    elif qtype == "severity":
        assert type(answer.value) is int and 0 <= answer.value <= 10
        assert answer.english == f"{answer.value}/10"
    elif qtype == "boolean":
        assert type(answer.value) is bool and answer.english in ("Yes", "No")
    elif qtype == "duration":
        assert set(answer.value) == {"value", "unit"}
        assert type(answer.value["value"]) in (int, float) and answer.value["value"] > 0
        assert answer.value["unit"] in ("minute", "hour", "day", "week", "month", "year")
    elif qtype == "choice":
        assert answer.value in {o.code for o in PAIN_OPTIONS}
    elif qtype == "text":
        assert answer.value == answer.english == clean_input(text) != ""
    else:
        assert answer.value == " ".join(clean_input(text).split()) != ""


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=_TEXTS,
    qtype=st.sampled_from(ANSWER_TYPES),
    language=st.sampled_from(["en", "ar", "ur"]),
)
def test_run_never_raises_and_keeps_the_contract(
    parser: AnswerParser, text: str, qtype: AnswerType, language: Any
) -> None:
    bounds = AGE if qtype == "integer" else {}
    result = parser.run(text, qtype=qtype, language=language, options=PAIN_OPTIONS, **bounds)
    assert_contract(result, text, qtype, bounds)


# --- the lexicon files ---------------------------------------------------------------------


def copy_knowledge(tmp_path: Path) -> Path:
    for relative in LEXICON_FILES.values():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(KNOWLEDGE / relative, target)
    return tmp_path


def test_version_names_the_lexicon_files(tmp_path: Path) -> None:
    knowledge = copy_knowledge(tmp_path)
    first = AnswerParser(knowledge).version
    assert first.startswith("rules-") and len(first) == len("rules-") + 12
    assert AnswerParser(knowledge).version == first
    with (knowledge / "ur" / "answers_latin.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    assert AnswerParser(knowledge).version != first


def test_an_edited_lexicon_changes_behaviour(tmp_path: Path) -> None:
    knowledge = copy_knowledge(tmp_path)
    path = knowledge / "en" / "answers.yaml"
    assert AnswerParser(knowledge).run("aye", qtype="boolean", language="en").value is None
    path.write_text(path.read_text(encoding="utf-8").replace("  - yeah\n", "  - yeah\n  - aye\n"))
    result = AnswerParser(knowledge).run("AYE", qtype="boolean", language="en")
    assert outcome(result) == value(True)


def _add_unknown_top_key(data: dict[str, Any]) -> None:
    data["colour_words"] = ["red"]


def _add_unknown_unit_form(data: dict[str, Any]) -> None:
    data["units"]["day"]["three"] = ["ايام"]


def _add_unknown_relative_key(data: dict[str, Any]) -> None:
    data["relative"][0]["when"] = "now"


@pytest.mark.parametrize(
    ("lexicon", "edit", "message"),
    [
        ("en/answers.yaml", _add_unknown_top_key, "colour_words"),
        ("ar/answers.yaml", _add_unknown_unit_form, "three"),
        ("ur/answers_latin.yaml", _add_unknown_relative_key, "when"),
    ],
)
def test_unknown_keys_are_rejected(
    tmp_path: Path, lexicon: str, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    knowledge = copy_knowledge(tmp_path)
    path = knowledge / lexicon
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        AnswerParser(knowledge).warm_up()
    assert message in str(error.value)
    assert "allowed:" in str(error.value)
    assert path.name in str(error.value)


def test_an_unedited_dump_still_loads(tmp_path: Path) -> None:
    # The rejection above is about the key, not about re-dumping the YAML.
    knowledge = copy_knowledge(tmp_path)
    path = knowledge / "ar" / "answers.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = AnswerParser(knowledge).run("يومين", qtype="duration", language="ar")
    assert outcome(result) == days(2)


def test_yaml_booleans_are_rejected(tmp_path: Path) -> None:
    knowledge = copy_knowledge(tmp_path)
    path = knowledge / "en" / "answers.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('  - "yes"\n', "  - yes\n"))
    with pytest.raises(ConfigError, match="quote yes/no"):
        AnswerParser(knowledge).warm_up()


def test_a_missing_lexicon_file_is_a_config_error(tmp_path: Path) -> None:
    knowledge = copy_knowledge(tmp_path)
    (knowledge / "ur" / "answers_latin.yaml").unlink()
    with pytest.raises(ConfigError, match=r"answers_latin\.yaml"):
        AnswerParser(knowledge)


def test_a_pack_choice_answered_with_a_bare_yes_or_no(parser: AnswerParser) -> None:
    """child_fever's "drinking" options list "yes"/"no" as synonyms (once YAML booleans)."""
    from assistant.protocols import load_packs
    from tests.conftest import KNOWLEDGE

    pack = next(p for p in load_packs(KNOWLEDGE / "protocols", KNOWLEDGE) if p.id == "child_fever")
    drinking = next(q for q in pack.questions if q.link_id == "child_fever.drinking")
    for text, code in (("yes", "normal"), ("no", "hardly")):
        result = parser.run(text, qtype="choice", language="en", options=drinking.options)
        assert outcome(result) == value(code)
