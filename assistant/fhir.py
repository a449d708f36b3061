"""One intake as a FHIR R4 document Bundle, for the clinic's record system.

The Bundle is self-contained (``urn:uuid`` references only) and opens with a Composition whose
sections carry the English summary. Clinical statements are typed resources: Condition for what
the patient has or had, Observation (value SNOMED CT "Absent") for what they deny,
FamilyMemberHistory, AllergyIntolerance (including "no known allergy"), MedicationStatement,
a Flag per red flag and an Observation for the triage disposition. The patient's own words stay
in the QuestionnaireResponse, in the script they were written in.

Every clinical resource has a Provenance naming the micro-model (a Device with its name and
version) that turned the patient's words into it, or the clinician who corrected it.

Why "Absent" and not Condition.verificationStatus = refuted: FHIR defines refuted as a condition
"ruled out by diagnostic and clinical evidence", a clinician's conclusion. "No fever" said by the
patient is a reported absence, which IPS and mCODE record as an Observation whose value is
SNOMED CT 2667000 |Absent|.

Resource ids are UUIDs derived from the intake id and the fact ids, so exporting the same intake
twice gives the same ids; only the Bundle's own identifier and timestamp change.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assistant.fhir_codes import (
    BCP47,
    LOCAL,
    LOINC,
    SNOMED,
    TERMINOLOGY,
    UCUM,
    URI_IDENTIFIER,
    CodeBook,
    Json,
    coded,
    concept,
    dose_quantity,
    duration_text,
    instant,
    onset,
    severity,
    timing,
    typed_answer,
)
from assistant.store import FactRow, IntakeRow, utcnow
from assistant.summary_types import ClinicalSummary

if TYPE_CHECKING:
    from assistant.questionnaire import Item, Questionnaire
    from assistant.services import Services

CONFIDENCE_EXTENSION = f"{LOCAL}:extension:model-confidence"
_UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, LOCAL)
_LANGUAGE_NAMES = {"en": "English", "ar": "Arabic", "ur": "Urdu"}
_TRIAGE_TEXT = {
    "emergency_ambulance": "Emergency: call an ambulance now",
    "emergency": "Emergency department now",
    "consultation_24": "See a doctor within 24 hours",
    "consultation": "Routine consultation",
    "self_care": "Self-care",
}
_ENCOUNTER_PRIORITY = {
    "emergency_ambulance": ("EM", "emergency"),
    "emergency": ("EM", "emergency"),
    "consultation_24": ("UR", "urgent"),
    "consultation": ("R", "routine"),
    "self_care": ("R", "routine"),
}
# LOINC section codes (the C-CDA / IPS ones) for the summary's sections.
_SECTION_CODES = {
    "chief_complaint": ("10154-3", "Chief complaint Narrative - Reported"),
    "hpi": ("10164-2", "History of Present illness Narrative"),
    "ros": ("10187-3", "Review of systems Narrative - Reported"),
    "past_history": ("11348-0", "History of Past illness Narrative"),
    "medications": ("10160-0", "History of Medication use Narrative"),
    "allergies": ("48765-2", "Allergies and adverse reactions Document"),
}


# --- small helpers --------------------------------------------------------------------------


def reviewed_facts(facts: Sequence[FactRow]) -> list[FactRow]:
    """Clinician-sourced facts replace the other facts about the same thing."""

    def about(f: FactRow) -> tuple[str, str]:
        return (f.kind, f.link_id or f.key) if f.kind == "answer" else (f.kind, f.key)

    corrected = {about(f) for f in facts if f.source == "clinician"}
    return [f for f in facts if f.source == "clinician" or about(f) not in corrected]


def _xhtml(lines: Iterable[str], *, lang: str | None = None) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    attrs = f' lang="{lang}" dir="rtl"' if lang in ("ar", "ur") else ""
    return f'<div xmlns="http://www.w3.org/1999/xhtml"{attrs}><ul>{items}</ul></div>'


# --- the builder ----------------------------------------------------------------------------


class _Bundle:
    def __init__(
        self,
        intake: IntakeRow,
        facts: Sequence[FactRow],
        summary: ClinicalSummary,
        versions: Mapping[str, str],
        codes: CodeBook,
        questionnaire: Questionnaire | None,
        software: str,
        now: datetime,
    ) -> None:
        self.intake = intake
        self.facts = reviewed_facts(facts)
        self.summary = summary
        self.versions = dict(versions)
        self.codes = codes
        self.questionnaire = questionnaire
        self.software = software
        self.now = now
        self.entries: list[Json] = []
        self.devices: dict[tuple[str, str], str] = {}
        self.by_section: dict[str, list[str]] = {}
        self.patient = f"urn:uuid:{self.uid('Patient')}"
        self.encounter = f"urn:uuid:{self.uid('Encounter')}"
        self.qr = f"urn:uuid:{self.uid('QuestionnaireResponse')}"
        self.app = f"urn:uuid:{self.uid('Device', 'software')}"

    # references

    def uid(self, *parts: object) -> str:
        return str(uuid.uuid5(_UUID_NAMESPACE, "|".join([self.intake.id, *map(str, parts)])))

    def add(self, resource: Json, *parts: object, section: str | None = None) -> str:
        rid = self.uid(resource["resourceType"], *parts)
        resource["id"] = rid
        url = f"urn:uuid:{rid}"
        self.entries.append({"fullUrl": url, "resource": resource})
        if section is not None:
            self.by_section.setdefault(section, []).append(url)
        return url

    def device(self, model: str, version: str) -> str:
        key = (model, version)
        if key not in self.devices:
            resource: Json = {
                "resourceType": "Device",
                "deviceName": [{"name": model, "type": "model-name"}],
                "type": {"text": "Micro-model of the intake assistant"},
            }
            if version:
                resource["version"] = [{"value": version}]
            self.devices[key] = self.add(resource, "device", model, version)
        return self.devices[key]

    # the document

    def build(self) -> Json:
        self.add(self._software(), "software")
        self._patient()
        self._questionnaire_response()
        self._age()
        chief = self._findings()
        self._family()
        self._medications()
        self._allergies()
        self._red_flags()
        self._triage()
        self._encounter(chief)
        composition = self._composition()
        self.entries.insert(0, composition)
        self._provenance(composition["fullUrl"], [], agents=[self._agent("author", self.app)])
        return {
            "resourceType": "Bundle",
            "id": str(uuid.uuid4()),
            "identifier": {"system": URI_IDENTIFIER, "value": f"urn:uuid:{uuid.uuid4()}"},
            "type": "document",
            "timestamp": instant(self.now),
            "entry": self.entries,
        }

    def _software(self) -> Json:
        versions = [
            {"type": {"text": name}, "value": v} for name, v in sorted(self.versions.items())
        ]
        if self.summary.questionnaire_version:
            versions.append(
                {"type": {"text": "questionnaire"}, "value": self.summary.questionnaire_version}
            )
        resource: Json = {
            "resourceType": "Device",
            "deviceName": [{"name": self.software, "type": "user-friendly-name"}],
            "type": {"text": "Patient-intake software"},
        }
        if versions:
            resource["version"] = versions
        return resource

    def _patient(self) -> None:
        lang = self.intake.language
        resource: Json = {
            "resourceType": "Patient",
            "identifier": [
                {
                    "use": "temp",
                    "type": {"text": "Anonymous intake id"},
                    **_intake_identifier(self.intake.id),
                }
            ],
            "communication": [
                {
                    "language": coded(
                        BCP47, lang, _LANGUAGE_NAMES.get(lang), _LANGUAGE_NAMES.get(lang, lang)
                    ),
                    "preferred": True,
                }
            ],
        }
        sex = (self.summary.sex or "").strip().lower()
        resource["gender"] = sex if sex in ("male", "female", "other") else "unknown"
        url = self.add(resource)
        sex_facts = [f for f in self.facts if f.kind == "answer" and f.link_id == "sex"]
        self._provenance(url, sex_facts)

    def _answers(self) -> list[FactRow]:
        answers = [f for f in self.facts if f.kind == "answer" and f.link_id]
        if self.questionnaire is not None:
            order = {item.link_id: i for i, item in enumerate(self.questionnaire.items)}
            return sorted(answers, key=lambda f: (order.get(f.link_id or "", 999), f.id))
        return sorted(answers, key=lambda f: (f.turn_seq or 0, f.id))

    def _questionnaire_response(self) -> None:
        answers = self._answers()
        status = {"submitted": "completed", "emergency": "stopped"}.get(
            self.intake.status, "in-progress"
        )
        if any(f.source == "clinician" for f in answers):
            status = "amended"
        resource: Json = {
            "resourceType": "QuestionnaireResponse",
            "language": self.intake.language,
            "questionnaire": _canonical(self.summary.questionnaire_version),
            "status": status,
            "subject": {"reference": self.patient},
            "encounter": {"reference": self.encounter},
            "author": {"reference": self.patient},
            "source": {"reference": self.patient},
            "item": [self._item(f) for f in answers],
        }
        times = [f.created_at for f in answers]
        resource["authored"] = instant(max(times) if times else self.intake.created_at)
        if not resource["item"]:
            del resource["item"]
        url = self.add(resource, section="hpi")
        self._provenance(url, answers, informant=False)

    def _item(self, fact: FactRow) -> Json:
        item = self._questionnaire_item(fact.link_id or "")
        text = item.text.get(self.intake.language, fact.label) if item else fact.label
        out: Json = {"linkId": fact.link_id, "text": text or fact.link_id}
        out["answer"] = [typed_answer(fact, item)]
        return out

    def _questionnaire_item(self, link_id: str) -> Item | None:
        if self.questionnaire is None:
            return None
        try:
            return self.questionnaire.item(link_id)
        except KeyError:
            return None

    def _age(self) -> None:
        if self.summary.age is None:
            return
        facts = [f for f in self.facts if f.kind == "answer" and f.link_id == "age"]
        when = facts[0].created_at if facts else self.intake.created_at
        resource: Json = {
            "resourceType": "Observation",
            "status": "final",
            "category": [_category("survey", "Survey")],
            "code": coded(LOINC, "30525-0", "Age", "Age"),
            "subject": {"reference": self.patient},
            "encounter": {"reference": self.encounter},
            "effectiveDateTime": instant(when),
            "valueQuantity": {
                "value": self.summary.age,
                "unit": "years",
                "system": UCUM,
                "code": "a",
            },
            "derivedFrom": [{"reference": self.qr}],
        }
        self._provenance(self.add(resource, "age"), facts)

    # findings

    def _code(self, fact: FactRow) -> Json:
        codings = self.codes.finding(fact.key, fact.label, fact.source == "clinician")
        return concept(codings, fact.label or fact.key)

    def _notes(self, fact: FactRow, extra: Iterable[str] = ()) -> list[Json]:
        notes = [{"text": line} for line in extra if line]
        if fact.evidence:
            lang = _LANGUAGE_NAMES.get(fact.evidence_language, fact.evidence_language or "?")
            turn = f", turn {fact.turn_seq}" if fact.turn_seq else ""
            notes.append({"text": f"Patient's words ({lang}{turn}): {fact.evidence}"})
        return notes

    def _verification(self, fact: FactRow, system: str) -> Json:
        code = "confirmed" if fact.source == "clinician" else "unconfirmed"
        return coded(f"{TERMINOLOGY}/{system}", code)

    def _findings(self) -> list[str]:
        chief: list[str] = []
        for fact in self.facts:
            if fact.kind not in ("finding", "past_history"):
                continue
            if fact.present is False:
                self._absent(fact)
                continue
            url = self._condition(fact)
            if fact.kind == "finding" and fact.link_id == "chief_complaint":
                chief.append(url)
                self.by_section.setdefault("chief_complaint", []).append(url)
            else:
                section = "ros" if fact.kind == "finding" else "past_history"
                self.by_section.setdefault(section, []).append(url)
        return chief

    def _condition(self, fact: FactRow) -> str:
        value: Mapping[str, Any] = fact.value or {}
        current = fact.kind == "finding"
        reported = coded(SNOMED, "418799008", "Finding reported by subject or history provider")
        resource: Json = {
            "resourceType": "Condition",
            "verificationStatus": self._verification(fact, "condition-ver-status"),
            "category": [
                _category_condition("encounter-diagnosis", "Encounter Diagnosis")
                if current
                else {"text": "Past medical history"},
                reported,
            ],
            "code": self._code(fact),
            "subject": {"reference": self.patient},
            "encounter": {"reference": self.encounter},
            "recordedDate": instant(fact.created_at),
            "asserter": {"reference": self.patient},
            "evidence": [{"detail": [{"reference": self.qr}]}],
        }
        if current:
            # Past history carries no clinical status: the intake does not ask whether it
            # is still active (con-3 asks for one only on problem-list items).
            resource["clinicalStatus"] = coded(f"{TERMINOLOGY}/condition-clinical", "active")
        score = value.get("severity")
        if isinstance(score, int) and current:
            resource["severity"] = severity(score)
        if value.get("location"):
            resource["bodySite"] = [{"text": str(value["location"])}]
        duration = value.get("duration")
        extra: list[str] = []
        if isinstance(duration, Mapping) and current:
            started = onset(fact.created_at, duration)
            if started is not None:
                resource["onsetDateTime"] = started
            extra.append(f"Duration: {duration_text(duration)}")
        for key, title in (("onset", "Onset"), ("character", "Character")):
            if value.get(key):
                extra.append(f"{title}: {value[key]}")
        notes = self._notes(fact, extra)
        if notes:
            resource["note"] = notes
        url = self.add(resource, fact.id)
        self._provenance(url, [fact])
        return url

    def _absent(self, fact: FactRow) -> None:
        resource: Json = {
            "resourceType": "Observation",
            "status": "final",
            "category": [_category("survey", "Survey")],
            "code": self._code(fact),
            "subject": {"reference": self.patient},
            "encounter": {"reference": self.encounter},
            "effectiveDateTime": instant(fact.created_at),
            "valueCodeableConcept": coded(SNOMED, "2667000", "Absent", "Absent"),
            "derivedFrom": [{"reference": self.qr}],
        }
        if fact.kind == "past_history":
            resource["code"]["text"] = f"History of {resource['code']['text']}"
        notes = self._notes(fact)
        if notes:
            resource["note"] = notes
        section = "ros" if fact.kind == "finding" else "past_history"
        self._provenance(self.add(resource, fact.id, section=section), [fact])

    def _family(self) -> None:
        for fact in self.facts:
            if fact.kind != "family_history" or fact.present is False:
                continue
            resource: Json = {
                "resourceType": "FamilyMemberHistory",
                "status": "completed",
                "patient": {"reference": self.patient},
                "date": instant(fact.created_at),
                "relationship": coded(
                    f"{TERMINOLOGY}/v3-RoleCode", "FAMMEMB", "family member", "Family member"
                ),
                "condition": [{"code": self._code(fact)}],
            }
            notes = self._notes(fact)
            if notes:
                resource["note"] = notes
            url = self.add(resource, fact.id, section="family_social")
            self._provenance(url, [fact])

    # medications, allergies

    def _medications(self) -> None:
        meds = [f for f in self.facts if f.kind == "medication"]
        for fact in meds:
            codings = self.codes.medication(fact.key, fact.label, fact.source == "clinician")
            resource = self._statement(fact, concept(codings, fact.label or fact.key))
            value: Mapping[str, Any] = fact.value or {}
            dose, frequency = value.get("dose"), value.get("frequency")
            if dose or frequency:
                dosage: Json = {"text": " ".join(str(x) for x in (dose, frequency) if x)}
                if frequency:
                    schedule, as_needed = timing(str(frequency))
                    if schedule:
                        dosage["timing"] = schedule
                    if as_needed:
                        dosage["asNeededBoolean"] = True
                quantity = dose_quantity(str(dose)) if dose else None
                if quantity:
                    dosage["doseAndRate"] = [{"doseQuantity": quantity}]
                resource["dosage"] = [dosage]
            self._provenance(self.add(resource, fact.id, section="medications"), [fact])
        none = next((f for f in self.facts if f.kind == "no_medications"), None)
        if none is not None and not meds:
            code = coded(
                "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips",
                "no-known-medications",
                "No known medications",
                "No regular medications",
            )
            url = self.add(self._statement(none, code), none.id, section="medications")
            self._provenance(url, [none])

    def _statement(self, fact: FactRow, medication: Json) -> Json:
        resource: Json = {
            "resourceType": "MedicationStatement",
            "status": "active",
            "medicationCodeableConcept": medication,
            "subject": {"reference": self.patient},
            "context": {"reference": self.encounter},
            "dateAsserted": instant(fact.created_at),
            "informationSource": {"reference": self.patient},
            "derivedFrom": [{"reference": self.qr}],
        }
        notes = self._notes(fact)
        if notes:
            resource["note"] = notes
        return resource

    def _allergies(self) -> None:
        allergies = [f for f in self.facts if f.kind == "allergy" and f.present is not False]
        for fact in allergies:
            codings = self.codes.substance(fact.key, fact.label, fact.source == "clinician")
            resource = self._intolerance(fact, concept(codings, fact.label or fact.key))
            reaction = (fact.value or {}).get("reaction")
            if reaction:
                resource["reaction"] = [{"manifestation": [{"text": str(reaction)}]}]
            self._provenance(self.add(resource, fact.id, section="allergies"), [fact])
        nka = next((f for f in self.facts if f.kind == "no_known_allergies"), None)
        if nka is not None and not allergies:
            code = coded(SNOMED, "716186003", "No known allergy", "No known allergies")
            url = self.add(self._intolerance(nka, code), nka.id, section="allergies")
            self._provenance(url, [nka])

    def _intolerance(self, fact: FactRow, code: Json) -> Json:
        resource: Json = {
            "resourceType": "AllergyIntolerance",
            "clinicalStatus": coded(f"{TERMINOLOGY}/allergyintolerance-clinical", "active"),
            "verificationStatus": self._verification(fact, "allergyintolerance-verification"),
            "code": code,
            "patient": {"reference": self.patient},
            "encounter": {"reference": self.encounter},
            "recordedDate": instant(fact.created_at),
            "asserter": {"reference": self.patient},
        }
        notes = self._notes(fact)
        if notes:
            resource["note"] = notes
        return resource

    # red flags and triage

    def _red_flags(self) -> None:
        for fact in self.facts:
            if fact.kind != "red_flag":
                continue
            rule = str((fact.value or {}).get("rule") or "")
            code = concept(
                [{"system": f"{LOCAL}:red-flag", "code": fact.key}],
                fact.label + (f" (rule {rule})" if rule else ""),
            )
            resource: Json = {
                "resourceType": "Flag",
                "status": "active",
                "category": [coded(f"{TERMINOLOGY}/flag-category", "clinical", "Clinical")],
                "code": code,
                "subject": {"reference": self.patient},
                "period": {"start": instant(fact.created_at)},
                "encounter": {"reference": self.encounter},
            }
            if fact.model:
                resource["author"] = {"reference": self.device(fact.model, fact.version)}
            self._provenance(self.add(resource, fact.id, section="red_flags"), [fact])

    def _triage(self) -> None:
        level = self.summary.triage_level or self.intake.triage_level
        if not level:
            return
        rule = self.summary.triage_rule or self.intake.triage_rule or ""
        reason = self.summary.triage_reason or self.intake.triage_reason or ""
        text = _TRIAGE_TEXT.get(level, level)
        resource: Json = {
            "resourceType": "Observation",
            "status": "final"
            if self.intake.status in ("submitted", "emergency")
            else "preliminary",
            "code": coded(
                f"{LOCAL}:observation",
                "triage-disposition",
                "Triage disposition",
                "Triage disposition",
            ),
            "subject": {"reference": self.patient},
            "encounter": {"reference": self.encounter},
            "effectiveDateTime": instant(self.intake.submitted_at or self.intake.updated_at),
            "valueCodeableConcept": coded(f"{LOCAL}:triage-level", level, text, text),
            "derivedFrom": [{"reference": self.qr}],
        }
        if rule:
            resource["method"] = coded(f"{LOCAL}:triage-rule", rule, None, rule)
        if reason:
            resource["note"] = [{"text": reason}]
        url = self.add(resource, "triage", section="triage")
        agent = self._agent("author", self.device("triage", self.versions.get("triage", "")))
        self._provenance(url, [], agents=[agent])

    def _encounter(self, chief: list[str]) -> None:
        finished = self.intake.status in ("submitted", "emergency")
        period: Json = {"start": instant(self.intake.created_at)}
        if finished:
            period["end"] = instant(self.intake.submitted_at or self.intake.updated_at)
        resource: Json = {
            "resourceType": "Encounter",
            "status": "finished" if finished else "in-progress",
            "class": {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": "VR",
                "display": "virtual",
            },
            "type": [{"text": "Pre-visit patient intake"}],
            "subject": {"reference": self.patient},
            "period": period,
        }
        level = self.summary.triage_level or self.intake.triage_level
        if level in _ENCOUNTER_PRIORITY:
            code, display = _ENCOUNTER_PRIORITY[level]
            resource["priority"] = coded(f"{TERMINOLOGY}/v3-ActPriority", code, display)
        if chief:
            resource["reasonReference"] = [{"reference": url} for url in chief]
        url = self.add(resource)
        self._provenance(url, [], agents=[self._agent("author", self.app)])

    # the composition

    def _composition(self) -> Json:
        sections: list[Json] = []
        if self.summary.red_flags:
            sections.append(
                self._section("red_flags", "Red flags", [f.text for f in self.summary.red_flags])
            )
        level = self.summary.triage_level
        if level:
            line = f"{_TRIAGE_TEXT.get(level, level)} (rule {self.summary.triage_rule or '-'})"
            reason = self.summary.triage_reason
            sections.append(
                self._section("triage", "Triage", [line + (f": {reason}" if reason else "")])
            )
        for section in self.summary.sections:
            lines = [f.text for f in section.facts] or [section.empty_text]
            sections.append(self._section(section.id, section.title, lines))
        for concern in self.summary.concerns:
            lang = _LANGUAGE_NAMES.get(concern.language, concern.language)
            sections.append(
                {
                    "title": f"Patient's concerns (patient's words, {lang})",
                    "text": {
                        "status": "generated",
                        "div": _xhtml([concern.text], lang=concern.language),
                    },
                }
            )
        if self.summary.narrative:
            sections.append(
                self._section("narrative", "Narrative summary", [self.summary.narrative])
            )
        reviewed = any(f.source == "clinician" for f in self.facts)
        finished = self.intake.status in ("submitted", "emergency")
        resource: Json = {
            "resourceType": "Composition",
            "language": "en",
            "status": "amended" if reviewed else ("final" if finished else "preliminary"),
            "type": coded(
                LOINC, "11329-0", "History general Narrative - Reported", "Pre-visit intake summary"
            ),
            "subject": {"reference": self.patient},
            "encounter": {"reference": self.encounter},
            "date": instant(self.summary.created_at),
            "author": [{"reference": self.app}],
            "title": "Pre-visit intake summary",
            "section": sections,
        }
        if self.summary.reviewed_by:
            attester: Json = {
                "mode": "professional",
                "party": {"display": self.summary.reviewed_by},
            }
            if self.summary.reviewed_at:
                attester["time"] = instant(datetime.fromisoformat(self.summary.reviewed_at))
            resource["attester"] = [attester]
        rid = self.uid("Composition")
        resource["id"] = rid
        return {"fullUrl": f"urn:uuid:{rid}", "resource": resource}

    def _section(self, section_id: str, title: str, lines: list[str]) -> Json:
        out: Json = {"title": title}
        if section_id in _SECTION_CODES:
            code, display = _SECTION_CODES[section_id]
            out["code"] = coded(LOINC, code, display)
        out["text"] = {"status": "generated", "div": _xhtml(lines)}
        entries = self.by_section.get(section_id, [])
        if entries:
            out["entry"] = [{"reference": url} for url in entries]
        return out

    # provenance

    def _agent(self, role: str, who: str, display: str | None = None) -> Json:
        reference: Json = {"reference": who} if who else {"display": display or "unknown"}
        return {
            "type": coded(f"{TERMINOLOGY}/provenance-participant-type", role),
            "who": reference,
        }

    def _provenance(
        self,
        target: str,
        facts: Sequence[FactRow],
        *,
        agents: list[Json] | None = None,
        informant: bool = True,
    ) -> None:
        agents = list(agents or [])
        clinicians = sorted({f.model or "clinician" for f in facts if f.source == "clinician"})
        for name in clinicians:
            agents.append(self._agent("author", "", f"Clinician {name}"))
        models = sorted(
            {(f.model, f.version) for f in facts if f.source != "clinician" and f.model}
        )
        for model, version in models:
            agents.append(self._agent("author", self.device(model, version)))
        if facts and (informant or not agents):
            agents.append(self._agent("informant", self.patient))
        if not agents:
            agents.append(self._agent("assembler", self.app))
        resource: Json = {
            "resourceType": "Provenance",
            "target": [{"reference": target}],
            "recorded": instant(max((f.created_at for f in facts), default=self.now)),
            "agent": agents,
        }
        turns = sorted({f.turn_seq for f in facts if f.turn_seq})
        if facts:
            display = "Patient's answers" + (
                f", turn {', '.join(map(str, turns))}" if turns else ""
            )
            resource["entity"] = [
                {"role": "source", "what": {"reference": self.qr, "display": display}}
            ]
        confidences = [
            f.confidence for f in facts if f.confidence is not None and f.source != "clinician"
        ]
        if confidences:
            resource["extension"] = [
                {"url": CONFIDENCE_EXTENSION, "valueDecimal": round(min(confidences), 3)}
            ]
        self.add(resource, "provenance", target)


def _intake_identifier(intake_id: str) -> Json:
    try:
        return {"system": URI_IDENTIFIER, "value": f"urn:uuid:{uuid.UUID(hex=intake_id)}"}
    except ValueError:
        return {"system": f"{LOCAL}:intake", "value": intake_id}


def _canonical(questionnaire_version: str) -> str:
    """``amal-intake@1.0+abcd1234`` -> ``urn:amal-intake:questionnaire:amal-intake|1.0``."""
    qid, _, rest = questionnaire_version.partition("@")
    version = rest.partition("+")[0]
    url = f"{LOCAL}:questionnaire:{qid or 'intake'}"
    return f"{url}|{version}" if version else url


def _category(code: str, display: str) -> Json:
    return coded(f"{TERMINOLOGY}/observation-category", code, display)


def _category_condition(code: str, display: str) -> Json:
    return coded(f"{TERMINOLOGY}/condition-category", code, display)


# --- public entry points --------------------------------------------------------------------


def build_bundle(
    intake: IntakeRow,
    facts: Sequence[FactRow],
    summary: ClinicalSummary,
    versions: dict[str, str],
    *,
    codes: CodeBook | None = None,
    questionnaire: Questionnaire | None = None,
    software: str = "Amal intake assistant",
    now: datetime | None = None,
) -> dict[str, Any]:
    """A FHIR R4 document Bundle (JSON-ready dict) for one intake.

    ``facts`` are the intake's active facts; clinician-sourced ones replace the others about
    the same thing. ``versions`` are the fleet's micro-model versions (named on the software
    Device and used for the triage Provenance). Without ``codes`` a fact's key is used as a
    SNOMED CT or ICD-10 code only when it has that shape; without ``questionnaire`` answers
    are typed from their stored values.
    """
    builder = _Bundle(
        intake,
        facts,
        summary,
        versions,
        codes if codes is not None else CodeBook(),
        questionnaire,
        software,
        now or utcnow(),
    )
    return builder.build()


def export_fhir(services: Services, intake_id: str) -> dict[str, Any]:
    """The Bundle for ``intake export SESSION_ID --fhir OUT.json``; raises SessionNotFound."""
    intake = services.store.get_intake(intake_id)
    summary = services.summary(intake_id)
    versions = dict(summary.model_versions) or services.fleet.versions()
    return build_bundle(
        intake,
        services.store.facts(intake_id),
        summary,
        versions,
        codes=CodeBook.load(services.settings.knowledge_dir),
        questionnaire=services.questionnaire,
        software=f"{services.persona.name['en']} intake assistant",
    )
