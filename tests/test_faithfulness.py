"""The faithfulness check against hand-written paragraphs and their corrupted copies.

tests/data/faithfulness/*.json: one summary each (``ClinicalSummary.as_dict()`` form), a
paragraph that says only what its facts say, and corrupted copies of that paragraph (a symptom
added, a negation dropped, a dose, duration, severity or frequency changed, a red flag dropped,
a medication or allergy added, ...), each with the reason code the check must give.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.config import PROJECT_ROOT
from assistant.errors import ConfigError
from assistant.micromodels.faithfulness import FaithfulnessCheck, Verdict
from assistant.summary import summary_from_dict
from assistant.summary_types import ClinicalSummary, SummaryFact

KNOWLEDGE = PROJECT_ROOT / "knowledge"
CASES_DIR = Path(__file__).parent / "data" / "faithfulness"
REQUIRED_KINDS = {
    "add_symptom",
    "drop_negation",
    "change_dose",
    "change_duration",
    "drop_red_flag",
    "add_medication",
}


def load_cases() -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(CASES_DIR.glob("*.json"))
    ]


CASES = load_cases()
CORRUPTIONS = [
    pytest.param(case, corruption, id=f"{case['id']}-{corruption['kind']}")
    for case in CASES
    for corruption in case["corruptions"]
]


@pytest.fixture(scope="module")
def check() -> FaithfulnessCheck:
    model = FaithfulnessCheck(KNOWLEDGE)
    model.warm_up()
    return model


def judge(check: FaithfulnessCheck, paragraph: str, summary: ClinicalSummary) -> Verdict:
    return check.run(paragraph, summary).value


def test_the_set_covers_every_corruption_kind_in_several_summaries() -> None:
    assert len(CASES) >= 6
    kinds = [c["kind"] for case in CASES for c in case["corruptions"]]
    for kind in REQUIRED_KINDS:
        assert kinds.count(kind) >= 3, kind
    with_flags = [case for case in CASES if case["summary"]["red_flags"]]
    assert all(
        any(c["kind"] == "drop_red_flag" for c in case["corruptions"]) for case in with_flags
    )


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_uncorrupted_paragraph_passes(check: FaithfulnessCheck, case: dict[str, Any]) -> None:
    verdict = judge(check, case["paragraph"], summary_from_dict(case["summary"]))
    assert verdict.faithful, verdict.problems
    assert verdict.claims >= 5


@pytest.mark.parametrize(("case", "corruption"), CORRUPTIONS)
def test_corrupted_paragraph_is_caught_for_the_right_reason(
    check: FaithfulnessCheck, case: dict[str, Any], corruption: dict[str, Any]
) -> None:
    verdict = judge(check, corruption["paragraph"], summary_from_dict(case["summary"]))
    assert not verdict.faithful
    assert corruption["expect"] in verdict.reasons, verdict.problems


def test_catch_rate_over_the_whole_set_is_total(check: FaithfulnessCheck) -> None:
    caught = total = passed = 0
    for case in CASES:
        summary = summary_from_dict(case["summary"])
        passed += judge(check, case["paragraph"], summary).faithful
        for corruption in case["corruptions"]:
            total += 1
            caught += not judge(check, corruption["paragraph"], summary).faithful
    assert (caught, passed) == (total, len(CASES))
    assert total >= 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Denies fever, chills or vomiting.", {"fever": False, "chills": False, "vomiting": False}),
        ("No fever, but a productive cough.", {"fever": False, "cough": True}),
        (
            "Fever and chills are denied; reports nausea.",
            {"fever": False, "chills": False, "nausea": True},
        ),
        (
            "He has a headache and does not have neck stiffness.",
            {"headache": True, "stiff_neck": False},
        ),
        ("Reports dizziness without fainting.", {"dizziness": True, "fainting": False}),
    ],
)
def test_negation_keeps_polarity_per_term(
    check: FaithfulnessCheck, text: str, expected: dict[str, bool]
) -> None:
    found = {concept: present for concept, present, _, _ in check.read(text).findings}
    assert found == expected


def test_a_relatives_condition_is_not_the_patients(check: FaithfulnessCheck) -> None:
    reading = check.read("Her mother has diabetes. She has hypertension.")
    owners = {concept: owner for concept, _, owner, _ in reading.findings}
    assert owners == {"diabetes": "family", "hypertension": "patient"}


def test_only_fact_text_is_read_never_the_patients_words(check: FaithfulnessCheck) -> None:
    case = next(c for c in CASES if c["id"] == "en_cardiac_chest_pain")
    summary = summary_from_dict(case["summary"])
    # The patient's words mention nausea; no fact says it, so the paragraph may not either.
    sections = list(summary.sections)
    ros = sections[2]
    said = replace(ros.facts[0], evidence="I'm sweating a lot and I feel nauseous")
    sections[2] = replace(ros, facts=(said, *ros.facts[1:]))
    summary = replace(summary, sections=tuple(sections))
    paragraph = case["paragraph"].replace("reports sweating", "reports sweating and nausea")
    assert "unsupported_finding" in judge(check, paragraph, summary).reasons


def test_trace_holds_reason_codes_not_patient_text(check: FaithfulnessCheck) -> None:
    case = next(c for c in CASES if c["id"] == "ur_cough_blood")
    result = check.run(case["corruptions"][0]["paragraph"], summary_from_dict(case["summary"]))
    assert re.fullmatch(r"unfaithful:[a-z_]+(,[a-z_]+)*", result.trace.note)
    assert result.trace.model == "faithfulness"
    assert result.trace.version == check.version and check.version.startswith("rules-")
    assert all(code.replace("_", "").isalpha() for code, _ in result.value.problems)
    assert {ident for _, ident in result.value.problems} <= {"", "chest_pain"}


def test_empty_paragraph_is_not_faithful(check: FaithfulnessCheck) -> None:
    summary = summary_from_dict(CASES[0]["summary"])
    assert judge(check, "   ", summary).reasons == ("empty_paragraph",)


def test_a_failing_check_fails_closed(
    check: FaithfulnessCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> Verdict:
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "_judge", broken)
    result = check.run("Anything.", summary_from_dict(CASES[0]["summary"]))
    assert not result.value.faithful
    assert result.value.reasons == ("check_error",)
    assert (result.trace.status, result.trace.note) == ("error", "error:RuntimeError")


def test_red_flag_with_unknown_wording_needs_its_own_words(check: FaithfulnessCheck) -> None:
    summary = summary_from_dict(CASES[0]["summary"])
    flag = SummaryFact(text="Rapidly spreading purple patches", present=True)
    summary = replace(summary, red_flags=(*summary.red_flags, flag))
    paragraph = CASES[0]["paragraph"]
    assert "red_flag_missing" in judge(check, paragraph, summary).reasons
    named = paragraph + " Rapidly spreading purple patches."
    assert "red_flag_missing" not in judge(check, named, summary).reasons


def _copy_knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def test_unknown_key_is_rejected_with_the_allowed_ones(tmp_path: Path) -> None:
    knowledge = _copy_knowledge(tmp_path)
    path = knowledge / "en" / "faithfulness.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["synonyms"] = {"fever": ["pyrexia"]}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        FaithfulnessCheck(knowledge).warm_up()
    message = str(caught.value)
    assert "faithfulness.yaml" in message and "'synonyms'" in message
    assert "drug_suffixes" in message and "red_flags" in message


def test_unknown_concept_id_is_rejected(tmp_path: Path) -> None:
    knowledge = _copy_knowledge(tmp_path)
    path = knowledge / "en" / "faithfulness.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["findings"]["feverishness"] = ["feeling feverish"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="feverishness"):
        FaithfulnessCheck(knowledge).warm_up()


def test_version_follows_the_rule_files(tmp_path: Path) -> None:
    knowledge = _copy_knowledge(tmp_path)
    before = FaithfulnessCheck(knowledge).version
    path = knowledge / "en" / "faithfulness.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert FaithfulnessCheck(knowledge).version != before
