"""Faults: a micro-model that raises or overruns, a database that cannot write, a killed
process. Nothing acknowledged is lost and safety fails closed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.errors import StoreUnavailable
from assistant.fakes import FakeUnderstanding
from assistant.services import Services
from assistant.understanding import Understanding
from tests.conftest import KNOWLEDGE, TEST_CACHE


def test_understanding_that_raises_escalates_the_turn(
    services: Services, fake: FakeUnderstanding
) -> None:
    view = services.coordinator.start("en")
    fake.fail_with = RuntimeError("boom")
    view = services.coordinator.answer(view.intake_id, "age", "45")
    assert view.status == "emergency"
    traces = services.store.traces(view.intake_id)
    assert any(t.status == "escalated" and t.note == "escalated:RuntimeError" for t in traces)


def test_understanding_that_overruns_its_budget_escalates(
    services: Services, fake: FakeUnderstanding
) -> None:
    services.coordinator.model_budget_s = 0.2
    view = services.coordinator.start("en")
    fake.delay_s = 1.0
    view = services.coordinator.answer(view.intake_id, "age", "45")
    assert view.status == "emergency"
    assert any(t.note == "escalated:ModelTimeout" for t in services.store.traces(view.intake_id))


def test_answer_parser_that_raises_falls_back_to_asking_again(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = services.coordinator.start("en")

    def broken(*_args: object, **_kwargs: object) -> object:
        raise ValueError("parser bug")

    monkeypatch.setattr(services.fleet.answer_parser, "run", broken)
    view = services.coordinator.answer(view.intake_id, "age", "45")
    assert view.status == "in_progress"
    assert view.question is not None and view.question.link_id == "age"
    traces = services.store.traces(view.intake_id)
    assert any(t.model == "answer_parser" and t.status == "fallback" for t in traces)
    assert [t.text for t in services.store.turns(view.intake_id) if t.role == "patient"] == ["45"]


def test_a_full_disk_gives_a_clear_error_and_keeps_what_was_written(
    tmp_path: Path, fake: FakeUnderstanding
) -> None:
    from assistant.fleet import Fleet
    from assistant.micromodels.answer_parser import AnswerParser

    settings = Settings(data_dir=tmp_path / "data")
    services = Services(settings, fleet=Fleet(AnswerParser(KNOWLEDGE), fake))
    view = services.coordinator.start("en")
    services.coordinator.answer(view.intake_id, "age", "45")
    with services.store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    # SQLite's own "database or disk is full": no more pages may be added to the file.
    from sqlalchemy import event

    @event.listens_for(services.store.engine, "connect")
    def _cap(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute(f"PRAGMA max_page_count={pages}")
        cursor.close()

    services.store.engine.dispose()
    with pytest.raises(StoreUnavailable):
        for _ in range(200):  # fill whatever free pages remain; "sex" is asked again
            services.coordinator.answer(view.intake_id, "sex", "blue " + "y" * 1900)
    msg = services.messages.get("error_store_unavailable", "ar")
    assert "حاول" in msg
    event.remove(services.store.engine, "connect", _cap)
    services.store.engine.dispose()
    answers = [f for f in services.store.facts(view.intake_id) if f.kind == "answer"]
    assert [(f.link_id, f.value["value"]) for f in answers] == [("age", 45)]


def _text(content: object) -> str:
    """Chat message content as the client returns it: a string or a list of parts."""
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


START_TIMEOUT_S = 180


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_app(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    # A first start computes the red-flag example vectors (3,827 sentences, over a minute on 2
    # cores) before the port opens; this journey is about a restart, so the app gets the ones
    # the test run already has, as a restart reuses its own from the data folder.
    Understanding(KNOWLEDGE, cache_dir=TEST_CACHE).warm_up()
    (data_dir / "cache").mkdir(parents=True, exist_ok=True)
    for vectors in TEST_CACHE.glob("red_flag_vectors-*.npz"):
        shutil.copy2(vectors, data_dir / "cache" / vectors.name)
    env = {
        **os.environ,
        "INTAKE_DATA_DIR": str(data_dir),
        "INTAKE_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "app.py")],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            raise RuntimeError("app exited during start-up")
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"app did not start in {START_TIMEOUT_S} s")


def test_sigkill_mid_intake_then_restart_resumes_with_every_acknowledged_answer(
    tmp_path: Path,
) -> None:
    from gradio_client import Client

    data_dir = tmp_path / "data"
    port = _free_port()
    proc = _start_app(data_dir, port)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        out = client.predict("en", api_name="/start")
        token_match = re.search(r"`([^`]+)`", str(out))
        assert token_match is not None
        token = token_match.group(1)
        acknowledged = []
        for answer in ["45", "male", "I have a cough"]:
            out = client.predict(answer, api_name="/answer")
            acknowledged.append(answer)  # predict returned: the app acknowledged it
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    proc = _start_app(data_dir, port)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        out = client.predict(token, "en", api_name="/resume")
        said = [_text(m["content"]) for m in out[0] if m["role"] == "user"]
        assert said == acknowledged
        assert "Did it start suddenly or gradually?" in _text(out[0][-1]["content"])
    finally:
        proc.kill()
        proc.wait(timeout=10)
