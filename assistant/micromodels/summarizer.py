"""Narrative summary: a short English HPI paragraph written by the small model, behind a check.

The prompt is built only from the summary's structured facts: each section's fact ``text``
(English, written from concepts and parsed values), the red flags, age and sex. Never from
the patient's own words: ``evidence`` and the concerns are not read, and a fact that is the
patient's untranslated words is left out. Decoding is greedy with a bounded number of new
tokens, so the same facts give the same paragraph.

Red flags are not left to the model: when there are any, the narrative opens with them
("Red flags: ..."), written by code. Every paragraph goes through ``FaithfulnessCheck``.
When the model is off, unavailable, fails, or writes anything the facts do not back, the
result is the deterministic template paragraph (kind ``"template"``) and ``reason`` says why
with fixed codes; the caller then keeps ``ClinicalSummary.kind == "template"``. Safe to call
from several threads: the model generates one paragraph at a time.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from assistant.config import Settings
from assistant.llm import TextGenerator, get_llm
from assistant.micromodels.base import Result, Trace, timed
from assistant.micromodels.faithfulness import FaithfulnessCheck
from assistant.models_registry import ModelUnavailable
from assistant.summary_types import ClinicalSummary, SummaryFact
from assistant.text import has_arabic_script

NarrativeKind = Literal["narrative", "template"]

SYSTEM_PROMPT = (
    "You are a medical scribe. Join the facts given into one paragraph of 3 to 5 sentences "
    "in English, in the style of a clinical note. Keep the facts' own words. Add nothing: no "
    "symptom, condition, diagnosis, medication, dose, number, cause or advice that is not "
    "listed. Keep every 'Denies' a denial. Copy numbers, durations, doses and frequencies "
    "exactly. Name every red flag with its exact words. Write only the paragraph."
)
EXAMPLE_FACTS = (
    "Patient: 70-year-old male (he)\n"
    "Presenting complaint: Knee pain for 1 week\n"
    "Review of systems: Reports swelling of legs; Denies fever\n"
    "Past history: History of arthritis\n"
    "Medications: Takes ibuprofen 200 mg twice a day\n"
    "Allergies: Allergic to codeine — reaction: vomiting"
)
EXAMPLE_PARAGRAPH = (
    "70-year-old male with knee pain for 1 week and swelling of legs; he denies fever. "
    "He has a history of arthritis and takes ibuprofen 200 mg twice a day. "
    "He is allergic to codeine, which causes vomiting."
)
PROMPT_VERSION = hashlib.sha256(
    "\n".join((SYSTEM_PROMPT, EXAMPLE_FACTS, EXAMPLE_PARAGRAPH)).encode()
).hexdigest()[:8]
_NEGATED_START = re.compile(r"^(denies|no|not|none|never|without)\b", re.IGNORECASE)
_LABELLED = re.compile(r"^[\w ()/'-]{1,40}:\s")  # "Onset: ...", "Family history: ..."
_LABEL = re.compile(r"^\s*(hpi|history of present illness|paragraph)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Narrative:
    text: str
    kind: NarrativeKind
    reason: str  # fixed codes: "checked", "faithfulness:<codes>", "llm:unavailable", ...
    traces: tuple[Trace, ...] = ()  # the generation's and the check's, for the record


def _usable(fact: SummaryFact) -> bool:
    """A fact the prompt may carry: English text written from facts, not the patient's words."""
    text = fact.text.strip()
    return bool(text) and not has_arabic_script(text) and "patient's words" not in text


_STATEMENT = {
    "chief_complaint": ("Presenting complaint", ""),
    "ros": ("Review of systems", "Reports "),
    "past_history": ("Past history", "History of "),
    "medications": ("Medications", "Takes "),
    "allergies": ("Allergies", "Allergic to "),
}
_PRONOUN = {"male": "he", "female": "she"}


def _fact_line(fact: SummaryFact, lead: str = "") -> str:
    """One fact as a short statement: "Denies X" when denied, else ``lead`` + the text."""
    text = fact.text.strip().rstrip(".")
    if fact.present is False and not _NEGATED_START.match(text):
        return f"Denies {text[:1].lower()}{text[1:]}"
    if not lead or _NEGATED_START.match(text) or _LABELLED.match(text):
        return text
    return f"{lead}{text[:1].lower()}{text[1:]}"


def patient_line(summary: ClinicalSummary) -> str:
    parts = [f"{summary.age}-year-old" if summary.age is not None else "", summary.sex or ""]
    words = " ".join(p for p in parts if p).strip().lower()
    return words or "age and sex not given"


