"""The app launched on loopback and driven through gradio_client by api_name."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client

from app import build_app, launch_kwargs
from assistant.config import Settings
from assistant.services import Services
from tests.test_faults import _text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, str]]:
    data = tmp_path_factory.mktemp("app") / "data"
    settings = Settings(data_dir=data, port=_free_port())
    services = Services(settings)
    services.warm_up()
    services.users.add("dr.sara", "a long password", ["clinician"])
    services.users.add("admin", "another long password", ["admin"])
    demo = build_app(services)
    kwargs = launch_kwargs(services)
    (settings.data_dir / "exports").mkdir(parents=True, exist_ok=True)
    demo.queue().launch(prevent_thread_lock=True, quiet=True, **kwargs)
    try:
        yield services, f"http://127.0.0.1:{settings.port}/"
    finally:
        demo.close()


def _client(url: str) -> Client:
    return Client(url, verbose=False)


def _messages(result: Any) -> list[dict[str, Any]]:
    return list(result[0])


def _last(result: Any) -> str:
    return _text(_messages(result)[-1]["content"])


def test_patient_completes_an_intake_in_urdu_and_the_clinician_downloads_the_pdf(
    running: tuple[Services, str], tmp_path: Path
) -> None:
    services, url = running
    patient = _client(url)
    patient.predict("ur", api_name="/set_language")
    out = patient.predict("ur", api_name="/start")
    assert "آپ کی عمر کتنی ہے؟" in _last(out)
    token = re.search(r"`([^`]+)`", str(out[3]) + str(out[2]) + str(out))
    assert token is not None
    intake_id = services.store.find_by_token(token.group(1)).id
    answers = [
        "۴۵",
        "مرد",
        "مجھے تین دن سے کھانسی اور بخار ہے",
        "آہستہ آہستہ",
        "سینے میں",
        "خشک",
        "رات کو",
        "گرم پانی",
        "نہیں",
        "ہر وقت",
        "5",
        "تھکاوٹ",
        "نہیں",
        "نہیں",
        "کوئی دوا نہیں",
        "کوئی الرجی نہیں",
        "نہیں",
        "کبھی نہیں",
        "نہیں",
        "مجھے فکر ہے کہ یہ نمونیا تو نہیں",
    ]
    for answer in answers:
        if services.store.get_intake(intake_id).status != "in_progress":
            break
        patient.predict(answer, api_name="/answer")
    assert services.store.get_intake(intake_id).status == "review"
    patient.predict(api_name="/submit")
    assert services.store.get_intake(intake_id).status == "submitted"

    clinician = _client(url)
    with pytest.raises(Exception, match="sign in"):
        clinician.predict(api_name="/queue")
    clinician.predict("dr.sara", "a long password", api_name="/clinician_login")
    rows = clinician.predict(api_name="/queue")
    assert intake_id in str(rows)
    html, _facts = clinician.predict(intake_id, api_name="/open_intake")
    assert "Cough" in html or "cough" in html
    assert "کھانسی" in html  # the patient's own words as provenance
    pdf_path = clinician.predict(intake_id, api_name="/download_pdf")
    assert Path(pdf_path).read_bytes().startswith(b"%PDF")
    actions = [a.action for a in services.store.audit_log(intake_id)]
    assert "view_summary" in actions and "download_pdf" in actions


def test_staff_endpoints_refuse_without_the_right_role(running: tuple[Services, str]) -> None:
    _, url = running
    admin = _client(url)
    admin.predict("admin", "another long password", api_name="/admin_login")
    with pytest.raises(Exception, match="Sign-in failed"):
        admin.predict("admin", "another long password", api_name="/clinician_login")
    for endpoint, args in (("/queue", ()), ("/open_intake", ("x",)), ("/download_pdf", ("x",))):
        # Refused before any patient data is read: no clinician sign-in in this session,
        # and an intake id the session was never shown is not even accepted as input.
        with pytest.raises(Exception, match=r"sign in|not in the list of choices"):
            admin.predict(*args, api_name=endpoint)
    with pytest.raises(Exception, match="Sign-in failed"):
        _client(url).predict("dr.sara", "wrong password!", api_name="/clinician_login")
    with pytest.raises(Exception, match="Sign-in failed"):
        _client(url).predict("dr.sara", "a long password", api_name="/admin_login")


def test_patient_errors_arrive_in_the_patient_language(running: tuple[Services, str]) -> None:
    _, url = running
    patient = _client(url)
    patient.predict("ar", api_name="/set_language")
    patient.predict("ar", api_name="/start")
    with pytest.raises(Exception, match="من فضلك اكتب إجابة"):
        patient.predict("   ", api_name="/answer")
    out = patient.predict("٤٥", api_name="/answer")
    assert "ما جنسك؟" in _last(out)
