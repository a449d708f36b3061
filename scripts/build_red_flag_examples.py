"""Write knowledge/red_flag_examples.jsonl from the development split of the gold utterances.

The red_flag_similarity micro-model compares each patient utterance with these examples
(emergencies and near misses in en/ar/ur/Roman Urdu). Only the development split is used:
the held-out test split stays an outside measurement. Lines whose id starts with ``k-`` were
written for the model itself (ordinary complaints: "I cut my finger while cooking, it stopped
bleeding"; ordinary interview answers: "it started two days ago"; questions about the clinic:
"Is the clinic open today?") and are kept as they are.
Re-run after the development split changes: ``.venv/bin/python scripts/build_red_flag_examples.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data"
OUT = ROOT / "knowledge" / "red_flag_examples.jsonl"
COHORTS = ("en", "ar", "ur", "ur-Latn")
# Gold categories (tests/data/README.md) -> the flag codes of knowledge/red_flags.yaml.
FLAG_OF_CATEGORY = {
    "cardiac_chest_pain": "cardiac_chest_pain",
    "stroke": "stroke_signs",
    "breathing_difficulty": "severe_breathing_difficulty",
    "anaphylaxis": "anaphylaxis",
    "gi_bleeding": "gi_bleeding",
    "suicidal": "suicide_risk",
    "seizure": "seizure",
    "syncope": "fainting",
    "heavy_bleeding": "heavy_bleeding",
    "thunderclap_headache": "thunderclap_headache",
    "meningitis": "meningitis_signs",
    "acute_abdomen": "acute_abdomen",
    "pregnancy_emergency": "pregnancy_emergency",
    "confusion": "confusion",
}


def main() -> int:
    kept = [
        line
        for line in (OUT.read_text(encoding="utf-8").splitlines() if OUT.is_file() else [])
        if line.strip() and str(json.loads(line).get("id", "")).startswith("k-")
    ]
    lines = []
    for cohort in COHORTS:
        for raw in (GOLD / cohort / "understanding.jsonl").read_text(encoding="utf-8").splitlines():
            if not raw.strip():
                continue
            row = json.loads(raw)
            categories = row["red_flags"]
            example = {
                "id": row["id"],
                "text": row["text"],
                "language": cohort,
                "flag": FLAG_OF_CATEGORY[categories[0]] if categories else None,
            }
            lines.append(json.dumps(example, ensure_ascii=False))
    OUT.write_text("\n".join(lines + kept) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(lines)} from the gold set, {len(kept)} kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
