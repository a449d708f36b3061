"""The clinician PDF: what a clinician reads back out of it, in English, Arabic and Urdu.

Text is checked with poppler's pdftotext. pdftotext gives Arabic-script lines back in logical
order but as presentation forms with bidi marks, so extracted text is NFKC-normalised and
stripped of bidi controls before comparing with the patient's words.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import arabic_reshaper
import pytest

from assistant.report import FOOTER_TEXT, render_pdf
from assistant.summary_types import ClinicalSummary, PatientConcern, SummaryFact, SummarySection

FONTS_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"
GST = timezone(timedelta(hours=4))
PKT = timezone(timedelta(hours=5))

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) is not installed; cannot read the PDF back",
)

_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

QUESTIONNAIRE = "intake-2026.11-q7c1e9a2"
VERSIONS = {
    "findings": "rules-3f2a9c1d7e4b",
    "red_flags": "rules-91be07c4d2aa",
    "medications": "lexicon-5d0e2b7f9c13",
    "triage": "rules-0a4c8e6b2d1f",
}


def fact(
    text: str,
    evidence: str,
    lang: str,
    turn: int,
    *,
    model: str = "findings",
    confidence: float = 0.9,
    present: bool | None = None,
) -> SummaryFact:
    return SummaryFact(
        text=text,
        evidence=evidence,
        evidence_language=lang,
        model=model,
        version=VERSIONS[model],
        confidence=confidence,
        turn=turn,
        present=present,
    )


def english_chest_pain() -> ClinicalSummary:
    return ClinicalSummary(
        session_id="3f9c2a1b-7d4e-4b8a-9c61-0e5d2f8a7b34",
        created_at=datetime(2026, 11, 23, 9, 41, tzinfo=GST),
        language="en",
        age=58,
        sex="male",
        status="completed",
        triage_level="emergency_ambulance",
        triage_rule="chest_pain_with_sweating",
        triage_reason="Central chest pain for 2 hours with sweating",
        red_flags=(
            fact(
                "Chest pain with sweating (possible acute coronary syndrome)",
                "it's like a heavy weight on my chest and I'm sweating a lot",
                "en",
                2,
                model="red_flags",
                confidence=0.97,
            ),
        ),
        sections=(
            SummarySection(
                id="complaint",
                title="Presenting complaint",
                facts=(
                    fact(
                        "Central pressing chest pain, started 2 hours ago",
                        "it's like a heavy weight on my chest, started about 2 hours ago",
                        "en",
                        2,
                        confidence=0.93,
                        present=True,
                    ),
                ),
            ),
            SummarySection(
                id="associated",
                title="Associated symptoms",
                facts=(
                    fact("Sweating", "I'm sweating a lot", "en", 2, present=True),
                    fact(
                        "Shortness of breath",
                        "no, my breathing is fine",
                        "en",
                        3,
                        confidence=0.88,
                        present=False,
                    ),
                ),
            ),
            SummarySection(
                id="medications",
                title="Medications",
                facts=(
                    fact(
                        "Atorvastatin 20 mg once daily",
                        "atorvastatin 20mg at night",
                        "en",
                        4,
                        model="medications",
                        confidence=0.95,
                    ),
                    fact(
                        "Aspirin 81 mg once daily",
                        "and a baby aspirin every morning",
                        "en",
                        4,
                        model="medications",
                        confidence=0.86,
                    ),
                ),
            ),
            SummarySection(
                id="allergies",
                title="Allergies",
                facts=(
                    fact(
                        "No known allergies",
                        "none that I know of",
                        "en",
                        5,
                        model="medications",
                        present=False,
                    ),
                ),
            ),
            SummarySection(id="history", title="Past medical history", empty_text="Not asked"),
            SummarySection(id="family", title="Family history", empty_text="None reported"),
        ),
        concerns=(
            PatientConcern(
                text="Is this a heart attack? My father had one at 60 & I'm scared.",
                language="en",
                untranslated=False,
            ),
        ),
        kind="narrative",
        narrative=(
            "58-year-old man with 2 hours of central pressing chest pain and sweating; denies "
            "shortness of breath. Takes atorvastatin and aspirin. No known allergies."
        ),
        model_versions=dict(VERSIONS),
        questionnaire_version=QUESTIONNAIRE,
    )


def arabic_headache() -> ClinicalSummary:
    return ClinicalSummary(
        session_id="a41d0c7e-2b9f-4e15-8d3a-6c2f1b9e0d57",
        created_at=datetime(2026, 11, 23, 18, 5, tzinfo=GST),
        language="ar",
        age=34,
        sex="female",
        status="completed",
        triage_level="consultation_24",
        triage_rule="headache_with_fever",
        triage_reason="Headache with fever for 3 days; no neck stiffness or vomiting",
        red_flags=(),
        sections=(
            SummarySection(
                id="complaint",
                title="Presenting complaint",
                facts=(
                    fact(
                        "Headache for 3 days",
                        "راسي يعورني وعندي صداع قوي من ثلاث أيام",
                        "ar",
                        2,
                        confidence=0.91,
                        present=True,
                    ),
                ),
            ),
            SummarySection(
                id="associated",
                title="Associated symptoms",
                facts=(
                    fact("Fever since yesterday", "وعندي حرارة من أمس", "ar", 3, present=True),
                    fact(
                        "Neck stiffness",
                        "لا، رقبتي عادي، أقدر أحركها",
                        "ar",
                        4,
                        confidence=0.84,
                        present=False,
                    ),
                    fact("Vomiting", "ما استفرغت", "ar", 4, confidence=0.8, present=False),
                ),
            ),
            SummarySection(
                id="medications",
                title="Medications",
                facts=(
                    fact(
                        "Paracetamol (Panadol) 500 mg twice a day",
                        "آخذ بنادول ٥٠٠ مرتين في اليوم",
                        "ar",
                        5,
                        model="medications",
                        confidence=0.9,
                    ),
                ),
            ),
            SummarySection(
                id="allergies",
                title="Allergies",
                facts=(
                    fact(
                        "Penicillin allergy (rash)",
                        "عندي حساسية من البنسلين، يطلع لي طفح",
                        "ar",
                        6,
                        model="medications",
                        confidence=0.92,
                        present=True,
                    ),
                ),
            ),
            SummarySection(id="history", title="Past medical history", empty_text="Not asked"),
        ),
        concerns=(
            PatientConcern(
                text="أبي أعرف إذا هالصداع خطير، وما أقدر أنام زين من الألم",
                language="ar",
                untranslated=True,
            ),
        ),
        kind="template",
        model_versions=dict(VERSIONS),
        questionnaire_version=QUESTIONNAIRE,
    )


def urdu_cough() -> ClinicalSummary:
    return ClinicalSummary(
        session_id="c07b5e21-94af-4d6c-b3e8-2a1f6d9c4e80",
        created_at=datetime(2026, 11, 24, 11, 20, tzinfo=PKT),
        language="ur",
        age=45,
        sex="male",
        status="completed",
        triage_level="emergency",
        triage_rule="haemoptysis",
        triage_reason="Blood in sputum with 2 weeks of cough and night fevers",
        red_flags=(
            fact(
                "Coughing up blood (haemoptysis)",
                "کبھی کبھی بلغم میں خون آتا ہے",
                "ur",
                3,
                model="red_flags",
                confidence=0.95,
                present=True,
            ),
        ),
        sections=(
            SummarySection(
                id="complaint",
                title="Presenting complaint",
                facts=(
                    fact(
                        "Productive cough for 2 weeks",
                        "مجھے دو ہفتے سے کھانسی ہے اور بلغم آتا ہے",
                        "ur",
                        2,
                        confidence=0.9,
                        present=True,
                    ),
                ),
            ),
            SummarySection(
                id="associated",
                title="Associated symptoms",
                facts=(
                    fact("Fever at night", "رات کو بخار ہو جاتا ہے", "ur", 3, present=True),
                    fact(
                        "Weight loss",
                        "نہیں، وزن کم نہیں ہوا",
                        "ur",
                        4,
                        confidence=0.82,
                        present=False,
                    ),
                ),
            ),
            SummarySection(
                id="medications",
                title="Medications",
                facts=(
                    fact(
                        "Cough syrup (name not known), as needed",
                        "کھانسی کا شربت لے رہا ہوں",
                        "ur",
                        5,
                        model="medications",
                        confidence=0.7,
                    ),
                ),
            ),
            SummarySection(
                id="allergies",
                title="Allergies",
                facts=(
                    fact(
                        "No known allergies",
                        "مجھے کسی دوا سے الرجی نہیں ہے",
                        "ur",
                        6,
                        model="medications",
                        present=False,
                    ),
                ),
            ),
            SummarySection(id="family", title="Family history", empty_text="None reported"),
        ),
        concerns=(
            PatientConcern(
                text="مجھے ڈر ہے کہیں ٹی بی تو نہیں، میرے بھائی کو پچھلے سال ٹی بی ہوئی تھی",
                language="ur",
                untranslated=True,
            ),
        ),
        kind="narrative",
        narrative=(
            "45-year-old man with 2 weeks of productive cough, night fevers and blood in the "
            "sputum; denies weight loss. No known allergies."
        ),
        model_versions=dict(VERSIONS),
        questionnaire_version=QUESTIONNAIRE,
    )


def pdf_text(pdf: bytes, tmp_path: Path, *, shaped: bool = False, raw: bool = False) -> str:
    """What pdftotext reads; NFKC-normalised unless ``shaped`` (keep presentation forms).

    ``raw`` keeps drawing order: words left to right as drawn (each word's letters still come
    back in logical order), so it shows where numbers and brackets sit around Arabic.
    """
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    mode = ["-raw"] if raw else []
    out = subprocess.run(
        ["pdftotext", *mode, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    text = _BIDI_CONTROLS.sub("", out.stdout.decode("utf-8"))
    return text if shaped else unicodedata.normalize("NFKC", text)


def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    match = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)
    assert match, info.stdout
    return int(match.group(1))


def squash(text: str) -> str:
    """One space between words, so wrapped lines compare as one string."""
    return re.sub(r"\s+", " ", text)


def test_english_summary_reads_back_with_triage_sections_and_markers(tmp_path: Path) -> None:
    pdf = render_pdf(english_chest_pain(), fonts_dir=FONTS_DIR)
    assert pdf.startswith(b"%PDF-")
    text = squash(pdf_text(pdf, tmp_path))
    pages = page_count(pdf, tmp_path)

    assert 1 <= pages <= 3
    for expected in (
        "Emirates Health Services",
        "Pre-visit intake summary",
        "Prepared by Amal, an AI assistant",
        "Not a diagnosis",
        "Patient: 58 years, male",
        "Interview language: English",
        "2026-11-23 09:41 UTC+04:00",
        "Session: 3f9c2a1b",
        "Status: completed",
        "EMERGENCY – call ambulance",
        "Rule: chest_pain_with_sweating",
        "Central chest pain for 2 hours with sweating",
        "Narrative summary – model-written from the structured facts",
        "58-year-old man with 2 hours of central pressing chest pain",
        "RED FLAGS",
        "Chest pain with sweating (possible acute coronary syndrome)",
        "Presenting complaint",
        "Central pressing chest pain, started 2 hours ago",
        "Denies shortness of breath",
        "“no, my breathing is fine” · source: patient · findings@rules-3f2a9c1d7e4b · "
        "confidence 0.88 · turn 3",
        "Atorvastatin 20 mg once daily",
        "No known allergies",
        "Past medical history Not asked",
        "Family history None reported",
        "Patient's concerns in their own words",
        "(English) Is this a heart attack? My father had one at 60 & I'm scared.",
        f"Page 1 of {pages}",
        FOOTER_TEXT,
    ):
        assert expected in text, expected
    assert "Template summary" not in text
    assert "untranslated" not in text
    assert "Denies shortness of breath" in text[text.index("Provenance appendix") :]
    # Red flags come before the first section.
    assert text.index("RED FLAGS") < text.index("Presenting complaint")


@pytest.mark.parametrize(
    ("build", "words", "phrases", "language"),
    [
        (
            arabic_headache,
            ["صداع", "حرارة", "بنادول", "البنسلين", "خطير"],
            ["راسي يعورني وعندي صداع قوي من ثلاث أيام", "عندي حساسية من البنسلين"],
            "Arabic",
        ),
        (
            urdu_cough,
            ["کھانسی", "بلغم", "خون", "بخار", "الرجی"],
            ["مجھے دو ہفتے سے کھانسی ہے اور بلغم آتا ہے", "میرے بھائی کو پچھلے سال ٹی بی"],
            "Urdu",
        ),
    ],
    ids=["ar", "ur"],
)
def test_patient_words_in_arabic_script_extract_in_logical_order(
    tmp_path: Path,
    build: Callable[[], ClinicalSummary],
    words: list[str],
    phrases: list[str],
    language: str,
) -> None:
    summary = build()
    pdf = render_pdf(summary, fonts_dir=FONTS_DIR)
    text = squash(pdf_text(pdf, tmp_path))

    shaped = pdf_text(pdf, tmp_path, shaped=True)
    for word in words:
        assert word in text, word
        # Drawn as joined contextual forms (initial, medial, final), not isolated letters.
        assert arabic_reshaper.reshape(word) in shaped, word
        assert word not in shaped, word
    for phrase in phrases:
        assert phrase in text, phrase
    assert f"Interview language: {language}" in text
    assert f"(untranslated, {language})" in text
    for section in summary.sections:
        assert section.title in text
        for item in section.facts:
            # Negatives print as "Denies neck stiffness", hence the case-blind match.
            assert item.text.lower() in text.lower(), item.text


def test_arabic_summary_marks_negatives_template_and_triage(tmp_path: Path) -> None:
    text = squash(pdf_text(render_pdf(arabic_headache(), fonts_dir=FONTS_DIR), tmp_path))

    assert "URGENT – consultation within 24 hours" in text
    assert "Template summary" in text
    assert "Narrative summary" not in text
    assert "Denies neck stiffness" in text
    assert "Denies vomiting" in text
    assert "RED FLAGS" not in text
    # Arabic-Indic digits in the patient's words survive as typed.
    assert "٥٠٠" in text


def test_urdu_red_flag_comes_first_with_its_evidence(tmp_path: Path) -> None:
    text = squash(pdf_text(render_pdf(urdu_cough(), fonts_dir=FONTS_DIR), tmp_path))

    assert "EMERGENCY – go to the emergency department" in text
    assert text.index("RED FLAGS") < text.index("Coughing up blood") < text.index("Presenting")
    assert "کبھی کبھی بلغم میں خون آتا ہے" in text
    assert "red_flags@rules-91be07c4d2aa" in text
    assert "Denies weight loss" in text


@pytest.mark.parametrize("build", [english_chest_pain, arabic_headache, urdu_cough])
def test_appendix_lists_every_fact_with_model_version_and_the_versions_map(
    tmp_path: Path, build: Callable[[], ClinicalSummary]
) -> None:
    summary = build()
    text = squash(pdf_text(render_pdf(summary, fonts_dir=FONTS_DIR), tmp_path))
    appendix = text[text.index("Provenance appendix") :]

    facts = list(summary.red_flags) + [f for s in summary.sections for f in s.facts]
    for item in facts:
        assert f"{item.model}@{item.version}" in appendix
    # Exactly one table row per fact carries its model@version; the versions map below the
    # table lists name and version in separate cells.
    for model, version in VERSIONS.items():
        expected = sum(1 for item in facts if item.model == model)
        assert appendix.count(f"{model}@{version}") == expected
        assert version in appendix
    assert f"Questionnaire version: {QUESTIONNAIRE}" in appendix
    assert "Model versions" in appendix
    for item in facts:
        assert f"{item.confidence:.2f}" in appendix


def test_markup_characters_in_patient_text_print_as_typed(tmp_path: Path) -> None:
    nasty = 'I take <b>2</b> pills & "more" </para><font name="x"> ]]> &amp; <br/> a<b'
    base = english_chest_pain()
    summary = replace(
        base,
        sections=(
            SummarySection(
                id="medications",
                title="Medications & <supplements>",
                facts=(
                    SummaryFact(text="Ibuprofen <400 mg> & more", evidence=nasty, turn=7),
                    SummaryFact(
                        text="Panadol (بنادول) <500 mg>",
                        evidence="آخذ <بنادول> & شي ثاني",
                        evidence_language="ar",
                        turn=8,
                    ),
                ),
            ),
        ),
        concerns=(PatientConcern(text=nasty, language="en", untranslated=False),),
        narrative="Narrative with <i>tags</i> & ampersands",
    )
    text = squash(pdf_text(render_pdf(summary, fonts_dir=FONTS_DIR), tmp_path))

    assert "Medications & <supplements>" in text
    assert "Ibuprofen <400 mg> & more" in text
    assert squash(nasty) in text
    assert "Narrative with <i>tags</i> & ampersands" in text
    assert "بنادول" in text
    assert "شي ثاني" in text
    assert "Ibuprofen <400 mg> & more" in text[text.index("Provenance appendix") :]


def test_arabic_inside_english_lines_keeps_numbers_and_brackets_in_place(tmp_path: Path) -> None:
    summary = replace(
        english_chest_pain(),
        red_flags=(),
        sections=(
            SummarySection(
                id="medications",
                title="Medications",
                facts=(
                    SummaryFact(
                        text="Panadol (بنادول) <500 mg> twice a day",
                        evidence="آخذ <بنادول> & شي ثاني",
                        evidence_language="ar",
                        turn=8,
                    ),
                ),
            ),
        ),
    )
    drawn = pdf_text(render_pdf(summary, fonts_dir=FONTS_DIR), tmp_path, raw=True)

    # In the bullet and in the appendix table: the 500 stays outside the brackets.
    assert drawn.count("Panadol (بنادول) <500 mg> twice a day") == 2
    # The quoted Arabic is drawn right to left, word by word, with mirrored brackets, while
    # the English around it runs left to right.
    assert "“ثاني شي & <بنادول> آخذ” (Arabic) · source: patient · turn 8" in drawn


def test_ten_thousand_character_texts_wrap_and_paginate(tmp_path: Path) -> None:
    sentence_ar = "الصداع يجي كل يوم الصبح وما يروح إلا بعد الظهر "
    long_ar = (sentence_ar * 250)[:10_000]
    long_en = ("The pain comes every morning and only settles by the afternoon. " * 160)[:10_000]
    no_spaces = "ا" * 10_000
    base = arabic_headache()
    summary = replace(
        base,
        concerns=(
            PatientConcern(text=long_ar, language="ar", untranslated=True),
            PatientConcern(text=long_en, language="en", untranslated=False),
            PatientConcern(text=no_spaces, language="ar", untranslated=True),
        ),
        triage_reason="x" * 5_000,
        sections=(
            SummarySection(
                id="complaint",
                title="Presenting complaint",
                facts=(
                    SummaryFact(
                        text="Headache " * 300, evidence=long_ar, evidence_language="ar", turn=2
                    ),
                ),
            ),
        ),
    )
    pdf = render_pdf(summary, fonts_dir=FONTS_DIR)
    pages = page_count(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)

    assert 6 <= pages <= 30
    assert f"Page {pages} of {pages}" in text
    assert text.count(FOOTER_TEXT) == pages
    assert text.count("يروح") >= 400  # the concern and the fact's evidence
    assert squash(text).count("settles by the afternoon") >= 150
    # The Arabic paragraph is wrapped before it is reordered: each extracted line reads
    # forward, so "يجي" follows "الصداع" on the line where a sentence starts.
    lines = [line for line in text.splitlines() if "الصداع يجي" in line]
    assert len(lines) >= 20


# Typed the way many patients type on a phone: no punctuation. pdftotext rebuilds RTL lines
# in logical order but splits them at neutral punctuation (، . ۔) and then orders the pieces
# left to right, so punctuated text cannot be compared as one string; page images of
# punctuated Arabic and Urdu were checked by eye instead.
LONG_CONCERNS = {
    "ar": (
        "من أسبوع تقريبا بديت أحس بصداع في الجهة اليمين من راسي يجي الصبح ويزيد لين الظهر "
        "وأخذت بنادول أكثر من مرة بس ما فاد وأحيانا أحس بدوخة خفيفة لما أقوم بسرعة وعيوني "
        "تتعب من الضو وما عندي حرارة ولا استفراغ بس النوم صاير قليل بسبب الشغل وأمي عندها "
        "ضغط وخايفة يكون عندي نفس الشي وأبي أعرف إذا لازم أسوي فحوصات"
    ),
    "ur": (
        "پچھلے دو ہفتوں سے مجھے مسلسل کھانسی ہے خاص طور پر رات کو زیادہ ہوتی ہے صبح کے وقت "
        "پیلا بلغم نکلتا ہے اور دو تین بار اس میں خون کی لکیریں بھی دیکھی ہیں رات کو پسینہ "
        "بہت آتا ہے اور بھوک بھی کم ہو گئی ہے میں کنسٹرکشن سائٹ پر کام کرتا ہوں اور کمرے میں "
        "چھ لوگ رہتے ہیں"
    ),
}


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_wrapped_rtl_concern_reads_back_in_order(tmp_path: Path, lang: str) -> None:
    """Lines are wrapped before bidi reordering, so the paragraph reads on across lines."""
    concern = LONG_CONCERNS[lang]
    base = arabic_headache() if lang == "ar" else urdu_cough()
    summary = replace(
        base,
        red_flags=(),
        sections=(),
        concerns=(PatientConcern(text=concern, language=lang, untranslated=True),),
    )
    text = pdf_text(render_pdf(summary, fonts_dir=FONTS_DIR), tmp_path)
    lines = [line for line in text.splitlines() if any("\u0600" <= c <= "\u06ff" for c in line)]

    assert len(lines) >= 3  # it did wrap
    # The first line starts the paragraph (reordering before wrapping would put its end there).
    assert squash(lines[0]).strip() == " ".join(concern.split()[: len(lines[0].split())])
    assert squash(concern) in squash(text)


def test_same_summary_renders_the_same_bytes() -> None:
    summary = urdu_cough()
    assert render_pdf(summary, fonts_dir=FONTS_DIR) == render_pdf(summary, fonts_dir=FONTS_DIR)


def test_bare_summary_renders_untriaged_and_empty(tmp_path: Path) -> None:
    summary = ClinicalSummary(
        session_id="s1",
        created_at=datetime(2026, 11, 23, 7, 0, tzinfo=UTC),
        language="en",
        age=None,
        sex=None,
        status="in_progress",
        triage_level=None,
        triage_rule=None,
        triage_reason=None,
        red_flags=(),
        sections=(),
    )
    text = squash(pdf_text(render_pdf(summary, fonts_dir=FONTS_DIR), tmp_path))

    for expected in (
        "Not triaged",
        "age not recorded, sex not recorded",
        "Status: in progress",
        "None recorded",
        "No facts recorded.",
        "Questionnaire version: not recorded",
        "Page 1 of 1",
    ):
        assert expected in text, expected


def test_missing_fonts_are_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"Amiri-Regular\.ttf"):
        render_pdf(urdu_cough(), fonts_dir=tmp_path)
