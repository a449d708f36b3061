"""What the understanding benchmarks share: loading the fleet, and the small, explicit tables
that decide when a predicted label counts as the gold one.

The tables are deliberately short. A fleet label that needs an entry here to be scored is a
fleet label a clinician reading the English summary would also have to translate; prefer
fixing the fleet's label over growing these tables.
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

KNOWLEDGE_DIR = REPO / "knowledge"
GOLD_DIR = REPO / "tests" / "data"
SHARED_DATA = REPO.parent / "shared" / "data"

RED_FLAG_CATEGORIES: tuple[str, ...] = (
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
)


class Analyzer(Protocol):
    def analyze_json(self, text: str, language: str) -> dict[str, Any]: ...


def load_fleet() -> Analyzer | None:
    """The understanding fleet, warmed up; None (with a message on stderr) if it cannot be built."""
    try:
        from assistant.understanding import Understanding

        fleet = Understanding(KNOWLEDGE_DIR)
        warm_up = getattr(fleet, "warm_up", None)
        if callable(warm_up):
            warm_up()
    except Exception as exc:  # a missing or broken fleet is reported, not raised
        print(
            f"The understanding fleet could not be built ({type(exc).__name__}: {exc}); "
            "nothing to measure.",
            file=sys.stderr,
        )
        return None
    return fleet


def timed_analyze(fleet: Analyzer, text: str, language: str) -> tuple[dict[str, Any], float, str]:
    """(output, latency_ms, error). A raising fleet yields an empty output and the error name."""
    start = time.perf_counter()
    try:
        out = fleet.analyze_json(text, language)
        error = ""
    except Exception as exc:  # the benchmark reports errors instead of stopping
        out, error = {}, type(exc).__name__
    return out, (time.perf_counter() - start) * 1000.0, error


# --- findings -----------------------------------------------------------------------------

# Fleet label (lower case) -> gold label. Only spelling variants and common clinical synonyms.
FINDING_SYNONYMS: dict[str, str] = {
    "diarrhoea": "diarrhea",
    "loose stools": "diarrhea",
    "dyspnea": "shortness of breath",
    "dyspnoea": "shortness of breath",
    "breathlessness": "shortness of breath",
    "difficulty breathing": "shortness of breath",
    "breathing difficulty": "shortness of breath",
    "pyrexia": "fever",
    "dysuria": "painful urination",
    "burning urination": "painful urination",
    "urinary frequency": "frequent urination",
    "haematemesis": "vomiting blood",
    "hematemesis": "vomiting blood",
    "melena": "black stools",
    "melaena": "black stools",
    "black stool": "black stools",
    "rectal bleeding": "blood in stool",
    "hematochezia": "blood in stool",
    "haematuria": "blood in urine",
    "hematuria": "blood in urine",
    "syncope": "fainting",
    "loss of consciousness": "fainting",
    "convulsion": "seizure",
    "convulsions": "seizure",
    "fits": "seizure",
    "vertigo": "dizziness",
    "lightheadedness": "dizziness",
    "rhinorrhea": "runny nose",
    "rhinorrhoea": "runny nose",
    "blocked nose": "nasal congestion",
    "photophobia": "sensitivity to light",
    "stiff neck": "neck stiffness",
    "myalgia": "body aches",
    "body pain": "body aches",
    "muscle pain": "body aches",
    "arthralgia": "joint pain",
    "knee pain": "joint pain",
    "stomach pain": "abdominal pain",
    "stomach ache": "abdominal pain",
    "belly pain": "abdominal pain",
    "abdominal cramps": "abdominal pain",
    "tiredness": "fatigue",
    "ankle swelling": "leg swelling",
    "swelling of legs": "leg swelling",
    "swollen legs": "leg swelling",
    "swollen ankles": "leg swelling",
    "leg oedema": "leg swelling",
    "leg edema": "leg swelling",
    "pruritus": "itching",
    "itch": "itching",
    "facial weakness": "facial droop",
    "dysarthria": "slurred speech",
    "speech difficulty": "slurred speech",
    "menorrhagia": "heavy menstrual bleeding",
    "paresthesia": "numbness",
    "tingling": "numbness",
    "high blood pressure": "hypertension",
    "diabetes mellitus": "diabetes",
    "altered mental status": "confusion",
    "disorientation": "confusion",
    "suicidal ideation": "suicidal thoughts",
    "self-harm": "suicidal thoughts",
    "self harm": "suicidal thoughts",
    "thoughts of self-harm": "suicidal thoughts",
    "productive cough": "cough",
    "coughing up phlegm": "cough",
    "phlegm": "cough",
    "sputum": "cough",
    "abdominal rigidity": "rigid abdomen",
    "hard abdomen": "rigid abdomen",
    "depressed mood": "low mood",
    "sadness": "low mood",
    "forgetfulness": "memory problems",
    "memory loss": "memory problems",
    "blue lips": "cyanosis",
    "otorrhea": "ear discharge",
    "otalgia": "ear pain",
    "earache": "ear pain",
    "diaphoresis": "sweating",
    "acid reflux": "heartburn",
    "dyspepsia": "heartburn",
    "difficulty sleeping": "insomnia",
    "sleeplessness": "insomnia",
    "throat tightness": "throat swelling",
    "lip swelling": "facial swelling",
    "tongue swelling": "facial swelling",
    "angioedema": "facial swelling",
    "arm weakness": "weakness",
    "limb weakness": "weakness",
    "one-sided weakness": "weakness",
    "hemiparesis": "weakness",
    "wound bleeding": "bleeding",
    "poor appetite": "loss of appetite",
    "dental pain": "toothache",
    "blurry vision": "blurred vision",
    "vision blurred": "blurred vision",
    "cold": "runny nose",
    "sneeze": "sneezing",
    "loin pain": "flank pain",
    "nauseous": "nausea",
    "sore throat pain": "sore throat",
}


def canonical_label(value: str) -> str:
    label = re.sub(r"[_\s]+", " ", value.strip().lower())
    return FINDING_SYNONYMS.get(label, label)


def finding_label(predicted: dict[str, Any], wanted: Iterable[str] = ()) -> str:
    """The gold label a predicted finding stands for: its label, else the tail of its code."""
    candidates = [canonical_label(str(predicted.get("label") or ""))]
    code = str(predicted.get("code") or "")
    if code:
        candidates.append(canonical_label(re.split(r"[.:/]", code)[-1]))
    wanted_set = set(wanted)
    for candidate in candidates:
        if candidate in wanted_set:
            return candidate
    return next((candidate for candidate in candidates if candidate), "")


def is_current(predicted: dict[str, Any]) -> bool:
    """Family and past-history mentions are not current findings (a `context` key, if any)."""
    return str(predicted.get("context") or "current") == "current"


def duration_hours(duration: dict[str, Any] | None) -> float | None:
    unit_hours = {"minute": 1 / 60, "hour": 1, "day": 24, "week": 168, "month": 720, "year": 8760}
    if not duration:
        return None
    unit = str(duration.get("unit", "")).lower().rstrip("s")
    try:
        return float(duration["value"]) * unit_hours[unit]
    except (KeyError, TypeError, ValueError):
        return None


# --- medications and allergies ------------------------------------------------------------

# Brand or variant (lower case) -> the generic name the gold files use.
DRUG_ALIASES: dict[str, str] = {
    "panadol": "paracetamol",
    "panadol extra": "paracetamol",
    "adol": "paracetamol",
    "calpol": "paracetamol",
    "tylenol": "paracetamol",
    "acetaminophen": "paracetamol",
    "glucophage": "metformin",
    "brufen": "ibuprofen",
    "advil": "ibuprofen",
    "motrin": "ibuprofen",
    "disprin": "aspirin",
    "acetylsalicylic acid": "aspirin",
    "concor": "bisoprolol",
    "lipitor": "atorvastatin",
    "ventolin": "salbutamol",
    "albuterol": "salbutamol",
    "proventil": "salbutamol",
    "nexium": "esomeprazole",
    "risek": "omeprazole",
    "prilosec": "omeprazole",
    "losec": "omeprazole",
    "augmentin": "amoxicillin-clavulanate",
    "co-amoxiclav": "amoxicillin-clavulanate",
    "amoxicillin/clavulanate": "amoxicillin-clavulanate",
    "amoxicillin clavulanate": "amoxicillin-clavulanate",
    "amoxicillin-clavulanic acid": "amoxicillin-clavulanate",
    "amoxicillin/clavulanic acid": "amoxicillin-clavulanate",
    "amoxil": "amoxicillin",
    "norvasc": "amlodipine",
    "synthroid": "levothyroxine",
    "euthyrox": "levothyroxine",
    "voltaren": "diclofenac",
    "flagyl": "metronidazole",
    "insulin glargine": "insulin",
    "lantus": "insulin",
    "pcn": "penicillin",
    "penicillins": "penicillin",
    "sulpha": "sulfa",
    "sulfa drugs": "sulfa",
    "sulfonamides": "sulfa",
    "sulphonamides": "sulfa",
    "peanut": "peanuts",
    "groundnuts": "peanuts",
}


def canonical_drug(value: str) -> str:
    name = re.sub(r"\s+", " ", value.strip().lower())
    return DRUG_ALIASES.get(name, name)


def same_substance(gold: str, predicted: str) -> bool:
    """Equal after aliases, or one names the other as a whole word ("sulfa drugs" ~ "sulfa")."""
    a, b = canonical_drug(gold), canonical_drug(predicted)
    if not a or not b:
        return False
    if a == b:
        return True
    return bool(re.search(rf"\b{re.escape(a)}\b", b) or re.search(rf"\b{re.escape(b)}\b", a))


_PER_DAY = [
    (r"\b(four times|4 times|qid|q\.i\.d)\b|every 6 hours|q6h", 4.0),
    (r"\b(three times|3 times|thrice|tid|t\.i\.d)\b|every 8 hours|q8h", 3.0),
    (r"\b(twice|two times|2 times|bid|b\.i\.d)\b|every 12 hours|q12h", 2.0),
    (
        r"\b(once|one time|1 time|daily|every day|od|qd|q\.d|in the morning|morning|at night"
        r"|nightly|at bedtime|bedtime|evening)\b|every 24 hours",
        1.0,
    ),
]


def frequency_key(value: str | None) -> str | None:
    """'as needed', or doses per day as text ('2.0'); None when unreadable."""
    if not value:
        return None
    text = value.strip().lower()
    if re.search(r"\b(as needed|when needed|if needed|prn|p\.r\.n|as required|sos)\b", text):
        return "as needed"
    every = re.search(r"every (\d+) hours?", text)
    if every and int(every.group(1)) > 0:
        return f"{24 / int(every.group(1)):.1f}"
    for pattern, per_day in _PER_DAY:
        if re.search(pattern, text):
            return f"{per_day:.1f}"
    return text


def dose_key(value: str | None) -> tuple[float, str] | None:
    """(first number, unit family) of a dose; unit '' when absent."""
    if not value:
        return None
    from assistant.text import ascii_digits

    text = ascii_digits(value).lower()
    number = re.search(r"\d+(?:\.\d+)?", text)
    if not number:
        return None
    unit = ""
    for family, pattern in (
        ("mcg", r"mcg|µg|microgram"),
        ("mg", r"mg|milligram|ملغ|ملجم|مجم|ملی ?گرام"),
        ("ml", r"\bml\b|millilit"),
        ("units", r"unit|وحدة|یونٹ"),
        ("tablets", r"tab|pill|حب|گولی"),
        ("puffs", r"puff|بخ"),
        ("g", r"\bg\b|gram"),
    ):
        if re.search(pattern, text):
            unit = family
            break
    return float(number.group(0)), unit


def same_dose(gold: str | None, predicted: str | None) -> bool:
    a, b = dose_key(gold), dose_key(predicted)
    if a is None or b is None:
        return False
    return math.isclose(a[0], b[0]) and (a[1] == b[1] or not a[1] or not b[1])


# --- red flags ----------------------------------------------------------------------------

# Ordered: the first category whose alias matches a fleet code (or label) wins. Aliases with an
# underscore match anywhere in the code; single words match the start of a word in the code.
# Pregnancy comes before the bleeding categories so "pregnancy_bleeding" is obstetric.
RED_FLAG_ALIASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pregnancy_emergency", ("pregnan", "obstetric", "ectopic", "eclampsia", "antepartum")),
    ("anaphylaxis", ("anaphyla", "angioedema", "allergic_reaction")),
    (
        "gi_bleeding",
        (
            "gi_bleed",
            "haematemesis",
            "hematemesis",
            "melena",
            "melaena",
            "vomiting_blood",
            "rectal",
        ),
    ),
    ("heavy_bleeding", ("heavy_bleed", "haemorrhage", "hemorrhage", "bleeding", "menorrhagia")),
    ("cardiac_chest_pain", ("cardiac", "chest_pain", "acs", "myocardial")),
    ("thunderclap_headache", ("thunderclap", "worst_headache", "sudden_headache", "subarachnoid")),
    ("stroke", ("stroke", "facial_droop", "hemipar", "tia", "fast")),
    ("meningitis", ("mening", "neck_stiff", "non_blanching", "petechia")),
    ("anaphylaxis", ("throat_swelling",)),
    ("breathing_difficulty", ("breath", "dyspn", "respirat", "airway", "cyanos")),
    ("suicidal", ("suicid", "self_harm")),
    ("seizure", ("seizure", "convuls", "fit", "status_epilepticus")),
    ("syncope", ("syncope", "faint", "collapse", "loss_of_consciousness", "unconscious")),
    ("acute_abdomen", ("acute_abdomen", "abdom", "peritonit", "appendic")),
    ("confusion", ("confus", "altered_mental", "delirium", "disorient")),
)


def red_flag_category(code: str, label: str = "") -> str | None:
    for text in (code, label):
        norm = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
        if not norm:
            continue
        if norm in RED_FLAG_CATEGORIES:
            return norm
        words = norm.split("_")
        for category, aliases in RED_FLAG_ALIASES:
            for alias in aliases:
                if "_" in alias:
                    if alias in norm:
                        return category
                elif any(word.startswith(alias) for word in words):
                    return category
    return None


# --- reporting ----------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def fmt(value: float | None, n: int | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if n is None else f"{value:.2f} ({n})"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
