"""Time budgets for micro-model calls.

A call that overruns its budget is abandoned (the worker finishes in the background and its
result is dropped) and the caller applies the model's defined fallback or escalation.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

T = TypeVar("T")

_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="micromodel")


class ModelTimeout(TimeoutError):
    """A micro-model did not answer within its budget."""


def within(budget_s: float, call: Callable[[], T]) -> T:
    """Run ``call`` with a time budget; re-raise its exception or raise ModelTimeout."""
    future = _POOL.submit(call)
    try:
        return future.result(timeout=budget_s)
    except FutureTimeout as exc:
        future.cancel()
        raise ModelTimeout(f"no answer within {budget_s:.1f} s") from exc
