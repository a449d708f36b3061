"""Medications and allergies from real English doctor-patient dialogues (MTS-Dialog).

Run from the repository root: ``.venv/bin/python bench/mts_dialog.py [--failures] [--show-gold]``.
Reads ``../shared/data/mts-dialog/*.csv`` (columns ID, section_header, section_text,
dialogue); skips with a message when that folder is absent. Training and Validation are for
development; the two TestSets are the final measurement: never tune rules on them, and
``--failures`` / ``--show-gold`` only ever list development rows.

For every row whose section_header is MEDICATIONS or ALLERGY, each patient line of the
dialogue (a line starting ``Patient:``, prefix removed) goes through
``Understanding(knowledge_dir).analyze_json(line, "en")`` on its own; a dialogue's prediction
is the union over its patient lines.

Gold, extracted from section_text (the clinician's note) by a fixed method:
- Medication names: whole-word, case-insensitive matches of ``DRUG_NAMES`` (common generic
  and brand names written from general pharmacology knowledge, plus the names met while
  reading the Training/Validation MEDICATIONS and ALLERGY sections; never the TestSets), and
  words ending in a drug-class stem from ``DRUG_STEMS`` (-pril, -sartan, -olol, -statin ...).
- Allergy substances: the same names plus ``ALLERGENS`` (foods, latex, contrast ...), taken
  only from sentences that mention allergy/reaction/intolerance, or from the whole section
  when it is a bare list of at most 10 words ("Eggs and peanuts."). A name right after
  "tolerated" is dropped ("has tolerated cephalosporins").
- No known allergies: no gold substance and the section says none / no known / no ...
  allergies / denies ... allergies. A section with neither (e.g. it only lists skin
  conditions) is "undetermined" and left out of the NKA figures.

Scoring:
- med recall: gold names the fleet listed. A fleet medication matches a gold name when their
  generic names agree after ``DRUG_ALIASES``, or the gold name appears as a word in the fleet
  medication's label or evidence; each fleet medication matches at most one gold name.
- "said by patient": only gold names (or their alias) that occur in the patient's own lines.
  Many dialogues have the doctor read the list and the patient answer "Yes"; a per-utterance
  reader cannot get those, so this is the fairer figure for the fleet.
- extra meds: fleet medications that match no gold name, per dialogue.
- none rows clean: MEDICATIONS sections that say "None": share where the fleet listed no
  medication.
- allergy recall / "said by patient": as for medications, on substances.
- NKA acc: over determined ALLERGY rows, fleet's "any line says no known allergies" vs gold.
  NKA acc (own words): the same over rows where a patient line contains "allerg"; a bare
  "No." to the doctor's question cannot be read without the question.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.eval_scoring import canonical_drug, ratio
from bench._common import (
    SHARED_DATA,
    Analyzer,
    fmt,
    load_fleet,
    markdown_table,
    percentile,
    timed_analyze,
)

MTS_DIR = SHARED_DATA / "mts-dialog"
SPLITS: tuple[tuple[str, str, bool], ...] = (
    ("Training", "MTS-Dialog-TrainingSet.csv", True),
    ("Validation", "MTS-Dialog-ValidationSet.csv", True),
    ("TestSet-1", "MTS-Dialog-TestSet-1-MEDIQA-Chat-2023.csv", False),
    ("TestSet-2", "MTS-Dialog-TestSet-2-MEDIQA-Sum-2023.csv", False),
)

_DRUG_WORDS = """
    acetaminophen paracetamol ibuprofen naproxen aspirin diclofenac celecoxib meloxicam
    indomethacin ketorolac tramadol codeine morphine oxycodone hydrocodone hydromorphone
    fentanyl methadone buprenorphine gabapentin pregabalin cyclobenzaprine methocarbamol
    baclofen tizanidine carisoprodol metformin glipizide glyburide glimepiride pioglitazone
    sitagliptin insulin liraglutide semaglutide empagliflozin dapagliflozin lisinopril
    enalapril ramipril benazepril captopril losartan valsartan irbesartan olmesartan
    candesartan telmisartan amlodipine nifedipine diltiazem verapamil metoprolol atenolol
    propranolol carvedilol bisoprolol labetalol nebivolol hydrochlorothiazide chlorthalidone
    furosemide torsemide bumetanide spironolactone triamterene clonidine hydralazine
    isosorbide nitroglycerin digoxin amiodarone warfarin heparin enoxaparin apixaban
    rivaroxaban dabigatran clopidogrel atorvastatin simvastatin rosuvastatin pravastatin
    lovastatin ezetimibe fenofibrate gemfibrozil levothyroxine methimazole prednisone
    prednisolone methylprednisolone dexamethasone hydrocortisone triamcinolone fluticasone
    budesonide beclomethasone mometasone albuterol salbutamol salmeterol formoterol
    tiotropium ipratropium montelukast cetirizine loratadine fexofenadine diphenhydramine
    hydroxyzine promethazine ondansetron metoclopramide omeprazole esomeprazole pantoprazole
    lansoprazole rabeprazole famotidine ranitidine sucralfate docusate senna bisacodyl
    loperamide amoxicillin ampicillin penicillin cephalexin cefuroxime ceftriaxone cefdinir
    azithromycin clarithromycin erythromycin doxycycline minocycline tetracycline
    ciprofloxacin levofloxacin moxifloxacin nitrofurantoin trimethoprim sulfamethoxazole
    metronidazole clindamycin vancomycin linezolid fluconazole nystatin terbinafine
    acyclovir valacyclovir oseltamivir sertraline fluoxetine paroxetine citalopram
    escitalopram venlafaxine duloxetine bupropion mirtazapine trazodone amitriptyline
    nortriptyline lithium quetiapine olanzapine risperidone aripiprazole haloperidol
    ziprasidone paliperidone lamotrigine valproate divalproex levetiracetam phenytoin
    carbamazepine topiramate lorazepam alprazolam clonazepam diazepam zolpidem melatonin
    methylphenidate amphetamine atomoxetine donepezil memantine levodopa carbidopa
    ropinirole pramipexole sumatriptan rizatriptan allopurinol colchicine febuxostat
    methotrexate hydroxychloroquine sulfasalazine tamsulosin finasteride oxybutynin
    tolterodine sildenafil tadalafil estradiol progesterone medroxyprogesterone
    norethindrone isotretinoin tretinoin mupirocin folate multivitamin multivitamins
    glucosamine epinephrine naloxone pemoline zidovudine lamivudine abacavir tenofovir
    emtricitabine efavirenz
    tylenol advil motrin aleve naprosyn celebrex mobic ultram vicodin norco lortab percocet
    oxycontin dilaudid neurontin lyrica flexeril robaxin soma glucophage glucotrol micronase
    diabeta amaryl actos januvia lantus humalog novolog levemir victoza ozempic jardiance
    farxiga zestril prinivil vasotec altace lotensin cozaar diovan avapro benicar atacand
    micardis hyzaar avalide norvasc procardia cardizem calan lopressor toprol tenormin
    inderal coreg zebeta ziac lasix aldactone catapres imdur nitrostat lanoxin cordarone
    coumadin lovenox eliquis xarelto pradaxa plavix lipitor zocor crestor pravachol mevacor
    zetia tricor synthroid levoxyl deltasone medrol decadron kenalog flonase pulmicort qvar
    nasonex proventil ventolin proair serevent advair symbicort spiriva atrovent singulair
    zyrtec claritin allegra benadryl atarax phenergan zofran reglan prilosec nexium protonix
    prevacid aciphex pepcid zantac carafate colace imodium amoxil augmentin keflex ceftin
    rocephin omnicef zithromax biaxin vibramycin minocin cipro levaquin avelox macrobid
    bactrim septra flagyl cleocin diflucan lamisil zovirax valtrex tamiflu zoloft prozac
    paxil celexa lexapro effexor cymbalta wellbutrin remeron desyrel elavil pamelor seroquel
    zyprexa risperdal abilify haldol geodon invega lamictal depakote keppra dilantin
    tegretol topamax ativan xanax klonopin valium ambien ritalin adderall concerta strattera
    cylert aricept namenda sinemet requip mirapex imitrex maxalt zyloprim colcrys uloric
    plaquenil flomax proscar ditropan detrol viagra cialis premarin provera accutane
    bactroban trizivir combivir epivir retrovir alesse ovcon yaz loestrin daypro equagesic
    dilatrate duraphen
