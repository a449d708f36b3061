from __future__ import annotations

import pytest

from assistant.ratelimit import RateLimiter


def test_limit_applies_per_key_and_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(3, 60, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")
    now[0] = 59.9
    assert not limiter.allow("a")
    now[0] = 60.0
    assert limiter.allow("a")


def test_bad_limits_are_rejected() -> None:
    with pytest.raises(ValueError, match="must be > 0"):
        RateLimiter(0, 60)
