"""What every micro-model shares: the trace it returns, its result, a timing helper.

A trace says which model and version answered, how long it took and how sure it was.
It never holds patient text: ``note`` is for fixed reason codes such as
``"fallback:no-parse"`` or ``"escalated:error"``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

T = TypeVar("T")

TraceStatus = Literal["ok", "fallback", "escalated", "error"]


@dataclass(frozen=True, slots=True)
class Trace:
    model: str
    version: str
    latency_ms: float
    confidence: float | None
    status: TraceStatus = "ok"
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Result(Generic[T]):
    value: T
    trace: Trace


class MicroModel(Protocol):
    """The contract: ``name``, ``version``, ``warm_up()`` once, ``run()`` per call."""

    name: str
    version: str

    def warm_up(self) -> None: ...

    def run(self, *args: Any, **kwargs: Any) -> Result[Any]: ...


class _Timer:
    def __init__(self, model: str, version: str) -> None:
        self.model = model
        self.version = version
        self._start = time.perf_counter()

    def finish(
        self,
        confidence: float | None,
        status: TraceStatus = "ok",
        note: str = "",
    ) -> Trace:
        latency_ms = (time.perf_counter() - self._start) * 1000.0
        if confidence is not None:
            confidence = round(min(1.0, max(0.0, confidence)), 3)
        return Trace(self.model, self.version, round(latency_ms, 3), confidence, status, note)


def timed(model: str, version: str) -> _Timer:
    """Start timing one call; ``finish()`` turns it into a Trace."""
    return _Timer(model, version)


def sha256_of(paths: Iterable[Path], extra: str = "") -> str:
    """Hash of the given files' bytes (in order) and an optional string: a version id."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(extra.encode())
    return digest.hexdigest()


def error_trace(model: str, version: str, status: TraceStatus, exc: BaseException) -> Trace:
    """A trace for a call that raised; the note carries the exception type only."""
    return Trace(model, version, 0.0, None, status, f"{status}:{type(exc).__name__}")
