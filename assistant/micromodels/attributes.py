"""Attributes of a finding, parsed from the words around it, mostly in the same sentence.

Duration ("for 3 days", "من يومين", "تین دن سے", "kal se"), severity on a 0-10 scale ("7/10",
"٨ من ١٠", "دس میں سے آٹھ"), onset (sudden, gradual) and character (crushing, burning...).
Number words, Arabic duals (يومين, أسبوعين) and Arabic-Indic or Persian digits are read;
"twice a day" and "2 years old" are a rate and an age, not durations. A sentence that only
dates what came before ("It started 20 minutes ago.", "١٠ سال سے یہی حال ہے") gives its
duration to the findings of the sentence before it (``durations.refers_back``). The tables
come from the ``durations``, ``severity``, ``characters`` and ``onsets`` sections of each
language's ``findings.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from assistant.concepts import Duration, DurationUnit, Finding
from assistant.errors import ConfigError
from assistant.lexicon import (
    CLAUSE_BREAKS,
    Doc,
    PhraseMatcher,
    as_number,
    check_mapping,
    entries_from_table,
    number_table,
    overlaps,
    phrase_table,
    str_list,
)
from assistant.micromodels.negation import EMPTY_CONTEXT, ContextMap
from assistant.text import normalize

V = TypeVar("V")

UNITS: tuple[DurationUnit, ...] = ("minute", "hour", "day", "week", "month", "year")
CHARACTERS = (
    "crushing",
    "pressure",
    "sharp",
    "burning",
    "throbbing",
    "dull",
    "cramping",
    "tearing",
)
ONSETS = ("sudden", "gradual")
# Words that hold a character word but describe no pain: "lifted a heavy box" is not a heavy
# chest. Listed under ``characters: {none: [...]}``, they keep the shorter word from matching.
NOT_A_CHARACTER = "none"
_DURATION_KEYS = (
    "numbers",
    "units",
    "dual_units",
    "bare_unit_markers",
    "fillers",
    "frequency_words",
    "age_before",
    "age_after",
    "years_of_age_after",
    "opens_clause",
    "per",
    "relative",
    "refers_back",
    "refers_back_all",
)
# Where a duration usually stands relative to its symptom: "fever for 3 days",
# "حرارة من ثلاثة أيام", but "تین دن سے بخار".
DURATION_SIDE: dict[str, str] = {"en": "after", "ar": "after", "ur": "before"}


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # token indices, end exclusive
    end: int


@dataclass(frozen=True, slots=True)
class DurationMention:
    duration: Duration
    start: int
    end: int


@dataclass(slots=True)
class AttributeTables:
    characters: list[tuple[str, str]] = field(default_factory=list)
    onsets: list[tuple[str, str]] = field(default_factory=list)
    numbers: list[tuple[str, float]] = field(default_factory=list)
    units: list[tuple[str, tuple[DurationUnit, float]]] = field(default_factory=list)
    bare_markers: list[tuple[str, str]] = field(default_factory=list)
    fillers: set[str] = field(default_factory=set)
    frequency_words: set[str] = field(default_factory=set)
    age_before: set[str] = field(default_factory=set)
    age_after: list[tuple[str, str]] = field(default_factory=list)
    # Words for a person after which a number of years is their age: "جدتي ٨٠ سنة".
    years_of_age_after: set[str] = field(default_factory=set)
    # A unit and the word after it that make a date ("من يوم ما ولدت": since the day I gave
    # birth).
    opens_clause: set[str] = field(default_factory=set)
    # Words after a unit that make it a rate ("500 دن میں دو بار": twice a day).
    per: set[str] = field(default_factory=set)
    refers_back: list[tuple[str, str]] = field(default_factory=list)
    relative: list[tuple[str, Duration]] = field(default_factory=list)
    scale: list[tuple[str, str]] = field(default_factory=list)

    def add(self, data: dict[str, Any], path: Path) -> None:
        """Take the attribute sections of one ``findings.yaml``."""
        self.characters += entries_from_table(
            phrase_table(
                data.get("characters", {}), "characters", path, (*CHARACTERS, NOT_A_CHARACTER)
            )
        )
        self.onsets += entries_from_table(
            phrase_table(data.get("onsets", {}), "onsets", path, ONSETS)
        )
        if "durations" in data:
            self._add_durations(data["durations"], path)
        if "severity" in data:
            sev = check_mapping(
                data["severity"], "severity", path, allowed=("scale_after", "scale_before")
            )
            self.scale += [(p, "after") for p in sev.get("scale_after") or []]
            self.scale += [(p, "before") for p in sev.get("scale_before") or []]

    def _add_durations(self, raw: object, path: Path) -> None:
        t = self
        d = check_mapping(raw, "durations", path, allowed=_DURATION_KEYS)
        t.numbers += number_table(d.get("numbers", {}), "durations.numbers", path)
        for key, implied in (("units", 0.0), ("dual_units", 2.0)):
            for unit, phrases in phrase_table(
                d.get(key, {}), f"durations.{key}", path, UNITS
            ).items():
                t.units += [(p, (unit, implied)) for p in phrases]  # type: ignore[misc]
        if "bare_unit_markers" in d:
            t.bare_markers += [
                (p, "bare")
                for p in str_list(d["bare_unit_markers"], "durations.bare_unit_markers", path)
            ]
        if d.get("age_after"):
            t.age_after += [
                (p, "age") for p in str_list(d["age_after"], "durations.age_after", path)
            ]
        for key, reach in (("refers_back", "back"), ("refers_back_all", "all")):
            if d.get(key):
                t.refers_back += [(p, reach) for p in str_list(d[key], f"durations.{key}", path)]
        for key in (
            "fillers",
            "frequency_words",
            "age_before",
            "years_of_age_after",
            "opens_clause",
            "per",
        ):
            if key in d:
                words = {normalize(w) for w in str_list(d[key], f"durations.{key}", path)}
                getattr(t, key).update(words)
        for i, rel in enumerate(d.get("relative") or []):
            where = f"durations.relative[{i}]"
            entry = check_mapping(
                rel,
                where,
                path,
                allowed=("phrases", "value", "unit"),
                required=("phrases", "value", "unit"),
            )
            if entry["unit"] not in UNITS:
                raise ConfigError(f"{path}: {where}.unit must be one of {', '.join(UNITS)}")
            duration = Duration(float(entry["value"]), entry["unit"])
            t.relative += [
                (p, duration) for p in str_list(entry["phrases"], f"{where}.phrases", path)
            ]


class AttributeParser:
    """Finds attribute mentions in a Doc and attaches them to findings."""

    def __init__(self, tables: AttributeTables) -> None:
        self.characters = PhraseMatcher(tables.characters, fuzzy=False)
        self.onsets = PhraseMatcher(tables.onsets, fuzzy=False)
        self.numbers = PhraseMatcher(tables.numbers, fuzzy=False)
        self.units = PhraseMatcher(tables.units, fuzzy=False)
        self.bare_markers = PhraseMatcher(tables.bare_markers, fuzzy=False)
        self.relative = PhraseMatcher(tables.relative, fuzzy=False)
        self.scale = PhraseMatcher(tables.scale, fuzzy=False)
        self.age_after = PhraseMatcher(tables.age_after, fuzzy=False)
        self.refers_back = PhraseMatcher(tables.refers_back, fuzzy=False)
        self._fillers = tables.fillers
        self._not_before = tables.frequency_words | tables.age_before
        self._persons = tables.years_of_age_after
        self._frequency_words = tables.frequency_words
        self._opens_clause = tables.opens_clause
        self._per = tables.per

    def attach(
        self,
        doc: Doc,
        spans: list[tuple[Finding, Span]],
        language: str,
        pain_concepts: set[str],
        context: ContextMap = EMPTY_CONTEXT,
    ) -> list[Finding]:
        """Each affirmed finding, the patient's or a relative's, with the attributes said in its
        sentence (a caregiver's "his chest pain is 9 out of 10" is read for the red-flag screen;
        past, denied and hypothetical findings get none)."""
        durations = self.durations(doc)
        severities = self.severities(doc)
        # A denied character word ("no pressure") or one inside a denied finding ("ما فيه ضيقة
        # نفس") describes nothing.
        denied = [s for f, s in spans if not f.present]
        characters = [
            (m.payload, Span(m.start, m.end))
            for m in self.characters.find(doc)
            if m.payload != NOT_A_CHARACTER
            and "NEGATED" not in context.categories(m.start, m.end)
            and not any(overlaps(m.start, m.end, d.start, d.end) for d in denied)
        ]
        # "Januvia ١٠٠ مرة وحدة", "١٠ ملغ مرة واحدة": after a dose the words tell how often.
        onsets = [o for o in self.onsets.find(doc) if not self._after_a_dose(doc, o.start)]
        side = DURATION_SIDE.get(language, "after")
        told_after = self._told_after(doc, spans, durations)
        out: list[Finding] = []
        for finding, span in spans:
            if not finding.present or finding.context not in ("current", "family"):
                out.append(finding)
                continue
            sentence = doc.tokens[span.start].sentence

            def same(start: int, s: int = sentence) -> bool:
                return doc.tokens[start].sentence == s

            # "گلا ۳ دن سے بہت دکھ رہا": a duration inside the words of the finding is its own.
            inside = [d for d in durations if span.start < d.start and d.end < span.end]
            local = inside or [
                d
                for d in durations
                if same(d.start) and not overlaps(d.start, d.end, span.start, span.end)
            ]
            character = None
            if finding.code in pain_concepts:
                character = _nearest([(c, s) for c, s in characters if same(s.start)], span)
            out.append(
                replace(
                    finding,
                    duration=_pick_duration(span, local, side) or told_after.get(sentence),
                    severity=_nearest([(v, s) for v, s in severities if same(s.start)], span),
                    character=character,
                    onset=next((o.payload for o in onsets if same(o.start)), None),
                )
            )
        return out

    def _told_after(
        self,
        doc: Doc,
        spans: list[tuple[Finding, Span]],
        durations: list[DurationMention],
    ) -> dict[int, Duration]:
        """Durations told in a sentence of their own that points back at what came before
        ("... can't lift her right arm. It started about 20 minutes ago.", "١٠ سال سے یہی حال
        ہے"): sentence of the findings -> that duration. Only the sentence just before, or the
        one before that when the sentence between names no finding present; words for "all this"
        ("یہ سب", ``refers_back_all``) reach every sentence of findings before them, back to
        one that has a duration of its own."""
        reach: dict[int, str] = {}
        for m in self.refers_back.find(doc):
            sentence = doc.tokens[m.start].sentence
            if reach.get(sentence) != "all":
                reach[sentence] = m.payload
        if not reach:
            return {}
        # A sentence of denials only ("Bukhar nahi hai.") names no finding to date.
        with_findings = {doc.tokens[s.start].sentence for f, s in spans if f.present}
        dated = {doc.tokens[d.start].sentence for d in durations}
        told: dict[int, Duration] = {}
        for later in sorted(reach):
            said = [d for d in durations if doc.tokens[d.start].sentence == later]
            if later in with_findings or not said:
                continue
            first = later - 1
            if first not in with_findings:
                first = later - 2  # the sentence between names no finding
            if first not in with_findings:
                continue
            run = [first]
            while reach[later] == "all" and run[-1] - 1 in with_findings - dated:
                run.append(run[-1] - 1)
            for sentence in run:
                told.setdefault(sentence, said[0].duration)
        return told

    def durations(self, doc: Doc) -> list[DurationMention]:
        numbers: dict[int, tuple[float, int]] = {}  # end token -> (value, start)
        for m in self.numbers.find(doc):
            numbers[m.end] = (m.payload, m.start)
        for tok in doc.tokens:
            value = as_number(tok.text)
            if value is not None and value < 10000:
                numbers[tok.index + 1] = (value, tok.index)
        markers = {m.end for m in self.bare_markers.find(doc)}
        ages = {m.start for m in self.age_after.find(doc)}
        found: list[DurationMention] = []
        for u in self.units.find(doc):
            unit, implied = u.payload
            pos = u.start
            skipped = 0
            while (
                pos not in numbers
                and pos > 0
                and skipped < 2
                and doc.tokens[pos - 1].text in self._fillers
            ):
                pos -= 1
                skipped += 1
            if pos in numbers:
                value, start = numbers[pos]
            elif implied:
                value, start = implied, u.start
            elif u.start in markers:
                if self._opens_a_clause(doc, u.end):
                    continue  # "من يوم ما ولدت": since the day something happened
                value, start = 1.0, u.start
            else:
                continue
            if start > 0 and doc.tokens[start - 1].text in self._not_before:
                continue  # "twice a day", "عمره سنتين": a rate or an age, not a duration
            if self._a_rate(doc, u.end):
                continue  # "گلوکوفیج ۵۰۰ دن میں دو بار": so many a day
            if u.end in ages or u.start in ages:
                continue  # "2 years old", "6 saal ka hai"
            if unit == "year" and self._after_a_person(doc, start):
                continue  # "جدتي ٨٠ سنة", "my son, 7 yrs": an age
            found.append(DurationMention(Duration(value, unit), start, u.end))
        taken = {i for d in found for i in range(d.start, d.end)}
        for r in self.relative.find(doc):
            if not taken & set(range(r.start, r.end)):
                found.append(DurationMention(r.payload, r.start, r.end))
        return sorted(found, key=lambda d: d.start)

    def _opens_a_clause(self, doc: Doc, end: int) -> bool:
        """The unit ending at ``end`` and the word after it are a date ("يوم ما")."""
        tokens = doc.tokens
        if end >= len(tokens):
            return False
        return f"{tokens[end - 1].text} {tokens[end].text}" in self._opens_clause

    def _a_rate(self, doc: Doc, end: int) -> bool:
        """The unit ending at ``end`` is followed by "in/per" and a rate word ("دن میں دو
        بار", "din mein 2 dafa")."""
        tokens = doc.tokens
        if end >= len(tokens) or tokens[end].text not in self._per:
            return False
        return any(t.text in self._frequency_words for t in tokens[end + 1 : end + 4])

    def _after_a_person(self, doc: Doc, start: int) -> bool:
        """Whether the number at ``start`` follows a word for a person, a comma between or
        not ("my son, 7 yrs")."""
        before = start
        while before > 0 and doc.tokens[before - 1].text in CLAUSE_BREAKS:
            before -= 1
        return before > 0 and doc.tokens[before - 1].text in self._persons

    def _after_a_dose(self, doc: Doc, start: int) -> bool:
        """The word before ``start`` is a number or a dose or rate word ("ملغ", "حبة")."""
        if start == 0:
            return False
        before = doc.tokens[start - 1].text
        return as_number(before) is not None or before in self._frequency_words

    def severities(self, doc: Doc) -> list[tuple[int, Span]]:
        values: dict[int, tuple[float, int]] = {}
        for m in self.numbers.find(doc):
            values[m.start] = (m.payload, m.end)
        for tok in doc.tokens:
            value = as_number(tok.text)
            if value is not None:
                values[tok.index] = (value, tok.index + 1)
        found: list[tuple[int, Span]] = []
        for c in self.scale.find(doc):
            if c.payload == "after":
                before = [(v, s) for s, (v, e) in values.items() if e == c.start]
                after = values.get(c.end)
                if before and after and after[0] == 10 and 0 <= before[0][0] <= 10:
                    found.append((int(before[0][0]), Span(before[0][1], after[1])))
            else:
                before = [(v, s) for s, (v, e) in values.items() if e == c.start]
                after = values.get(c.end)
                if before and after and before[0][0] == 10 and 0 <= after[0] <= 10:
                    found.append((int(after[0]), Span(before[0][1], after[1])))
        return found


def _nearest(items: list[tuple[V, Span]], span: Span) -> V | None:
    best: tuple[int, V] | None = None
    for value, s in items:
        distance = s.start - span.end if s.start >= span.end else span.start - s.end
        if best is None or distance < best[0]:
            best = (max(distance, 0), value)
    return best[1] if best else None


def _pick_duration(
    span: Span,
    durations: list[DurationMention],
    side: str,
) -> Duration | None:
    if not durations:
        return None
    if len(durations) == 1:
        return durations[0].duration
    after = [d for d in durations if d.start >= span.end]
    before = [d for d in reversed(durations) if d.end <= span.start]
    first, second = (after, before) if side == "after" else (before, after)
    pick = first[0] if first else second[0] if second else None
    return pick.duration if pick else None
