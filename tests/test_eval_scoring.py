"""How the understanding benchmark counts findings (assistant/eval_scoring.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.eval_scoring import Score, canonical_drug, gold_labels, same_substance, score_row

README = Path(__file__).resolve().parent / "data" / "README.md"


def _row(findings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "en-001",
        "text": "...",
        "language": "en",
        "findings": findings,
        "medications": [],
        "allergies": [],
        "no_known_allergies": False,
        "red_flags": [],
        "tags": [],
    }


def _gold(label: str, present: bool = True) -> dict[str, Any]:
    return {"label": label, "present": present, "duration": None, "severity": None}


def test_the_gold_label_list_is_read_from_the_gold_readme() -> None:
    labels = gold_labels(README.read_text(encoding="utf-8"))
    assert {"headache", "shortness of breath", "vomiting blood"} <= labels
    assert "epilepsy" not in labels and "" not in labels
    assert gold_labels("no label block here") == frozenset()


def test_extra_findings_outside_the_gold_labels_are_counted_apart() -> None:
    labels = gold_labels(README.read_text(encoding="utf-8"))
    out = {
        "findings": [
            {"label": "headache", "present": True, "context": "current"},
            {"label": "fever", "present": True, "context": "current"},
            {"label": "epilepsy", "present": True, "context": "current"},
            {"label": "seizure", "present": True, "context": "family"},
        ]
    }
    score = Score()
    problems = score_row(
        _row([_gold("headache"), _gold("cough", present=False)]), out, score, labels
    )
    assert (score.tp, score.fp, score.fn, score.fp_unlabelled) == (1, 2, 1, 1)
    assert "extra finding: epilepsy" in problems and "missed finding: cough (absent)" in problems
    unlabelled = Score()
    score_row(_row([_gold("headache")]), out, unlabelled)
    assert (unlabelled.fp, unlabelled.fp_unlabelled) == (2, 0)


def test_a_sting_allergy_matches_under_either_name() -> None:
    assert same_substance("bee stings", "bee or wasp stings")
    assert same_substance("bee stings", "bee sting")
    assert same_substance("wasp sting", "bee or wasp stings")
    assert same_substance("wasp", "bee or wasp stings")
    assert not same_substance("bee stings", "peanuts")


def test_a_singular_or_another_name_of_the_same_substance_matches() -> None:
    assert same_substance("egg", "eggs")
    assert same_substance("adhesive tape", "adhesive plaster")
    assert same_substance("adhesive plasters", "adhesive plaster")
    assert not same_substance("egg", "milk")


def test_a_shrimp_or_prawn_allergy_matches_the_shellfish_class() -> None:
    assert same_substance("shrimp", "shellfish")
    assert same_substance("prawns", "shellfish")
    assert not same_substance("shrimp", "peanuts")


def test_a_nut_or_sulfa_drug_allergy_matches_its_class() -> None:
    assert same_substance("cashew", "tree nuts")
    assert same_substance("pistachios", "tree nuts")
    assert same_substance("co-trimoxazole", "sulfa drugs")
    assert not same_substance("cashew", "peanuts")
    assert not same_substance("co-trimoxazole", "penicillin")


def test_iron_named_by_its_class_matches_the_gold_names() -> None:
    assert canonical_drug("iron supplement") == canonical_drug("ferrous sulfate")
    assert canonical_drug("iron supplement") == canonical_drug("iron")
    assert canonical_drug("iron supplement") != canonical_drug("folic acid")
