"""Findings, table-driven: the same cases in English, Arabic, Urdu and Roman Urdu, each with
its denied form. The patient's words are kept as evidence; attributes are parsed."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from assistant.concepts import Finding
from assistant.understanding import Understanding

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

# concept id -> language -> (affirmed, denied). "ur-Latn" is Roman Urdu.
CASES: dict[str, dict[str, tuple[str, str]]] = {
    "fever": {
        "en": ("I have a fever", "I don't have a fever"),
        "ar": ("عندي حرارة", "ما عندي حرارة"),
        "ur": ("مجھے بخار ہے", "مجھے بخار نہیں ہے"),
        "ur-Latn": ("mujhe bukhar hai", "mujhe bukhar nahi hai"),
    },
    "cough": {
        "en": ("I've been coughing a lot", "No cough"),
        "ar": ("عندي كحة", "ما عندي كحة"),
        "ur": ("کھانسی ہو رہی ہے", "کھانسی نہیں ہے"),
        "ur-Latn": ("khansi ho rahi hai", "khansi nahi hai"),
    },
    "headache": {
        "en": ("My head hurts", "I do not have a headache"),
        "ar": ("راسي يوجعني", "ما عندي صداع"),
        "ur": ("سر میں درد ہے", "سر میں درد نہیں ہے"),
        "ur-Latn": ("sar mein dard hai", "sar mein dard nahi hai"),
    },
    "chest_pain": {
        "en": ("I have pain in my chest", "I deny any chest pain"),
        "ar": ("صدري يوجعني", "ما في ألم في الصدر"),
        "ur": ("سینے میں درد ہے", "سینے میں درد نہیں ہے"),
        "ur-Latn": ("seene mein dard hai", "seene mein dard nahi hai"),
    },
    "shortness_of_breath": {
        "en": ("I get short of breath", "Not short of breath"),
        "ar": ("عندي ضيق في التنفس", "ما عندي ضيق في التنفس"),
        "ur": ("سانس پھولتا ہے", "سانس کی تکلیف نہیں ہے"),
        "ur-Latn": ("saans phoolna shuru ho gaya", "saans ki takleef nahi hai"),
    },
    "abdominal_pain": {
        "en": ("My stomach hurts", "No tummy ache"),
        "ar": ("بطني يعورني", "ما عندي مغص"),
        "ur": ("پیٹ میں درد ہے", "پیٹ میں درد نہیں"),
        "ur-Latn": ("pait mein dard hai", "pait mein dard nahi"),
    },
    "nausea": {
        "en": ("I feel nauseous", "No nausea"),
        "ar": ("عندي غثيان", "ما عندي غثيان"),
        "ur": ("متلی ہو رہی ہے", "متلی نہیں ہو رہی"),
        "ur-Latn": ("matli ho rahi hai", "matli nahi ho rahi"),
    },
    "vomiting": {
        "en": ("I threw up twice", "I haven't vomited"),
        "ar": ("استفرغت مرتين", "ما استفرغت"),
        "ur": ("الٹیاں ہو رہی ہیں", "الٹی نہیں ہوئی"),
        "ur-Latn": ("ultiyan ho rahi hain", "ulti nahi hui"),
    },
    "diarrhoea": {
        "en": ("I have diarrhea", "No diarrhoea"),
        "ar": ("عندي إسهال", "ما عندي اسهال"),
        "ur": ("دست لگے ہوئے ہیں", "دست نہیں ہیں"),
        "ur-Latn": ("dast lag gaye hain", "dast nahi hain"),
    },
    "dizziness": {
        "en": ("I feel dizzy", "I'm not dizzy"),
        "ar": ("عندي دوخة", "ما عندي دوخة"),
        "ur": ("چکر آ رہے ہیں", "چکر نہیں آتے"),
        "ur-Latn": ("chakkar aa rahe hain", "chakkar nahi aate"),
    },
    "sore_throat": {
        "en": ("I have a sore throat", "My throat is not sore"),
        "ar": ("حلقي يوجعني", "ما عندي التهاب في الحلق"),
        "ur": ("گلے میں درد ہے", "گلے میں درد نہیں"),
        "ur-Latn": ("gale mein dard hai", "gale mein dard nahi"),
    },
    "runny_nose": {
        "en": ("I have a runny nose", "No runny nose"),
        "ar": ("خشمي يسيل", "ما عندي رشح"),
        "ur": ("ناک بہہ رہی ہے", "نزلہ نہیں ہے"),
        "ur-Latn": ("naak beh rahi hai", "nazla nahi hai"),
    },
    "painful_urination": {
        "en": ("It burns when I pee", "No burning on urination"),
        "ar": ("عندي حرقان في البول", "ما عندي حرقة في البول"),
        "ur": ("پیشاب میں جلن ہے", "پیشاب میں جلن نہیں"),
        "ur-Latn": ("peshab mein jalan hai", "peshab mein jalan nahi"),
    },
    "back_pain": {
        "en": ("My back hurts", "No back pain"),
        "ar": ("ظهري يوجعني", "ما عندي ألم في الظهر"),
        "ur": ("کمر میں درد ہے", "کمر میں درد نہیں ہے"),
        "ur-Latn": ("kamar mein dard hai", "kamar mein dard nahi hai"),
    },
    "rash": {
        "en": ("I have a rash on my arm", "No rash"),
        "ar": ("عندي طفح جلدي", "ما عندي طفح"),
        "ur": ("جلد پر دانے نکل آئے ہیں", "کوئی دانے نہیں ہیں"),
        "ur-Latn": ("jild pe daane nikal aaye hain", "koi daane nahi hain"),
    },
    "fatigue": {
        "en": ("I'm tired all the time", "I am not tired"),
        "ar": ("أحس بتعب وإرهاق", "ما عندي تعب"),
        "ur": ("ہر وقت تھکاوٹ رہتی ہے", "تھکاوٹ نہیں ہے"),
        "ur-Latn": ("har waqt thakawat rehti hai", "thakawat nahi hai"),
    },
    "diabetes": {
        "en": ("I have diabetes", "I am not diabetic"),
        "ar": ("عندي سكر", "ما عندي سكر"),
        "ur": ("مجھے شوگر ہے", "مجھے شوگر نہیں ہے"),
        "ur-Latn": ("mujhe sugar hai", "mujhe sugar nahi hai"),
    },
    "hypertension": {
        "en": ("I have high blood pressure", "No high blood pressure"),
        "ar": ("عندي ضغط", "ما عندي ضغط"),
        "ur": ("مجھے بلڈ پریشر ہے", "مجھے بلڈ پریشر نہیں ہے"),
        "ur-Latn": ("mujhe bp hai", "mujhe bp nahi hai"),
    },
    "asthma": {
        "en": ("I have asthma", "I don't have asthma"),
        "ar": ("عندي ربو", "ما عندي ربو"),
        "ur": ("مجھے دمہ ہے", "مجھے دمہ نہیں ہے"),
        "ur-Latn": ("mujhe dama hai", "mujhe dama nahi hai"),
    },
    "swelling_of_legs": {
        "en": ("My ankles are swollen", "No swelling in my legs"),
        "ar": ("رجولي منتفخة", "ما في تورم في رجلي"),
        "ur": ("پاؤں میں سوجن ہے", "پاؤں میں سوجن نہیں ہے"),
        "ur-Latn": ("pairon mein sujan hai", "pairon mein sujan nahi hai"),
    },
}

PARAMS = [(code, lang, pair) for code, by_lang in CASES.items() for lang, pair in by_lang.items()]
IDS = [f"{code}-{lang}" for code, lang, _ in PARAMS]


def _current(u: Understanding, text: str, lang: str | None = None) -> list[Finding]:
    session = lang.split("-")[0] if lang else None
    analysis, _ = u.analyze(text, session)  # type: ignore[arg-type]
    return [f for f in analysis.findings if f.context == "current"]


def _presence(u: Understanding, text: str, lang: str, codes: Iterable[str]) -> dict[str, bool]:
    """Whether each of ``codes`` the fleet found in ``text`` is present, by code."""
    analysis, _ = u.analyze(text, lang)  # type: ignore[arg-type]
    wanted = set(codes)
    return {f.code: f.present for f in analysis.findings if f.code in wanted}


def _one(findings: list[Finding], code: str) -> Finding:
    hits = [f for f in findings if f.code == code]
    assert hits, f"{code} not found in {[f.code for f in findings]}"
    return hits[0]


@pytest.mark.parametrize(("code", "lang", "pair"), PARAMS, ids=IDS)
def test_affirmed(
    understanding: Understanding, code: str, lang: str, pair: tuple[str, str]
) -> None:
    finding = _one(_current(understanding, pair[0], lang), code)
    assert finding.present is True
    assert finding.evidence and finding.evidence in pair[0]
    assert 0.0 < finding.confidence <= 1.0


@pytest.mark.parametrize(("code", "lang", "pair"), PARAMS, ids=IDS)
def test_denied_is_never_present(
    understanding: Understanding, code: str, lang: str, pair: tuple[str, str]
) -> None:
    findings = _current(understanding, pair[1], lang)
    assert not [f for f in findings if f.code == code and f.present]
    assert [f for f in findings if f.code == code and not f.present], (
        "a denial is recorded as a pertinent negative"
    )


def test_the_brief_examples(understanding: Understanding) -> None:
    ar = _current(understanding, "عندي صداع وحرارة من ثلاثة أيام", "ar")
    for code in ("headache", "fever"):
        f = _one(ar, code)
        assert f.present and f.duration is not None
        assert (f.duration.value, f.duration.unit) == (3, "day")
    ur = _current(understanding, "سینے میں درد نہیں ہے، بس کھانسی ہے", "ur")
    assert _one(ur, "chest_pain").present is False
    assert _one(ur, "cough").present is True
    assert _one(_current(understanding, "mujhe bukhar hai"), "fever").present
    chest = _one(
        _current(understanding, "crushing chest pain going down my left arm"), "chest_pain"
    )
    assert chest.character == "crushing"
    assert chest.location == "chest"


@pytest.mark.parametrize(
    ("text", "code", "value", "unit"),
    [
        ("I've had a cough for 2 weeks", "cough", 2, "week"),
        ("fever for three days", "fever", 3, "day"),
        ("headache since yesterday", "headache", 1, "day"),
        ("كحة من يومين", "cough", 2, "day"),
        ("حرارة من أسبوعين", "fever", 2, "week"),
        ("صداع من ٣ أيام", "headache", 3, "day"),
        ("صار لي شهر عندي كحة", "cough", 1, "month"),
        ("تین دن سے بخار ہے", "fever", 3, "day"),
        ("دو ہفتے سے کھانسی ہے", "cough", 2, "week"),
        ("۵ دن سے سر درد ہے", "headache", 5, "day"),
        ("kal se bukhar hai", "fever", 1, "day"),
        ("do hafte se khansi hai", "cough", 2, "week"),
    ],
)
def test_duration(
    understanding: Understanding, text: str, code: str, value: float, unit: str
) -> None:
    f = _one(_current(understanding, text), code)
    assert f.duration is not None
    assert (f.duration.value, f.duration.unit) == (value, unit)


def test_each_symptom_gets_its_own_duration(understanding: Understanding) -> None:
    en = _current(understanding, "I have had a cough for 2 weeks and a fever for 3 days")
    assert _one(en, "cough").duration.value == 2  # type: ignore[union-attr]
    assert _one(en, "fever").duration.value == 3  # type: ignore[union-attr]
    ur = _current(understanding, "دو ہفتے سے کھانسی ہے اور تین دن سے بخار ہے", "ur")
    assert _one(ur, "cough").duration.unit == "week"  # type: ignore[union-attr]
    assert _one(ur, "fever").duration.unit == "day"  # type: ignore[union-attr]


def test_a_dosing_rate_is_not_a_duration(understanding: Understanding) -> None:
    f = _one(
        _current(understanding, "I have a headache and take paracetamol twice a day"), "headache"
    )
    assert f.duration is None


@pytest.mark.parametrize(
    ("text", "code", "severity"),
    [
        ("my headache is 7/10", "headache", 7),
        ("back pain, 6 out of 10", "back_pain", 6),
        ("الصداع ٨ من ١٠", "headache", 8),
        ("سر درد دس میں سے آٹھ ہے", "headache", 8),
        ("pait dard 10 mein se 9 hai", "abdominal_pain", 9),
    ],
)
def test_severity(understanding: Understanding, text: str, code: str, severity: int) -> None:
    assert _one(_current(understanding, text), code).severity == severity


@pytest.mark.parametrize(
    ("text", "code", "character"),
    [
        ("sharp pain in my chest", "chest_pain", "sharp"),
        ("a burning pain when I pee", "painful_urination", "burning"),
        ("throbbing headache", "headache", "throbbing"),
        ("ألم حاد في الصدر", "chest_pain", "sharp"),
        ("پیٹ میں جلن والا درد ہے", "abdominal_pain", "burning"),
    ],
)
def test_character(understanding: Understanding, text: str, code: str, character: str) -> None:
    assert _one(_current(understanding, text), code).character == character


def test_onset(understanding: Understanding) -> None:
    assert (
        _one(_current(understanding, "the headache started suddenly"), "headache").onset == "sudden"
    )
    assert _one(_current(understanding, "فجأة جاني صداع"), "headache").onset == "sudden"
    assert _one(_current(understanding, "اچانک سر درد شروع ہوا"), "headache").onset == "sudden"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("hedache since morning", "headache"),
        ("I have a feaver", "fever"),
        ("bad diarhea", "diarrhoea"),
        ("my stomache hurts", "abdominal_pain"),
        ("I keep vomitting", "vomiting"),
        ("bukhaar hai", "fever"),
        ("وعندي كحه وسخونه", "fever"),
        ("بالصداع", "headache"),
    ],
)
def test_misspellings_and_arabic_prefixes(
    understanding: Understanding, text: str, code: str
) -> None:
    assert _one(_current(understanding, text), code).present


def test_a_whole_arabic_word_is_not_a_clitic_on_an_urdu_one(understanding: Understanding) -> None:
    # "بقى" (Egyptian "became") normalizes to ب + "قي", the Urdu "قے" (vomiting).
    codes = {f.code for f in _current(understanding, "والضغط بقى عالي ومعاه صداع")}
    assert "vomiting" not in codes and "headache" in codes
    assert _one(_current(understanding, "مجھے قے آ رہی ہے"), "vomiting").present


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("period started today, cramps about 4/10", "abdominal_pain"),
        ("I'm pregnant and since an hour I have bleeding and cramps", "abdominal_pain"),
        ("I get leg cramps at night", "muscle_cramps"),
    ],
)
def test_cramps_alone_are_belly_cramps(understanding: Understanding, text: str, code: str) -> None:
    assert _one(_current(understanding, text), code).present


@pytest.mark.parametrize(
    ("text", "code", "context"),
    [
        ("My mother has diabetes", "diabetes", "family"),
        ("أمي عندها سكر", "diabetes", "family"),
        ("میرے والد کو شوگر ہے", "diabetes", "family"),
        ("meri ammi ko sugar hai", "diabetes", "family"),
        # The Levantine and Egyptian "my father" (بيي, ابويا) and "my brother" (أخويا).
        ("بيي عندو ضغط وإجتو جلطة من ٣ سنين", "hypertension", "family"),
        ("أخويا عنده ربو من صغره", "asthma", "family"),
        ("Diabetes runs in my family", "diabetes", "family"),
        ("I had a stroke 2 years ago", "stroke", "history"),
        ("I used to have asthma", "asthma", "history"),
        ("جاتني جلطة قبل سنتين", "stroke", "history"),
        ("دو سال پہلے مجھے فالج ہوا تھا", "stroke", "history"),
        ("مجھے بیس سال کی عمر میں دورہ پڑا تھا", "seizure", "history"),
        ("آخر نوبة صرع جتني كان عمري ١٤ سنة", "seizure", "history"),
        # "Abu Dhabi" is a city: the Roman-Urdu "abu" (father) does not make it family.
        ("cant sleep since my new job in Abu Dhabi 2 months ago", "insomnia", "current"),
        ("میری کزن نے خودکشی کی تھی", "suicidal_thoughts", "family"),
        # The speaker's own "I" comes first: the cousin is only where it happened.
        ("I fainted at my cousin's wedding", "fainting", "current"),
        # Stool hard as stone is constipation, not a rigid abdomen.
        ("پاخانہ پتھر کی طرح سخت ہو گیا ہے", "constipation", "current"),
        # From the twenty-fourth: what someone died of; "my age" and "I want" are the speaker's
        # own words after a father's illness; "this is about me" turns to the speaker.
        ("My husband died of a heart attack at 52", "heart_attack", "history"),
        ("توفي والدي بنوبة قلبية في الخمسين، وعمري الآن ٤٨", "heart_attack", "family"),
        ("My nephew has fits, but this is about me: my fingers tingle", "seizure", "family"),
    ],
)
def test_family_and_past_history_are_not_current(
    understanding: Understanding, text: str, code: str, context: str
) -> None:
    analysis, _ = understanding.analyze(text)
    assert [f.context for f in analysis.findings if f.code == code] == [context]


def test_family_and_own_conditions_in_one_sentence(understanding: Understanding) -> None:
    analysis, _ = understanding.analyze("أمي عندها سكر وأنا عندي ضغط")
    by_code = {f.code: f.context for f in analysis.findings}
    assert by_code == {"diabetes": "family", "hypertension": "current"}


def test_a_word_inside_another_word_does_not_match(understanding: Understanding) -> None:
    assert _current(understanding, "I had a haircut and went to a coughing-free cafe") != []
    assert not [f for f in _current(understanding, "my coffee was cold") if f.code == "cough"]
    assert not _current(understanding, "I like feverfew tea and shoelaces")


def test_hypothetical_mentions_are_dropped(understanding: Understanding) -> None:
    assert not _current(understanding, "What should I do if I get a fever?")
    assert not _current(understanding, "اذا صار عندي حرارة شو اسوي")


def test_concept_labels_come_from_the_shared_vocabulary(understanding: Understanding) -> None:
    labels = {
        f.label
        for text in ("I can't breathe well", "ضيق في التنفس", "سانس لینے میں دشواری")
        for f in _current(understanding, text)
    }
    assert labels == {"shortness of breath"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "No fever, but I have a cough and a headache",
            {"fever": False, "cough": True, "headache": True},
        ),
        ("Denies chest pain, reports cough", {"chest_pain": False, "cough": True}),
        ("I am not feeling dizzy", {"dizziness": False}),
        ("I'm not feeling well, I have a headache", {"headache": True}),
        (
            "No fever, no chills, no night sweats, has a cough",
            {"fever": False, "chills": False, "night_sweats": False, "cough": True},
        ),
        ("I don't think I have a fever", {"fever": False}),
        ("The fever went away but the cough is still there", {"fever": False, "cough": True}),
        # "gone" before a word of how it is now is a change, not what went away.
        ("The headache has gone, the cough is still there", {"headache": False, "cough": True}),
        (
            "My tongue feels too big for my mouth and my voice has gone tight",
            {"facial_swelling": True, "throat_swelling": True},
        ),
        ("ما عندي حرارة، عندي كحة", {"fever": False, "cough": True}),
        ("لا حرارة ولا كحة", {"fever": False, "cough": False}),
        ("ما في شي غير الكحة", {"cough": True}),
        ("الحرارة راحت بس الكحة باقية", {"fever": False, "cough": True}),
        ("ما فيني حرارة ولا كحة", {"fever": False, "cough": False}),
        ("بخار اتر گیا ہے لیکن کھانسی ہے", {"fever": False, "cough": True}),
        ("مجھے شوگر نہیں، بی پی ہے", {"diabetes": False, "hypertension": True}),
        ("نہ بخار ہے نہ کھانسی", {"fever": False, "cough": False}),
        ("مجھے کبھی دمہ نہیں ہوا", {"asthma": False}),
        ("sar dard nahi hai bas bukhar hai", {"headache": False, "fever": True}),
        ("mujhe chest pain nahi hai lekin cough hai", {"chest_pain": False, "cough": True}),
        # "nor": "نہ ہی" denies what follows it.
        (
            "سینے میں درد نہیں اور نہ ہی سانس پھولتی ہے، بس کھانسی ہے",
            {"chest_pain": False, "shortness_of_breath": False, "cough": True},
        ),
        (
            "seene mein dard nahi aur na hi saans phoolti hai",
            {"chest_pain": False, "shortness_of_breath": False},
        ),
        # The Punjabi "نیں" ("are") denies nothing; with ہے it is a casual "not".
        ("بخار نیں ہے", {"fever": False}),
        # "حالياً" (now) ends a denial, but not inside "لا أشكو حالياً من".
        ("ولا أشكو حالياً من أي دوخة", {"dizziness": False}),
        # "ما زالت" (she still) denies nothing.
        ("استعادت وعيها لكنها ما زالت تشعر بالدوار", {"dizziness": True}),
        ("sab ko pehchanti hain, koi ulti seedhi baat nahi", {"confusion": False}),
        # From the twenty-sixth: one phrase clears two findings.
        (
            "No weakness, face and speech are normal.",
            {"weakness": False, "facial_droop": False, "slurred_speech": False},
        ),
        (
            "Got stung today, just a red itchy lump, lips and breathing totally fine.",
            {"itching": True, "facial_swelling": False, "shortness_of_breath": False},
        ),
        (
            "منہ بالکل سیدھا ہے اور بات صاف کر رہا ہوں",
            {"facial_droop": False, "slurred_speech": False},
        ),
        (
            "munh bilkul seedha hai aur bol bhi saaf raha hoon",
            {"facial_droop": False, "slurred_speech": False},
        ),
        ("پیٹ وچ اینا شدید درد اے کہ ہل وی نئیں سکدا", {"abdominal_pain": True}),
        ("والنزيف عادي مش زيادة", {"heavy_periods": False}),
        (
            "التحليل خالي من السكر، والبول خالي من الدم",
            {"diabetes": False, "blood_in_urine": False},
        ),
        ("سانس نہیں پھولتا اور کھانسی ہے", {"shortness_of_breath": False, "cough": True}),
        # A bleed that "won't stop" in Roman Urdu typing is a bleed, not a denied one.
        ("ungli se khoon ruk hi nai rha", {"bleeding": True}),
        ("گردن بالکل نہیں مڑ رہی اور تیز بخار ہے", {"stiff_neck": True, "fever": True}),
        # Appetite that "has ended" is lost; a pain that has ended is gone.
        (
            "پیٹ کا درد ختم ہو گیا ہے، بھوک بالکل ختم ہو گئی ہے",
            {"abdominal_pain": False, "loss_of_appetite": True},
        ),
        # "not making sense" is confusion; its "not" denies nothing after it.
        (
            "he is not making sense and called me by his sister's name",
            {"confusion": True},
        ),
        # A denial said as the reply to a question denies what was asked about, and only a
        # denial standing alone is a reply ("no fever" after a question is not one).
        (
            "chest pain? no, nothing like that, just this cough at night",
            {"chest_pain": False, "cough": True},
        ),
        (
            "ألم في الصدر؟ لا والله ما فيه، بس حلقي يعورني",
            {"chest_pain": False, "sore_throat": True},
        ),
        (
            "الٹی میں خون؟ نئیں جی، بس کھانا ہی نکلا تھا",
            {"vomiting_blood": False, "vomiting": True},
        ),
        ("gardan akri hui? nai, bas halka sa bukhar hai", {"stiff_neck": False, "fever": True}),
        (
            "you asked about weakness in my arm - no, only a headache",
            {"weakness": False, "headache": True},
        ),
        ("my head hurts, is it the heat? no fever though", {"headache": True, "fever": False}),
        # "so much that" opens a clause its denial stays in: the pain is there.
        ("پیٹ میں درد اتنا کہ کروٹ بھی نہیں لے سکتا", {"abdominal_pain": True}),
        # A joke owned as one takes back what it follows, over a sentence end; one denied
        # ("I'm not kidding") takes back nothing.
        (
            "Boss wants me in on Friday, I could jump off the roof haha. Just kidding, my knee "
            "hurts though",
            {"suicidal_thoughts": False, "joint_pain": True},
        ),
        ("I want to end it all. I'm not kidding", {"suicidal_thoughts": True}),
        (
            "باس نے کہا جمعہ کو بھی آنا ہے، دل کیا چھلانگ لگا دوں، مذاق تھا۔ گلا خراب ہے",
            {"suicidal_thoughts": False, "sore_throat": True},
        ),
        (
            "ہونٹ نہیں سوجے، سانس بالکل ٹھیک ہے",
            {"facial_swelling": False, "shortness_of_breath": False},
        ),
        # Words that deny on their own ("وزن نہیں گرا") are not denied again by the "نہ" of
        # "neither ... nor" after them.
        (
            "چکر آتا ہے، لیکن وزن نہیں گرا نہ بے ہوش ہوئی",
            {"dizziness": True, "weight_loss": False, "fainting": False},
        ),
        # A test told negative denies what it tested for.
        ("Pregnancy test was negative, I'm just tired", {"pregnancy": False, "fatigue": True}),
        # "now" between the denial and what it denies.
        (
            "انجلطت قبل سنتين وتعافيت، ولا أعاني الآن من أي ضعف أو صعوبة في الكلام",
            {"weakness": False, "slurred_speech": False},
        ),
        # A missed period is a finding; its "nahi" denies nothing.
        ("Periods 2 mahine se nahi aaye, thori matli hai", {"missed_period": True, "nausea": True}),
        ("ماہواری دو مہینے سے نہیں آئی", {"missed_period": True}),
    ],
)
def test_negation_scope(understanding: Understanding, text: str, expected: dict[str, bool]) -> None:
    got = {f.code: f.present for f in _current(understanding, text)}
    assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I have one sister. She is a diabetic.", {("diabetes", "family")}),
        ("My sister is 38. She has attempted suicide twice.", {("suicidal_thoughts", "family")}),
        ("My mother has diabetes. I have asthma.", {("diabetes", "family"), ("asthma", "current")}),
        (
            "My son has a fever. He is also vomiting.",
            {("fever", "current"), ("vomiting", "current")},
        ),
        ("My mom is here with me, she says I have had a fever", {("fever", "current")}),
        ("أختي عندها سكر. وعندها ضغط بعد", {("diabetes", "family"), ("hypertension", "family")}),
        ("أمي مريضة. عندها سكر وأنا عندي صداع", {("diabetes", "family"), ("headache", "current")}),
        ("میری بہن بیمار ہے۔ اسے شوگر ہے", {("diabetes", "family")}),
        (
            "میری امی کو شوگر ہے اور مجھے بی پی ہے",
            {("diabetes", "family"), ("hypertension", "current")},
        ),
        (
            "meri behan ko dama hai. usko sugar bhi hai",
            {("asthma", "family"), ("diabetes", "family")},
        ),
        (
            "My parents both have diabetes and they have asthma",
            {("diabetes", "family"), ("asthma", "family")},
        ),
        # After the speaker's own words, "they" is what the speaker just spoke of.
        (
            "My uncle had a stroke. I get headaches after work, they build up and Panadol helps",
            {("stroke", "family"), ("headache", "current")},
        ),
    ],
)
def test_a_relative_named_earlier_stays_the_subject(
    understanding: Understanding, text: str, expected: set[tuple[str, str]]
) -> None:
    analysis, _ = understanding.analyze(text)
    assert {(f.code, f.context) for f in analysis.findings} == expected
    if any(code == "suicidal_thoughts" for code, _ in expected):
        assert analysis.red_flags == []


@pytest.mark.parametrize(
    ("text", "code"), [("bad headahce", "headache"), ("constipaton again", "constipation")]
)
def test_one_typo_in_a_long_word_is_tolerated(
    understanding: Understanding, text: str, code: str
) -> None:
    assert [f.code for f in _current(understanding, text)] == [code]


@pytest.mark.parametrize(
    "text", ["No, I'm happily single.", "I do sprint training.", "I was honorably discharged."]
)
def test_a_different_word_one_letter_away_is_not_a_typo(
    understanding: Understanding, text: str
) -> None:
    assert _current(understanding, text) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I'm worried it is a tumour", "en"),
        ("I'm scared it's cancer", "en"),
        ("خايفة تكون كورونا", "ar"),
        ("أخاف يكون سكر", "ar"),
        ("ڈر ہے کہ کینسر نہ ہو", "ur"),
        ("ٹی بی کا شک ہے", "ur"),
        ("kahin TB to nahi", "ur"),
        ("sugar ka dar hai", "ur"),
    ],
)
def test_a_feared_disease_is_not_a_present_finding(
    understanding: Understanding, text: str, lang: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    assert not [f for f in analysis.findings if f.present and f.context == "current"]


def test_a_fear_does_not_hide_the_symptom_said_after_it(understanding: Understanding) -> None:
    current = _current(understanding, "ڈینگی کا ڈر ہے، چار دن سے تیز بخار ہے")
    assert _one(current, "fever").present


def test_suicidal_wording_counts_even_when_conditional(understanding: Understanding) -> None:
    analysis, _ = understanding.analyze("If nothing changes I will kill myself", "en")
    assert "suicide_risk" in {f.code for f in analysis.red_flags}


@pytest.mark.parametrize(
    ("text", "lang", "code", "location"),
    [
        ("كحة", "ar", "cough", None),
        ("I have a cough", "en", "cough", None),
        ("کھانسی ہے", "ur", "cough", None),
        ("سینے میں درد ہے", "ur", "chest_pain", "chest"),
        ("pain in my chest", "en", "chest_pain", "chest"),
        ("وجع في ظهري", "ar", "back_pain", "back"),
    ],
)
def test_location_is_only_what_the_patient_named(
    understanding: Understanding, text: str, lang: str, code: str, location: str | None
) -> None:
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    assert _one(analysis.findings, code).location == location


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("no medical problems", "en"),
        ("I don't have any illnesses", "en"),
        ("ما عندي أمراض", "ar"),
        ("ما عندي أي مرض", "ar"),
        ("کوئی بیماری نہیں", "ur"),
        ("koi bimari nahi", "ur"),
    ],
)
def test_no_medical_problems_gives_no_finding(
    understanding: Understanding, text: str, lang: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    assert not [f for f in analysis.findings if f.present]
    assert not analysis.red_flags


def test_nausea_without_vomiting_is_not_a_kidney_stone(understanding: Understanding) -> None:
    analysis, _ = understanding.analyze("متلی ہے لیکن الٹی نہیں", "ur")
    assert {(f.code, f.present) for f in analysis.findings} == {
        ("nausea", True),
        ("vomiting", False),
    }


@pytest.mark.parametrize(
    ("text", "lang", "present"),
    [
        ("I'm 20 weeks pregnant and bleeding", "en", True),
        ("8 weeks pregnant, no bleeding", "en", False),
        ("حامل في الشهر الرابع وعندي نزيف", "ar", True),
        ("میں حاملہ ہوں اور خون آ رہا ہے", "ur", True),
        ("main pregnant hoon, bleeding nahi hui", "ur", False),
        # A relative who is the patient: the rule that raised the flag names the bleeding.
        ("My sister is heavily pregnant and all of a sudden there's some bleeding", "en", True),
        ("بہن حاملہ ہے، اچانک خون آنے لگا ہے", "ur", True),
    ],
)
def test_bleeding_in_pregnancy_is_vaginal_bleeding(
    understanding: Understanding, text: str, lang: str, present: bool
) -> None:
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    assert _one(analysis.findings, "vaginal_bleeding").present is present
    assert not [f for f in analysis.findings if f.code == "bleeding"]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # "بھی نہیں" ("not ... either"): بھ is one Urdu letter, not the Arabic prefix ب.
        ("بخار بھی نہیں ہے", "ur", {"fever": False}),
        ("زبان بھی نہیں لڑکھڑا رہی", "ur", {"slurred_speech": False}),
        # Each "na" denies what follows it.
        ("na bukhar hai na khansi", "ur", {"fever": False, "cough": False}),
        ("pet mein dard hai, na ulti na dast", "ur", {"abdominal_pain": True, "vomiting": False}),
        # A gap in a phrase never swallows a denial.
        ("can't lift my arm? no, I can lift my arm", "en", {}),
        # "بعد ما" is "after", not a denial.
        ("بعد ما أكلت صار عندي مغص", "ar", {"abdominal_pain": True}),
        # "ولا فيني" goes on denying: "فيني" (I have) does not end the denial it belongs to.
        ("ما عندي حرارة ولا فيني مغص", "ar", {"fever": False, "abdominal_pain": False}),
        # No fit for years is a denied seizure (blind round 10, written anew).
        ("كان عندي صرع وأنا صغير ومن عشر سنين ما جتني ولا نوبة", "ar", {"seizure": False}),
        ("بچپن میں مرگی تھی، دس سال سے کوئی دورہ نہیں پڑا", "ur", {"seizure": False}),
        ("bachpan mein mirgi thi, 10 saal se ek bhi dora nahi para", "ur", {"seizure": False}),
        # An asthma attack ("نوبة ربو") is not a seizure ("نوبة").
        ("جاتني نوبة ربو أمس بالليل", "ar", {"asthma": True}),
    ],
)
def test_negation_families(
    understanding: Understanding, text: str, lang: str, expected: dict[str, bool]
) -> None:
    assert _presence(understanding, text, lang, expected) == expected


@pytest.mark.parametrize(
    ("text", "lang", "code"),
    [
        ("My son has had a fever since yesterday", "en", "fever"),
        ("بنتي الحين حرارتها عالية", "ar", "fever"),
        ("امی کو آج صبح سے چکر آ رہے ہیں", "ur", "dizziness"),
        ("ammi ko kal se bukhar hai", "ur", "fever"),
    ],
)
def test_a_relative_ill_now_is_the_patient(
    understanding: Understanding, text: str, lang: str, code: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    assert _one(analysis.findings, code).context == "current"


@pytest.mark.parametrize(
    ("lang", "text", "code"),
    [
        (
            "en",
            "My mum has been confused since this morning and she's in hospital now. I have a cough",
            "confusion",
        ),
        ("ar", "أبوي من الصبح عنده ألم في صدره وهو الحين في المستشفى. أنا عندي كحة", "chest_pain"),
        (
            "ur",
            "آج صبح ابو کو سینے میں درد ہوا، اب ہسپتال میں داخل ہیں۔ مجھے کھانسی ہے",
            "chest_pain",
        ),
        ("ur", "Bhai ko aaj subah daura para, ab ward mein hai. Mujhe sar dard hai", "seizure"),
    ],
)
def test_a_relative_ill_today_but_already_in_care_is_not_the_patient(
    understanding: Understanding, lang: str, text: str, code: str
) -> None:
    # "Since this morning" would make the relative the patient being brought; the hospital
    # they are in already says they are not, and what they have stays theirs.
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    assert _one(analysis.findings, code).context == "family"
    assert analysis.red_flags == []


def test_a_relative_said_not_to_be_in_care_is_still_the_patient(
    understanding: Understanding,
) -> None:
    text = "My dad is confused since this morning and is not in hospital now"
    analysis, _ = understanding.analyze(text, "en")
    assert _one(analysis.findings, "confusion").context == "current"
    assert [flag.code for flag in analysis.red_flags] == ["confusion"]


@pytest.mark.parametrize(
    ("lang", "text", "code", "severity"),
    [
        (
            "en",
            "my chest feels tight and the pain is going down my left arm, 8 out of 10",
            "chest_pain",
            8,
        ),
        ("en", "crampy tummy since yesterday, the pain is about 3 out of 10", "abdominal_pain", 3),
        ("ur", "سینے پر بوجھ ہے، درد بائیں بازو میں جا رہا ہے", "chest_pain", None),
    ],
)
def test_the_pain_spoken_of_again_is_the_located_one(
    understanding: Understanding, lang: str, text: str, code: str, severity: int | None
) -> None:
    found = _current(understanding, text, lang)
    assert [f.code for f in found if f.code in (code, "pain", "arm_pain")] == [code]
    assert next(f for f in found if f.code == code).severity == severity


def test_a_relatives_pain_now_keeps_its_severity_and_is_the_patients(
    understanding: Understanding,
) -> None:
    """The father "is saying" it now: he is the patient the caller brought, so his 9/10 chest
    pain is a current finding (for the summary) with its severity (for the screen)."""
    analysis, _ = understanding.analyze("ابو کہہ رہے ہیں سینے میں درد دس میں سے نو ہے", "ur")
    pains = [(f.code, f.severity, f.context) for f in analysis.findings]
    assert pains == [("chest_pain", 9, "current")]
    assert [f.code for f in analysis.red_flags] == ["cardiac_chest_pain"]


@pytest.mark.parametrize(
    ("lang", "text", "present", "absent"),
    [
        # A list after the comma: the denial goes on over it.
        ("en", "no fever, cough or chills", [], ["fever", "cough", "chills"]),
        ("ar", "ما عندي حرارة، كحة، زكام", [], ["fever", "cough", "runny_nose"]),
        # A new clause after the comma: the denial stops there.
        ("en", "I don't smoke, my chest has been hurting for two days", ["chest_pain"], []),
        (
            "ar",
            "ما قادر آخذ نفسي، كل كلمتين لازم أوقف، وشفايفي صايرة زرقا",
            ["shortness_of_breath", "blue_lips"],
            [],
        ),
        ("ar", "ما نمت زين من أمس، وراسي يعورني واجد", ["headache"], []),
        # One word led by "و" after the comma is a new clause too; "and her mouth" opens one
        # without a comma (the ninth split, retired into development).
        ("ar", "حسيت كأن أحد ضربني ورا راسي، عمري ما جاني صداع كذا، واستفرغت", ["vomiting"], []),
        (
            "ar",
            "يدها ما فيها حيل وفمها مايل على جنب وكلامها ثقيل",
            ["weakness", "facial_droop", "slurred_speech"],
            [],
        ),
        ("ar", "ما عندي حرارة وكحة", [], ["fever", "cough"]),
        ("ar", "لا حرارة، ولا كحة", [], ["fever", "cough"]),
    ],
)
def test_a_denial_goes_on_over_a_list_but_not_into_a_new_clause(
    understanding: Understanding, lang: str, text: str, present: list[str], absent: list[str]
) -> None:
    found = {f.code: f.present for f in _current(understanding, text, lang)}
    assert {code: True for code in present} | {code: False for code in absent} == {
        code: found.get(code) for code in (*present, *absent)
    }


@pytest.mark.parametrize(
    ("lang", "text", "code", "present"),
    [
        (
            "en",
            "itchy hands, no swelling of my lips and I'm breathing fine",
            "shortness_of_breath",
            False,
        ),
        ("ar", "عندي كحة من يومين، ونفسي عادي", "shortness_of_breath", False),
        ("ar", "ما فيني حرارة والضو عادي ما يضايقني", "photophobia", False),
        ("ur", "دو دن سے بخار اور کھانسی ہے، سانس ٹھیک ہے", "shortness_of_breath", False),
        ("ur", "سانس ٹھیک نہیں آ رہی", "shortness_of_breath", True),
        (
            "ur-Latn",
            "khansi hai 3 din se, lekin saans theek aa rahi hai",
            "shortness_of_breath",
            False,
        ),
        ("ur-Latn", "saans theek nahi aa rahi", "shortness_of_breath", True),
        ("ar", "قرصتني نحلة في يدي، بس وجهي عادي", "facial_swelling", False),
        ("ar", "انجرحت في إصبعي، وأتنفس زين والحمد لله", "shortness_of_breath", False),
        ("ar", "وما أقدر أتنفس زين من أمس", "shortness_of_breath", True),
        # Round 19 and the ninth split, retired into development.
        (
            "en",
            "pins and needles in my fingers, face looks normal, talking fine",
            "facial_droop",
            False,
        ),
        ("ur-Latn", "sar mein halka dard, haath paon theek chal rahe hain", "weakness", False),
        ("ur-Latn", "bukhar hai, gardan idhar udhar aaram se ghuma rahi hai", "stiff_neck", False),
        ("ur", "بخار ہے لیکن روشنی سے آنکھوں کو کوئی تکلیف نہیں", "photophobia", False),
        # From the twentieth held-out split.
        ("en", "headache and sore throat, no rash and her neck moves fine", "stiff_neck", False),
        (
            "ur-Latn",
            "kabhi sar mein halka dard hota hai, zubaan bhi saaf hai",
            "slurred_speech",
            False,
        ),
        ("ur", "سر بھاری رہتا ہے۔ بولنے میں کوئی مسئلہ نہیں", "slurred_speech", False),
    ],
)
def test_saying_a_function_is_fine_is_a_pertinent_negative(
    understanding: Understanding, lang: str, text: str, code: str, present: bool
) -> None:
    found = [f.present for f in _current(understanding, text, lang) if f.code == code]
    assert found == [present]


@pytest.mark.parametrize(
    ("text", "lang", "code", "present"),
    [
        # Everyday words that contain a finding's or a medicine's word (blind round 9).
        ("Stiff neck since I fell asleep on the sofa", "en", "fall", False),
        ("I fell on the stairs this morning", "en", "fall", True),
        ("صدري يعورني، أمس كنت ألعب حديد في الجيم", "ar", "iron", False),
        ("آخذ حبوب حديد مرة في اليوم", "ar", "iron", True),
        # The Iraqi "blue" (زرگ) is inside the Urdu "elderly" (بزرگ) once ب is read as a prefix.
        ("میں ایک بزرگ کی دیکھ بھال کرتا ہوں", "ur", "blue_lips", False),
        ("ابني شفايفه زرگة وما يكدر يتنفس", "ar", "blue_lips", True),
        # "When" (لما) is not the negation ما that it ends with.
        ("لما أقوم من النوم راسي يعورني", "ar", "headache", True),
        # A denial that is the complaint: "didn't recognise me", "talk with no meaning".
        ("جدتي اليوم ما عرفتني، تسألني منو أنت", "ar", "confusion", True),
        ("أبوي من الصبح يتكلم كلام ما له معنى وما يدري وين هو", "ar", "confusion", True),
        ("عمري ما جاني صداع كذا، فجأة ورا راسي", "ar", "headache", True),
        # A fear of a stroke ("lest a stroke come") is not a stroke.
        ("unko wehem hai kahin falij na ho jaye", "ur", "one_sided_weakness", False),
        # What goes on is not denied: "hasn't stopped", "didn't go away", "can't bear".
        ("my nose hasn't stopped bleeding since lunch", "en", "nosebleed", True),
        ("طلعت بقع حمرا وضغطت عليها بالكاسة وما راحت", "ar", "rash", True),
        ("بیٹی گردن آگے نہیں جھکا پاتی اور روشنی برداشت نہیں کر پا رہی", "ur", "photophobia", True),
        ("tez bukhar hai aur roshni bardasht nahi hoti", "ur", "photophobia", True),
        ("درد برداشت نہیں ہو رہا، بخار نہیں ہے", "ur", "pain", True),
        ("dard bardasht nahi ho raha, bukhar nahi hai", "ur", "pain", True),
        # From the eleventh held-out split, retired into development: unsure which tablet is
        # not confusion; the Egyptian "معنديش" denies; "no appetite" and "no sleep" are the
        # complaints themselves.
        ("I'm a bit confused which of my tablets to take", "en", "confusion", False),
        ("بس معنديش وجع في بطني", "ar", "abdominal_pain", False),
        ("راسي فجأة كأنه انفجر، عمري ما شفت وجع زيه", "ar", "headache", True),
        ("من ٣ اسابيع ما انام زين ولا لي نفس آكل", "ar", "loss_of_appetite", True),
        ("imtihan ki tension hai, neend bhi nahi aati", "ur", "insomnia", True),
        ("نیند نہیں آتی، کھانے کو دل نہیں کرتا", "ur", "loss_of_appetite", True),
        # From the twelfth held-out split: "hay fever" is not a fever; the Iraqi throat (زور)
        # is not the Urdu "force" (زور کا درد); "too weak to stand" is weakness, not denied.
        ("hay fever again, sneezing and itchy eyes", "en", "fever", False),
        ("hay fever again, sneezing and itchy eyes", "en", "hay_fever", True),
        ("پیٹ کے ایک طرف بہت زور کا درد ہے", "ur", "sore_throat", False),
        ("زوري يعورني من امس", "ar", "sore_throat", True),
        ("کمزوری سے کھڑی نہیں ہو پا رہی", "ur", "weakness", True),
        ("ولدي شفايفه زرق وما يقدر ياخذ نفسه", "ar", "shortness_of_breath", True),
        # From the thirteenth held-out split: the Gulf "رجع" is also "go back" and "come back"
        # (back to sleep, reflux that returns); a denial of suicidal thoughts said after them.
        ("اصحى الساعه ٣ الفجر وما ارجع انام", "ar", "vomiting", False),
        ("اصحى الساعه ٣ الفجر وما ارجع انام", "ar", "insomnia", True),
        ("الحموضه ترجع لي كل ليله", "ar", "vomiting", False),
        ("موڈ ٹھیک ہے، خودکشی جیسے خیال اب بالکل نہیں آتے", "ur", "suicidal_thoughts", False),
        ("ابويه من الصبح يخربط، وهو عنده شكر", "ar", "diabetes", True),
        # From the seventeenth held-out split: "رجعت من السفر" is coming back, not vomiting;
        # "ضغط الشغل" is pressure at work, not blood pressure; swollen lips "سوج کر موٹے ہو
        # گئے" have not put on weight; "ما وقفت عطاس" (not stopped sneezing) denies nothing.
        ("رجعت من سفرة تايلند وعندي إسهال وتعب", "ar", "vomiting", False),
        ("ويطلع منها سائل أصفر من يوم رجع من المسبح", "ar", "vomiting", False),
        ("رجعت من الأكل مرتين اليوم", "ar", "vomiting", True),
        ("مش بنام كويس من ضغط الشغل", "ar", "hypertension", False),
        ("عندي ضغط وآخذ دوا", "ar", "hypertension", True),
        ("آنکھیں اور ہونٹ سوج کر موٹے ہو گئے ہیں", "ur", "weight_gain", False),
        ("آنکھیں اور ہونٹ سوج کر موٹے ہو گئے ہیں", "ur", "facial_swelling", True),
        ("خشمي مسدود وما وقفت عطاس من ٤ أيام", "ar", "sneezing", True),
        ("آج گر پڑے اور تھوڑی دیر ہوش میں نہیں تھے", "ur", "fainting", True),
        ("The bleeding itself is normal, nothing soaking through", "en", "bleeding", True),
        ("it's like an elephant sat on his chest", "en", "chest_pain", True),
        ("my sister's expecting, third trimester", "en", "pregnancy", True),
        ("a pain under her right ribs", "en", "abdominal_pain", True),
        ("a pain under her right ribs", "en", "chest_pain", False),
        # From the eighteenth: swollen feet that "go back" by morning are not vomiting.
        ("أنا حامل ورجليا بتورم آخر اليوم وبترجع الصبح", "ar", "vomiting", False),
        ("بتلف فيي الدنيا كم ثانية وبترجع", "ar", "vomiting", False),
        ("بتلف فيي الدنيا كم ثانية وبترجع", "ar", "dizziness", True),
        ("بنتي بتاكل وبترجع من امبارح", "ar", "vomiting", True),
        # From the twentieth: unsure which tablets is not confusion; "going back to sleep", "came
        # back to normal" and "sleep on my back" are not vomiting or insomnia; trips are not
        # dizziness; blisters from a drug are the allergy's reaction.
        (
            "Confused about which tablets to take since the pharmacy changed the brand",
            "en",
            "confusion",
            False,
        ),
        ("بفيق الساعة ٣ الفجر وما بقدر إرجع نام", "ar", "vomiting", False),
        ("إيدي منملة لأن نمت عليها، وبعد شوية رجعت طبيعية", "ar", "vomiting", False),
        ("ما أقدر أنام على ظهري من ضيقة النفس", "ar", "insomnia", False),
        ("ٹرک چلاتا ہوں، کراچی سے پشاور کے چکر لگتے ہیں", "ur", "dizziness", False),
        (
            "Sulfa wali dawaiyon se allergy hai, un se jism pe chhaale par gaye the",
            "ur",
            "mouth_ulcers",
            False,
        ),
        ("مفيش عندي سكر ولا ضغط خالص", "ar", "diabetes", False),
        ("ضرسي ديوجعني هواية من ٥ أيام", "ar", "toothache", True),
        ("ولدي طالع من أذنه شي أصفر", "ar", "ear_discharge", True),
        ("۲ مہینوں سے ابو جان کی بھوک ختم ہے", "ur", "loss_of_appetite", True),
        ("neend nai ati raat ko, 1 mahina ho gaya", "ur", "insomnia", True),
        ("sar mein dard hai, nazar bhi dhundli hai", "ur", "blurred_vision", True),
        ("husband is type 1, he's sweating buckets", "en", "diabetes", True),
        ("little one is floppy and not interested in his bottle", "en", "loss_of_appetite", True),
        # From the twenty-first: "caught it" is not a cough, a dentist who "can't see me" is
        # not a loss of vision; a tension headache is a headache; the Arabic accusative "ألماً"
        # (pain) is not the negation "ما" after the article.
        ("I teach year 2 so I probably caught it there", "en", "cough", False),
        ("Toothache for 4 days. Dentist can't see me till next week.", "en", "vision_loss", False),
        ("I get ordinary tension headaches twice a month", "en", "headache", True),
        ("Dry itchy patches behind her knees", "en", "rash", True),
        ("يشكو ألماً شديداً جداً في البطن", "ar", "abdominal_pain", True),
        ("نمت غلط عالمخدة وفقت رقبتي متشنجة", "ar", "stiff_neck", True),
        ("عندي وخزة خفيفة بصدري لما آخد نفس عميق", "ar", "chest_pain", True),
        ("ضرسي بيوجعني بالليل وخدي ورم شوية", "ar", "facial_swelling", True),
        ("میرا بھائی دو ہفتے سے نہ ٹھیک سے کھاتا ہے نہ سوتا ہے", "ur", "insomnia", True),
        ("lait ke sanss nahi aati, dam ghutta hai", "ur", "shortness_of_breath", True),
        ("ghutne bohat dukhte hain 2 saal se", "ur", "joint_pain", True),
        # From the twenty-second: an Iraqi heartburn, a burning wee, a bite swollen where it
        # bit (not the face), a breath "torn off", Roman-Urdu spellings of nausea.
        ("كل ليلة عندي حرگة بالمعدة", "ar", "heartburn", True),
        ("من يومين في حريقة بالبول", "ar", "painful_urination", True),
        ("قرصتني ناموسة ومكانها احمر ومنفوخ شوية", "ar", "facial_swelling", False),
        ("ولا يستطيع الإمساك بكوب الشاي", "ar", "constipation", False),
        ("بیٹھے بیٹھے بھی سانس اکھڑا ہوا ہے", "ur", "shortness_of_breath", True),
        ("ulty aur ji mtlana, pait me dard", "ur", "nausea", True),
        ("Lying awake till 3am for a month now", "en", "insomnia", True),
        ("buring when i wee and needing to go all the time", "en", "painful_urination", True),
        # From the twenty-third: a temperature told as a number is a fever only from 38.
        ("Temp 39.4 since this afternoon", "en", "fever", True),
        ("Temp 36.8 this morning, I feel fine", "en", "fever", False),
        ("ومنذ ٣ أشهر لا أستطيع النوم جيداً وأشعر بإرهاق دائم", "ar", "fatigue", True),
        ("من مبارح عم إستفرغ ومش قادر آكل شي", "ar", "loss_of_appetite", True),
        ("Bukhr 101 hai aur sar drd, jism bhi toota hua hai", "ur", "body_aches", True),
        ("sir gla khrab hai aur naak beh rahi hai", "ur", "sore_throat", True),
        # From the twenty-fourth.
        ("Hot and crying, won't take his bottle", "en", "loss_of_appetite", True),
        ("Short of breath. Ankles very swollen.", "en", "swelling_of_legs", True),
        ("رجليي بينفخوا شوي آخر النهار", "ar", "swelling_of_legs", True),
        ("فجأة قلبي صار يدق بقوة", "ar", "palpitations", True),
        ("من حر الشمس حسيت إني بطيح", "ar", "dizziness", True),
        ("سر میں درد ہے اور روشنی چبھ رہی ہے", "ur", "photophobia", True),
        ("5 din se loose moshun lage hue hain", "ur", "diarrhoea", True),
        ("Main umeed se hun, shukar hai koi khoon nahi aa raha", "ur", "diabetes", False),
        ("پسلیوں میں درد ہوتا ہے، ہاتھ لگاؤ تو دکھتا ہے", "ur", "arm_pain", False),
        # From the twenty-fifth.
        ("Out of breath and her ankles are very puffy", "en", "swelling_of_legs", True),
        ("fever, and the lights in my room hurt my eyes", "en", "photophobia", True),
        ("نومي بايظ بقاله شهر", "ar", "insomnia", True),
        ("رشح وزوري ملتهب من يومين", "ar", "sore_throat", True),
        ("کروٹ بدلوں تو کمرہ گول گول گھومنے لگتا ہے", "ur", "dizziness", True),
        ("khane ke baad jalan hoti hai gale tak aur khatte dakaar", "ur", "heartburn", True),
        # From the twenty-sixth.
        ("Cough bringing up green phlegm for 10 days", "en", "vomiting", False),
        ("He won't feed and he's very grizzly", "en", "loss_of_appetite", True),
        ("رقبتها بقت ناشفة والنور بيضايقها", "ar", "stiff_neck", True),
        ("وحاسس حالي سخنان شوي", "ar", "fever", True),
        ("مش قادرة أبلع كويس", "ar", "difficulty_swallowing", True),
        ("جدي رجوله الثنتين منتفخة من أسبوع", "ar", "swelling_of_legs", True),
        ("صبح تکیے پر کان سے نکلا پیلا پانی لگا تھا", "ur", "ear_discharge", True),
        ("دل بلاوجہ تیز دھڑکتا ہے", "ur", "palpitations", True),
        ("light on ho to aankhen bardasht nahi kartin", "ur", "photophobia", True),
        ("ungliyon ke jodon mein 1 saal se dard hai", "ur", "joint_pain", True),
        ("Pulmicort بختين الصبح والمسا", "ar", "budesonide", True),
        ("methyldopa 250 mg دن میں تین بار لیتی ہوں", "ur", "methyldopa", True),
        # From the twenty-seventh.
        ("her words suddenly came out all slurred", "en", "slurred_speech", True),
        ("I sometimes feel a skipped beat lying in bed at night", "en", "palpitations", True),
        ("Forgetting words mid-sentence and leaving the hob on", "en", "memory_loss", True),
        ("قرصتني نحلة وشفايفي ووجهي انتفخوا", "ar", "facial_swelling", True),
        ("من امس عندي إسهال ومعدتي تلوّيني", "ar", "abdominal_pain", True),
        ("كل ما آكل أكلة تقيلة بحس بحرقة طالعة من معدتي لزلعومي", "ar", "sore_throat", False),
        ("ابا جی کی بانہہ تے ٹانگ بالکل ڈھیلی پڑ گئی اے", "ur", "weakness", True),
        ("thori der mein hont aur aankhein soojh gayi hain", "ur", "facial_swelling", True),
        ("Glucofage 850 subah shaam", "ur", "metformin", True),
        # From the twenty-eighth.
        ("his lips have gone a bit blue", "en", "blue_lips", True),
        ("a tightness across my chest since lunch", "en", "chest_pain", True),
        ("ماما رجولها منفوخة من أسبوع", "ar", "swelling_of_legs", True),
        ("ماما رجولها منفوخة من أسبوع", "ar", "facial_swelling", False),
        ("صدري بيزيّق بالليل", "ar", "wheezing", True),
        ("پنڈلیاں سوجی ہوئی ہیں", "ur", "swelling_of_legs", True),
        ("ابو جی کو نوالہ نگلنے میں دقت ہے", "ur", "difficulty_swallowing", True),
        ("neeche wali daadh mein dard hai", "ur", "toothache", True),
        ("karwat lun to sir ghoomta hai", "ur", "dizziness", True),
        # From the twenty-ninth.
        ("my wife is expecting our first baby in May", "en", "pregnancy", True),
        ("since Friday my words are all mushed", "en", "slurred_speech", True),
        ("بنتي وزنها عم ينزل من شهرين", "ar", "weight_loss", True),
        ("لساني تقل فجأة", "ar", "slurred_speech", True),
        ("أشوف دم على المناديل بعد الحمام", "ar", "blood_in_stool", True),
        ("گھٹنے پر خراش ہے، خون رستا ہے", "ur", "bleeding", True),
        ("ایک ہفتے سے بھوک بالکل ختم ہے", "ur", "loss_of_appetite", True),
        ("raat ko ungliyan sun rehti hain", "ur", "numbness", True),
        ("do manzil chadhun to saans phoolta hai", "ur", "shortness_of_breath", True),
        # "the thought comes again and again" is not frequent urination.
        ("مرنے کا خیال بار بار آتا ہے", "ur", "frequent_urination", False),
        # Everyday wordings from blind development round 20, in new sentences.
        ("the cup keeps slipping out of her right hand", "en", "weakness", True),
        ("his words are coming out thick", "en", "slurred_speech", True),
        ("I feel wobbly when I stand", "en", "dizziness", True),
        ("a bit puffed going up the stairs", "en", "shortness_of_breath", True),
        ("he's whistling when he breathes", "en", "wheezing", True),
        ("her ankles are puffy by the evening", "en", "swelling_of_legs", True),
        ("she can't bend her chin down to her chest", "en", "stiff_neck", True),
        ("did a positive test on Monday", "en", "pregnancy", True),
        ("أمي بطنها يلوي عليها من الصبح", "ar", "abdominal_pain", True),
        ("من الصبح الغرفة تدور بي", "ar", "dizziness", True),
        ("ولدي نفسه قصير من العصر", "ar", "shortness_of_breath", True),
        ("راسي عم يفرقع من امبارح", "ar", "headache", True),
        ("الجرح الدم لسه ما وقف", "ar", "bleeding", True),
        ("سانس لیتی ہے تو سیٹی جیسی آواز آتی ہے", "ur", "wheezing", True),
        ("بھائی دو دن سے کچھ نہیں کھا رہا", "ur", "loss_of_appetite", True),
        ("پیٹ سل جیسا سخت ہے", "ur", "rigid_abdomen", True),
        ("baat karte hain to lafz aapas mein chipak rahe hain", "ur", "slurred_speech", True),
        ("pait ko haath lagao to tawe ki tarah sakht", "ur", "rigid_abdomen", True),
        ("do din se latrine bhi nai ayi", "ur", "constipation", True),
        ("seerhiyan chadh ke sans phoolta hai", "ur", "shortness_of_breath", True),
        # Nearly fainting is dizziness, not a faint.
        ("washroom mein behosh hote hote bachi", "ur", "fainting", False),
        ("washroom mein behosh hote hote bachi", "ur", "dizziness", True),
        # Blind development round 21, read after its scoring, in new sentences.
        ("I feel light in the head when I stand", "en", "dizziness", True),
        ("he keeps holding his belly and won't eat", "en", "abdominal_pain", True),
        ("وإذا وقفت راسي يخف", "ar", "dizziness", True),
        ("من أمس الضو يعورها", "ar", "photophobia", True),
        ("عندي وجع تحت على اليمين من الصبح", "ar", "abdominal_pain", True),
        ("ولدي ياخذ نفسه من بطنه", "ar", "shortness_of_breath", True),
        ("بچہ رک کر سانس کھینچتا ہے", "ur", "shortness_of_breath", True),
        ("بیوی کا ساتواں مہینہ ہے", "ur", "pregnancy", True),
        ("beti do lafz bol ke hanpti hai", "ur", "shortness_of_breath", True),
        ("tube light se aankhon me sui chubhti hai", "ur", "photophobia", True),
        ("khansne se pet me chhuri chalti hai", "ur", "abdominal_pain", True),
    ],
)
def test_everyday_words_that_contain_a_finding_or_a_medicine(
    understanding: Understanding, text: str, lang: str, code: str, present: bool
) -> None:
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    found = {f.code for f in analysis.findings if f.present} | {
        m.code for m in analysis.medications
    }
    assert (code in found) is present


@pytest.mark.parametrize(
    ("lang", "text", "code"),
    [
        # Of two matches over the same words, the phrase that spells out more of them wins:
        # "can't lift my right arm" (one-sided weakness) over "can't lift ... arm" (weakness).
        ("en", "I can't lift my right arm since this morning", "one_sided_weakness"),
        ("en", "cant lift my left arm properly", "one_sided_weakness"),
    ],
)
def test_the_phrase_that_spells_out_more_words_wins(
    understanding: Understanding, lang: str, text: str, code: str
) -> None:
    assert code in {f.code for f in _current(understanding, text, lang)}


def test_a_pregnancy_confirmed_last_week_is_a_pregnancy_now(understanding: Understanding) -> None:
    text = "پچھلے ہفتے حمل کا ٹیسٹ مثبت آیا، آج صبح سے پیٹ میں درد ہے"
    found = {f.code: f.context for f in understanding.analyze(text, "ur")[0].findings}
    assert found.get("pregnancy") == "current"


@pytest.mark.parametrize(
    ("lang", "text", "code"),
    [
        ("en", "my neck is stiff from the sofa, hurts when turning", "neck_pain"),
        ("en", "Tummy is hard as a rock and the pain is unbearable", "abdominal_pain"),
        ("ar", "رقبتي متخشبة وتعورني من يومين", "neck_pain"),
        ("ur", "پیٹ پتھر کی طرح سخت ہو گیا ہے، درد ۱۰ میں سے ۱۰ ہے", "abdominal_pain"),
    ],
)
def test_a_pain_word_without_a_site_takes_the_site_said_before_it(
    understanding: Understanding, lang: str, text: str, code: str
) -> None:
    found = _current(understanding, text, lang)
    assert _one(found, code).present
    assert "pain" not in [f.code for f in found]


@pytest.mark.parametrize(
    ("lang", "text", "absent"),
    [
        # A site said after the pain, in a denial of something else, is not the pain's.
        ("ar", "ركبتي تؤلمني، شدة الألم ٤ من ١٠، ولا يوجد تورم في الساق", "leg_pain"),
        # A site inside a pain already named is that pain's: no second pain.
        ("en", "a pain under her right ribs that has her doubled over, 9/10", "chest_pain"),
        # "sore throat ... glands feel swollen" is not a swollen throat.
        ("en", "sore throat for 3 days, glands feel swollen", "throat_swelling"),
    ],
)
def test_a_pain_word_does_not_reach_for_a_site_that_is_not_its_own(
    understanding: Understanding, lang: str, text: str, absent: str
) -> None:
    assert absent not in [f.code for f in _current(understanding, text, lang)]


@pytest.mark.parametrize(
    ("lang", "text", "code"),
    [
        ("en", "loose motion 3 times and mild cramps, no blood", "blood_in_stool"),
        ("en", "diarhea 4 times today, no blood in it, not vomiting", "blood_in_stool"),
        ("en", "Constipated, only going every 4 or 5 days. No blood", "blood_in_stool"),
        ("ar", "معي إسهال من مبارح، بس ما في دم", "blood_in_stool"),
        ("ar", "احس حرقان وانا اتبول واروح الحمام كل شوي، ما فيه دم", "blood_in_urine"),
        ("ur", "میں حاملہ ہوں، خون بالکل نہیں آیا", "vaginal_bleeding"),
        ("ur", "pregnancy hai, koi khoon ya pet dard nahi", "vaginal_bleeding"),
        ("en", "vomiting since morning, no blood", "vomiting_blood"),
    ],
)
def test_no_blood_is_denied_where_it_would_come_from(
    understanding: Understanding, lang: str, text: str, code: str
) -> None:
    assert _one(_current(understanding, text, lang), code).present is False


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # Blood said to be there without a site is left to the phrases that name it: a guess
        # must not raise an emergency ("وما رجع" is "and it did not come back").
        ("ar", "ولدي نزل من خشمه دم الصبح، ضغطنا عليه خمس دقايق ووقف وما رجع"),
        # A relative's transfusion is not the patient's bleeding.
        ("ar", "أختي نقلوا لها دم بعد ولادتها، وأنا الحين حامل"),
    ],
)
def test_blood_said_without_a_site_is_not_placed_by_guess(
    understanding: Understanding, lang: str, text: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    assert not analysis.red_flags
    assert not [f for f in analysis.findings if f.present and "blood" in f.code]
    assert not [f for f in analysis.findings if f.code == "vaginal_bleeding" and f.present]


@pytest.mark.parametrize(
    ("lang", "text", "code"),
    [
        ("ar", "جدتي من أمس ما تعرفنا وتسأل وين هي. عندها سكر وضغط", "diabetes"),
        ("ur", "ammi abhi behosh ho gayin, unhe sugar hai", "diabetes"),
        ("ur", "امی ابھی بے ہوش ہو گئیں، انہیں شوگر ہے", "diabetes"),
        ("en", "My mother suddenly can't lift her right hand. She is diabetic", "diabetes"),
        # Said to be written or booked for the relative: that relative is the patient.
        ("en", "Booking for my father, 70. He is diabetic and tired for a week.", "diabetes"),
        ("ar", "أكتب عن أمي عمرها ٦٥، عندها سكر ومن أسبوع تعبانة", "diabetes"),
        ("ur", "ابو کے لیے لکھ رہا ہوں، انہیں شوگر ہے اور ہفتے سے تھکاوٹ ہے", "diabetes"),
        ("ur", "ammi ke liye likh rahi hun, unhe sugar hai aur hafte se thakan hai", "diabetes"),
    ],
)
def test_the_lasting_conditions_of_the_relative_who_is_the_patient_are_theirs(
    understanding: Understanding, lang: str, text: str, code: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    assert _one(analysis.findings, code).context == "current"


def test_another_relatives_past_event_stays_family_history(understanding: Understanding) -> None:
    text = "my dad had a stroke at 60. my mum is confused since this morning, she has diabetes"
    analysis, _ = understanding.analyze(text, "en")
    assert "stroke" not in [f.code for f in analysis.findings if f.context == "current"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Booking for my mother, she has a cough for a week. Her sister had kidney failure."),
        ("ar", "أكتب عن أبوي، عنده كحة من أسبوع. وجدي كان عنده فشل كلوي"),
    ],
)
def test_the_relative_written_for_is_the_patient_but_not_another(
    understanding: Understanding, lang: str, text: str
) -> None:
    current = {f.code for f in _current(understanding, text, lang)}
    assert "cough" in current
    assert "kidney_disease" not in current


@pytest.mark.parametrize(
    "text",
    [
        # The speaker's own visit: the relatives' conditions are family history.
        "متابعه للغده، اخذ ثايروكسين ٥٠ ميكرو كل صباح، وامي وخالاتي كلهم عندهم سكر فابي افحص",
        "أبي أجدد وصفة الضغط: آخذ أملور ٥ الصبح. أبوي وأخواني كلهم عندهم سكر.",
    ],
)
def test_relatives_conditions_stay_theirs_when_no_relative_is_ill_now(
    understanding: Understanding, text: str
) -> None:
    analysis, _ = understanding.analyze(text, "ar")
    assert "diabetes" not in [f.code for f in analysis.findings if f.context == "current"]


@pytest.mark.parametrize(
    ("lang", "text", "code"),
    [
        ("en", "my son 7 yrs has fever and cough", "fever"),
        ("ar", "جدتي ٨٠ سنة عندها حرارة", "fever"),
        ("ur", "میری بیٹی ۳ سال، بخار ہے", "fever"),
    ],
)
def test_years_after_a_person_are_an_age(
    understanding: Understanding, lang: str, text: str, code: str
) -> None:
    assert _one(_current(understanding, text, lang), code).duration is None


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ur", "munh tedha nahi hua, bolne mein bhi koi farq nahi", {"slurred_speech": False}),
        ("ur", "سر میں بھی درد ہے", {"headache": True}),
    ],
)
def test_an_urdu_particle_inside_a_phrase_is_passed_over(
    understanding: Understanding, lang: str, text: str, expected: dict[str, bool]
) -> None:
    assert _presence(understanding, text, lang, expected) == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "My mum had meningitis when she was young so I worry. I have a cough"),
        ("en", "I get tension headaches after long shifts"),
        ("ar", "عم فكر آخد موعد بكرة"),
        ("ur", "mujhe dar lagta hai ke kuch serious na ho, khansi hai"),
        ("en", "had my flu jab in October, now a cough"),
    ],
)
def test_a_worry_a_thought_or_a_jab_is_not_a_finding(
    understanding: Understanding, lang: str, text: str
) -> None:
    codes = [f.code for f in _current(understanding, text, lang)]
    assert "anxiety" not in codes and "common_cold" not in codes


def test_the_urdu_ear_is_not_the_arabic_was(understanding: Understanding) -> None:
    text = "قاعد ماسك صدره ويقول كأن أحد حاط بلكة فوقه، والوجع نازل لذراعه"
    assert "ear_pain" not in [f.code for f in _current(understanding, text, "ar")]
    assert _one(_current(understanding, "بیٹے کا کان رات سے درد کر رہا ہے", "ur"), "ear_pain")


@pytest.mark.parametrize(
    "text",
    [
        "حرارته عالية ورقبته متيبسة، والضو عم يوجع عيونه",
        "ومسكرة الستارة لأن النور يعور عيونها",
    ],
)
def test_light_that_hurts_the_eyes_is_sensitivity_to_light(
    understanding: Understanding, text: str
) -> None:
    codes = [f.code for f in _current(understanding, text, "ar")]
    assert "photophobia" in codes
    assert "eye_pain" not in codes


def test_once_a_day_after_a_dose_is_not_a_sudden_onset(understanding: Understanding) -> None:
    text = (
        "عندي سكر وآخذ Glucophage 1000 مرتين باليوم وجانوفيا ١٠٠ مرة وحدة. صار عندي تنميل "
        "بأصابع رجولي بالليل"
    )
    analysis, _ = understanding.analyze(text, "ar")
    assert all(f.onset is None for f in analysis.findings)
    assert analysis.red_flags == []
    headache = _one(_current(understanding, "الصداع جه مرة وحدة", "ar"), "headache")
    assert headache.onset == "sudden"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "What are the signs of a stroke? My neighbour is 85 and lives alone"),
        ("ur", "اگر سر درد کے ساتھ نظر دھندلی ہو جائے تو کیا یہ فالج کی علامت ہوتی ہے؟"),
        ("ur", "biwi kehti hai ye falij ki nishani hai, par taang bas sun hoti hai"),
        ("ar", "وش هي علامات الجلطة؟ أبي أعرف عشان أبوي"),
    ],
)
def test_asking_about_the_signs_of_a_stroke_is_not_one(
    understanding: Understanding, lang: str, text: str
) -> None:
    codes = [f.code for f in _current(understanding, text, lang)]
    assert "one_sided_weakness" not in codes and "stroke" not in codes
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    assert analysis.red_flags == []


@pytest.mark.parametrize(
    "text",
    [
        "ابا جان کو پچھلے سال فالج ہوا تھا، منہ ٹیڑھا ہو گیا تھا۔ مجھے بلڈ پریشر رہتا ہے",
        "bhai ko pichle saal falij hua tha, munh tedha ho gaya tha. mujhe sar dard hai",
    ],
)
def test_a_relatives_past_story_goes_on_after_the_comma(
    understanding: Understanding, text: str
) -> None:
    analysis, _ = understanding.analyze(text, "ur")
    droop = _one(analysis.findings, "facial_droop")
    assert droop.context == "family"
    assert analysis.red_flags == []


def test_a_relatives_story_told_now_after_the_comma_is_still_now(
    understanding: Understanding,
) -> None:
    text = "bhai ko pichle saal falij hua tha, aaj subah munh tedha ho gaya hai"
    analysis, _ = understanding.analyze(text, "ur")
    assert "stroke_signs" in {f.code for f in analysis.red_flags}


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # A denial right before the normal words says the finding is there.
        ("en", "he is not speaking normally", {"slurred_speech": True}),
        ("en", "he is not making sense", {"confusion": True}),
        # A new clause with its own subject is not denied by the "not" before it.
        (
            "en",
            "my dad is not talking properly and his face is drooping",
            {"slurred_speech": True, "facial_droop": True},
        ),
        ("en", "no rash and her neck is stiff", {"rash": False, "stiff_neck": True}),
        # Normal words deny.
        ("en", "Face is normal, talking normal.", {"facial_droop": False, "slurred_speech": False}),
        ("en", "no weakness or speech problems now", {"weakness": False, "slurred_speech": False}),
        ("en", "went dizzy standing up but I didn't faint", {"fainting": False}),
        (
            "en",
            "fever and sore throat since 2 days but my neck moves freely",
            {"stiff_neck": False},
        ),
        (
            "ar",
            "رجلي نامت من طول القعدة، بس وجهي ما فيه شي وكلامي عادي",
            {"facial_droop": False, "slurred_speech": False},
        ),
        ("ar", "والحين ما عندي ضعف ولا مشكلة في الكلام", {"slurred_speech": False}),
        ("ar", "بنتي حرارتها ٣٨ بس رقبتها تلفها عادي", {"stiff_neck": False}),
        ("ar", "أشعر بدوار خفيف عند الوقوف، ولم يُغمَ عليّ أبداً", {"fainting": False}),
        ("ar", "كلامه مو واضح", {"slurred_speech": True}),
        ("ur", "اب نہ زبان میں لڑکھڑاہٹ ہے نہ ہاتھ پاؤں میں کمزوری", {"slurred_speech": False}),
        (
            "ur",
            "2 saal pehle halka falij hua tha, ab bolne mein bhi masla nahi",
            {"slurred_speech": False},
        ),
        ("ur", "bolna bilkul theek hai aur chehra bhi tedha nahi", {"slurred_speech": False}),
        ("en", "headache for a day, no problem with light", {"photophobia": False}),
        ("ar", "يدي تنمل شوي بس قوتي مثل قبل", {"weakness": False}),
        ("ur", "halka pait dard hai, pait naram hai", {"rigid_abdomen": False}),
        ("ur", "bukhar hai magar gardan araam se ghumata hai", {"stiff_neck": False}),
    ],
)
def test_normal_words_and_new_clauses(
    understanding: Understanding, lang: str, text: str, expected: dict[str, bool]
) -> None:
    assert _presence(understanding, text, lang, expected) == expected


def test_a_later_denial_does_not_reach_back_into_words_that_hold_their_own(
    understanding: Understanding,
) -> None:
    for text in (
        "بیٹے کو سانس نہیں آ رہی اور بات نہیں کر پا رہا",
        "bete ko saans nahi aa rahi aur bol nahi pa raha",
    ):
        analysis, _ = understanding.analyze(text, "ur")
        assert "severe_breathing_difficulty" in {f.code for f in analysis.red_flags}


@pytest.mark.parametrize(
    ("lang", "text", "kept", "gone"),
    [
        ("en", "threw up twice and it looked like coffee grounds", "vomiting_blood", "vomiting"),
        (
            "ur",
            "ماہواری میں اتنا خون آ رہا ہے کہ ہر گھنٹے پیڈ بدلنا پڑتا ہے",
            "heavy_periods",
            "bleeding",
        ),
    ],
)
def test_a_finding_said_more_exactly_is_recorded_once(
    understanding: Understanding, lang: str, text: str, kept: str, gone: str
) -> None:
    codes = [f.code for f in _current(understanding, text, lang)]
    assert kept in codes and gone not in codes


def test_feeling_about_to_vomit_is_nausea(understanding: Understanding) -> None:
    text = "heavy pressure in my chest going down my left arm, feel like I will vomit"
    codes = [f.code for f in _current(understanding, text, "en")]
    assert "nausea" in codes and "vomiting" not in codes


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Now pregnant again, no bleeding and no pain, just feel sick every morning"),
        ("ur", "Biwi pregnant hai, chautha mahina. Khoon bilkul nahi aaya, dard bhi nahi"),
    ],
)
def test_the_pain_a_pregnant_patient_denies_is_abdominal_pain(
    understanding: Understanding, lang: str, text: str
) -> None:
    pain = _one(_current(understanding, text, lang), "abdominal_pain")
    assert pain.present is False
    assert "pain" not in [f.code for f in _current(understanding, text, lang)]


@pytest.mark.parametrize(
    ("lang", "text", "code", "duration"),
    [
        # "since the day I ..." dates the complaint; "for a month I haven't slept" lasts a month.
        ("ar", "من يوم ما زدت القهوه قلبي يرفرف شوي العصر", "palpitations", None),
        ("ar", "صار لي شهر ما أنام زين", "insomnia", (1.0, "month")),
        # So many a day after a dose is a rate, not how long a condition has lasted.
        ("ur", "شوگر کی مریضہ ہوں، گلوکوفیج ۵۰۰ دن میں دو بار لیتی ہوں", "diabetes", None),
        ("ur", "3 din se din mein do baar ulti", "vomiting", (3.0, "day")),
    ],
)
def test_dates_and_rates_are_not_durations(
    understanding: Understanding,
    lang: str,
    text: str,
    code: str,
    duration: tuple[float, str] | None,
) -> None:
    found = _one(_current(understanding, text, lang), code)
    assert found.present is True
    got = (found.duration.value, found.duration.unit) if found.duration else None
    assert got == duration


def test_since_then_still_ends_a_relatives_story(understanding: Understanding) -> None:
    text = "بھانجے کو کل مرگی کا دورہ پڑا۔ میں بی پی کا مریض ہوں، اس کے بعد سے سر میں درد ہے"
    assert _one(_current(understanding, text, "ur"), "headache").present is True


def test_an_arabic_allergy_reaction_told_of_a_relative_is_the_allergy(
    understanding: Understanding,
) -> None:
    text = "ماما عندها خشونة في الركبة، وعندها حساسية من الأسبرين بتعملها ضيق في النفس"
    analysis, _ = understanding.analyze(text, "ar")
    assert [(a.substance, a.reaction) for a in analysis.allergies] == [
        ("aspirin", "breathing difficulty")
    ]
    assert "shortness_of_breath" not in [f.code for f in analysis.findings]


def test_lips_a_normal_colour_deny_blue_lips(understanding: Understanding) -> None:
    text = "Bit short of breath carrying the shopping, fine once I sit, lips normal colour"
    codes = {f.code: f.present for f in _current(understanding, text, "en")}
    assert codes.get("blue_lips") is False and "black_stools" not in codes
