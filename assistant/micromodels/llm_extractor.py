"""The small generative model asked for the fleet's JSON: a second reader for unsure turns.

``LLMExtractor.analyze_json(text, language)`` returns the same shape as
``Understanding.analyze_json``: ``language``, ``findings`` (code, label, present, duration,
severity, evidence, confidence), ``medications``, ``allergies``, ``no_known_allergies``,
``red_flags``, ``triage`` and ``traces``. The model's English labels are mapped onto concept
ids with the faithfulness check's English reader; red-flag codes outside
``knowledge/red_flags.yaml`` are dropped. Greedy decoding, so the same text gives the same JSON.

It is slow (seconds per utterance on two cores) and, on Arabic and Urdu, often wrong, so it is
never the only source of a fact: ``should_fallback`` says when the fleet looks unsure, and
``merge_llm_facts`` adds only what the fleet did not find, each item marked
``"source": "llm_suggested"`` for the clinician to confirm. It never removes or changes a fleet
fact, and never removes a red flag.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.lexicon import Vocabulary, load_yaml
from assistant.llm import TextGenerator, get_llm
from assistant.micromodels.base import Result, error_trace, timed
from assistant.micromodels.faithfulness import FaithfulnessCheck
from assistant.text import ascii_digits

SUGGESTED = "llm_suggested"
LLM_CONFIDENCE = 0.5
_LEVEL_ORDER = ("emergency_ambulance", "emergency", "consultation_24", "consultation", "self_care")
_UNITS = {"minute": "minute", "min": "minute", "hour": "hour", "hr": "hour", "day": "day"}
_UNITS |= {"week": "week", "wk": "week", "month": "month", "year": "year", "yr": "year"}
_WORD_NUMBERS: dict[str, float] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
}
_WORD_NUMBERS |= {"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "half": 0.5}
_DURATION = re.compile(
    r"(\d+(?:\.\d+)?|[a-z]+)\s*-?\s*(min|minute|hr|hour|day|wk|week|month|yr|year)"
)

EXAMPLE_TEXT = "I've had a cough for 3 days and no fever. I take Panadol 500 twice a day."
EXAMPLE_JSON = (
    '{"findings": [{"label": "cough", "present": true, "duration": "3 days", "severity": null}, '
    '{"label": "fever", "present": false, "duration": null, "severity": null}], '
    '"medications": [{"label": "paracetamol", "dose": "500 mg", "frequency": "twice a day"}]}'
)


def _system_prompt(flag_ids: list[str]) -> str:
    return (
        "You read what a patient wrote (English, Arabic or Urdu) and answer with one JSON object "
        "in English and nothing else. Keys, leaving out empty lists: "
        '"findings": [{"label": symptom or condition in plain English, "present": false when '
        'the patient denies it, "duration": like "3 days" or null, "severity": a number '
        "from 0 to 10 or null}], "
        '"medications": [{"label": generic name, "dose": like "500 mg" or null, "frequency": '
        'like "twice a day" or null}], "allergies": [{"substance": name, "reaction": or null}], '
        '"no_known_allergies": true only if the patient says they have no allergies, '
        '"red_flags": codes, only when urgent care is needed, from: '
        + ", ".join(flag_ids)
        + ". Only what the patient has now, not relatives or the past."
    )


def parse_duration(value: object) -> dict[str, Any] | None:
    """``"3 days"`` -> ``{"value": 3.0, "unit": "day"}``; None when unreadable."""
    if isinstance(value, Mapping):
        unit = str(value.get("unit", "")).lower().rstrip("s")
        try:
            number = float(value.get("value"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return {"value": number, "unit": _UNITS[unit]} if unit in _UNITS else None
    match = _DURATION.search(ascii_digits(str(value or "")).lower())
    if not match:
        return None
    raw = match.group(1)
    amount = float(raw) if raw[:1].isdigit() else _WORD_NUMBERS.get(raw)
    return {"value": amount, "unit": _UNITS[match.group(2)]} if amount else None


# A bare value that is not JSON ("severity": 0-10, copied from the instructions) becomes null.
_BARE_VALUE = re.compile(r':\s*(?![\s"\[{]|true\b|false\b|null\b|-?\d+(?:\.\d+)?\s*[,}\]])[^,}\]]*')


def _json_object(text: str) -> dict[str, Any] | None:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    body = text[start : end + 1]
    for attempt in (body, _BARE_VALUE.sub(": null", body)):
        try:
            value = json.loads(attempt)
        except ValueError:
            continue
        return value if isinstance(value, dict) else None
    return None


def _items(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class LLMExtractor:
    name = "llm_extractor"

    def __init__(
        self,
        settings: Settings,
        knowledge_dir: Path | None = None,
        *,
        llm: TextGenerator | None = None,
        max_new_tokens: int = 160,
    ) -> None:
        self.settings = settings
        self.knowledge_dir = knowledge_dir or settings.knowledge_dir
        self.llm: TextGenerator = llm if llm is not None else get_llm(settings)
        self.reader = FaithfulnessCheck(self.knowledge_dir)
        self.max_new_tokens = max_new_tokens
        flags = dict((load_yaml(self.knowledge_dir / "red_flags.yaml") or {}).get("flags") or {})
        self._flags = {str(k): dict(v or {}) for k, v in flags.items()}
        self._vocab = Vocabulary.load(self.knowledge_dir)
        self._system = _system_prompt(sorted(self._flags))
        digest = hashlib.sha256((self._system + EXAMPLE_TEXT + EXAMPLE_JSON).encode()).hexdigest()
        self._prompt_version = digest[:8]

    @property
    def version(self) -> str:
        return f"{self.llm.version}+prompt-{self._prompt_version}"

    def warm_up(self) -> None:
        self.reader.warm_up()
        self.llm.warm_up()

    def messages(self, text: str) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self._system},
            {"role": "user", "content": EXAMPLE_TEXT},
            {"role": "assistant", "content": EXAMPLE_JSON},
            {"role": "user", "content": text},
        ]

    def run(self, text: str, language: str = "en", /) -> Result[dict[str, Any]]:
        trace = timed(self.name, self.version)
        empty = self.normalize({}, language)
        try:
            generation = self.llm.generate(self.messages(text), max_new_tokens=self.max_new_tokens)
        except Exception as exc:  # a model failure yields no suggestion, never a crash
            return Result(empty, error_trace(self.name, self.version, "error", exc))
        raw = _json_object(generation.text)
        if raw is None:
            return Result(empty, trace.finish(0.0, "fallback", "fallback:no-parse"))
        return Result(self.normalize(raw, language), trace.finish(LLM_CONFIDENCE))

    def analyze_json(self, text: str, language: str | None = None) -> dict[str, Any]:
        result = self.run(text, language or "en")
        out = dict(result.value)
        out["traces"] = [result.trace.as_dict()]
        return out

    def _concept(self, label: str, kind: str) -> str | None:
        """The vocabulary id an English label names (first match of that kind), or None."""
        reading = self.reader.read(label)
        if kind == "finding":
            return reading.findings[0][0] if reading.findings else None
        for ids, _, _ in reading.drugs:
            for item in sorted(ids):
                if item.startswith(f"{kind}:"):
                    return item.split(":", 1)[1]
        return None

    def normalize(self, raw: Mapping[str, Any], language: str) -> dict[str, Any]:
        """The model's JSON in the fleet's shape; unknown keys and codes are dropped."""
        findings = []
        for item in _items(raw.get("findings")):
            label = str(item.get("label") or "").strip().lower()
            if not label:
                continue
            code = self._concept(label, "finding")
            severity = item.get("severity")
            findings.append(
                {
                    "code": code or "",
                    "label": self._vocab.concepts[code].label if code else label,
                    "present": item.get("present") is not False,
                    "duration": parse_duration(item.get("duration")),
                    "severity": int(severity) if isinstance(severity, int | float) else None,
                    "evidence": "",
                    "confidence": LLM_CONFIDENCE,
                }
            )
        medications = []
        for item in _items(raw.get("medications")):
            label = str(item.get("label") or "").strip().lower()
            if label:
                code = self._concept(label, "medication")
                medications.append(
                    {
                        "label": self._vocab.medications[code][0] if code else label,
                        "dose": str(item["dose"]) if item.get("dose") else None,
                        "frequency": str(item["frequency"]) if item.get("frequency") else None,
                        "evidence": "",
                    }
                )
        allergies = []
        for item in _items(raw.get("allergies")):
            name = str(item.get("substance") or "").strip().lower()
            if name:
                code = self._concept(name, "substance")
                allergies.append(
                    {
                        "substance": self._vocab.substances[code][0] if code else name,
                        "reaction": str(item["reaction"]) if item.get("reaction") else None,
                    }
                )
        codes = raw.get("red_flags") if isinstance(raw.get("red_flags"), list) else []
        flags = [
            {"code": str(c), "label": str(self._flags[str(c)].get("label", c)), "evidence": ""}
            for c in dict.fromkeys(str(c) for c in codes or [])
            if str(c) in self._flags
        ]
        levels = [str(self._flags[f["code"]].get("level", "emergency")) for f in flags]
        triage = min(levels, key=_LEVEL_ORDER.index) if levels else None
        return {
            "language": language,
            "findings": findings,
            "medications": medications,
            "allergies": allergies,
            "no_known_allergies": raw.get("no_known_allergies") is True and not allergies,
            "red_flags": flags,
            "triage": triage,
        }


def should_fallback(
    analysis: Mapping[str, Any],
    text: str,
    *,
    min_confidence: float = 0.6,
    long_answer_words: int = 6,
) -> bool:
    """True when the fleet looks unsure: an errored model, a low-confidence finding, or a long
    answer that yielded no fact at all."""
    if analysis.get("escalated"):
        return True
    traces = analysis.get("traces") or []
    if any(isinstance(t, Mapping) and t.get("status") == "error" for t in traces):
        return True
    findings = list(analysis.get("findings") or [])
    if any(float(f.get("confidence") or 0.0) < min_confidence for f in findings):
        return True
    facts = (
        findings
        + list(analysis.get("medications") or [])
        + list(analysis.get("allergies") or [])
        + list(analysis.get("red_flags") or [])
        + list(analysis.get("family_history") or [])
        + list(analysis.get("past_history") or [])
    )
    said_none = analysis.get("no_known_allergies") or analysis.get("no_medications")
    return not facts and not said_none and len(text.split()) >= long_answer_words


def _key(value: object) -> str:
    return " ".join(str(value or "").lower().split())


def merge_llm_facts(fleet: Mapping[str, Any], llm: Mapping[str, Any]) -> dict[str, Any]:
    """The fleet's JSON plus what only the model found, marked ``"source": "llm_suggested"``.

    Fleet items are never removed or changed (a red flag included); a model finding whose
    concept the fleet already has, with either polarity, is not added.
    """
    merged = copy.deepcopy(dict(fleet))
    added = 0

    def add(key: str, item_key: str, item: Mapping[str, Any], have: set[str]) -> None:
        nonlocal added
        name = _key(item.get(item_key))
        if name and name not in have:
            merged.setdefault(key, []).append({**item, "source": SUGGESTED})
            have.add(name)
            added += 1

    have_findings = {_key(f.get("code") or f.get("label")) for f in merged.get("findings") or []}
    have_findings |= {_key(f.get("label")) for f in merged.get("findings") or []}
    for item in llm.get("findings") or []:
        key = "code" if item.get("code") else "label"
        add("findings", key, item, have_findings)
    have_meds = {_key(m.get("label")) for m in merged.get("medications") or []}
    for item in llm.get("medications") or []:
        add("medications", "label", item, have_meds)
    have_allergies = {_key(a.get("substance")) for a in merged.get("allergies") or []}
    for item in llm.get("allergies") or []:
        add("allergies", "substance", item, have_allergies)
    have_flags = {_key(f.get("code")) for f in merged.get("red_flags") or []}
    for item in llm.get("red_flags") or []:
        add("red_flags", "code", item, have_flags)
    merged["llm_suggested"] = added
    return merged
