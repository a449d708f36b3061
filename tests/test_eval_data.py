"""The gold utterances under tests/data/*/ are well formed and cover what the understanding
benchmark claims to measure, in both splits: the development split (understanding.jsonl) and
the held-out test split (understanding_test.jsonl). Independent of the fleet itself."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from assistant.eval_scoring import gold_labels

DATA = Path(__file__).resolve().parent / "data"
README = DATA / "README.md"
COHORTS = ("en", "ar", "ur", "ur-Latn")
# split -> (file name in each cohort folder, id infix between the cohort and the number)
SPLITS = {"dev": ("understanding.jsonl", ""), "test": ("understanding_test.jsonl", "t-")}
FILES = [(cohort, split) for split in SPLITS for cohort in COHORTS]

RED_FLAG_CATEGORIES = frozenset(
    {
        "cardiac_chest_pain",
        "stroke",
        "breathing_difficulty",
        "anaphylaxis",
        "gi_bleeding",
        "suicidal",
        "seizure",
        "syncope",
        "heavy_bleeding",
        "thunderclap_headache",
        "meningitis",
        "acute_abdomen",
        "pregnancy_emergency",
        "confusion",
    }
)
TAGS = frozenset(
    {
        "negation",
        "family_history",
        "past_history",
        "dialect",
        "indic_digits",
        "misspelling",
        "mixed_language",
        "medication",
        "allergy",
        "red_flag",
        "near_miss",
        "duration",
        "severity",
    }
)
KEYS = {
    "id",
    "text",
    "language",
    "findings",
    "medications",
    "allergies",
    "no_known_allergies",
    "red_flags",
    "tags",
}
FINDING_KEYS = {"label", "present", "duration", "severity"}
UNITS = {"minute", "hour", "day", "week", "month", "year"}
DOSE = re.compile(r"^\d+(\.\d+)? (mg|mcg|g|ml|units|tablets|puffs)$")
FREQUENCY = re.compile(
    r"^(once a day|twice a day|three times a day|four times a day|in the morning|at night"
    r"|as needed|every \d+ hours)$"
)
INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


def _readme_block(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(f"<!-- {name}:start -->(.*?)<!-- {name}:end -->", text, re.S)
    if match is None:
        raise AssertionError(f"README.md has no {name} block")
    return match.group(1)


def _labels() -> frozenset[str]:
    _readme_block("labels")  # raises when the block is missing
    return gold_labels(README.read_text(encoding="utf-8"))


def _load(cohort: str, split: str = "dev") -> list[dict[str, Any]]:
    path = DATA / cohort / SPLITS[split][0]
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise AssertionError(f"{path.name}:{number} is not JSON: {exc}") from exc
    return rows


def test_readme_lists_exactly_the_red_flag_categories() -> None:
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", _readme_block("red_flags"), re.M))
    assert listed == RED_FLAG_CATEGORIES


def test_readme_labels_are_lower_case_and_unique() -> None:
    block = _readme_block("labels")
    labels = [label.strip() for label in block.replace("\n", " ").split(",") if label.strip()]
    assert len(labels) == len(set(labels))
    assert all(label == label.lower() for label in labels)


def test_ids_are_unique_across_cohorts_and_splits() -> None:
    ids = [row["id"] for cohort, split in FILES for row in _load(cohort, split)]
    duplicates = [key for key, count in Counter(ids).items() if count > 1]
    assert duplicates == []


@pytest.mark.parametrize("cohort", COHORTS)
def test_the_test_split_shares_no_utterance_with_the_dev_split(cohort: str) -> None:
    def key(text: str) -> str:
        return re.sub(r"\W+", " ", text.casefold()).strip()

    dev = {key(row["text"]) for row in _load(cohort, "dev")}
    test = [key(row["text"]) for row in _load(cohort, "test")]
    assert [text for text in test if text in dev] == []
    assert len(test) == len(set(test))


@pytest.mark.parametrize(("cohort", "split"), FILES)
def test_rows_follow_the_schema(cohort: str, split: str) -> None:
    labels = _labels()
    infix = SPLITS[split][1]
    for row in _load(cohort, split):
        where = row.get("id", "?")
        assert set(row) == KEYS, where
        assert re.fullmatch(rf"{re.escape(cohort)}-{infix}\d{{3,}}", row["id"]), where
        assert row["language"] == cohort, where
        assert isinstance(row["text"], str) and row["text"].strip(), where
        seen = set()
        for finding in row["findings"]:
            assert set(finding) == FINDING_KEYS, where
            assert finding["label"] in labels, f"{where}: unknown label {finding['label']!r}"
            assert finding["label"] not in seen, f"{where}: {finding['label']} twice"
            seen.add(finding["label"])
            assert isinstance(finding["present"], bool), where
            duration = finding["duration"]
            if duration is not None:
                assert set(duration) == {"value", "unit"}, where
                assert duration["unit"] in UNITS, where
                assert isinstance(duration["value"], int | float) and duration["value"] > 0, where
            severity = finding["severity"]
            assert severity is None or (isinstance(severity, int) and 0 <= severity <= 10), where
        for medication in row["medications"]:
            assert set(medication) == {"label", "dose", "frequency"}, where
            assert medication["label"] and medication["label"] == medication["label"].lower()
            assert medication["dose"] is None or DOSE.match(medication["dose"]), where
            assert medication["frequency"] is None or FREQUENCY.match(medication["frequency"])
        for allergy in row["allergies"]:
            assert set(allergy) == {"substance", "reaction"}, where
            assert allergy["substance"] and allergy["substance"] == allergy["substance"].lower()
        assert isinstance(row["no_known_allergies"], bool), where
        if row["no_known_allergies"]:
            assert row["allergies"] == [], where
        assert set(row["red_flags"]) <= RED_FLAG_CATEGORIES, where
        assert len(row["red_flags"]) == len(set(row["red_flags"])), where
        assert set(row["tags"]) <= TAGS, f"{where}: {set(row['tags']) - TAGS}"


@pytest.mark.parametrize(("cohort", "split"), FILES)
def test_tags_agree_with_the_content(cohort: str, split: str) -> None:
    for row in _load(cohort, split):
        tags, where = set(row["tags"]), row["id"]
        findings = row["findings"]
        assert ("red_flag" in tags) == bool(row["red_flags"]), where
        assert ("negation" in tags) == any(not f["present"] for f in findings), where
        assert ("duration" in tags) == any(f["duration"] for f in findings), where
        assert ("severity" in tags) == any(f["severity"] is not None for f in findings), where
        assert ("indic_digits" in tags) == bool(INDIC_DIGITS.search(row["text"])), where
        if row["medications"]:
            assert "medication" in tags, where
        assert ("allergy" in tags) == bool(row["allergies"] or row["no_known_allergies"]), where
        if "near_miss" in tags:
            assert row["red_flags"] == [], where
        if cohort in ("ar", "ur"):
            has_latin = bool(re.search("[A-Za-z]", row["text"]))
            assert ("mixed_language" in tags) == has_latin, where


@pytest.mark.parametrize(("cohort", "split"), FILES)
def test_each_cohort_covers_what_the_benchmark_reports(cohort: str, split: str) -> None:
    rows = _load(cohort, split)
    tags = Counter(tag for row in rows for tag in row["tags"])
    categories = {flag for row in rows for flag in row["red_flags"]}
    assert len(rows) >= 60
    assert tags["negation"] >= 12
    assert tags["family_history"] >= 5
    assert tags["past_history"] >= 3
    assert tags["duration"] >= 6
    assert tags["red_flag"] >= 14
    assert categories == RED_FLAG_CATEGORIES
    assert tags["near_miss"] >= 10
    assert sum(len(row["medications"]) for row in rows) >= 8
    assert sum(1 for row in rows for m in row["medications"] if m["dose"] or m["frequency"]) >= 8
    assert tags["allergy"] >= 6
    assert any(row["no_known_allergies"] for row in rows)
    if cohort in ("ar", "ur"):
        indic_durations = [r for r in rows if {"indic_digits", "duration"} <= set(r["tags"])]
        assert len(indic_durations) >= 6
        assert tags["mixed_language"] >= 3
    if cohort == "ar":
        assert tags["dialect"] >= 10
    if cohort in ("en", "ur-Latn"):
        assert tags["misspelling"] >= 5


@pytest.mark.parametrize("split", SPLITS)
def test_arabic_has_both_digit_families(split: str) -> None:
    texts = " ".join(row["text"] for row in _load("ar", split))
    assert re.search("[\u0660-\u0669]", texts)
    assert re.search("[\u06f0-\u06f9]", texts)
