"""Emergency screening: never miss one, never raise one from a denied or family mention.

Symbols come from current, affirmed findings (concept ids, ``character_<x>``,
``onset_<x>``, ``<concept>_severity_high`` for a score of 8+/10 and ``<concept>_severity_max``
for 10/10) and from per-language cue phrases (``knowledge/{lang}/red_flags.yaml``) that are
not negated, family, historical or hypothetical. Language-independent rules
(``knowledge/red_flags.yaml``) combine them: chest pain + radiation to the arm, headache +
stiff neck + fever, and so on. The screen fails closed: if it raises, the result is a
``screening_error`` red flag and an escalated trace, never silence.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.concepts import TRIAGE_LEVELS, Finding, RedFlag, TriageLevel
from assistant.errors import ConfigError
from assistant.lexicon import (
    Doc,
    Match,
    PhraseMatcher,
    Vocabulary,
    check_mapping,
    entries_from_table,
    language_files,
    load_yaml,
    phrase_table,
    str_list,
)
from assistant.micromodels.attributes import CHARACTERS, ONSETS
from assistant.micromodels.base import Result, sha256_of, timed
from assistant.micromodels.negation import EMPTY_CONTEXT, ContextMap

_LOG = logging.getLogger(__name__)

SCREENING_ERROR = RedFlag(
    code="screening_error",
    label="red-flag screening failed; treat as an emergency until a clinician reviews",
    evidence="",
    rule="fail_closed",
    level="emergency",
)
_RULE_KEYS = ("id", "flag", "all", "any", "none", "names")
# Symbols from a finding's 0-10 score: 8 or more is severe, 10 is the worst pain there is.
SEVERITY_SYMBOLS = {"severity_high": 8, "severity_max": 10}


@dataclass(frozen=True, slots=True)
class FlagRule:
    id: str
    flag: str
    all: tuple[str, ...]
    any: tuple[str, ...]
    # What the evidence makes of a finding: vomiting beside "it was blood" is vomiting blood.
    names: tuple[tuple[str, str], ...] = ()
    # Symbols that keep the rule from firing: a thick tongue beside a drooping face is a stroke's.
    none: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RedFlagRules:
    flags: dict[str, tuple[str, TriageLevel]]  # id -> (label, level)
    features: dict[str, str]
    rules: tuple[FlagRule, ...]
    cues: list[tuple[str, str]]  # (phrase, feature id)
    paths: list[Path]
    # Concepts that count when said of someone else ("my father just fainted") if the words
    # also say it is happening now (feature ``acute_now``): the speaker may be a caregiver.
    acute_in_others: frozenset[str] = frozenset()
    # Features that tell a flag's sign is the harmless kind ("the spots fade under a glass"):
    # said of the patient, the flag is held back, so resemblance may not raise it; a rule still
    # may, on other signs (``reassured_by`` in red_flags.yaml).
    reassured_by: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def load(cls, knowledge_dir: Path, vocab: Vocabulary) -> RedFlagRules:
        path = knowledge_dir / "red_flags.yaml"
        data = check_mapping(
            load_yaml(path),
            "top level",
            path,
            allowed=("flags", "features", "rules", "acute_in_others", "reassured_by"),
            required=("flags", "features", "rules"),
        )
        flags: dict[str, tuple[str, TriageLevel]] = {}
        for fid, raw in check_mapping(data["flags"], "flags", path, allowed=data["flags"]).items():
            entry = check_mapping(
                raw, f"flags.{fid}", path, allowed=("label", "level"), required=("label", "level")
            )
            level = entry["level"]
            if level not in TRIAGE_LEVELS:
                raise ConfigError(
                    f"{path}: flags.{fid}.level must be one of {', '.join(TRIAGE_LEVELS)}"
                )
            flags[str(fid)] = (str(entry["label"]), level)
        features = {
            str(k): str(v)
            for k, v in check_mapping(
                data["features"], "features", path, allowed=data["features"]
            ).items()
        }
        symbols = (
            set(vocab.concepts)
            | set(features)
            | {f"character_{c}" for c in CHARACTERS}
            | {f"onset_{o}" for o in ONSETS}
            | {f"{c}_{s}" for c in vocab.concepts for s in SEVERITY_SYMBOLS}
        )
        if not isinstance(data["rules"], list):
            raise ConfigError(f"{path}: rules must be a list")
        rules: list[FlagRule] = []
        for i, raw in enumerate(data["rules"]):
            where = f"rules[{i}]"
            entry = check_mapping(raw, where, path, allowed=_RULE_KEYS, required=("id", "flag"))
            if entry["flag"] not in flags:
                raise ConfigError(f"{path}: {where}.flag: unknown flag {entry['flag']!r}")
            all_ = tuple(str_list(entry["all"], f"{where}.all", path)) if "all" in entry else ()
            any_ = tuple(str_list(entry["any"], f"{where}.any", path)) if "any" in entry else ()
            none = tuple(str_list(entry["none"], f"{where}.none", path)) if "none" in entry else ()
            if not all_ and not any_:
                raise ConfigError(f"{path}: {where} needs 'all' or 'any'")
            for symbol in all_ + any_ + none:
                if symbol not in symbols:
                    raise ConfigError(
                        f"{path}: {where}: unknown symbol {symbol!r} (not a concept or feature)"
                    )
            names = tuple(
                (str(k), str(v))
                for k, v in check_mapping(
                    entry.get("names") or {}, f"{where}.names", path, allowed=all_ + any_
                ).items()
            )
            for _from, to in names:
                if to not in vocab.concepts:
                    raise ConfigError(f"{path}: {where}.names: unknown concept {to!r}")
            rules.append(FlagRule(str(entry["id"]), str(entry["flag"]), all_, any_, names, none))
        acute_in_others = frozenset(
            str_list(data.get("acute_in_others") or [], "acute_in_others", path)
        )
        unknown = sorted(acute_in_others - set(vocab.concepts))
        if unknown:
            raise ConfigError(f"{path}: acute_in_others: unknown concept(s) {unknown}")
        if acute_in_others and "acute_now" not in features:
            raise ConfigError(f"{path}: acute_in_others needs the feature 'acute_now'")
        reassured_by: list[tuple[str, tuple[str, ...]]] = []
        raw_reassured = data.get("reassured_by") or {}
        for fid, said in check_mapping(raw_reassured, "reassured_by", path, allowed=flags).items():
            where = f"reassured_by.{fid}"
            named = tuple(str_list(said, where, path))
            unknown_features = sorted(set(named) - set(features))
            if unknown_features:
                raise ConfigError(f"{path}: {where}: unknown feature(s) {unknown_features}")
            reassured_by.append((str(fid), named))
        cues: list[tuple[str, str]] = []
        paths = [path]
        for _lang, lang_path in language_files(knowledge_dir, "red_flags"):
            paths.append(lang_path)
            lang_data = check_mapping(
                load_yaml(lang_path),
                "top level",
                lang_path,
                allowed=("features",),
                required=("features",),
            )
            cues += entries_from_table(
                phrase_table(lang_data["features"], "features", lang_path, features)
            )
        return cls(flags, features, tuple(rules), cues, paths, acute_in_others, tuple(reassured_by))


# Context that keeps an "acute now" word from placing anything in the present.
_QUALIFYING: frozenset[str] = frozenset({"NEGATED", "HYPOTHETICAL", "HISTORICAL"})


class RedFlagScreen:
    name = "red_flags"

    def __init__(self, knowledge_dir: Path, vocab: Vocabulary | None = None) -> None:
        self._vocab = vocab or Vocabulary.load(knowledge_dir)
        self._rules = RedFlagRules.load(knowledge_dir, self._vocab)
        self._names = {r.id: dict(r.names) for r in self._rules.rules if r.names}
        concepts: dict[str, set[str]] = {}
        # What every rule of a flag requires is who the flag is for ("pregnancy" for a
        # pregnancy emergency), not a sign of it; the signs are the rest, if any.
        required: dict[str, set[str]] = {}
        for rule in self._rules.rules:
            named = {s for s in (*rule.all, *rule.any) if s in self._vocab.concepts}
            concepts.setdefault(rule.flag, set()).update(named)
            needed = {s for s in rule.all if s in self._vocab.concepts}
            required[rule.flag] = required[rule.flag] & needed if rule.flag in required else needed
        self._concepts_of_flag = {
            flag: frozenset(c - required[flag] or c) for flag, c in concepts.items()
        }
        self.version = f"rules-{sha256_of(self._rules.paths)[:12]}"
        self.matcher: PhraseMatcher[str] | None = None

    def warm_up(self) -> None:
        if self.matcher is None:
            self.matcher = PhraseMatcher(self._rules.cues, fuzzy=False)

    def flag(self, code: str) -> tuple[str, TriageLevel]:
        """The English label and triage level of a flag code of knowledge/red_flags.yaml."""
        return self._rules.flags[code]

    @property
    def flag_codes(self) -> frozenset[str]:
        return frozenset(self._rules.flags)

    def denied_flags(self, findings: Sequence[Finding]) -> frozenset[str]:
        """The flags whose findings (the concepts its rules name) the patient spoke of only to
        deny them ("no chest pain at all", "لا أفكر في إنهاء حياتي"): resemblance to a denied
        emergency may not raise them."""
        denied = {f.code for f in findings if not f.present}
        present = {f.code for f in findings if f.present and f.context == "current"}
        out = set()
        for flag, concepts in self._concepts_of_flag.items():
            if concepts & denied and not concepts & present:
                out.add(flag)
        return frozenset(out)

    def run(
        self, doc: Doc, findings: Sequence[Finding], context: ContextMap = EMPTY_CONTEXT
    ) -> Result[list[RedFlag]]:
        return self.run_and_held(doc, findings, context)[0]

    def run_and_held(
        self, doc: Doc, findings: Sequence[Finding], context: ContextMap = EMPTY_CONTEXT
    ) -> tuple[Result[list[RedFlag]], frozenset[str]]:
        """``run``, and the flags a rule read the signs of but held back for what explains
        them (its ``none``: black stools on iron tablets), or whose sign the words tell is the
        harmless kind (``reassured_by``: spots that fade under a glass). Resemblance may not
        raise those: the rules have read the words and found them harmless."""
        timer = timed(self.name, self.version)
        try:
            self.warm_up()
            flags, held = self._screen(doc, findings, context)
        except Exception:  # fail closed: any failure is an escalation, never silence
            escalated = timer.finish(None, status="escalated", note="escalated:error")
            return Result([SCREENING_ERROR], escalated), frozenset()
        return Result(flags, timer.finish(confidence=0.9 if flags else 0.8)), held

    def acute_now(self, doc: Doc, context: ContextMap) -> bool:
        """Words that place what is described in the present ("suddenly", "just now", "on the
        floor"), neither denied nor hypothetical nor in the past. Said of anyone, they mean the
        person spoken of is the one to see now: the speaker may be a caregiver."""
        return self._said(doc, context, "acute_now")

    def reaction_now(self, doc: Doc, context: ContextMap, elsewhere: Collection[int] = ()) -> bool:
        """Whether an allergy's reaction is placed now: words of the present anywhere but in a
        sentence of ``elsewhere`` (token sentence indices of sentences that tell only of
        another complaint: "aspirin makes me wheeze. Nausea since last night" is today's
        nausea, not today's wheeze). A sentence that tells of an exposure always counts
        ("peanuts make my throat swell. Ate satay an hour ago, feel dizzy")."""
        found = self._cues(doc)
        exposed = {doc.tokens[m.start].sentence for m in found if m.payload == "allergic_exposure"}
        away = set(elsewhere) - exposed
        placed = [m for m in found if doc.tokens[m.start].sentence not in away]
        return self._said(doc, context, "acute_now", matches=placed)

    def relative_now(
        self,
        doc: Doc,
        context: ContextMap,
        matches: Sequence[Match[str]] | None = None,
        findings: Sequence[Finding] = (),
    ) -> bool:
        """Whether a relative's signs are happening now: words say so ("suddenly", "this
        morning"), or nothing in the utterance tells of the past, a habit or a lasting
        condition ("my uncle's mouth went crooked and his words are coming out mushy"). A
        relative said to be in hospital already is not the patient being brought.
        ``matches``: the cues already found in ``doc``, when the caller has them.
        ``findings``: those read in ``doc``, whose sentences tell which words of the past date
        the relative's signs (``_told_as_now``)."""
        found = self._cues(doc) if matches is None else matches
        if any(not context.categories(a, b) & _QUALIFYING for a, b in context.in_care):
            # "My nan fainted at church and she's in hospital now": cared for there already
            # ("he is not in hospital now" is denied, and he may be the patient).
            return False
        return self._said(
            doc, context, "acute_now", of_relative=True, matches=found
        ) or self._told_as_now(doc, context, found, findings)

    def _told_as_now(
        self,
        doc: Doc,
        context: ContextMap,
        matches: Sequence[Match[str]],
        findings: Sequence[Finding] = (),
    ) -> bool:
        """Nothing tells of the past, a habit, a lasting condition or a hypothetical, and the
        speaker does not go on to speak of themselves ("my mother fainted, I have a cough").
        Words of the past in a sentence of their own that tells of another illness ("ابو کو
        ... خون کی الٹی ... دادا جان بھی جگر کی بیماری سے گئے تھے") date that illness, not the
        relative's signs told in other sentences; alone ("that was last year"), or beside the
        signs, they still date everything."""
        acute = {f.sentence for f in findings if self._acute_of_others(f)}
        told_of = {f.sentence for f in findings if f.present}

        def dates_the_signs(at: int) -> bool:
            sentence = doc.tokens[at].sentence
            return not acute or sentence in acute or sentence not in told_of

        return (
            not any(
                s.category in ("HISTORICAL", "HYPOTHETICAL") and dates_the_signs(s.trigger_start)
                for s in context.scopes
            )
            and not any(context.turned_to_self(t) for t in context.own_turns)
            and not any(m.payload == "told_as_past" and dates_the_signs(m.start) for m in matches)
        )

    def habitual(self, doc: Doc, context: ContextMap) -> frozenset[int]:
        """The sentences (token sentence indices) with words that make a reaction what a
        substance always does ("makes my lips swell", "سوج جاتے ہیں"): an allergy to record,
        not an attack today."""
        return frozenset(
            doc.tokens[m.start].sentence
            for m in self._cues(doc)
            if m.payload == "habitual" and self._said(doc, context, "habitual", matches=[m])
        )

    def greetings(self, doc: Doc) -> frozenset[int]:
        """Token indices of the greetings ("hello doctor", "مرحبا", "salam"): the ``greeting``
        feature's words, wherever they stand."""
        return frozenset(
            i for m in self._cues(doc) if m.payload == "greeting" for i in range(m.start, m.end)
        )

    def _cues(self, doc: Doc) -> list[Match[str]]:
        self.warm_up()
        assert self.matcher is not None
        return self.matcher.find(doc)

    def _said(
        self,
        doc: Doc,
        context: ContextMap,
        feature: str,
        of_relative: bool = False,
        matches: Sequence[Match[str]] | None = None,
    ) -> bool:
        """``of_relative``: only words said of a relative, not after the speaker turned to
        themselves ("my sister had a stroke last year, and I now ...")."""
        return any(
            m.payload == feature
            and not context.categories(m.start, m.end) & _QUALIFYING
            and not context.negated_in_gap(doc, m.start, m.end, m.phrase)
            and not context.cared_for(m.start, m.end)
            and not (of_relative and context.turned_to_self(m.start))
            for m in (self._cues(doc) if matches is None else matches)
        )

    def as_patient(
        self, doc: Doc, findings: Sequence[Finding], context: ContextMap
    ) -> list[Finding]:
        """A relative's acute finding said to be happening now ("my dad is on the floor
        sweating, holding his chest") belongs to the person the speaker brought: the patient.
        It becomes a current finding; a relative's chronic condition or past illness stays
        family history. Should the cue matcher fail, the findings stay as read: the screen's
        own run then fails the same way and escalates."""
        kept = list(findings)
        try:
            matches = self._cues(doc)
            if any(self._acute_of_others(f) for f in kept) and self.relative_now(
                doc, context, matches, kept
            ):
                kept = [
                    replace(f, context="current") if self._acute_of_others(f) else f for f in kept
                ]
            return self._beside_own_visit(doc, kept, matches)
        except Exception as exc:  # the screen escalates on the same failure
            _LOG.warning("red-flag cues unavailable for the findings: %s", type(exc).__name__)
            return list(findings)

    def _beside_own_visit(
        self, doc: Doc, findings: list[Finding], matches: Sequence[Match[str]]
    ) -> list[Finding]:
        """Someone else's illness told before the speaker's own reason for coming ("my colleague
        fainted in the pantry this morning, she's ok now. I'm only here for my cough", "Mere
        shohar ko kal raat daura para tha ... Mujhe bas sar dard hai") is theirs: family
        history, not the patient's finding. Only findings in a sentence naming that person,
        before the speaker's words of their own visit, are moved, and only when the speaker
        then tells a complaint of their own. ``matches``: the cues found in ``doc``."""
        own = [m.start for m in matches if m.payload == "own_visit"]
        if not own:
            return findings
        others = [m for m in matches if m.payload == "someone_else"]

        def told_of_another(f: Finding) -> bool:
            if f.span is None or not f.present or f.context != "current":
                return False
            at = f.span[0]
            sentence = doc.tokens[at].sentence
            return any(at < o for o in own) and any(
                m.start < at and doc.tokens[m.start].sentence == sentence for m in others
            )

        moved = [
            replace(f, context="family", told_as_past=True) if told_of_another(f) else f
            for f in findings
        ]
        # The speaker goes on to a complaint of their own; "Bhai gir gaya hai, mujhe bas batao
        # kya karun" asks for help for the one brought, and nothing is moved.
        if not any(
            f.present and f.context == "current" and f.span is not None and f.span[0] > min(own)
            for f in moved
        ):
            return findings
        return moved

    def named(self, findings: Sequence[Finding], flags: Sequence[RedFlag]) -> list[Finding]:
        """Findings as the raised flags' evidence names them: the patient's vomiting is
        vomiting blood when the rule that fired read "it was blood" beside it."""
        names: dict[str, str] = {}
        for flag in flags:
            names.update(self._names.get(flag.rule, {}))
        if not names:
            return list(findings)
        renamed: list[Finding] = []
        for f in findings:
            if f.code in names and f.present and f.context == "current":
                new = names[f.code]
                if any(g.code == new and g.present and g.context == "current" for g in findings):
                    continue  # "wheezing, breathless, can't talk": the breathlessness is there
                f = replace(f, code=new, label=self._vocab.concepts[new].label)
            renamed.append(f)
        return renamed

    def _acute_of_others(self, f: Finding) -> bool:
        return (
            f.present
            and f.context == "family"
            and not f.told_as_past
            and f.code in self._rules.acute_in_others
        )

    def _evidence(
        self, doc: Doc, findings: Sequence[Finding], context: ContextMap
    ) -> dict[str, list[str]]:
        """What the rules see: each finding's concept and each feature said of the patient
        (or of someone taken ill now), with the words that told it."""
        if self.matcher is None:
            raise RuntimeError("red-flag screen used before warm_up")
        evidence: dict[str, list[str]] = {}
        for f in findings:
            if f.present and f.context == "current":
                _add_finding(evidence, f)
        said_of_others: dict[str, list[str]] = {}
        matches = self.matcher.find(doc)
        for m in matches:
            if context.cared_for(m.start, m.end):  # the "now" of "she's in hospital now"
                continue
            categories = context.categories(m.start, m.end)
            if m.payload == "acute_now":  # "suddenly", "just now": said of anyone, it is now
                categories = categories & _QUALIFYING
            if context.negated_in_gap(doc, m.start, m.end, m.phrase):
                continue
            if categories == {"FAMILY"}:  # "my sister says it's the worst headache"
                said_of_others.setdefault(m.payload, []).append(doc.evidence(m.start, m.end))
            elif not categories:
                evidence.setdefault(m.payload, []).append(doc.evidence(m.start, m.end))
        if self.relative_now(doc, context, matches, findings):
            # The speaker may be a caregiver: what is happening now to the person spoken of counts.
            for f in findings:
                if self._acute_of_others(f):
                    _add_finding(evidence, f)
            for symbol, pieces in said_of_others.items():
                evidence.setdefault(symbol, []).extend(pieces)
        return evidence

    def screen(self, doc: Doc, findings: Sequence[Finding], context: ContextMap) -> list[RedFlag]:
        return self._screen(doc, findings, context)[0]

    def _screen(
        self, doc: Doc, findings: Sequence[Finding], context: ContextMap
    ) -> tuple[list[RedFlag], frozenset[str]]:
        """The flags raised, and those held back (``run_and_held``)."""
        evidence = self._evidence(doc, findings, context)
        raised: dict[str, RedFlag] = {}
        held: set[str] = set()
        for rule in self._rules.rules:
            if rule.flag in raised:
                continue
            if not all(s in evidence for s in rule.all):
                continue
            hits = [s for s in rule.any if s in evidence]
            if rule.any and not hits:
                continue
            if any(s in evidence for s in rule.none):
                held.add(rule.flag)
                continue
            words: list[str] = []
            for symbol in (*rule.all, *hits):
                for piece in evidence[symbol]:
                    if piece and piece not in words:
                        words.append(piece)
            label, level = self._rules.flags[rule.flag]
            raised[rule.flag] = RedFlag(rule.flag, label, " … ".join(words), rule.id, level)
            # The finding is now what the rule named it: a thick tongue after peanuts is a
            # swelling tongue, and the stroke rules after this one no longer see slurred speech.
            for old, new in rule.names:
                evidence.setdefault(new, []).extend(evidence.pop(old, []))
        for flag, reassuring in self._rules.reassured_by:
            if any(feature in evidence for feature in reassuring):
                held.add(flag)
        return list(raised.values()), frozenset(held - raised.keys())


def _add_finding(evidence: dict[str, list[str]], f: Finding) -> None:
    """The finding's concept id, and its character, onset and severity band as symbols."""
    evidence.setdefault(f.code, []).append(f.evidence)
    if f.character:
        evidence.setdefault(f"character_{f.character}", []).append(f.evidence)
    if f.onset:
        evidence.setdefault(f"onset_{f.onset}", []).append(f.evidence)
    for symbol, floor in SEVERITY_SYMBOLS.items():
        if f.severity is not None and f.severity >= floor:
            evidence.setdefault(f"{f.code}_{symbol}", []).append(f.evidence)
