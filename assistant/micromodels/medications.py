"""Medications the patient takes now: name (brand or generic, any script), dose, frequency.

Lexicons (``knowledge/{lang}/medications.yaml``) map names onto the medication ids of
``knowledge/concepts.yaml`` ("بنادول", "پیناڈول", "Panadol" -> paracetamol). Doses are a
number, in digits or spelt out (``dose_numbers``: "دو سو mg"), and a unit ("٥٠٠ ملغ" ->
"500 mg"); frequencies map onto canonical English
("مرتين في اليوم" -> "twice daily"). Denied, family and past mentions are not medications
taken now; "no medications" / "ما آخذ أي دواء" / "کوئی دوا نہیں لیتا" set ``no_medications``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.concepts import Medication
from assistant.errors import ConfigError
from assistant.lexicon import (
    Doc,
    Match,
    PhraseMatcher,
    Vocabulary,
    as_number,
    check_mapping,
    entries_from_table,
    language_files,
    load_yaml,
    number_table,
    phrase_table,
    str_list,
)
from assistant.micromodels.base import Result, sha256_of, timed
from assistant.micromodels.negation import EMPTY_CONTEXT, ContextMap

DOSE_UNITS = ("mg", "mcg", "g", "ml", "units", "puffs", "tablets", "capsules", "drops", "sachets")
FREQUENCIES = (
    "once daily",
    "twice daily",
    "three times daily",
    "four times daily",
    "every 4 hours",
    "every 6 hours",
    "every 8 hours",
    "every 12 hours",
    "every other day",
    "weekly",
    "monthly",
    "in the morning",
    "at night",
    "with meals",
    "as needed",
)
_KEYS = (
    "medications",
    "generic_terms",
    "no_medication",
    "dose_units",
    "dual_dose_units",
    "frequencies",
    "bare_number_unit",
    "dose_numbers",
)
# "took 2 Panadol": a small count just before a tablet medicine is how many tablets.
MAX_TABLET_COUNT = 4


@dataclass(frozen=True, slots=True)
class MedicationList:
    medications: list[Medication]
    no_medications: bool
    # True when "none" was only inferred from a denied general word ("no medicine"): the
    # coordinator of the fleet drops it when the sentence was about allergies.
    inferred: bool = False


class MedicationsModel:
    name = "medications"

    def __init__(self, knowledge_dir: Path, vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or Vocabulary.load(knowledge_dir)
        self._names: list[tuple[str, str]] = []
        self._generic: list[tuple[str, str]] = []
        self._units: list[tuple[str, tuple[str, int]]] = []
        self._freqs: list[tuple[str, str]] = []
        # medication id -> the unit of a bare number after its name ("Glucophage 850": mg)
        self._bare_unit: dict[str, str] = {}
        # spelt-out numbers before a unit: "پانچ mg", "دو سو mg", "das mg"
        self._numbers: list[tuple[str, float]] = []
        paths = [self.vocab.path]
        for _lang, path in language_files(knowledge_dir, "medications"):
            paths.append(path)
            data = check_mapping(load_yaml(path), "top level", path, allowed=_KEYS)
            self._names += entries_from_table(
                phrase_table(
                    data.get("medications", {}), "medications", path, self.vocab.medications
                )
            )
            for key in ("generic_terms", "no_medication"):
                if key in data:
                    self._generic += [(p, key) for p in str_list(data[key], key, path)]
            self._units += [
                (phrase, (unit, 0))
                for unit, phrases in phrase_table(
                    data.get("dose_units", {}), "dose_units", path, DOSE_UNITS
                ).items()
                for phrase in phrases
            ]
            # Duals and spelt-out twos: "حبتين" is two tablets, "بختين" two puffs, "دو گولیاں"
            # two tablets.
            self._units += [
                (phrase, (unit, 2))
                for unit, phrases in phrase_table(
                    data.get("dual_dose_units", {}), "dual_dose_units", path, DOSE_UNITS
                ).items()
                for phrase in phrases
            ]
            self._freqs += entries_from_table(
                phrase_table(data.get("frequencies", {}), "frequencies", path, FREQUENCIES)
            )
            bare = check_mapping(
                data.get("bare_number_unit") or {}, "bare_number_unit", path, allowed=DOSE_UNITS
            )
            for unit, ids in bare.items():
                for med in str_list(ids, f"bare_number_unit.{unit}", path):
                    if med not in self.vocab.medications:
                        raise ConfigError(f"{path}: bare_number_unit.{unit}: unknown {med!r}")
                    self._bare_unit[med] = unit
            self._numbers += number_table(
                data.get("dose_numbers") or {}, "dose_numbers", path, positive=True
            )
        self.version = f"lexicon-{sha256_of(paths)[:12]}"
        self._ready = False

    def warm_up(self) -> None:
        if not self._ready:
            self.names = PhraseMatcher(self._names)
            self.generic = PhraseMatcher(self._generic, fuzzy=False)
            self.units = PhraseMatcher(self._units, fuzzy=False)
            self.freqs = PhraseMatcher(self._freqs, fuzzy=False)
            self.numbers = PhraseMatcher(self._numbers, fuzzy=False)
            self._ready = True

    def run(self, doc: Doc, context: ContextMap = EMPTY_CONTEXT) -> Result[MedicationList]:
        self.warm_up()
        timer = timed(self.name, self.version)
        result = self.extract(doc, context)
        confidence = max((m.confidence for m in result.medications), default=None)
        return Result(result, timer.finish(confidence=confidence))

    def read_tokens(self, doc: Doc) -> tuple[frozenset[int], frozenset[int]]:
        """Token indices of the medicine names in ``doc``, and of names, doses and
        frequencies."""
        self.warm_up()
        names = {i for m in self.names.find(doc) for i in range(m.start, m.end)}
        spans = [(start, end) for _dose, start, end in self._doses(doc)]
        spans += [(f.start, f.end) for f in self.freqs.find(doc)]
        read = names | {i for start, end in spans for i in range(start, end)}
        return frozenset(names), frozenset(read)

    def extract(self, doc: Doc, context: ContextMap) -> MedicationList:
        names = _merge_repeats(
            doc, [m for m in self.names.find(doc) if not context.categories(m.start, m.end)]
        )
        doses = self._doses(doc)
        freqs = self.freqs.find(doc)
        frequency_starts = {f.start for f in freqs}
        meds: list[Medication] = []
        seen: set[str] = set()
        for m in names:
            if m.payload in seen:
                continue
            seen.add(m.payload)
            label, _code = self.vocab.medications[m.payload]
            after = _attach(doc, m, names, doses, before=False)
            bare = self._bare(doc, m, frequency_starts)
            # "Concor 5 صبح ایک گولی": the strength right after the name, not the count of
            # tablets later; "Panadol 2 goli": the number starts the dose after the name.
            strength = (
                bare if bare and bare[1] == m.end and not (after and after[1] == m.end) else None
            )
            dose = strength or after or bare or _attach(doc, m, names, doses)
            freq = _attach(doc, m, names, [(f.payload, f.start, f.end) for f in freqs])
            picked = [x for x in (dose, freq) if x is not None]
            start = min([m.start] + [x[1] for x in picked])
            end = max([m.end] + [x[2] for x in picked])
            meds.append(
                Medication(
                    code=m.payload,
                    label=label,
                    evidence=doc.evidence(start, end),
                    confidence=round(0.95 * m.confidence, 3),
                    dose=dose[0] if dose else None,
                    frequency=freq[0] if freq else None,
                )
            )
        said_none = inferred_none = False
        if not meds:
            for g in self.generic.find(doc):
                cats = context.categories(g.start, g.end)
                if g.payload == "no_medication" and not cats - {"NEGATED"}:
                    said_none = True
                elif g.payload == "generic_terms" and cats == {"NEGATED"}:
                    inferred_none = True
        none_said = said_none or inferred_none
        return MedicationList(meds, none_said, inferred=none_said and not said_none)

    def _bare(
        self, doc: Doc, med: Match[str], frequency_starts: set[int]
    ) -> tuple[str, int, int] | None:
        """A number with no unit right after the name of a medicine always dosed in one unit
        ("Glucophage 850", "بروفين ٤٠٠"), or a small count right before a tablet medicine
        ("took 2 Panadol")."""
        unit = self._bare_unit.get(med.payload)
        if unit is None:
            return None
        if med.end < len(doc.tokens):
            value = as_number(doc.tokens[med.end].text)
            # "Panadol 2 times a day" counts doses, it does not weigh them.
            if value is not None and value > 0 and med.end not in frequency_starts:
                shown = int(value) if value.is_integer() else value
                return (f"{shown} {unit}", med.end, med.end + 1)
        if med.start > 0 and unit == "mg":
            count = as_number(doc.tokens[med.start - 1].text)
            if count is not None and count.is_integer() and 0 < count <= MAX_TABLET_COUNT:
                return (f"{int(count)} tablets", med.start - 1, med.end)
        return None

    def _doses(self, doc: Doc) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        spelt = {m.end: (m.payload, m.start) for m in self.numbers.find(doc)}
        for u in self.units.find(doc):
            unit, implied = u.payload
            if implied:
                out.append((f"{implied} {unit}", u.start, u.end))
                continue
            value = as_number(doc.tokens[u.start - 1].text) if u.start else None
            start = u.start - 1
            if value is None and u.start in spelt:
                value, start = spelt[u.start]
            if value is None:
                continue
            shown = int(value) if value.is_integer() else value
            out.append((f"{shown} {unit}", start, u.end))
        return out


def _merge_repeats(doc: Doc, names: list[Match[str]]) -> list[Match[str]]:
    """ "Insulin Lantus", "انسولين لانتوس": two names of one medicine side by side are one."""
    merged: list[Match[str]] = []
    for m in names:
        last = merged[-1] if merged else None
        if last and last.payload == m.payload and doc.words_between(last.end, m.start) <= 1:
            merged[-1] = Match(m.payload, last.start, m.end, max(last.confidence, m.confidence), "")
        else:
            merged.append(m)
    return merged


def _attach(
    doc: Doc,
    med: Match[str],
    names: list[Match[str]],
    items: list[tuple[str, int, int]],
    before: bool = True,
) -> tuple[str, int, int] | None:
    """The item after this name (before the next name) in its sentence, else (``before``) just
    before it."""
    sentence = doc.tokens[med.start].sentence
    later = [n.start for n in names if n.start > med.start]
    limit = min(later) if later else len(doc.tokens)
    same = [(v, s, e) for v, s, e in items if doc.tokens[s].sentence == sentence]
    after = [x for x in same if med.end <= x[1] < limit]
    if after:
        return after[0]
    if not before:
        return None
    earlier = [n.end for n in names if n.end <= med.start]
    floor = max(earlier) if earlier else 0
    preceding = [x for x in same if floor <= x[1] and x[2] <= med.start]
    return preceding[-1] if preceding else None
