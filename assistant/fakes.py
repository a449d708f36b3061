"""Fakes that follow the real protocols, for tests of coordination only."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.concepts import Analysis, Finding, RedFlag, TriageDecision
from assistant.languages import Lang
from assistant.micromodels.base import Result, Trace, timed
from assistant.micromodels.negation import ContextMap


@dataclass
class FakeUnderstanding:
    """Returns queued analyses in order (an empty one when the queue is dry).

    ``seen`` records every text it was given; ``fail_with`` and ``delay_s`` make it raise or
    overrun, so tests can check what the coordinator does when a model fails.
    """

    analyses: deque[Analysis] = field(default_factory=deque)
    seen: list[str] = field(default_factory=list)
    triage_level: str = "consultation"
    fail_with: Exception | None = None  # raised by the next analyze() call
    delay_s: float = 0.0  # each analyze() call sleeps this long first

    @property
    def versions(self) -> dict[str, str]:
        return {"findings": "fake-1", "red_flags": "fake-1", "triage": "fake-1"}

    def warm_up(self) -> None:
        return None

    def queue(self, *analyses: Analysis) -> None:
        self.analyses.extend(analyses)

    def analyze(self, text: str, language: Lang | None = None) -> tuple[Analysis, list[Trace]]:
        self.seen.append(text)
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.fail_with is not None:
            exc, self.fail_with = self.fail_with, None
            raise exc
        analysis = self.analyses.popleft() if self.analyses else Analysis(language or "en")
        trace = timed("findings", "fake-1").finish(confidence=0.9)
        return analysis, [trace]

    def context(self, text: str) -> Result[ContextMap]:
        from assistant.micromodels.negation import EMPTY_CONTEXT

        return Result(EMPTY_CONTEXT, timed("negation", "fake").finish(1.0))

    def triage(
        self,
        findings: Sequence[Finding],
        red_flags: Sequence[RedFlag],
        age: int | None = None,
    ) -> Result[TriageDecision]:
        timer = timed("triage", "fake-1")
        if red_flags:
            decision = TriageDecision("emergency_ambulance", "fake_red_flag", "red flag present")
        else:
            decision = TriageDecision(self.triage_level, "fake_default", "no red flag")  # type: ignore[arg-type]
        return Result(decision, timer.finish(confidence=1.0))
