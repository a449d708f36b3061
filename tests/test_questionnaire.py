from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import ConfigError
from assistant.interview import Interview
from assistant.questionnaire import load_questionnaire
from tests.conftest import KNOWLEDGE


def test_shipped_questionnaire_loads_and_covers_every_section() -> None:
    q = load_questionnaire(KNOWLEDGE / "questionnaire.yaml")
    sections = {item.section for item in q.items}
    assert sections == {s.id for s in q.sections}
    link_ids = {item.link_id for item in q.items}
    for required in (
        "age",
        "sex",
        "pregnant",
        "chief_complaint",
        "hpi_onset",
        "hpi_location",
        "hpi_duration",
        "hpi_character",
        "hpi_aggravating",
        "hpi_alleviating",
        "hpi_radiation",
        "hpi_timing",
        "hpi_severity",
        "associated_symptoms",
        "past_medical",
        "past_surgical",
        "medications",
        "allergies",
        "family_history",
        "smoking",
        "alcohol",
        "concerns",
    ):
        assert required in link_ids
    for item in q.items:
        assert all(item.text[lang] for lang in ("en", "ar", "ur"))


def _write(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _base() -> dict[str, object]:
    texts = {"en": "x", "ar": "س", "ur": "س"}
    return {
        "id": "t",
        "sections": [{"id": "s", "title": texts}],
        "items": [{"linkId": "age", "section": "s", "type": "integer", "text": texts}],
    }


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["items"][0].update(colour="red"), "unknown key colour"),
        (lambda d: d["items"][0]["text"].pop("ur"), "missing translation for ur"),
        (lambda d: d["items"][0].update(type="float"), "type must be one of"),
        (lambda d: d["items"].append(dict(d["items"][0])), "duplicate linkId"),
        (lambda d: d["items"][0].update(section="nowhere"), "unknown section"),
        (
            lambda d: d["items"][0].update(
                enableWhen=[{"question": "later", "operator": "=", "answer": 1}]
            ),
            "not an earlier item",
        ),
        (lambda d: d["items"][0].update(type="choice"), "needs options"),
        (lambda d: d.update(extra=1), "unknown key extra"),
        (
            lambda d: d["items"][0].update(
                type="choice",
                options=[{"code": "y", "text": d["items"][0]["text"], "synonyms": ["ok", True]}],
            ),
            "YAML boolean: quote the word",
        ),
    ],
)
def test_invalid_questionnaires_are_rejected_with_a_clear_message(
    tmp_path: Path, mutate: object, message: str
) -> None:
    data = _base()
    mutate(data)  # type: ignore[operator]
    with pytest.raises(ConfigError, match=message):
        load_questionnaire(_write(tmp_path, data))


def test_unknown_key_message_lists_the_allowed_keys(tmp_path: Path) -> None:
    data = _base()
    data["items"][0]["colour"] = "red"  # type: ignore[index]
    with pytest.raises(ConfigError, match=r"allowed: .*linkId"):
        load_questionnaire(_write(tmp_path, data))


def test_enable_when_gates_pregnancy_on_sex_and_age() -> None:
    q = load_questionnaire(KNOWLEDGE / "questionnaire.yaml")
    interview = Interview(q)
    pregnant = q.item("pregnant")
    assert interview.enabled(pregnant, {"sex": "female", "age": 30})
    assert not interview.enabled(pregnant, {"sex": "male", "age": 30})
    assert not interview.enabled(pregnant, {"sex": "female", "age": 70})
    assert not interview.enabled(pregnant, {"sex": "female"})


def test_next_item_skips_known_slots_and_keeps_order() -> None:
    q = load_questionnaire(KNOWLEDGE / "questionnaire.yaml")
    interview = Interview(q)
    first = interview.next_item({}, set())
    assert first is not None and first.link_id == "age"
    values = {"age": 40, "sex": "male", "chief_complaint": "headache"}
    known = {"age", "sex", "chief_complaint", "hpi.onset", "hpi.location", "hpi.duration"}
    nxt = interview.next_item(values, known)
    assert nxt is not None and nxt.link_id == "hpi_character"
    everything = {item.slot for item in q.items}
    assert interview.next_item(values, everything) is None
    assert interview.progress(values, everything).percent == 100


def test_every_shipped_synonym_and_marker_is_a_word_not_a_yaml_boolean() -> None:
    """A bare yes/no/on/off in YAML loads as True/False: such a synonym would never match."""
    q = load_questionnaire(KNOWLEDGE / "questionnaire.yaml")
    alcohol = next(item for item in q.items if item.link_id == "alcohol")
    regular = next(option for option in alcohol.options if option.code == "regular")
    assert "yes" in regular.synonyms
    assert all(
        "True" not in o.synonyms and "False" not in o.synonyms
        for item in q.items
        for o in item.options
    )
