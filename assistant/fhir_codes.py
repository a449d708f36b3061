"""Terminology for the FHIR export: code systems, concept lookups, and how stored values become
FHIR datatypes (codings, quantities, timings, typed questionnaire answers).

Codes come from ``knowledge/concepts.yaml`` (SNOMED CT or ICD-10 per concept, ATC for
medicines, SNOMED CT for allergy substances). A fact key that is not a concept id is used as a
code only when it has the shape of one (SNOMED CT: 6-18 digits; ICD-10: letter, two digits,
optional dot and extension); otherwise the resource carries text only. Codings carry a
``display`` only where it is the code system's own term; the English label goes in ``text``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.store import FactRow
from assistant.text import ascii_digits

if TYPE_CHECKING:
    from assistant.questionnaire import Item

Json = dict[str, Any]

SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
BCP47 = "urn:ietf:bcp:47"
URI_IDENTIFIER = "urn:ietf:rfc:3986"
ORIGINAL_TEXT = "http://hl7.org/fhir/StructureDefinition/originalText"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"
# Our own code systems and the questionnaire's canonical URL live under this namespace. A clinic
# with a registered namespace of its own replaces it; nothing else depends on the spelling.
LOCAL = "urn:amal-intake"

_SYSTEMS = {"snomed ct": SNOMED, "snomed": SNOMED, "icd-10": ICD10, "icd10": ICD10}
_SNOMED_SHAPE = re.compile(r"^\d{6,18}$")
_ICD10_SHAPE = re.compile(r"^[A-TV-Z]\d[0-9AB](\.[0-9A-Z]{1,4})?$")
_UCUM_TIME = {"minute": "min", "hour": "h", "day": "d", "week": "wk", "month": "mo", "year": "a"}
_UCUM_DOSE = {"mg": "mg", "mcg": "ug", "µg": "ug", "g": "g", "ml": "mL"}


@dataclass(frozen=True, slots=True)
class CodeBook:
    """Concept ids -> (system, code) from ``knowledge/concepts.yaml``; empty when it is absent."""

    concepts: Mapping[str, tuple[str, str, str]] = field(
        default_factory=dict
    )  # id -> sys, code, label
    medications: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # id -> label, ATC
    substances: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # id -> label, SNOMED

    @classmethod
    def load(cls, knowledge_dir: Path) -> CodeBook:
        return _load_codebook(knowledge_dir.resolve())

    def finding(self, key: str, label: str, clinician: bool) -> list[Json]:
        """Codings for a finding fact. A clinician who renamed a fact keeps its old key, so
        their label decides the concept, and an unknown label gets text only."""
        if clinician:
            key = self._by_label(label, self.concepts, 2) or (
                key if self.concepts.get(key, ("", "", ""))[2].lower() == label.lower() else ""
            )
        if key in self.concepts:
            system, code, _ = self.concepts[key]
            return [{"system": system, "code": code}] if system and code else []
        return coding_by_shape(key)

    def medication(self, key: str, label: str, clinician: bool) -> list[Json]:
        if clinician:
            key = self._by_label(label, self.medications, 0) or ""
        code = self.medications.get(key, ("", ""))[1]
        return [{"system": ATC, "code": code}] if code else []

    def substance(self, key: str, label: str, clinician: bool) -> list[Json]:
        if clinician:
            key = self._by_label(label, self.substances, 0) or ""
        if key in self.substances:
            code = self.substances[key][1]
            return [{"system": SNOMED, "code": code}] if code else []
        if not clinician:
            by_label = self._by_label(label, self.substances, 0)
            if by_label and self.substances[by_label][1]:
                return [{"system": SNOMED, "code": self.substances[by_label][1]}]
        return coding_by_shape(key)

    @staticmethod
    def _by_label(label: str, table: Mapping[str, tuple[str, ...]], index: int) -> str | None:
        wanted = label.strip().lower()
        return next((k for k, v in table.items() if v[index].lower() == wanted), None)


@lru_cache(maxsize=4)
def _load_codebook(knowledge_dir: Path) -> CodeBook:
    if not (knowledge_dir / "concepts.yaml").exists():
        return CodeBook()
    from assistant.lexicon import Vocabulary

    vocab = Vocabulary.load(knowledge_dir)
    concepts = {
        cid: (_SYSTEMS.get(c.system.lower(), ""), c.code, c.label)
        for cid, c in vocab.concepts.items()
    }
    for cid, (system, code, label) in list(concepts.items()):
        if code and not system:  # no system named: go by the code's shape
            shaped = coding_by_shape(code)
            concepts[cid] = (shaped[0]["system"] if shaped else "", code, label)
    return CodeBook(concepts, dict(vocab.medications), dict(vocab.substances))


def coding_by_shape(code: str) -> list[Json]:
    if _SNOMED_SHAPE.match(code):
        return [{"system": SNOMED, "code": code}]
    if _ICD10_SHAPE.match(code):
        return [{"system": ICD10, "code": code}]
    return []


def concept(codings: list[Json], text: str) -> Json:
    out: Json = {"text": text}
    if codings:
        out["coding"] = codings
    return out


def coded(system: str, code: str, display: str | None = None, text: str | None = None) -> Json:
    coding: Json = {"system": system, "code": code}
    if display:
        coding["display"] = display
    out: Json = {"coding": [coding]}
    if text:
        out["text"] = text
    return out


def aware(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def instant(value: datetime) -> str:
    return aware(value).isoformat(timespec="milliseconds")


def dose_quantity(dose: str) -> Json | None:
    match = re.search(
        r"(\d+(?:\.\d+)?)\s*(mcg|µg|mg|ml|g|units?|tablets?|puffs?)\b", ascii_digits(dose).lower()
    )
    if match is None:
        return None
    number = float(match.group(1))
    unit = match.group(2)
    out: Json = {"value": int(number) if number.is_integer() else number, "unit": unit}
    if unit in _UCUM_DOSE:
        out.update({"system": UCUM, "code": _UCUM_DOSE[unit]})
    return out


def timing(frequency: str) -> tuple[Json | None, bool]:
    """(Timing, as needed) for the frequency phrases the medication model writes."""
    text = frequency.strip().lower()
    if "as needed" in text:
        return None, True
    every = re.search(r"every (\d+) hours?", text)
    if every:
        return {"repeat": {"frequency": 1, "period": int(every.group(1)), "periodUnit": "h"}}, False
    per_day = {"once": 1, "twice": 2, "three times": 3, "four times": 4}
    for words, count in per_day.items():
        if text.startswith(words) and "day" in text:
            return {"repeat": {"frequency": count, "period": 1, "periodUnit": "d"}}, False
    when = {"in the morning": "MORN", "at night": "NIGHT"}.get(text)
    if when:
        return {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "when": [when]}}, False
    return None, False


def severity(score: int) -> Json:
    """0-10 numeric rating -> SNOMED mild / moderate / severe (the usual 1-3 / 4-6 / 7-10 bands)."""
    text = f"{score}/10"
    if score <= 0:
        return {"text": text}
    code, display = (
        ("255604002", "Mild")
        if score <= 3
        else ("6736007", "Moderate")
        if score <= 6
        else ("24484000", "Severe")
    )
    return coded(SNOMED, code, display, text)


def duration_text(duration: Mapping[str, Any]) -> str:
    value = duration.get("value")
    unit = str(duration.get("unit", ""))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value} {unit}{'' if value == 1 else 's'}"


def onset(said_at: datetime, duration: Mapping[str, Any]) -> str | None:
    hours = {
        "minute": 1 / 60,
        "hour": 1.0,
        "day": 24.0,
        "week": 168.0,
        "month": 720.0,
        "year": 8760.0,
    }
    unit = str(duration.get("unit", ""))
    try:
        amount = float(duration["value"]) * hours[unit]
    except (KeyError, TypeError, ValueError):
        return None
    onset = aware(said_at) - timedelta(hours=amount)
    if unit in ("minute", "hour"):
        return instant(onset)
    return onset.date().isoformat()


def typed_answer(fact: FactRow, item: Item | None) -> Json:
    """One typed answer; the patient's words ride along whenever the value is not them."""
    value: Mapping[str, Any] = fact.value or {}
    kind = value.get("kind", "value")
    raw = value.get("value")
    english = str(value.get("english") or "")
    qtype = item.type if item else None
    answer: Json
    if kind == "unknown":
        answer = {
            "valueCoding": {
                "system": f"{TERMINOLOGY}/data-absent-reason",
                "code": "asked-unknown",
                "display": "Asked But Unknown",
            }
        }
    elif kind == "none":
        answer = {"valueString": "None"}
    elif qtype in ("integer", "severity") or (qtype is None and type(raw) is int):
        answer = (
            {"valueInteger": int(raw)} if isinstance(raw, int | float) else {"valueString": english}
        )
    elif qtype == "boolean" or isinstance(raw, bool):
        answer = {"valueBoolean": bool(raw)}
    elif qtype == "duration" or (isinstance(raw, Mapping) and "unit" in raw):
        answer = (
            {"valueQuantity": duration_quantity(raw)}
            if isinstance(raw, Mapping)
            else {"valueString": english}
        )
    elif qtype == "choice" and isinstance(raw, str) and item and item.option(raw):
        option = item.option(raw)
        display = option.text["en"] if option else english or raw
        answer = {
            "valueCoding": {
                "system": f"{LOCAL}:answers:{fact.link_id}",
                "code": raw,
                "display": display,
            }
        }
    elif fact.source == "clinician":  # the clinician's text; the patient's words ride along
        answer = {"valueString": english}
    else:  # free text: the patient's own words, as written
        words = fact.evidence or (str(raw) if raw is not None else english)
        return {"valueString": words}
    if fact.evidence:
        answer["extension"] = [{"url": ORIGINAL_TEXT, "valueString": fact.evidence}]
    return answer


def duration_quantity(raw: Mapping[str, Any]) -> Json:
    number = float(raw.get("value", 0))
    unit = str(raw.get("unit", ""))
    out: Json = {
        "value": int(number) if number.is_integer() else number,
        "unit": f"{unit}s" if number != 1 else unit,
    }
    if unit in _UCUM_TIME:
        out.update({"system": UCUM, "code": _UCUM_TIME[unit]})
    return out
