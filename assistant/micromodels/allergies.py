"""Allergies: substance and reaction, and an explicit "no known allergies".

A substance counts as an allergy when the sentence says so ("allergic to", "حساسية من",
"سے الرجی"), links it to a reaction ("penicillin gives me a rash"), or tells it just eaten,
taken or met with an allergic reaction now ("had prawns at lunch, now my lips swell"). A
denied allergy trigger with no specific substance ("no allergies", "ما عندي حساسية",
"مجھے کسی چیز سے الرجی نہیں", "NKDA") sets ``no_known_allergies``: distinct from an
utterance that never mentions allergies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.concepts import Allergy, Finding
from assistant.lexicon import (
    BOUNDARIES,
    CLAUSE_BREAKS,
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
from assistant.micromodels.base import Result, sha256_of, timed
from assistant.micromodels.negation import EMPTY_CONTEXT, ContextMap, Scope

_CUES = ("triggers", "no_known_allergies", "reaction_links", "today", "exposures")
_KEYS = (*_CUES, "substances", "reactions")
GENERIC_SUBSTANCES = frozenset({"medicine_unspecified", "food_unspecified"})
# What a substance just eaten, taken or met does when it is an allergy: told with an exposure
# ("had prawns at lunch, now my lips are swelling", "ابھی مونگ پھلی کھائی، ہونٹ سوج رہے ہیں"),
# these make the substance an allergy; a stomach ache after a meal does not.
EXPOSURE_WORDS = 4
EXPOSURE_REACTIONS = frozenset(
    {"rash", "hives", "itching", "swelling", "anaphylaxis", "breathing_difficulty", "wheezing"}
)
# The findings that are an allergic reaction when told of a substance, read with the findings
# model's wider words and its sites ("Brufen سے ایک دفعہ آنکھیں سوج گئی تھیں", "مرة ورمت
# عيوني منها"): finding concept -> reaction.
FINDING_REACTIONS = {
    "rash": "rash",
    "hives": "hives",
    "itching": "itching",
    "facial_swelling": "swelling",
    "throat_swelling": "swelling",
    "shortness_of_breath": "breathing_difficulty",
    "wheezing": "wheezing",
}


@dataclass(frozen=True, slots=True)
class AllergyList:
    allergies: list[Allergy]
    no_known_allergies: bool
    # Token indices of each allergy's words (substance, "allergic", reaction): what this model
    # read, for resemblance (``understanding.read_by_the_rules``).
    read: frozenset[int] = frozenset()


class AllergiesModel:
    name = "allergies"

    def __init__(self, knowledge_dir: Path, vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or Vocabulary.load(knowledge_dir)
        self._cues: list[tuple[str, str]] = []
        self._substances: list[tuple[str, str]] = []
        self._reactions: list[tuple[str, str]] = []
        paths = [self.vocab.path]
        for _lang, path in language_files(knowledge_dir, "allergies"):
            paths.append(path)
            data = check_mapping(load_yaml(path), "top level", path, allowed=_KEYS)
            for key in _CUES:
                if key in data:
                    self._cues += [(p, key) for p in str_list(data[key], key, path)]
            self._substances += entries_from_table(
                phrase_table(data.get("substances", {}), "substances", path, self.vocab.substances)
            )
            self._reactions += entries_from_table(
                phrase_table(data.get("reactions", {}), "reactions", path, self.vocab.reactions)
            )
        self.version = f"lexicon-{sha256_of(paths)[:12]}"
        self._ready = False

    def warm_up(self) -> None:
        if not self._ready:
            self.cues = PhraseMatcher(self._cues, fuzzy=False)
            self.substances = PhraseMatcher(self._substances)
            self.reactions = PhraseMatcher(self._reactions, fuzzy=False)
            self._ready = True

    def run(
        self, doc: Doc, context: ContextMap = EMPTY_CONTEXT, findings: Sequence[Finding] = ()
    ) -> Result[AllergyList]:
        """``findings``: the findings model's reading of ``doc``, whose allergic reactions
        (``FINDING_REACTIONS``) count beside this model's own reaction words."""
        self.warm_up()
        timer = timed(self.name, self.version)
        result = self.extract(doc, context, findings)
        confidence = 0.9 if result.allergies or result.no_known_allergies else None
        return Result(result, timer.finish(confidence=confidence))

    def extract(
        self, doc: Doc, context: ContextMap, findings: Sequence[Finding] = ()
    ) -> AllergyList:
        # An allergy told as long-standing ("عندي حساسية من الفستق من زمان", "allergic to
        # penicillin since childhood") is the patient's allergy still.
        context = context.without("HISTORICAL")
        cues = self.cues.find(doc)
        context = _allergy_opens_a_clause(
            doc, context, [c for c in cues if c.payload == "triggers"]
        )
        substances = self.substances.find(doc)
        reactions = _with_findings(self.reactions.find(doc), findings)
        allergies: dict[str, Allergy] = {}
        read: set[int] = set()
        nka = False
        sentences = sorted({doc.tokens[m.start].sentence for m in cues})
        for sentence in sentences:

            def here(items: list[Match[str]], s: int = sentence) -> list[Match[str]]:
                return [m for m in items if doc.tokens[m.start].sentence == s]

            s_cues, s_subs, s_reacts = here(cues), here(substances), here(reactions)
            # "Ate the prawn biryani 15 mins ago. Now my lips are like two balloons": what was
            # eaten, taken or met may show in the next sentence, if that names no substance.
            later = [] if here(substances, sentence + 1) else here(reactions, sentence + 1)
            triggers = [c for c in s_cues if c.payload == "triggers"]
            live = [c for c in triggers if not context.categories(c.start, c.end)]
            denied = [c for c in triggers if context.categories(c.start, c.end) == {"NEGATED"}]
            kept_subs = [m for m in s_subs if not context.categories(m.start, m.end)]
            # "not allergic to penicillin" denies one substance, not every allergy.
            specific = [m for m in s_subs if m.payload not in GENERIC_SUBSTANCES]
            linked = live or (any(c.payload == "reaction_links" for c in s_cues) and s_reacts)
            # "ate kiwi, now my mouth is itchy": a substance just met, then an allergic
            # reaction; only the substance eaten, taken or met is the allergy.
            exposures = (
                {} if linked else _exposed_to(doc, context, s_cues, specific, s_reacts + later)
            )
            said_none = any(c.payload == "no_known_allergies" for c in s_cues)
            # "peanuts make me itch, no allergy to medicines": the named, linked substance
            # stands; the denial covers the rest.
            named_here = [m for m in specific if not context.categories(m.start, m.end)]
            if live:
                named_here = _named_with_the_allergy_word(doc, named_here, live, s_cues)
            if (said_none and not (named_here and linked)) or (
                denied and not specific and not live
            ):
                nka = True
                continue
            if not linked and not exposures:
                continue
            # "sulfa medicines", "eating shrimp": the general word goes with the named one;
            # alone it is an allergy only when the sentence says allergy ("کھانے کے بعد" is
            # "after eating", not a food allergy).
            kept_subs = list(exposures) or named_here or (kept_subs if live else [])
            # "allergic to dust, now my eyes are red": what comes after "now" is today's.
            today = [c for c in s_cues if c.payload == "today"]
            told = [r for r in s_reacts if "FAMILY" not in context.categories(r.start, r.end)]
            told_later = [r for r in later if "FAMILY" not in context.categories(r.start, r.end)]
            for m in kept_subs:
                if m.payload in allergies:
                    continue
                # After an exposure, the reaction told "now" is the substance's own.
                bounds = s_subs if m in exposures else s_subs + today
                linked_reacts = _reactions_of(doc, m, told, bounds)
                if m in exposures and not linked_reacts:
                    linked_reacts = told_later[:1]
                if not told and not here(substances, sentence + 1):
                    # "I'm allergic to sulfa. I break out in a rash." names the reaction next.
                    linked_reacts = [
                        r
                        for r in here(reactions, sentence + 1)
                        if not context.categories(r.start, r.end)
                    ][:1]
                # A reaction to what was just eaten or taken is the patient's complaint now:
                # the allergy's words are the substance and the exposure ("had prawns").
                span = [m, exposures[m]] if m in exposures else [m, *live, *linked_reacts]
                start = min(x.start for x in span)
                end = max(x.end for x in span)
                read.update(range(start, end))
                label, code = self.vocab.substances[m.payload]
                first = linked_reacts[0].payload if linked_reacts else None
                allergies[m.payload] = Allergy(
                    substance=label,
                    evidence=doc.evidence(start, end),
                    confidence=round(0.9 * m.confidence, 3),
                    code=code,
                    reaction=self.vocab.reactions[first] if first else None,
                )
        return AllergyList(list(allergies.values()), nka and not allergies, frozenset(read))


