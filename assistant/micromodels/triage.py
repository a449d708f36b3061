"""Disposition from findings and red flags (and age when known), by a table in knowledge/.

``knowledge/triage.yaml`` is an ordered list of rules; the first whose every condition holds
decides, and the decision names that rule. Only current, affirmed findings count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.concepts import TRIAGE_LEVELS, Finding, RedFlag, TriageDecision, TriageLevel
from assistant.errors import ConfigError
from assistant.lexicon import Vocabulary, check_mapping, load_yaml, str_list
from assistant.micromodels.base import Result, sha256_of, timed

_WHEN_KEYS = (
    "red_flag_level",
    "any",
    "all",
    "only",
    "no_findings",
    "min_age",
    "max_age",
    "min_duration_hours",
    "max_duration_hours",
    "min_severity",
    "max_severity",
)
_RULE_KEYS = ("id", "when", "level", "reason")
_RANK = {level: i for i, level in enumerate(TRIAGE_LEVELS)}


@dataclass(frozen=True, slots=True)
class TriageRule:
    id: str
    when: dict[str, Any]
    level: TriageLevel
    reason: str

    def holds(self, findings: Sequence[Finding], flags: Sequence[RedFlag], age: int | None) -> bool:
        w = self.when
        if "red_flag_level" in w and not any(
            _RANK[f.level] <= _RANK[w["red_flag_level"]] for f in flags
        ):
            return False
        codes = {f.code for f in findings}
        named: set[str] = set()
        if "any" in w:
            if not codes & set(w["any"]):
                return False
            named |= codes & set(w["any"])
        if "all" in w:
            if not set(w["all"]) <= codes:
                return False
            named |= set(w["all"])
        if "only" in w:
            if not codes or not codes <= set(w["only"]):
                return False
            named |= codes
        if w.get("no_findings") and codes:
            return False
        if "min_age" in w and (age is None or age < w["min_age"]):
            return False
        if "max_age" in w and (age is None or age > w["max_age"]):
            return False
        chosen = [f for f in findings if f.code in named]
        hours = [f.duration.hours for f in chosen if f.duration]
        severities = [f.severity for f in chosen if f.severity is not None]
        if "min_duration_hours" in w and not any(h >= w["min_duration_hours"] for h in hours):
            return False
        if "max_duration_hours" in w and any(h > w["max_duration_hours"] for h in hours):
            return False
        if "min_severity" in w and not any(s >= w["min_severity"] for s in severities):
            return False
        return not ("max_severity" in w and any(s > w["max_severity"] for s in severities))


def load_table(knowledge_dir: Path, vocab: Vocabulary) -> tuple[list[TriageRule], Path]:
    path = knowledge_dir / "triage.yaml"
    data = check_mapping(
        load_yaml(path), "top level", path, allowed=("rules",), required=("rules",)
    )
    if not isinstance(data["rules"], list) or not data["rules"]:
        raise ConfigError(f"{path}: rules must be a non-empty list")
    rules: list[TriageRule] = []
    for i, raw in enumerate(data["rules"]):
        where = f"rules[{i}]"
        entry = check_mapping(
            raw, where, path, allowed=_RULE_KEYS, required=("id", "level", "reason")
        )
        if entry["level"] not in TRIAGE_LEVELS:
            raise ConfigError(f"{path}: {where}.level must be one of {', '.join(TRIAGE_LEVELS)}")
        when = check_mapping(entry.get("when") or {}, f"{where}.when", path, allowed=_WHEN_KEYS)
        for key in ("any", "all", "only"):
            if key in when:
                when[key] = str_list(when[key], f"{where}.when.{key}", path)
                unknown = [c for c in when[key] if c not in vocab.concepts]
                if unknown:
                    raise ConfigError(f"{path}: {where}.when.{key}: unknown concept ids {unknown}")
        if "red_flag_level" in when and when["red_flag_level"] not in TRIAGE_LEVELS:
            raise ConfigError(
                f"{path}: {where}.when.red_flag_level must be one of {', '.join(TRIAGE_LEVELS)}"
            )
        rules.append(TriageRule(str(entry["id"]), when, entry["level"], str(entry["reason"])))
    if rules[-1].when:
        raise ConfigError(f"{path}: the last rule must have an empty 'when' (the default)")
    return rules, path


class TriageModel:
    name = "triage"

    def __init__(self, knowledge_dir: Path, vocab: Vocabulary | None = None) -> None:
        self._rules, path = load_table(knowledge_dir, vocab or Vocabulary.load(knowledge_dir))
        self.version = f"table-{sha256_of([path])[:12]}"

    def warm_up(self) -> None:
        return None

    def run(
        self, findings: Sequence[Finding], red_flags: Sequence[RedFlag], age: int | None = None
    ) -> Result[TriageDecision]:
        timer = timed(self.name, self.version)
        current = [f for f in findings if f.present and f.context == "current"]
        for rule in self._rules:
            if rule.holds(current, red_flags, age):
                decision = TriageDecision(rule.level, rule.id, rule.reason)
                return Result(decision, timer.finish(confidence=1.0))
        raise AssertionError("unreachable: the last triage rule always holds")
