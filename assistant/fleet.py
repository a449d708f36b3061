"""The fleet as a typed container: one field per micro-model the coordinator calls.

Protocols here are what the coordinator relies on; the real models and the fakes in
``assistant.fakes`` both satisfy them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from assistant.concepts import Analysis, Finding, RedFlag, TriageDecision
from assistant.languages import Lang
from assistant.micromodels.base import Result, Trace
from assistant.questionnaire import AnswerType, Option

if TYPE_CHECKING:
    from assistant.micromodels.answer_parser import ParsedAnswer
    from assistant.micromodels.negation import ContextMap


class AnswerParsing(Protocol):
    name: str
    version: str

    def warm_up(self) -> None: ...

    def run(
        self,
        text: str,
        *,
        qtype: AnswerType,
        language: Lang,
        options: Sequence[Option] = (),
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Result[ParsedAnswer | None]: ...


class Understanding(Protocol):
    def warm_up(self) -> None: ...

    @property
    def versions(self) -> dict[str, str]: ...

    def analyze(self, text: str, language: Lang | None = None) -> tuple[Analysis, list[Trace]]: ...

    def context(self, text: str) -> Result[ContextMap]:
        """Negation, family, history and hypothetical scopes of ``text`` (for extra screens)."""
        ...

    def triage(
        self,
        findings: Sequence[Finding],
        red_flags: Sequence[RedFlag],
        age: int | None = None,
    ) -> Result[TriageDecision]: ...


@dataclass(slots=True)
class Fleet:
    answer_parser: AnswerParsing
    understanding: Understanding

    def warm_up(self) -> None:
        self.answer_parser.warm_up()
        self.understanding.warm_up()

    def versions(self) -> dict[str, str]:
        return {self.answer_parser.name: self.answer_parser.version, **self.understanding.versions}


def build_fleet(knowledge_dir: Path, cache_dir: Path | None = None) -> Fleet:
    """The real fleet, loaded from the knowledge folder (validated on load); ``cache_dir``
    keeps computed example vectors between runs."""
    from assistant.micromodels.answer_parser import AnswerParser
    from assistant.understanding import Understanding as RealUnderstanding

    return Fleet(
        answer_parser=AnswerParser(knowledge_dir),
        understanding=RealUnderstanding(knowledge_dir, cache_dir=cache_dir),
    )
