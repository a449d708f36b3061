"""Scoring the understanding fleet against the gold utterances (tests/data/*/understanding.jsonl).

Pure functions and tables, no I/O: ``bench/eval_understanding.py`` prints tables from them and
``assistant.evaluation`` stores per-cohort figures over time, so both report the same numbers.

The matching tables are deliberately short. A fleet label that needs an entry here to be scored
is a fleet label a clinician reading the English summary would also have to translate; prefer
fixing the fleet's label over growing these tables.

How a cohort's figures are computed (micro-averaged over the cohort):
- findings: a finding is the pair (label, present). Fleet labels are lower-cased and put through
  ``FINDING_SYNONYMS``; the tail of the fleet's code is tried too. Findings with a ``context``
  other than "current" (family, history) are left out. Gold labels come from a fixed list (the
  gold README's ``labels`` block): a fleet finding outside it ("epilepsy", "fall") can never be
  in the gold, and ``fp_unlabelled`` counts those extra findings apart, so that F1 can also be
  read over the gold's own labels.
- negation accuracy: over gold findings whose label the fleet found, where the gold or the fleet
  says "absent": the share where the fleet's polarity equals the gold one.
- medication recall: gold medications whose generic name (after ``DRUG_ALIASES``) the fleet
  listed. Allergy recall: gold substances the fleet listed (aliases, or one name containing the
  other as a word).
- red-flag sensitivity / specificity: per utterance, any gold red flag vs any fleet red flag.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.text import ascii_digits

BY_TAG = ("negation", "dialect", "misspelling", "indic_digits", "mixed_language", "near_miss")

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
    "hives": "rash",
    "urticaria": "rash",
    "night sweats": "sweating",
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
    "fluticasone/salmeterol inhaler": "fluticasone-salmeterol",
    "fluticasone/salmeterol": "fluticasone-salmeterol",
    "budesonide/formoterol inhaler": "budesonide-formoterol",
    "budesonide/formoterol": "budesonide-formoterol",
    "amoxil": "amoxicillin",
    "norvasc": "amlodipine",
    "amlodipine/valsartan": "amlodipine-valsartan",
    "exforge": "amlodipine-valsartan",
    "tobramycin/dexamethasone eye drops": "tobramycin-dexamethasone",
    "tobradex": "tobramycin-dexamethasone",
    "synthroid": "levothyroxine",
    "euthyrox": "levothyroxine",
    "voltaren": "diclofenac",
    "flagyl": "metronidazole",
    "sodium valproate": "valproate",
    "psyllium": "ispaghula husk",
    "psyllium husk": "ispaghula husk",
    "beclometasone inhaler": "beclometasone",
    # The medications model records iron by its class, the gold files by name or as "iron".
    "iron supplement": "iron",
    "ferrous sulfate": "iron",
    "ferrous sulphate": "iron",
    "insulin glargine": "insulin",
    "lantus": "insulin",
    "pcn": "penicillin",
    "penicillins": "penicillin",
    "sulpha": "sulfa",
    "sulfa drugs": "sulfa",
    "sulfonamides": "sulfa",
    "sulphonamides": "sulfa",
    "peanut": "peanuts",
    "bee or wasp stings": "bee stings",
    "bee sting": "bee stings",
    "wasp stings": "bee stings",
    "groundnuts": "peanuts",
    "wasp sting": "bee stings",
    "wasp": "bee stings",
    "egg": "eggs",
    "adhesive plasters": "adhesive plaster",
    "adhesive tape": "adhesive plaster",
    # The allergy model records a shrimp or prawn allergy as the class, shellfish, a cashew
    # or pistachio allergy as tree nuts, and co-trimoxazole (Septran, Bactrim) as a sulfa drug.
    "shrimp": "shellfish",
    "prawns": "shellfish",
    "prawn": "shellfish",
    "crab": "shellfish",
    "lobster": "shellfish",
    "cashew": "tree nuts",
    "cashews": "tree nuts",
    "pistachio": "tree nuts",
    "pistachios": "tree nuts",
    "co-trimoxazole": "sulfa",
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


@dataclass
class Score:
    n: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fp_unlabelled: int = 0  # extra findings whose label is not a gold label at all
    neg: list[bool] = field(default_factory=list)
    dur: list[bool] = field(default_factory=list)
    sev: list[bool] = field(default_factory=list)
    med_gold: int = 0
    med_hit: int = 0
    med_pred: int = 0
    med_pred_hit: int = 0
    dose: list[bool] = field(default_factory=list)
    freq: list[bool] = field(default_factory=list)
    allergy_gold: int = 0
    allergy_hit: int = 0
    allergy_pred: int = 0
    allergy_pred_hit: int = 0
    nka: list[bool] = field(default_factory=list)
    rf_pos: int = 0
    rf_tp: int = 0
    rf_neg: int = 0
    rf_tn: int = 0
    near_miss: list[bool] = field(default_factory=list)
    category_gold: Counter[str] = field(default_factory=Counter)
    category_hit: Counter[str] = field(default_factory=Counter)
    tag_gold: Counter[str] = field(default_factory=Counter)
    tag_hit: Counter[str] = field(default_factory=Counter)
    unmapped: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latency_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def gold_labels(readme: str) -> frozenset[str]:
    """The finding labels a gold utterance may use: the ``labels`` block of the gold README."""
    found = re.search(r"<!-- labels:start -->(.*?)<!-- labels:end -->", readme, re.S)
    if not found:
        return frozenset()
    block = found.group(1).replace("\n", " ")
    return frozenset(label.strip() for label in block.split(",") if label.strip())


def score_row(
    row: dict[str, Any],
    out: dict[str, Any],
    score: Score,
    labels: frozenset[str] = frozenset(),
) -> list[str]:
    """Add one utterance to ``score``; return what went wrong, one line each. ``labels``: the
    gold's label list, to count extra findings outside it apart (``fp_unlabelled``)."""
    problems: list[str] = []
    gold_findings = {f["label"]: f for f in row["findings"]}
    predicted: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in out.get("findings") or []:
        if is_current(finding):
            predicted[finding_label(finding, gold_findings)].append(finding)
    gold_pairs = {(label, f["present"]) for label, f in gold_findings.items()}
    pred_pairs = {
        (label, bool(f.get("present", True))) for label, fs in predicted.items() for f in fs
    }
    tp = gold_pairs & pred_pairs
    score.tp += len(tp)
    score.fp += len(pred_pairs - gold_pairs)
    if labels:
        score.fp_unlabelled += sum(1 for label, _ in pred_pairs - gold_pairs if label not in labels)
    score.fn += len(gold_pairs - pred_pairs)
    for tag in row["tags"]:
        if tag in BY_TAG:
            score.tag_gold[tag] += len(gold_pairs)
            score.tag_hit[tag] += len(tp)
    for label, present in sorted(gold_pairs - pred_pairs):
        problems.append(f"missed finding: {label}{'' if present else ' (absent)'}")
    for label, present in sorted(pred_pairs - gold_pairs):
        problems.append(f"extra finding: {label}{'' if present else ' (absent)'}")

    for label, gold in gold_findings.items():
        fleet = predicted.get(label, [])
        polarities = {bool(f.get("present", True)) for f in fleet}
        if fleet and (not gold["present"] or False in polarities):
            score.neg.append(polarities == {gold["present"]})
        same = [f for f in fleet if bool(f.get("present", True)) == gold["present"]]
        if not same:
            continue
        if gold["duration"]:
            want = duration_hours(gold["duration"])
            got = [duration_hours(f.get("duration")) for f in same]
            ok = any(g is not None and want is not None and math.isclose(g, want) for g in got)
            score.dur.append(ok)
            if not ok:
                problems.append(
                    f"duration of {label}: gold {gold['duration']}, "
                    f"fleet {[f.get('duration') for f in same]}"
                )
        if gold["severity"] is not None:
            ok = any(f.get("severity") == gold["severity"] for f in same)
            score.sev.append(ok)
            if not ok:
                problems.append(
                    f"severity of {label}: gold {gold['severity']}, "
                    f"fleet {[f.get('severity') for f in same]}"
                )

    fleet_meds = out.get("medications") or []
    matched_pred: set[int] = set()
    for med in row["medications"]:
        score.med_gold += 1
        generic = canonical_drug(med["label"])
        hits = [
            i
            for i, m in enumerate(fleet_meds)
            if canonical_drug(str(m.get("label") or "")) == generic
        ]
        if not hits:
            problems.append(f"missed medication: {med['label']}")
            continue
        score.med_hit += 1
        matched_pred.update(hits)
        got = fleet_meds[hits[0]]
        if med["dose"]:
            ok = same_dose(med["dose"], got.get("dose"))
            score.dose.append(ok)
            if not ok:
                problems.append(
                    f"dose of {med['label']}: gold {med['dose']!r}, fleet {got.get('dose')!r}"
                )
        if med["frequency"]:
            ok = frequency_key(med["frequency"]) == frequency_key(got.get("frequency"))
            score.freq.append(ok)
            if not ok:
                problems.append(
                    f"frequency of {med['label']}: gold {med['frequency']!r}, "
                    f"fleet {got.get('frequency')!r}"
                )
    score.med_pred += len(fleet_meds)
    score.med_pred_hit += len(matched_pred)
    for i, m in enumerate(fleet_meds):
        if i not in matched_pred:
            problems.append(f"extra medication: {m.get('label')}")

    fleet_allergies = [str(a.get("substance") or "") for a in out.get("allergies") or []]
    matched_allergy: set[int] = set()
    for allergy in row["allergies"]:
        score.allergy_gold += 1
        hits = [i for i, s in enumerate(fleet_allergies) if same_substance(allergy["substance"], s)]
        if hits:
            score.allergy_hit += 1
            matched_allergy.update(hits)
        else:
            problems.append(f"missed allergy: {allergy['substance']}")
    score.allergy_pred += len(fleet_allergies)
    score.allergy_pred_hit += len(matched_allergy)
    fleet_nka = bool(out.get("no_known_allergies"))
    if "allergy" in row["tags"] or fleet_nka:
        score.nka.append(fleet_nka == row["no_known_allergies"])
        if fleet_nka != row["no_known_allergies"]:
            problems.append(
                f"no_known_allergies: gold {row['no_known_allergies']}, fleet {fleet_nka}"
            )

    flags = out.get("red_flags") or []
    categories = set()
    for flag in flags:
        category = red_flag_category(str(flag.get("code") or ""), str(flag.get("label") or ""))
        if category is None:
            score.unmapped[str(flag.get("code"))] += 1
        else:
            categories.add(category)
    if row["red_flags"]:
        score.rf_pos += 1
        score.rf_tp += bool(flags)
        for category in row["red_flags"]:
            score.category_gold[category] += 1
            score.category_hit[category] += category in categories
    else:
        score.rf_neg += 1
        score.rf_tn += not flags
    if "near_miss" in row["tags"]:
        score.near_miss.append(not flags)
    if set(row["red_flags"]) != categories or (bool(row["red_flags"]) != bool(flags)):
        codes = [str(f.get("code")) for f in flags]
        problems.append(f"red flags: gold {row['red_flags']}, fleet {sorted(categories)} {codes}")
    return problems


def ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None
