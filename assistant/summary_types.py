"""The clinician summary as data: what report.py renders and the UI shows.

Every fact carries its provenance: the patient's own words (original script), the model
and version that produced it, and how sure that model was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

FactSource = Literal["patient", "model", "clinician"]


@dataclass(frozen=True, slots=True)
class SummaryFact:
    text: str  # English, written from concepts and parsed values
    evidence: str = ""  # the patient's own words, original script
    evidence_language: str = "en"
    source: FactSource = "patient"
    model: str = ""
    version: str = ""
    confidence: float | None = None
    turn: int | None = None  # sequence number of the turn the words came from
    present: bool | None = None  # False for a pertinent negative


@dataclass(frozen=True, slots=True)
class SummarySection:
    id: str
    title: str
    facts: tuple[SummaryFact, ...] = ()
    empty_text: str = "Not asked"


@dataclass(frozen=True, slots=True)
class PatientConcern:
    text: str  # the patient's words, original script
    language: str
    untranslated: bool


@dataclass(frozen=True, slots=True)
class ClinicalSummary:
    session_id: str
    created_at: datetime
    language: str
    age: int | None
    sex: str | None
    status: str
    triage_level: str | None
    triage_rule: str | None
    triage_reason: str | None
    red_flags: tuple[SummaryFact, ...]
    sections: tuple[SummarySection, ...]
    concerns: tuple[PatientConcern, ...] = ()
    kind: Literal["template", "narrative"] = "template"
    narrative: str = ""
    narrative_note: str = ""  # why the narrative is (not) shown: "checked", "faithfulness:..."
    model_versions: dict[str, str] = field(default_factory=dict)
    questionnaire_version: str = ""
    reviewed_by: str | None = None
    reviewed_at: str | None = None  # ISO time of the clinician's sign-off

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        return data
