"""The questionnaire engine: what to ask next, given what is already known.

Pure functions over the questionnaire and the known answers; no I/O. An item is asked when
it is enabled (its enableWhen conditions hold) and its slot is not yet known, whether from
an answer to that item or from something the patient said earlier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant.questionnaire import EnableWhen, Item, Questionnaire


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else round(100 * self.answered / self.total)


def _compare(actual: Any, when: EnableWhen) -> bool:
    if when.operator == "exists":
        return (actual is not None) == bool(when.answer)
    if actual is None:
        return False
    expected = when.answer
    if when.operator == "=":
        return str(actual) == str(expected)
    if when.operator == "!=":
        return str(actual) != str(expected)
    try:
        left, right = float(actual), float(expected)
    except (TypeError, ValueError):
        return False
    return {
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }[when.operator]


class Interview:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire

    def enabled(self, item: Item, values: Mapping[str, Any]) -> bool:
        """``values`` maps a linkId to its answer value (absent when unanswered)."""
        if not item.enable_when:
            return True
        results = [_compare(values.get(w.question), w) for w in item.enable_when]
        return all(results) if item.enable_behavior == "all" else any(results)

    def next_item(self, values: Mapping[str, Any], known_slots: set[str]) -> Item | None:
        for item in self.questionnaire.items:
            if item.slot in known_slots:
                continue
            if self.enabled(item, values):
                return item
        return None

    def applicable(self, values: Mapping[str, Any]) -> list[Item]:
        return [item for item in self.questionnaire.items if self.enabled(item, values)]

    def progress(self, values: Mapping[str, Any], known_slots: set[str]) -> Progress:
        items = self.applicable(values)
        done = sum(1 for item in items if item.slot in known_slots)
        return Progress(done, len(items))
