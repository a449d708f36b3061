"""Language-independent clinical structure that the understanding fleet produces.

An Urdu utterance and an English one land on the same concept codes, so the English
summary is written from codes and labels, never translated from the patient's words.
``evidence`` fields keep the patient's own words (original script) for provenance.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DurationUnit = Literal["minute", "hour", "day", "week", "month", "year"]
FindingContext = Literal["current", "family", "history"]
TriageLevel = Literal[
    "emergency_ambulance", "emergency", "consultation_24", "consultation", "self_care"
]
TRIAGE_LEVELS: tuple[TriageLevel, ...] = (
    "emergency_ambulance",
    "emergency",
    "consultation_24",
    "consultation",
    "self_care",
)

_UNIT_HOURS: dict[str, float] = {
    "minute": 1 / 60,
    "hour": 1.0,
    "day": 24.0,
    "week": 24.0 * 7,
    "month": 24.0 * 30,
    "year": 24.0 * 365,
}


@dataclass(frozen=True, slots=True)
class Duration:
    value: float
    unit: DurationUnit

    @property
    def hours(self) -> float:
        return self.value * _UNIT_HOURS[self.unit]

    def english(self) -> str:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return f"{value} {self.unit}{'' if value == 1 else 's'}"

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    label: str
    present: bool
    evidence: str
    confidence: float
    context: FindingContext = "current"
    duration: Duration | None = None
    severity: int | None = None
    onset: str | None = None
    location: str | None = None
    character: str | None = None
    # A relative's illness told in the past ("ammi had fits"): family history even when the
    # speaker goes on to tell of someone ill now. Internal to the fleet, not exported.
    told_as_past: bool = False
    # The sentence the finding was read in (token sentence index), internal like told_as_past.
    sentence: int | None = None
    # The token indices of its words, [start, end), internal like sentence.
    span: tuple[int, int] | None = None
    # The sentences of later mentions merged into this one ("my throat swells ... now my
    # throat feels tight"), internal like sentence.
    mentions: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["duration"] = self.duration.as_dict() if self.duration else None
        del data["told_as_past"]
        del data["sentence"]
        del data["span"]
        del data["mentions"]
        return data


@dataclass(frozen=True, slots=True)
class Medication:
    code: str
    label: str
    evidence: str
    confidence: float
    dose: str | None = None
    frequency: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Allergy:
    substance: str
    evidence: str
    confidence: float
    code: str = ""
    reaction: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RedFlag:
    code: str
    label: str
    evidence: str
    rule: str
    level: TriageLevel = "emergency"
    model: str = "red_flags"  # the micro-model that raised it
    confidence: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class TriageDecision:
    level: TriageLevel
    rule: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Analysis:
    """Everything the understanding fleet found in one utterance."""

    language: str
    findings: list[Finding] = field(default_factory=list)
    medications: list[Medication] = field(default_factory=list)
    allergies: list[Allergy] = field(default_factory=list)
    no_known_allergies: bool = False
    no_medications: bool = False
    red_flags: list[RedFlag] = field(default_factory=list)
    escalated: bool = False
