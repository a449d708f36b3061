"""Clinician review: corrections keep the original, sign-off freezes what the PDF shows,
and every view, download, edit and sign-off is in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.auth import Principal
from assistant.errors import AccessDenied
from assistant.services import Services
from tests.test_coordinator import ENGLISH, _play

DOCTOR = Principal("dr.sara", frozenset({"clinician"}))
ADMIN = Principal("root", frozenset({"admin"}))


def _submitted(services: Services) -> str:
    intake_id = _play(services, "en", ENGLISH)
    services.coordinator.submit(intake_id)
    return intake_id


def test_a_correction_shows_in_the_summary_and_keeps_the_original(services: Services) -> None:
    intake_id = _submitted(services)
    facts = dict(services.desk.editable_facts(DOCTOR, intake_id))
    age_id = next(i for i, text in facts.items() if text.startswith("[answer] How old"))
    summary = services.desk.correct(DOCTOR, intake_id, age_id, "47", None, "checked ID card")
    assert summary.age == 47
    corrected = [f for f in services.store.facts(intake_id) if f.link_id == "age"]
    assert corrected[0].source == "clinician" and corrected[0].model == "dr.sara"
    original = [
        f
        for f in services.store.facts(intake_id, active_only=False)
        if f.link_id == "age" and not f.active
    ]
    assert original and original[0].value["value"] == 45
    assert services.store.latest_summary(intake_id) is not None  # the submit-time original


def test_correction_needs_a_reason(services: Services) -> None:
    intake_id = _submitted(services)
    fact_id = services.desk.editable_facts(DOCTOR, intake_id)[0][0]
    with pytest.raises(ValueError, match="reason"):
        services.desk.correct(DOCTOR, intake_id, fact_id, "new text", None, "  ")


def test_sign_off_freezes_the_reviewed_version_for_pdf(services: Services, tmp_path: Path) -> None:
    intake_id = _submitted(services)
    signed = services.desk.sign_off(DOCTOR, intake_id)
    assert signed.reviewed_by == "dr.sara"
    assert services.summary(intake_id).reviewed_by == "dr.sara"
    pdf = services.desk.pdf(DOCTOR, intake_id)
    assert pdf.read_bytes().startswith(b"%PDF")
    services.desk.summary(DOCTOR, intake_id)
    actions = [a.action for a in services.store.audit_log(intake_id)]
    assert actions == ["sign_off", "download_pdf", "view_summary"]
    # A later correction re-opens review: the signed version no longer stands.
    fact_id = services.desk.editable_facts(DOCTOR, intake_id)[0][0]
    services.desk.correct(DOCTOR, intake_id, fact_id, "corrected", None, "typo")
    assert services.summary(intake_id).reviewed_by is None


def test_admin_cannot_read_patient_summaries(services: Services) -> None:
    intake_id = _submitted(services)
    with pytest.raises(AccessDenied):
        services.desk.summary(ADMIN, intake_id)
    with pytest.raises(AccessDenied):
        services.desk.queue(ADMIN)