"""
DRUG_NAMES = frozenset(_DRUG_WORDS.split()) | frozenset(
    {
        "benzoyl peroxide",
        "vitamin b complex",
        "vitamin b12",
        "vitamin d",
        "vitamin e",
        "vitamin c",
        "fish oil",
        "folic acid",
        "ferrous sulfate",
        "retin-a",
    }
)

DRUG_STEMS = re.compile(
    r"\b[a-z]{3,}(?:pril|sartan|olol|dipine|statin|formin|gliptin|glitazone|prazole|tidine"
    r"|conazole|mycin|cillin|cycline|floxacin|vudine|navir|ciclovir|zepam|zolam|lukast|terol"
    r"|parin|xaban|triptan|profen|fenac|coxib|setron|thiazide|semide|oxetine|triptyline"
    r"|pramine|tiapine|peridone|tropium|olone|asone|isone)\b"
)

# Words a stem matches that are not drugs.
NOT_DRUGS = frozenset({"cholesterol"})

ALLERGENS = frozenset(
    {
        "pcn",
        "sulfa",
        "latex",
        "iodine",
        "contrast",
        "shellfish",
        "peanut",
        "peanuts",
        "egg",
        "eggs",
        "nuts",
        "tree nuts",
        "milk",
        "soy",
        "wheat",
        "gluten",
        "molds",
        "mold",
        "pollen",
        "dust",
        "bee stings",
        "grapefruit",
        "strawberries",
        "cats",
        "nsaids",
        "mycins",
        "cephalosporins",
        "medifast",
        "tape",
    }
)

NKA = re.compile(
    r"\b(none|no known|nkda|nka|no (?:drug |medical |medicine |medication )?allerg"
    r"|denies (?:any )?(?:drug |medication )?allerg)",
    re.I,
)
ALLERGY_SENTENCE = re.compile(r"allerg|reaction|intoleran", re.I)
NONE_SECTION = re.compile(r"^\s*(none|no medications?|he is on no medications?)\.?\s*$", re.I)


def find_names(text: str, names: frozenset[str], stems: bool = True) -> list[str]:
    """Lower-case names found in ``text``, longest first, each once, in order of appearance."""
    lower = text.lower()
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for name in sorted(names, key=len, reverse=True):
        for match in re.finditer(rf"(?<![a-z]){re.escape(name)}(?![a-z])", lower):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            found.append((span[0], name))
    if stems:
        for match in DRUG_STEMS.finditer(lower):
            span = match.span()
            if match.group(0) in NOT_DRUGS:
                continue
            if not any(span[0] < end and start < span[1] for start, end in taken):
                taken.append(span)
                found.append((span[0], match.group(0)))
    seen: set[str] = set()
    ordered = []
    for _, name in sorted(found):
        key = canonical_drug(name)
        if key not in seen:
            seen.add(key)
            ordered.append(name)
    return ordered


def gold_medications(section_text: str) -> list[str]:
    return find_names(section_text, DRUG_NAMES)


def gold_allergies(section_text: str) -> tuple[list[str], bool | None]:
    """(substances, no_known_allergies); the flag is None when the section does not say."""
    sentences = [s for s in re.split(r"(?<=[.;])\s+|\n+", section_text) if s.strip()]
    if len(section_text.split()) <= 10:
        chosen = [section_text]
    else:
        chosen = [s for s in sentences if ALLERGY_SENTENCE.search(s)]
    substances: list[str] = []
    for sentence in chosen:
        for name in find_names(sentence, DRUG_NAMES | ALLERGENS):
            if re.search(rf"tolerated\s+(?:\w+\s+)?{re.escape(name)}", sentence, re.I):
                continue
            if name not in substances:
                substances.append(name)
    if substances:
        return substances, False
    return [], True if NKA.search(section_text) else None


def patient_lines(dialogue: str) -> list[str]:
    lines = []
    for line in dialogue.splitlines():
        stripped = line.strip()
        if stripped.startswith("Patient:"):
            text = stripped[len("Patient:") :].strip()
            if text:
                lines.append(text)
    return lines


def mentions(text: str, name: str) -> bool:
    lower = text.lower()
    for variant in {name, canonical_drug(name)}:
        if re.search(rf"(?<![a-z]){re.escape(variant)}(?![a-z])", lower):
            return True
    return False


def unique(items: list[dict[str, str]]) -> list[dict[str, str]]:
    """One fleet item per generic name: a drug named on two patient lines counts once."""
    seen: set[str] = set()
    kept = []
    for item in items:
        key = canonical_drug(item["label"])
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def match_names(gold: list[str], predicted: list[dict[str, str]]) -> tuple[set[str], int]:
    """(gold names matched, fleet items left over); each fleet item matches one gold name."""
    used: set[int] = set()
    hits: set[str] = set()
    for by_evidence in (False, True):
        for name in gold:
            if name in hits:
                continue
            for i, item in enumerate(predicted):
                if i in used:
                    continue
                label = item.get("label", "")
                ok = canonical_drug(label) == canonical_drug(name) or mentions(label, name)
                if by_evidence and not ok:
                    ok = mentions(item.get("evidence", ""), name)
                if ok:
                    used.add(i)
                    hits.add(name)
                    break
    return hits, len(predicted) - len(used)


@dataclass
class SplitScore:
    med_rows: int = 0
    med_gold: int = 0
    med_hit: int = 0
    med_said: int = 0
    med_said_hit: int = 0
    med_extra: int = 0
    none_rows: int = 0
    none_clean: int = 0
    allergy_rows: int = 0
    allergy_gold: int = 0
    allergy_hit: int = 0
    allergy_said: int = 0
    allergy_said_hit: int = 0
    nka: list[bool] = field(default_factory=list)
    nka_own: list[bool] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)
    errors: int = 0
    failures: list[str] = field(default_factory=list)
    gold_listing: list[str] = field(default_factory=list)


def analyze_lines(fleet: Analyzer, lines: list[str], score: SplitScore) -> list[dict[str, Any]]:
    outs = []
    for line in lines:
        out, latency_ms, error = timed_analyze(fleet, line, "en")
        score.latency_ms.append(latency_ms)
        score.errors += bool(error)
        outs.append(out)
    return outs


def evaluate_split(fleet: Analyzer, path: Path) -> SplitScore:
    score = SplitScore()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            r for r in csv.DictReader(handle) if r["section_header"] in ("MEDICATIONS", "ALLERGY")
        ]
    for row in rows:
        lines = patient_lines(row["dialogue"])
        said = " ".join(lines)
        outs = analyze_lines(fleet, lines, score)
        where = f"- `{row['section_header']} {row['ID']}` {row['section_text'].strip()!r}"
        if row["section_header"] == "MEDICATIONS":
            score.med_rows += 1
            gold = gold_medications(row["section_text"])
            predicted = unique(
                [
                    {"label": str(m.get("label") or ""), "evidence": str(m.get("evidence") or "")}
                    for out in outs
                    for m in out.get("medications") or []
                ]
            )
            hits, extra = match_names(gold, predicted)
            score.med_gold += len(gold)
            score.med_hit += len(hits)
            said_gold = [g for g in gold if mentions(said, g)]
            score.med_said += len(said_gold)
            score.med_said_hit += len(hits & set(said_gold))
            score.med_extra += extra
            if NONE_SECTION.match(row["section_text"]):
                score.none_rows += 1
                score.none_clean += not predicted
            score.gold_listing.append(f"{where}\n    - gold medications: {gold}")
            missed = [g for g in said_gold if g not in hits]
            if missed or extra:
                labels = [p["label"] for p in predicted]
                score.failures.append(
                    f"{where}\n    - missed (said by patient): {missed}; fleet: {labels}"
                )
        else:
            score.allergy_rows += 1
            substances, nka = gold_allergies(row["section_text"])
            predicted = unique(
                [
                    {"label": str(a.get("substance") or ""), "evidence": ""}
                    for out in outs
                    for a in out.get("allergies") or []
                ]
            )
            hits, _ = match_names(substances, predicted)
            score.allergy_gold += len(substances)
            score.allergy_hit += len(hits)
            said_gold = [s for s in substances if mentions(said, s)]
            score.allergy_said += len(said_gold)
            score.allergy_said_hit += len(hits & set(said_gold))
            fleet_nka = any(bool(out.get("no_known_allergies")) for out in outs)
            own_words = "allerg" in said.lower()
            if nka is not None:
                score.nka.append(fleet_nka == nka)
                if own_words:
                    score.nka_own.append(fleet_nka == nka)
            score.gold_listing.append(f"{where}\n    - gold allergies: {substances}, NKA: {nka}")
            missed = [s for s in said_gold if s not in hits]
            if missed or (nka is not None and fleet_nka != nka):
                score.failures.append(
                    f"{where}\n    - missed (said by patient): {missed}; "
                    f"NKA gold {nka}, fleet {fleet_nka}"
                    f"{' (patient says allerg-)' if own_words else ''}; "
                    f"fleet allergies: {[p['label'] for p in predicted]}"
                )
    return score


def report(scores: dict[str, SplitScore], failures: bool, show_gold: bool) -> str:
    out = ["## MTS-Dialog: medications and allergies from patient lines (English)", ""]
    out.append(
        "Training and Validation are development data; "
        "TestSet-1 and TestSet-2 are the final measurement."
    )
    out += ["", "### Medications", ""]
    out.append(
        markdown_table(
            [
                "split",
                "dialogues",
                "gold names",
                "med recall",
                "recall, said by patient (n)",
                "extra meds / dialogue",
                "'None' rows clean (n)",
                "p50 ms",
                "p95 ms",
                "errors",
            ],
            [
                [
                    name,
                    s.med_rows,
                    s.med_gold,
                    fmt(ratio(s.med_hit, s.med_gold)),
                    fmt(ratio(s.med_said_hit, s.med_said), s.med_said),
                    fmt(ratio(s.med_extra, s.med_rows)),
                    fmt(ratio(s.none_clean, s.none_rows), s.none_rows),
                    f"{percentile(s.latency_ms, 0.5):.1f}",
                    f"{percentile(s.latency_ms, 0.95):.1f}",
                    s.errors,
                ]
                for name, s in scores.items()
            ],
        )
    )
    out += ["", "### Allergies", ""]
    out.append(
        markdown_table(
            [
                "split",
                "dialogues",
                "gold substances",
                "allergy recall",
                "recall, said by patient (n)",
                "NKA acc (n)",
                "NKA acc, own words (n)",
            ],
            [
                [
                    name,
                    s.allergy_rows,
                    s.allergy_gold,
                    fmt(ratio(s.allergy_hit, s.allergy_gold)),
                    fmt(ratio(s.allergy_said_hit, s.allergy_said), s.allergy_said),
                    fmt(ratio(sum(s.nka), len(s.nka)), len(s.nka)),
                    fmt(ratio(sum(s.nka_own), len(s.nka_own)), len(s.nka_own)),
                ]
                for name, s in scores.items()
            ],
        )
    )
    development = {name for name, _, dev in SPLITS if dev}
    for name, s in scores.items():
        if name not in development:
            continue
        if show_gold:
            out += ["", f"### Gold extracted: {name}", "", *s.gold_listing]
        if failures:
            out += [
                "",
                f"### Misses: {name} ({len(s.failures)} rows)",
                "",
                *(s.failures or ["none"]),
            ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--failures", action="store_true", help="list misses (development splits)")
    parser.add_argument(
        "--show-gold", action="store_true", help="list extracted gold (development)"
    )
    args = parser.parse_args(argv)
    if not MTS_DIR.is_dir():
        print(f"MTS-Dialog not found at {MTS_DIR}; skipping (it lives in ../shared/data).")
        return 0
    fleet = load_fleet()
    if fleet is None:
        return 0
    scores = {
        name: evaluate_split(fleet, MTS_DIR / filename)
        for name, filename, _ in SPLITS
        if (MTS_DIR / filename).is_file()
    }
    print(report(scores, args.failures, args.show_gold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
