"""Faithfulness check: does a generated paragraph say only what the summary's facts say?

Deterministic and rule-based. The paragraph and every fact text are read by the same English
reader (names from ``knowledge/concepts.yaml`` and ``knowledge/en/{findings,medications,
allergies}.yaml``, clinical wording and cues from ``knowledge/en/faithfulness.yaml``). Then
every claim of the paragraph must be backed by a fact:

- each symptom or condition, with the same polarity ("denies X" stays a denial) and the same
  owner (the patient's, or a relative's); "pain" is backed by any site-specific pain;
- each medication and allergy substance, in the same role (taken, or reacted to);
- each duration, severity, dose and frequency, with the same number (tied to the concept or
  drug its sentence names); every other numeral; the age and sex;
- "no known allergies" / "no regular medications" only when the facts say so;

and every red flag of the summary must be named, not negated, and the chief complaint too.

Only a fact's ``text`` and ``present`` are read, never the patient's words (``evidence``).
A verdict holds fixed reason codes and vocabulary ids, never patient text.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError
from assistant.lexicon import (
    Doc,
    Match,
    PhraseMatcher,
    Vocabulary,
    check_mapping,
    load_yaml,
    phrase_table,
    str_list,
)
from assistant.micromodels.base import Result, error_trace, sha256_of, timed
from assistant.summary_types import ClinicalSummary

FILE_KEYS = (
    "findings",
    "medications",
    "substances",
    "red_flags",
    "cues",
    "frequencies",
    "durations",
    "dose_units",
    "sex",
    "drug_suffixes",
)
CUE_KEYS = (
    "negated_before",
    "negated_after",
    "terminators",
    "family",
    "allergy_before",
    "allergy_after",
    "no_medications",
    "no_allergies",
)
_FAMILY_END = frozenset({"but", "however", "although", "while", "whereas", "he", "she", "patient"})
_UNIT_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0, "month": 720.0}
_UNIT_HOURS["year"] = 8760.0
CHIEF_SECTIONS = frozenset({"chief_complaint", "complaint"})
_SECTION_ROLE = {"medications": "medication", "allergies": "allergy"}
MAX_GAP_WORDS = 4  # a negation or allergy cue reaches a list item at most this far away
_SEVERITY_WORDS = frozenset({"severity", "rated", "score", "intensity"})

Key = frozenset[str]  # a drug mention: "medication:<id>" / "substance:<id>" strings


@dataclass(frozen=True, slots=True)
class Verdict:
    faithful: bool
    reasons: tuple[str, ...] = ()  # fixed codes, sorted: "unsupported_finding", ...
    problems: tuple[tuple[str, str], ...] = ()  # (code, vocabulary id or "")
    claims: int = 0  # how many claims of the paragraph were checked


@dataclass(slots=True)
class Reading:
    """What one English text claims."""

    findings: list[tuple[str, bool, str, int]] = field(
        default_factory=list
    )  # id, present, owner, sentence
    drugs: list[tuple[Key, str, bool]] = field(default_factory=list)  # ids, role, present
    unknown_drugs: set[str] = field(default_factory=set)
    durations: list[tuple[float, int]] = field(default_factory=list)  # hours, sentence
    severities: set[float] = field(default_factory=set)
    doses: list[tuple[float, str, Key | None]] = field(default_factory=list)
    frequencies: list[tuple[str, Key | None]] = field(default_factory=list)
    numbers: set[float] = field(default_factory=set)
    ages: set[int] = field(default_factory=set)
    sexes: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)
    sites: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    spoken: set[float] = field(default_factory=set)  # values of number words ("two days")
    no_medications: bool = False
    no_allergies: bool = False


class FaithfulnessCheck:
    name = "faithfulness"

    def __init__(self, knowledge_dir: Path) -> None:
        self.knowledge_dir = knowledge_dir
        self.path = knowledge_dir / "en" / "faithfulness.yaml"
        self._files = [
            knowledge_dir / "concepts.yaml",
            knowledge_dir / "red_flags.yaml",
            *(knowledge_dir / "en" / f"{k}.yaml" for k in ("findings", "medications", "allergies")),
            self.path,
        ]
        self.version = f"rules-{sha256_of(p for p in self._files if p.is_file())[:12]}"
        self._ready = False
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load and validate the vocabulary once; safe to call from several threads."""
        with self._lock:
            if not self._ready:
                self._load()
                self._ready = True

    def run(self, paragraph: str, summary: ClinicalSummary, /) -> Result[Verdict]:
        self.warm_up()
        trace = timed(self.name, self.version)
        try:
            verdict = self._judge(paragraph, summary)
        except Exception as exc:  # fail closed: an unreadable paragraph is not faithful
            return Result(
                Verdict(False, ("check_error",)), error_trace(self.name, self.version, "error", exc)
            )
        note = "" if verdict.faithful else "unfaithful:" + ",".join(verdict.reasons)
        return Result(verdict, trace.finish(1.0, "ok", note))

    # ------------------------------------------------------------------ loading

    def _load(self) -> None:
        vocab = Vocabulary.load(self.knowledge_dir)
        path = self.path
        data = check_mapping(
            load_yaml(path), "top level", path, allowed=FILE_KEYS, required=FILE_KEYS
        )
        terms: dict[str, set[str]] = {}

        def add(phrases: Iterable[str], payload: str) -> None:
            for phrase in phrases:
                terms.setdefault(phrase.lower(), set()).add(payload)

        for cid, concept in vocab.concepts.items():
            add([concept.label], f"finding:{cid}")
        for mid, (label, _) in vocab.medications.items():
            add([label], f"medication:{mid}")
        for sid, (label, _) in vocab.substances.items():
            if not sid.endswith("_unspecified"):
                add([label], f"substance:{sid}")
        en = self.knowledge_dir / "en"
        for name, key, kind, known in (
            ("findings", "findings", "finding", vocab.concepts),
            ("medications", "medications", "medication", vocab.medications),
            ("allergies", "substances", "substance", vocab.substances),
        ):
            lexicon = en / f"{name}.yaml"
            if lexicon.is_file():
                table = (load_yaml(lexicon) or {}).get(key) or {}
                for ident, phrases in dict(table).items():
                    # "medicine", "food": words every note uses, not a named substance
                    if ident.endswith("_unspecified"):
                        continue
                    if ident in known and isinstance(phrases, list):
                        add([str(p) for p in phrases], f"{kind}:{ident}")
        for key, kind, known in (
            ("findings", "finding", vocab.concepts),
            ("medications", "medication", vocab.medications),
            ("substances", "substance", vocab.substances),
        ):
            for ident, phrases in phrase_table(data[key], key, path, known).items():
                add(phrases, f"{kind}:{ident}")
        self._terms = PhraseMatcher(((p, frozenset(v)) for p, v in terms.items()), fuzzy=False)

        flags_path = self.knowledge_dir / "red_flags.yaml"
        flag_labels = {
            str(fid): str((entry or {}).get("label", fid))
            for fid, entry in dict((load_yaml(flags_path) or {}).get("flags") or {}).items()
        }
        flag_phrases = phrase_table(data["red_flags"], "red_flags", path, flag_labels)
        self._flag_by_label = {_plain(label): fid for fid, label in flag_labels.items()}
        self._flags = PhraseMatcher(
            [(label, fid) for fid, label in flag_labels.items()]
            + [(p, fid) for fid, phrases in flag_phrases.items() for p in phrases],
            fuzzy=False,
        )

        cues = check_mapping(data["cues"], "cues", path, allowed=CUE_KEYS, required=CUE_KEYS)
        cue_kinds: dict[str, set[str]] = {}

        def cue(phrases: Iterable[str], kind: str) -> None:
            for phrase in phrases:
                cue_kinds.setdefault(phrase.lower(), set()).add(kind)

        for kind in CUE_KEYS:
            cue(_phrases(cues[kind], f"cues.{kind}", path), kind)
        frequencies = check_mapping(
            data["frequencies"], "frequencies", path, allowed=("1", "2", "3", "4", "as_needed")
        )
        for key, phrases in frequencies.items():
            cue(str_list(phrases, f"frequencies.{key}", path), f"freq:{_freq(key)}")
        durations = check_mapping(
            data["durations"],
            "durations",
            path,
            allowed=("numbers", "units", "relative"),
            required=("numbers", "units"),
        )
        self._numbers = {str(k).lower(): float(v) for k, v in dict(durations["numbers"]).items()}
        units = check_mapping(durations["units"], "durations.units", path, allowed=_UNIT_HOURS)
        self._units = {
            w.lower(): _UNIT_HOURS[u]
            for u, ws in units.items()
            for w in str_list(ws, f"units.{u}", path)
        }
        for i, rule in enumerate(durations.get("relative") or []):
            rule = check_mapping(
                rule,
                f"durations.relative[{i}]",
                path,
                allowed=("phrases", "value", "unit"),
                required=("phrases", "value", "unit"),
            )
            hours = float(rule["value"]) * _UNIT_HOURS[str(rule["unit"])]
            cue(str_list(rule["phrases"], "relative.phrases", path), f"since:{hours}")
        self._cues = PhraseMatcher(((p, frozenset(k)) for p, k in cue_kinds.items()), fuzzy=False)

        dose_units = check_mapping(
            data["dose_units"],
            "dose_units",
            path,
            allowed=("mg", "mcg", "g", "ml", "units", "tablets", "puffs"),
        )
        self._dose_units = {
            w.lower(): u
            for u, ws in dose_units.items()
            for w in str_list(ws, f"dose_units.{u}", path)
        }
        sex = check_mapping(
            data["sex"], "sex", path, allowed=("male", "female"), required=("male", "female")
        )
        self._sex = {w.lower(): s for s, ws in sex.items() for w in str_list(ws, f"sex.{s}", path)}
        self._suffixes = tuple(
            s.lower() for s in str_list(data["drug_suffixes"], "drug_suffixes", path)
        )

        sites_table: dict[str, Any] = {}
        findings_path = en / "findings.yaml"
        if findings_path.is_file():
            sites_table = dict((load_yaml(findings_path) or {}).get("body_sites") or {})
        self._sites = PhraseMatcher(
            [
                (str(p), str(site))
                for site, ps in sites_table.items()
                if isinstance(ps, list)
                for p in ps
            ],
            fuzzy=False,
        )
        # "pain" is backed by any site-specific pain; "chest pain" by "pain" plus a chest site.
        self._generic: dict[str, set[str]] = {}
        self._composed: dict[str, set[tuple[str, str]]] = {}
        for sites in vocab.compositions.values():
            default = sites.get("default")
            for site, target in sites.items():
                if default and site != "default":
                    self._generic.setdefault(default, set()).add(target)
                    self._composed.setdefault(target, set()).add((default, site))

    # ------------------------------------------------------------------ reading

    def read(self, text: str, *, absent: bool = False, role: str | None = None) -> Reading:
        """Claims of one English text; ``absent`` forces every finding to "denied"."""
        self.warm_up()
        doc = Doc(text)
        tokens = doc.tokens
        out = Reading(words={t.text for t in tokens if t.is_word})
        items = self._terms.find(doc)
        flags = self._flags.find(doc)
        cues = self._cues.find(doc)
        scoped: list[Match[Any]] = sorted([*items, *flags], key=lambda m: (m.start, m.end))
        negated = self._scope(doc, scoped, cues, "negated_before", "negated_after")
        allergic = self._scope(doc, scoped, cues, "allergy_before", "allergy_after")
        family = self._family(doc, scoped, cues)
        skip: set[int] = set()
        for cue in cues:
            out.no_medications |= "no_medications" in cue.payload
            out.no_allergies |= "no_allergies" in cue.payload
            for kind in cue.payload:
                if kind.startswith("freq:"):
                    out.frequencies.append((kind[5:], self._drug_near(items, cue.start, tokens)))
                    skip.update(range(cue.start, cue.end))
                elif kind.startswith("since:"):
                    out.durations.append((float(kind[6:]), tokens[cue.start].sentence))
        for m in items:
            sentence = tokens[m.start].sentence
            for payload in sorted(m.payload):
                kind, _, ident = payload.partition(":")
                if kind == "finding":
                    present = not (absent or id(m) in negated)
                    out.findings.append(
                        (ident, present, "family" if id(m) in family else "patient", sentence)
                    )
            drug = frozenset(p for p in m.payload if not p.startswith("finding:"))
            if drug:
                drug_role = role or ("allergy" if id(m) in allergic else "medication")
                out.drugs.append((drug, drug_role, id(m) not in negated))
        out.flags = {str(f.payload) for f in flags if id(f) not in negated | family}
        out.sites = {str(s.payload) for s in self._sites.find(doc)}
        covered = {i for m in items for i in range(m.start, m.end)}
        for t in tokens:
            if (
                t.is_word
                and t.index not in covered
                and len(t.text) >= 6
                and t.text.endswith(self._suffixes)
            ):
                out.unknown_drugs.add(t.text)
        self._numerals(tokens, items, skip, out)
        return out

    def _scope(
        self,
        doc: Doc,
        items: Sequence[Match[Any]],
        cues: Sequence[Match[Any]],
        before: str,
        after: str,
    ) -> set[int]:
        """ids of the items a cue reaches: forward (before-cues) or backward (after-cues)."""
        tokens = doc.tokens
        stops = {i for c in cues if "terminators" in c.payload for i in range(c.start, c.end)}
        reached: set[int] = set()
        for cue in cues:
            if before in cue.payload:
                edge = cue.end
                for m in items:
                    inside = m.start < cue.start or m.end <= cue.end  # "no signs of a stroke"
                    if inside or tokens[m.start].sentence != tokens[cue.start].sentence:
                        continue
                    gap = range(edge, m.start)
                    if doc.words_between(edge, m.start) > MAX_GAP_WORDS or stops.intersection(gap):
                        break
                    reached.add(id(m))
                    edge = max(edge, m.end)
            if after in cue.payload:
                edge = cue.start
                for m in reversed(items):
                    inside = m.end > cue.end or m.start >= cue.start
                    if inside or tokens[m.start].sentence != tokens[cue.start].sentence:
                        continue
                    gap = range(m.end, edge)
                    if doc.words_between(m.end, edge) > MAX_GAP_WORDS or stops.intersection(gap):
                        break
                    reached.add(id(m))
                    edge = min(edge, m.start)
        return reached

    @staticmethod
    def _family(doc: Doc, items: Sequence[Match[Any]], cues: Sequence[Match[Any]]) -> set[int]:
        """ids of items said of a relative: after a family word, before a change of subject."""
        tokens = doc.tokens
        owned: set[int] = set()
        for cue in (c for c in cues if "family" in c.payload):
            for m in items:
                if m.start < cue.end or tokens[m.start].sentence != tokens[cue.start].sentence:
                    continue
                if any(t.text in _FAMILY_END for t in tokens[cue.end : m.start]):
                    break
                owned.add(id(m))
        return owned

    @staticmethod
    def _drug_near(items: Sequence[Match[Any]], at: int, tokens: Sequence[Any]) -> Key | None:
        """The drug a dose or frequency at ``at`` belongs to: the nearest before, else after."""
        sentence = tokens[at].sentence
        drugs = [
            m
            for m in items
            if tokens[m.start].sentence == sentence
            and any(not p.startswith("finding:") for p in m.payload)
        ]
        before = [m for m in drugs if m.end <= at]
        chosen = before[-1] if before else next((m for m in drugs if m.start >= at), None)
        if chosen is None:
            return None
        return frozenset(p for p in chosen.payload if not p.startswith("finding:"))

    def _value(self, text: str) -> float | None:
        if text[:1].isdigit():
            try:
                return float(text)
            except ValueError:
                return None
        return self._numbers.get(text)

    def _numerals(
        self, tokens: Sequence[Any], items: Sequence[Match[Any]], skip: set[int], out: Reading
    ) -> None:
        """Durations, ages, severities, doses, "every N hours", bare numerals, sex words."""
        scale: set[int] = set()  # the "10" of "7/10" is a scale, not a claim
        n = len(tokens)

        def text(i: int) -> str:
            return tokens[i].text if 0 <= i < n else ""

        for i, tok in enumerate(tokens):
            value = self._value(tok.text)
            if value is None or i in skip or i in scale:
                continue
            j = i + 1 + (text(i + 1) == "-")
            if text(j) in self._units:
                k = j + 1 + (text(j + 1) == "-")
                if text(k) == "old" and text(j).startswith(("year", "yr")):
                    out.ages.add(int(value))
                elif text(i - 1) == "every" and text(j).startswith(("hour", "hr")) and value > 0:
                    near = self._drug_near(items, i, tokens)
                    out.frequencies.append((_freq(24.0 / value), near))
                else:
                    out.durations.append((value * self._units[text(j)], tok.sentence))
                    out.spoken.add(value)
            elif text(i - 1) in ("aged", "age") or (text(i - 2), text(i - 1)) == ("age", ":"):
                out.ages.add(int(value))
            elif text(i + 1) == "/" and self._value(text(i + 2)) == 10.0:
                out.severities.add(value)
                out.spoken.add(value)
                scale.add(i + 2)
            elif (text(i + 1), text(i + 2)) == ("out", "of") and self._value(text(i + 3)) == 10.0:
                out.severities.add(value)
                out.spoken.add(value)
                scale.add(i + 3)
            elif text(i + 1) in self._dose_units:
                near = self._drug_near(items, i, tokens)
                out.doses.append((value, self._dose_units[text(i + 1)], near))
            elif any(text(i - d) in _SEVERITY_WORDS for d in (1, 2, 3)):
                out.severities.add(value)
            if tok.text[:1].isdigit():
                out.numbers.add(value)
        out.sexes = {self._sex[t.text] for t in tokens if t.text in self._sex}

    # ------------------------------------------------------------------ judging

    def _judge(self, paragraph: str, summary: ClinicalSummary) -> Verdict:
        if not paragraph.strip():
            return Verdict(False, ("empty_paragraph",), (("empty_paragraph", ""),))
        facts = _Facts()
        for section in summary.sections:
            for fact in section.facts:
                facts.add(
                    self.read(
                        fact.text, absent=fact.present is False, role=_SECTION_ROLE.get(section.id)
                    ),
                    section.id,
                )
        required: list[str] = []
        for flag in summary.red_flags:
            reading = self.read(flag.text)
            facts.add(reading, "red_flags")
            fid = self._flag_by_label.get(_plain(flag.text))
            required.extend(
                [fid] if fid else sorted(reading.flags) or ["label:" + _plain(flag.text)]
            )
        if summary.age is not None:
            facts.numbers.add(float(summary.age))
        said = self.read(paragraph)
        problems: list[tuple[str, str]] = []
        problems += facts.check_findings(said, self._generic, self._composed)
        problems += facts.check_drugs(said)
        problems += facts.check_numbers(said, summary.age)
        sex = _sex_of(summary.sex)
        if said.sexes and (sex is None or said.sexes != {sex}):
            problems.append(("sex_mismatch", ""))
        plain = _plain(paragraph)
        for fid in required:
            if fid.startswith("label:"):
                if fid[6:] not in plain:
                    problems.append(("red_flag_missing", ""))
            elif fid not in said.flags:
                problems.append(("red_flag_missing", fid))
        positive = {c for c, present, owner, _ in said.findings if present and owner == "patient"}
        if facts.chief and not (facts.chief & positive):
            problems.append(("chief_complaint_missing", ""))
        claims = (
            len(said.findings)
            + len(said.drugs)
            + len(said.durations)
            + len(said.doses)
            + len(said.numbers)
        )
        unique = tuple(dict.fromkeys(problems))
        return Verdict(not unique, tuple(sorted({code for code, _ in unique})), unique, claims)