def _with_findings(reactions: list[Match[str]], findings: Sequence[Finding]) -> list[Match[str]]:
    """This model's reaction words, and the findings that are an allergic reaction where no
    reaction word of its own lies."""
    extra = [
        Match(FINDING_REACTIONS[f.code], f.span[0], f.span[1], f.confidence, f.evidence)
        for f in findings
        if f.code in FINDING_REACTIONS
        and f.span is not None
        and not any(r.start < f.span[1] and f.span[0] < r.end for r in reactions)
    ]
    return sorted(reactions + extra, key=lambda r: (r.start, r.end))


def _exposed_to(
    doc: Doc,
    context: ContextMap,
    cues: list[Match[str]],
    substances: list[Match[str]],
    reactions: list[Match[str]],
) -> dict[Match[str], Match[str]]:
    """The substances just eaten, taken or met (an ``exposures`` cue within
    ``EXPOSURE_WORDS`` words of it, in its clause: "had prawns", "بھڑ نے ... ڈنک مارا") when
    an allergic reaction not denied comes after the cue: "started the amoxicillin yesterday,
    now an itchy rash"; not "my cheek is swollen, I took Brufen". Each with its cue."""
    found: dict[Match[str], Match[str]] = {}
    for cue in cues:
        if cue.payload != "exposures" or context.categories(cue.start, cue.end):
            continue
        if not any(
            r.start >= cue.end
            and r.payload in EXPOSURE_REACTIONS
            and not context.categories(r.start, r.end)
            for r in reactions
        ):
            continue
        for m in substances:
            if context.categories(m.start, m.end) or m in found:
                continue
            lo, hi = (m.end, cue.start) if m.end <= cue.start else (cue.end, m.start)
            if not _clause_break(doc, lo, hi) and doc.words_between(lo, hi) <= EXPOSURE_WORDS:
                found[m] = cue
    return found


