"""The deterministic English summary, written from stored facts and their provenance.

Nothing here translates: English comes from concept labels and parsed values. Free-text
answers that no model could turn into concepts are shown in the patient's own words and
marked untranslated, so the clinician knows exactly what they are reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from assistant.concepts import Duration, Finding, RedFlag
from assistant.questionnaire import Questionnaire
from assistant.store import FactRow, IntakeRow, utcnow
from assistant.summary_types import (
    ClinicalSummary,
    PatientConcern,
    SummaryFact,
    SummarySection,
)

LANGUAGE_NAMES = {"en": "English", "ar": "Arabic", "ur": "Urdu"}
_HPI = (
    ("hpi_onset", "Onset"),
    ("hpi_location", "Location"),
    ("hpi_duration", "Duration"),
    ("hpi_character", "Character"),
    ("hpi_aggravating", "Aggravating factors"),
    ("hpi_alleviating", "Relieving factors"),
    ("hpi_radiation", "Radiation"),
    ("hpi_timing", "Timing"),
    ("hpi_severity", "Severity"),
)


def _fact(row: FactRow, text: str) -> SummaryFact:
    return SummaryFact(
        text=text,
        evidence=row.evidence,
        evidence_language=row.evidence_language or "en",
        source="model"
        if row.source == "model"
        else ("clinician" if row.source == "clinician" else "patient"),
        model=row.model,
        version=row.version,
        confidence=row.confidence,
        turn=row.turn_seq,
        present=row.present,
    )


def _words(row: FactRow, item_type: str) -> str:
    """An answer's English text; free text not in English is marked untranslated."""
    kind = row.value.get("kind")
    if kind == "unknown":
        return "Patient does not know"
    if kind == "none":
        return "None"
    english = str(row.value.get("english", ""))
    patient_words = row.kind == "answer" and row.source == "patient" and english == row.evidence
    if (
        patient_words
        and item_type in ("string", "text")
        and row.evidence_language
        not in (
            "",
            "en",
        )
    ):
        language = LANGUAGE_NAMES.get(row.evidence_language, row.evidence_language)
        return f"“{english}” (patient's words, {language}, untranslated)"
    return english


def findings_from(facts: Iterable[FactRow]) -> list[Finding]:
    out: list[Finding] = []
    for row in facts:
        if row.kind != "finding":
            continue
        duration = row.value.get("duration")
        out.append(
            Finding(
                code=row.key,
                label=row.label,
                present=bool(row.present),
                evidence=row.evidence,
                confidence=row.confidence or 0.0,
                duration=Duration(duration["value"], duration["unit"]) if duration else None,
                severity=row.value.get("severity"),
                onset=row.value.get("onset"),
                location=row.value.get("location"),
                character=row.value.get("character"),
            )
        )
    return out


def red_flags_from(facts: Iterable[FactRow]) -> list[RedFlag]:
    return [
        RedFlag(
            row.key,
            row.label,
            row.evidence,
            str(row.value.get("rule", "")),
            row.value.get("level", "emergency"),
        )
        for row in facts
        if row.kind == "red_flag"
    ]


def _finding_text(row: FactRow) -> str:
    parts = [row.label[:1].upper() + row.label[1:]]
    value: dict[str, Any] = row.value
    if value.get("character"):
        parts.append(f"({value['character']})")
    if value.get("location"):
        parts.append(f"at {value['location']}")
    if value.get("duration"):
        parts.append(f"for {Duration(**value['duration']).english()}")
    if value.get("severity") is not None:
        parts.append(f"severity {value['severity']}/10")
    return " ".join(parts)


def _dedupe(facts: Sequence[FactRow]) -> list[FactRow]:
    """One line per (kind, concept, polarity); the latest mention wins."""
    latest: dict[tuple[str, str, bool | None], FactRow] = {}
    for row in facts:
        latest[(row.kind, row.key, row.present)] = row
    return sorted(latest.values(), key=lambda r: r.id)