class _Facts:
    """Everything the summary's facts say, pooled; ``check_*`` compare a paragraph against it."""

    def __init__(self) -> None:
        self.findings: set[tuple[str, bool, str]] = set()
        self.chief: set[str] = set()
        self.drugs: dict[str, set[str]] = {"medication": set(), "allergy": set()}
        self.denied_drugs: dict[str, set[str]] = {"medication": set(), "allergy": set()}
        self.words: set[str] = set()
        self.durations: dict[str, set[float]] = {}
        self.free_durations: set[float] = set()
        self.severities: set[float] = set()
        self.doses: list[tuple[float, str, Key | None]] = []
        self.frequencies: list[tuple[str, Key | None]] = []
        self.numbers: set[float] = set()
        self.sites: set[str] = set()
        self.no_medications = False
        self.no_allergies = False

    def add(self, reading: Reading, section: str) -> None:
        concepts = {c for c, _, _, _ in reading.findings}
        self.findings |= {(c, p, o) for c, p, o, _ in reading.findings}
        if section in CHIEF_SECTIONS:
            self.chief |= {c for c, p, o, _ in reading.findings if p and o == "patient"}
        for ids, role, present in reading.drugs:
            (self.drugs if present else self.denied_drugs)[role].update(ids)
        self.words |= reading.words
        for hours, _ in reading.durations:
            if concepts:
                for c in concepts:
                    self.durations.setdefault(c, set()).add(hours)
            else:
                self.free_durations.add(hours)
        self.severities |= reading.severities
        self.doses += reading.doses
        self.frequencies += reading.frequencies
        self.numbers |= reading.numbers | reading.spoken
        self.sites |= reading.sites
        self.no_medications |= reading.no_medications
        self.no_allergies |= reading.no_allergies

    def check_findings(
        self, said: Reading, generic: dict[str, set[str]], composed: dict[str, set[tuple[str, str]]]
    ) -> list[tuple[str, str]]:
        problems = []
        for concept, present, owner, _ in said.findings:
            backed = (concept, present, owner) in self.findings
            backed = backed or any(
                (t, present, owner) in self.findings for t in generic.get(concept, ())
            )
            backed = backed or any(
                (head, present, owner) in self.findings and site in self.sites
                for head, site in composed.get(concept, ())
            )
            if not backed:
                flipped = (concept, not present, owner) in self.findings
                problems.append(("negation_flipped" if flipped else "unsupported_finding", concept))
        return problems

    def check_drugs(self, said: Reading) -> list[tuple[str, str]]:
        problems = []
        for ids, role, present in said.drugs:
            code = f"unsupported_{role}"
            if present and not ids & self.drugs[role]:
                problems.append((code, sorted(ids)[0]))
            elif not present and not ids & self.denied_drugs[role]:
                flipped = bool(ids & self.drugs[role])
                problems.append(("negation_flipped" if flipped else code, sorted(ids)[0]))
        if said.unknown_drugs - self.words:
            problems.append(("unsupported_medication", ""))
        if said.no_medications and (self.drugs["medication"] or not self.no_medications):
            problems.append(("medication_status_unsupported", ""))
        if said.no_allergies and (self.drugs["allergy"] or not self.no_allergies):
            problems.append(("allergy_status_unsupported", ""))
        for value, unit, near in said.doses:
            doses = [(v, u) for v, u, i in self.doses if _same_drug(near, i)]
            if (value, unit) not in doses:
                problems.append(("unsupported_dose", sorted(near)[0] if near else ""))
        for key, near in said.frequencies:
            if key not in {k for k, i in self.frequencies if _same_drug(near, i)}:
                problems.append(("unsupported_frequency", sorted(near)[0] if near else ""))
        return problems

    def check_numbers(self, said: Reading, age: int | None) -> list[tuple[str, str]]:
        problems = []
        by_sentence: dict[int, set[str]] = {}
        for concept, _, _, sentence in said.findings:
            by_sentence.setdefault(sentence, set()).add(concept)
        every = self.free_durations.union(*self.durations.values())
        for hours, sentence in said.durations:
            concepts = by_sentence.get(sentence, set())
            allowed = self.free_durations.union(*(self.durations.get(c, set()) for c in concepts))
            if not concepts or not any(c in self.durations for c in concepts):
                allowed = every
            if not any(abs(hours - h) < 1e-6 for h in allowed):
                problems.append(("unsupported_duration", ""))
        if said.severities - self.severities:
            problems.append(("unsupported_severity", ""))
        if said.ages and (age is None or said.ages != {age}):
            problems.append(("age_mismatch", ""))
        if said.numbers - self.numbers:
            problems.append(("unsupported_number", ""))
        return problems


def _phrases(value: object, where: str, path: Path) -> list[str]:
    """``str_list`` that rejects YAML's unquoted booleans (``no``, ``on`` read as False/True)."""
    if isinstance(value, list) and any(isinstance(item, bool) for item in value):
        raise ConfigError(f"{path}: {where}: quote yes/no/on/off, YAML reads them as booleans")
    return str_list(value, where, path)


def _same_drug(said: Key | None, fact: Key | None) -> bool:
    """A dose said of no drug may match any fact's; one said of a drug, only that drug's."""
    return said is None or (fact is not None and bool(said & fact))


def _freq(value: float | str) -> str:
    try:
        return f"{float(value):g}"
    except ValueError:
        return str(value)


def _plain(text: str) -> str:
    """Lower case, letters and digits only, single spaces: for label comparisons."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


def _sex_of(value: str | None) -> str | None:
    words = set(_plain(value or "").split())
    if words & {"female", "woman", "f"}:
        return "female"
    if words & {"male", "man", "m"}:
        return "male"
    return None