def fact_lines(summary: ClinicalSummary) -> list[str]:
    """``Title: fact; fact`` per non-empty section, red flags first: the model's only input."""
    pronoun = _PRONOUN.get((summary.sex or "").strip().lower(), "the patient")
    lines = [f"Patient: {patient_line(summary)} ({pronoun})"]
    flags = [_fact_line(f) for f in summary.red_flags if _usable(f)]
    if flags:
        lines.append("Red flags: " + "; ".join(flags))
    for section in summary.sections:
        title, lead = _STATEMENT.get(section.id, (section.title, ""))
        facts = [_fact_line(f, lead) for f in section.facts if _usable(f)]
        if facts:
            lines.append(f"{title}: " + "; ".join(facts))
    return lines


def prompt_messages(summary: ClinicalSummary) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "Facts:\n" + EXAMPLE_FACTS},
        {"role": "assistant", "content": EXAMPLE_PARAGRAPH},
        {"role": "user", "content": "Facts:\n" + "\n".join(fact_lines(summary))},
    ]


def template_paragraph(summary: ClinicalSummary) -> str:
    """The deterministic paragraph: the same fact lines, one sentence each."""
    sentences = []
    for line in fact_lines(summary):
        if line.startswith("Patient: "):
            words = patient_line(summary)
            if words != "age and sex not given":
                sentences.append(f"{words[:1].upper()}{words[1:]}.")
            continue
        sentences.append(line if line.endswith(".") else line + ".")
    return " ".join(sentences)


def clean_paragraph(text: str) -> str:
    """The first paragraph of a generation, without labels, markdown or a cut-off sentence."""
    paragraph = text.strip().split("\n\n", 1)[0]
    paragraph = _LABEL.sub("", paragraph.replace("**", "").replace("\n", " "))
    paragraph = " ".join(paragraph.split())
    if paragraph and paragraph[-1] not in ".!?":
        cut = paragraph.rfind(". ")
        paragraph = paragraph[: cut + 1] if cut > 0 else ""
    return paragraph


class Summarizer:
    name = "summarizer"

    def __init__(
        self,
        settings: Settings,
        *,
        llm: TextGenerator | None = None,
        check: FaithfulnessCheck | None = None,
    ) -> None:
        self.settings = settings
        self.llm: TextGenerator = llm if llm is not None else get_llm(settings)
        self.check = check if check is not None else FaithfulnessCheck(settings.knowledge_dir)

    @property
    def version(self) -> str:
        return f"{self.llm.version}+prompt-{PROMPT_VERSION}"

    def versions(self) -> dict[str, str]:
        return {self.name: self.version, self.check.name: self.check.version}

    def warm_up(self) -> None:
        """Load the check, and the model when enabled (seconds; the first time, a minute)."""
        self.check.warm_up()
        if self.settings.llm_enabled:
            self.llm.warm_up()

    def summarize(self, summary: ClinicalSummary) -> Result[Narrative]:
        trace = timed(self.name, self.version)
        traces: list[Trace] = []

        def template(reason: str) -> Result[Narrative]:
            narrative = Narrative(template_paragraph(summary), "template", reason, tuple(traces))
            return Result(narrative, trace.finish(1.0, "fallback", reason[:200]))

        if not self.settings.llm_enabled:
            return template("llm:disabled")
        try:
            generation = self.llm.generate(
                prompt_messages(summary),
                max_new_tokens=self.settings.llm_max_new_tokens,
                stop=("\n\n",),
            )
        except ModelUnavailable:
            return template("llm:unavailable")
        except Exception as exc:  # any model failure leaves the template, never a crash
            return template(f"llm:error:{type(exc).__name__}")
        traces.append(
            Trace(
                "llm",
                self.llm.version,
                generation.latency_ms,
                None,
                note=f"tokens:{generation.prompt_tokens}+{generation.new_tokens}",
            )
        )
        paragraph = clean_paragraph(generation.text)
        if not paragraph:
            return template("llm:empty")
        flags = [_fact_line(f) for f in summary.red_flags if _usable(f)]
        if flags:  # stated by code, never left to the model; the check still reads it all
            paragraph = f"Red flags: {'; '.join(flags)}. {paragraph}"
        checked = self.check.run(paragraph, summary)
        traces.append(checked.trace)
        if not checked.value.faithful:
            return template("faithfulness:" + ",".join(checked.value.reasons))
        narrative = Narrative(paragraph, "narrative", "checked", tuple(traces))
        return Result(narrative, trace.finish(0.8, "ok"))

    run = summarize
