"""Who may call what, proven against the running app (knowledge store and speech on):
every staff endpoint through gradio_client and plain HTTP with no session, with a patient's
session and with the wrong role; and push-to-talk through the patient door."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client, handle_file

from app import build_app, launch_kwargs
from assistant.config import Settings
from assistant.services import Services
from tests import audio_samples as samples
from tests.test_app import _free_port

pytestmark = pytest.mark.model

CLINICIAN = ("dr.sara", "a long password")
ADMIN = ("admin", "another long password")
SIGNED_OUT = r"sign in|Sign in|not in the list of choices"
# Each door keeps its own sign-in: another door's role is as good as none there.
WRONG_ROLE = r"do not have access|sign in|not in the list of choices"


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, str]]:
    data = tmp_path_factory.mktemp("access") / "data"
    settings = Settings(data_dir=data, port=_free_port(), llm_enabled=False)
    services = Services.full(settings)
    services.warm_up()
    services.users.add(*CLINICIAN, ["clinician"])
    services.users.add(*ADMIN, ["admin"])
    (settings.data_dir / "exports").mkdir(parents=True, exist_ok=True)
    demo = build_app(services)
    demo.queue().launch(prevent_thread_lock=True, quiet=True, **launch_kwargs(services))
    try:
        yield services, f"http://127.0.0.1:{settings.port}/"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("upload") / "parking.md"
    path.write_text("# Parking\n\nPatients park free of charge in the basement.\n")
    return handle_file(str(path))


def _client(url: str) -> Client:
    return Client(url, verbose=False)


def _staff_calls(document: Any) -> dict[str, tuple[Any, ...]]:
    return {
        "/queue": (),
        "/open_intake": ("x",),
        "/download_pdf": ("x",),
        "/export_fhir": ("x",),
        "/sign_off": ("x",),
        "/correct_fact": ("x", "1", "text", "present", "reason"),
        "/model_health": (7, 0.6),
        "/knowledge_upload": ([document],),
        "/knowledge_delete": ("x",),
        "/knowledge_reindex": (),
    }


PATIENT_DATA = ("/queue", "/open_intake", "/download_pdf", "/export_fhir", "/sign_off")
KNOWLEDGE = ("/knowledge_upload", "/knowledge_delete", "/knowledge_reindex", "/model_health")


def test_no_session_and_a_patient_session_are_refused_everywhere(
    running: tuple[Services, str], document: Any
) -> None:
    services, url = running
    loaded = len(services.knowledge.sources())  # type: ignore[union-attr]
    patient = _client(url)
    patient.predict("en", api_name="/start")
    for client in (_client(url), patient):
        for endpoint, args in _staff_calls(document).items():
            with pytest.raises(Exception, match=SIGNED_OUT):
                client.predict(*args, api_name=endpoint)
    assert len(services.knowledge.sources()) == loaded  # type: ignore[union-attr]


def test_each_role_reaches_only_its_own_door(running: tuple[Services, str], document: Any) -> None:
    services, url = running
    clinician = _client(url)
    clinician.predict(*CLINICIAN, api_name="/clinician_login")
    admin = _client(url)
    admin.predict(*ADMIN, api_name="/admin_login")
    calls = _staff_calls(document)
    for endpoint in KNOWLEDGE:
        with pytest.raises(Exception, match=WRONG_ROLE):
            clinician.predict(*calls[endpoint], api_name=endpoint)
    for endpoint in PATIENT_DATA:
        with pytest.raises(Exception, match=WRONG_ROLE):
            admin.predict(*calls[endpoint], api_name=endpoint)
    rows = clinician.predict(api_name="/queue")
    assert isinstance(rows, dict | list | tuple)
    report, listing = admin.predict([document], api_name="/knowledge_upload")
    assert "parking.md" in report
    assert any("Parking" in str(row) for row in listing["data"])
    actions = [a.action for a in services.store.audit_log()]
    assert "knowledge_added" in actions


def _http_call(url: str, endpoint: str, data: list[Any]) -> str:
    """A plain HTTP call of one api_name (no gradio_client, no cookies): the event stream."""
    body = json.dumps({"data": data}).encode()
    request = urllib.request.Request(
        f"{url}gradio_api/call{endpoint}", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call{endpoint}/{event_id}", timeout=60) as r:
        return r.read().decode()


def test_plain_http_without_a_session_gets_errors_not_data(running: tuple[Services, str]) -> None:
    services, url = running
    view = services.coordinator.start("en")
    services.coordinator.answer(view.intake_id, "age", "45")
    for endpoint, args in (
        ("/queue", []),
        ("/model_health", [7, 0.6]),
        ("/knowledge_reindex", []),
        ("/knowledge_delete", ["x"]),
    ):
        stream = _http_call(url, endpoint, args)
        assert "event: error" in stream, f"{endpoint}: {stream[:300]}"
        assert view.intake_id not in stream


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_push_to_talk_fills_the_answer_box_and_bad_audio_keeps_the_session(
    running: tuple[Services, str], tmp_path: Path
) -> None:
    services, url = running
    patient = _client(url)
    patient.predict("en", api_name="/start")
    clip = samples.espeak(tmp_path / "age.wav", "I am forty five years old.", "en")
    update, _mic = patient.predict(handle_file(str(clip)), api_name="/transcribe")
    text = update["value"] if isinstance(update, dict) else update
    assert "forty" in text.lower() or "45" in text
    assert not clip.exists() or services.settings.store_audio is False
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    patient.predict(handle_file(str(empty)), api_name="/transcribe")  # a warning, not a crash
    out = patient.predict(text, api_name="/answer")
    said = [m["content"] for m in out[0] if m["role"] == "user"]
    assert len(said) == 1