def build_summary(
    intake: IntakeRow,
    facts: Sequence[FactRow],
    questionnaire: Questionnaire,
    versions: dict[str, str],
    *,
    triage: tuple[str, str, str] | None,
    status: str,
) -> ClinicalSummary:
    answers = {row.link_id: row for row in facts if row.kind == "answer" and row.link_id}
    slots = {row.key: row for row in facts if row.kind == "slot"}
    item_types = {item.link_id: item.type for item in questionnaire.items}
    item_slots = {item.link_id: item.slot for item in questionnaire.items}

    def answer_text(link_id: str) -> SummaryFact | None:
        row = answers.get(link_id) or slots.get(item_slots.get(link_id, link_id))
        if row is None:
            return None
        return _fact(row, _words(row, item_types.get(link_id, "text")))

    age_row = answers.get("age")
    age = age_row.value.get("value") if age_row else None
    sex_row = answers.get("sex")
    sex = sex_row.value.get("english") if sex_row else None

    findings = _dedupe([r for r in facts if r.kind == "finding"])
    chief_words = answers.get("chief_complaint")
    chief_ids = {
        r.id for r in findings if chief_words and r.link_id == "chief_complaint" and r.present
    }
    chief: list[SummaryFact] = [_fact(r, _finding_text(r)) for r in findings if r.id in chief_ids]
    if chief_words and not chief:
        chief.append(_fact(chief_words, _words(chief_words, "text")))

    hpi: list[SummaryFact] = []
    for link_id, title in _HPI:
        fact = answer_text(link_id)
        if fact is not None:
            hpi.append(replace(fact, text=f"{title}: {fact.text}"))
    if answers.get("pregnant"):
        fact = answer_text("pregnant")
        if fact is not None:
            hpi.append(replace(fact, text=f"Possible pregnancy: {fact.text}"))

    ros = [
        _fact(r, _finding_text(r) if r.present else f"Denies {r.label}")
        for r in findings
        if r.id not in chief_ids
    ]
    ros.sort(key=lambda f: f.present is False)

    past_medical = answers.get("past_medical")
    past = [
        _fact(r, _finding_text(r))
        for r in _dedupe([r for r in facts if r.kind == "past_history" and r.present])
    ]
    surgical = answer_text("past_surgical")
    if surgical is not None:
        past.append(replace(surgical, text=f"Operations / admissions: {surgical.text}"))
    if past_medical is not None and not any(
        r.link_id == "past_medical" for r in facts if r.kind == "past_history"
    ):
        text = _words(past_medical, "text")
        past.insert(
            0,
            _fact(
                past_medical,
                "No long-term conditions reported"
                if text == "None"
                else f"Long-term conditions: {text}",
            ),
        )

    meds = [
        _fact(
            r,
            " ".join(
                x
                for x in (
                    r.label[:1].upper() + r.label[1:],
                    r.value.get("dose"),
                    r.value.get("frequency"),
                )
                if x
            ),
        )
        for r in _dedupe([r for r in facts if r.kind == "medication"])
    ]
    if not meds:
        none = next((r for r in facts if r.kind == "no_medications"), None)
        med_answer = answers.get("medications")
        if none is not None:
            meds.append(_fact(none, "No regular medications"))
        elif med_answer is not None:
            meds.append(_fact(med_answer, _words(med_answer, "text")))

    allergies = [
        _fact(
            r,
            r.label[:1].upper()
            + r.label[1:]
            + (f" — reaction: {r.value['reaction']}" if r.value.get("reaction") else ""),
        )
        for r in _dedupe([r for r in facts if r.kind == "allergy"])
    ]
    nka = next((r for r in facts if r.kind == "no_known_allergies"), None)
    if not allergies and nka is not None:
        allergies.append(_fact(nka, "No known allergies"))
    elif not allergies and "allergies" in answers:
        allergies.append(_fact(answers["allergies"], _words(answers["allergies"], "text")))

    family_social = [
        _fact(r, f"Family history: {r.label}")
        for r in _dedupe([r for r in facts if r.kind == "family_history" and r.present])
    ]
    if not family_social and "family_history" in answers:
        family_social.append(
            _fact(
                answers["family_history"],
                "Family history: " + _words(answers["family_history"], "text"),
            )
        )
    for link_id, title in (("smoking", "Smoking"), ("alcohol", "Alcohol")):
        fact = answer_text(link_id)
        if fact is not None:
            family_social.append(replace(fact, text=f"{title}: {fact.text}"))

    red_flags = tuple(
        _fact(r, r.label) for r in _dedupe([r for r in facts if r.kind == "red_flag"])
    )
    concerns: list[PatientConcern] = []
    concern_row = answers.get("concerns")
    if concern_row is not None and concern_row.value.get("kind") == "value":
        lang = concern_row.evidence_language or intake.language
        concerns.append(PatientConcern(concern_row.evidence, lang, lang != "en"))

    protocol: list[SummaryFact] = []
    for r in facts:
        if r.kind == "protocol":
            v = r.value
            protocol.append(
                _fact(
                    r,
                    f"Follow-up protocol: {r.label} ({v.get('pack')} v{v.get('pack_version')}, "
                    f"matched by {v.get('method')})",
                )
            )
    for link_id, r in answers.items():
        if "." in link_id:  # a protocol pack's question: ``<pack>.<question>``
            protocol.append(_fact(r, f"{r.label} {_words(r, 'text')}"))

    not_reached = "Not asked (intake stopped early)" if status == "emergency" else "Not asked"
    sections = (
        SummarySection("chief_complaint", "Chief complaint", tuple(chief), not_reached),
        SummarySection("hpi", "History of present illness", tuple(hpi), not_reached),
        *(
            (SummarySection("protocol", "Complaint-specific follow-up", tuple(protocol), ""),)
            if protocol
            else ()
        ),
        SummarySection("ros", "Review of systems", tuple(ros), "No other symptoms reported"),
        SummarySection(
            "past_history", "Past medical and surgical history", tuple(past), not_reached
        ),
        SummarySection("medications", "Medications", tuple(meds), not_reached),
        SummarySection("allergies", "Allergies", tuple(allergies), not_reached),
        SummarySection(
            "family_social", "Family and social history", tuple(family_social), not_reached
        ),
    )
    return ClinicalSummary(
        session_id=intake.id,
        created_at=utcnow(),
        language=intake.language,
        age=age if isinstance(age, int) else None,
        sex=str(sex) if sex else None,
        status=status,
        triage_level=triage[0] if triage else intake.triage_level,
        triage_rule=triage[1] if triage else intake.triage_rule,
        triage_reason=triage[2] if triage else intake.triage_reason,
        red_flags=red_flags,
        sections=sections,
        concerns=tuple(concerns),
        kind="template",
        model_versions=dict(versions),
        questionnaire_version=f"{questionnaire.id}@{questionnaire.version}"
        f"+{questionnaire.sha256[:8]}",
    )