def _allergy_opens_a_clause(
    doc: Doc, context: ContextMap, triggers: list[Match[str]]
) -> ContextMap:
    """A denial's list goes on past a comma ("no fever, cough or chills"), but an allergy
    word after the comma starts a statement of its own: in "no fever, allergic to
    amoxicillin" the denial ends at the comma. A denial said with the allergy word in its
    own clause ("not allergic to penicillin, sulfa or aspirin") runs on over its list."""
    if not triggers:
        return context
    scopes: list[Scope] = []
    for scope in context.scopes:
        if scope.category == "NEGATED":
            for t in triggers:
                if not (scope.trigger_end <= t.start and scope.start <= t.start < scope.end):
                    continue
                last_comma = max(
                    (
                        i
                        for i in range(scope.trigger_end, t.start)
                        if doc.tokens[i].text in CLAUSE_BREAKS
                    ),
                    default=None,
                )
                if last_comma is not None:
                    scope = replace(scope, end=last_comma)
        scopes.append(scope)
    return replace(context, scopes=tuple(scopes))


def _named_with_the_allergy_word(
    doc: Doc, substances: list[Match[str]], triggers: list[Match[str]], cues: list[Match[str]]
) -> list[Match[str]]:
    """The substances the allergy word speaks of. In "I take Brufen 400 twice a day, and I
    am allergic to penicillin" (اخذ بروفين ٤٠٠ مرتين، وعندي حساسيه من البنسلين) the medicine in
    a clause before the allergy word's is one the patient takes, not an allergy, when the
    allergy word names a substance of its own. A clause of its own that links its substance
    to a reaction ("penicillin gives me a rash, and I am also allergic to sulfa") stays."""
    opens = min(t.start for t in triggers)
    while opens > 0 and doc.tokens[opens - 1].text not in CLAUSE_BREAKS | BOUNDARIES:
        opens -= 1
    own = [m for m in substances if m.start >= opens]
    if not own:
        return substances
    links = [c for c in cues if c.payload == "reaction_links"]
    return [
        m
        for m in substances
        if m.start >= opens
        or any(
            not _clause_break(doc, min(m.end, c.start), max(m.start, c.end))
            for c in links
            if c.end <= opens
        )
    ]


def _reactions_of(
    doc: Doc, substance: Match[str], reactions: list[Match[str]], bounds: list[Match[str]]
) -> list[Match[str]]:
    """The reactions that tell what ``substance`` does, in the order said: the first one
    after it, before the next substance or word of today in ``bounds`` ("sulfa makes my face
    swell and latex gives me an itchy rash", "allergic to dust, now my eyes are red"), or else
    the first one before it in the same clause ("تجيني حكة وانتفاخ من السلفا", "hives from
    penicillin"); then those joined to that one in its clause ("itchy red bumps"). A reaction
    before the substance across a clause comma is a complaint of its own ("itchy rash on both
    arms, also I am allergic to sulfa drugs", "my cheek is swollen, I am allergic to
    amoxicillin, it gives me rash")."""
    others = [
        m for m in bounds if m.payload != substance.payload and m.payload not in GENERIC_SUBSTANCES
    ]
    upto = min((m.start for m in others if m.start >= substance.end), default=len(doc.tokens))
    after = [r for r in reactions if substance.end <= r.start < upto]
    before = [
        r
        for r in reactions
        if r.end <= substance.start and not _clause_break(doc, r.end, substance.start)
    ]
    chosen = sorted(after or before, key=lambda r: r.start)
    if not chosen:
        return []
    first = chosen[0]
    return [first] + [
        r for r in chosen[1:] if r.start < upto and not _clause_break(doc, first.end, r.start)
    ]


def _clause_break(doc: Doc, start: int, end: int) -> bool:
    return any(t.text in CLAUSE_BREAKS or t.text in BOUNDARIES for t in doc.tokens[start:end])