def summary_from_dict(data: dict[str, Any]) -> ClinicalSummary:
    """Rebuild a stored summary (``ClinicalSummary.as_dict()``) for rendering."""
    from datetime import datetime

    def facts(items: Iterable[dict[str, Any]]) -> tuple[SummaryFact, ...]:
        return tuple(SummaryFact(**item) for item in items)

    return ClinicalSummary(
        session_id=data["session_id"],
        created_at=datetime.fromisoformat(data["created_at"]),
        language=data["language"],
        age=data.get("age"),
        sex=data.get("sex"),
        status=data.get("status", ""),
        triage_level=data.get("triage_level"),
        triage_rule=data.get("triage_rule"),
        triage_reason=data.get("triage_reason"),
        red_flags=facts(data.get("red_flags", ())),
        sections=tuple(
            SummarySection(
                s["id"], s["title"], facts(s.get("facts", ())), s.get("empty_text", "Not asked")
            )
            for s in data.get("sections", ())
        ),
        concerns=tuple(PatientConcern(**c) for c in data.get("concerns", ())),
        kind=data.get("kind", "template"),
        narrative=data.get("narrative", ""),
        narrative_note=data.get("narrative_note", ""),
        model_versions=dict(data.get("model_versions", {})),
        questionnaire_version=data.get("questionnaire_version", ""),
        reviewed_by=data.get("reviewed_by"),
        reviewed_at=data.get("reviewed_at"),
    )
