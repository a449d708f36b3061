"""Context of a mention, ConText style: negated, family, historical or hypothetical.

Rules are data (``knowledge/{lang}/negation.yaml``). A trigger ("no", "ما عندي", "نہیں",
"my mother") opens a scope forward, backward or both, up to ``max_scope`` words; the scope
stops at a sentence boundary or at a terminator ("but", "بس", "لیکن", "magar"). A pseudo
trigger ("no doubt") only blocks the trigger it overlaps. A trigger never modifies a target
it overlaps ("can't breathe" stays a positive finding). Rules of every language are applied
to every utterance: patients mix languages and scripts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.errors import ConfigError
from assistant.lexicon import (
    BOUNDARIES,
    CLAUSE_BREAKS,
    GAP,
    Doc,
    Match,
    PhraseMatcher,
    Token,
    check_mapping,
    language_files,
    load_yaml,
    longest_non_overlapping,
    overlaps,
    str_list,
    tokenize_phrase,
)
from assistant.micromodels.base import Result, sha256_of, timed

Category = Literal["NEGATED", "FAMILY", "HISTORICAL", "HYPOTHETICAL"]
CATEGORIES: tuple[Category, ...] = ("NEGATED", "FAMILY", "HISTORICAL", "HYPOTHETICAL")
# CURRENT marks words that place a relative's symptom in the present ("since this morning",
# "الحين", "آج"): the speaker is describing the patient they brought, not family history.
# CONTINUES marks the past-tense word that ends a clause ("تھا", "tha"): after a comma, a
# clause ending in it goes on with the relative's past told in the clause before it
# ("ابا کو پچھلے سال فالج ہوا تھا، منہ ٹیڑھا ہو گیا تھا").
# ASKED marks a question put to the patient or a relative ("I asked her if", "سألته اذا",
# "... کا پوچھا"), its scope the words asked about; ANSWER_NO a denial said as the reply ("no",
# "لا والله", "نئیں جی"), which denies the question just before it: "chest pain? no, nothing
# like that", "asked him if he thinks of hurting himself, he said no".
# SAYS marks who gives the reply, between the question and it ("she says", "قال", "کہنے لگی").
# IN_CARE marks words that say someone is already cared for ("she's in hospital now", "وهي
# الحين في المستشفى", "ab ward mein hai", "the ambulance took him"): a "now" inside them places
# no relative's symptom in the present, and the red-flag screen does not take such a relative
# for the patient being brought (ContextMap.in_care).
_QUESTION_KINDS = ("ASKED", "ANSWER_NO", "SAYS")
_KINDS = (*CATEGORIES, "TERMINATE", "PSEUDO", "CURRENT", "CONTINUES", "IN_CARE", *_QUESTION_KINDS)
_DIRECTIONS = ("forward", "backward", "bidirectional")
_RULE_KEYS = (
    "category",
    "direction",
    "max_scope",
    "terminates",
    "requires_earlier",
    "over_commas",
    "over_sentence",
    "over_terminators",
    "speaker",
    "not_after_own_turn",
    "phrases",
)
DEFAULT_MAX_SCOPE = 8
# A question told without a word for asking ("chest pain? no"): its last clause, up to this
# many words before the question mark.
QUESTION_WORDS = 10
# A comma followed by more words than this starts a new clause (see _new_clause).
LIST_ITEM_WORDS = 3


@dataclass(frozen=True, slots=True)
class ContextRule:
    kind: str  # a category, TERMINATE or PSEUDO
    direction: str
    max_scope: int
    terminates: frozenset[str]
    # An anaphor ("she", "عندها", "وہ") counts only after a trigger of this category
    # earlier in the utterance: "My sister ... She has diabetes."
    requires_earlier: str | None = None
    # A backward scope that reaches over clause commas: "a seizure after a head injury, nothing
    # since" says the seizure is past.
    over_commas: bool = False
    # A backward scope whose trigger opens its sentence reaches back into the sentence before:
    # "... I could jump off the roof haha. Just kidding" takes back the sentence it follows.
    over_sentence: bool = False
    # A terminator that is the speaker's own word ("I", "أنا", "مجھے"): after it, what is said
    # is about the speaker, not the relative named before (ContextMap.own_turns).
    speaker: bool = False
    # An anaphor that may name things as well as people ("they", "them"): after the speaker
    # has turned to themselves it refers to what they just said ("my uncle died of a bleed.
    # I get tension headaches, they build up slowly"), not to the relative named before.
    not_after_own_turn: bool = False
    # A backward scope no terminator stops: a joke owned as one takes back the whole clause it
    # follows, its "is" and "but" too ("خودکشی ہی کر لوں 😂 مذاق ہے", whose "ہی" reads as "ہے").
    over_terminators: bool = False


@dataclass(frozen=True, slots=True)
class Scope:
    category: Category
    trigger_start: int
    trigger_end: int
    start: int  # token indices, end exclusive
    end: int


@dataclass(frozen=True, slots=True)
class ContextMap:
    """The scopes found in one utterance; ask it about any target span."""

    scopes: tuple[Scope, ...]
    # Where the speaker turns from a relative to themselves ("وآني", "I", "مجھے"): the starts
    # of the terminators that are the speaker's own words (``speaker: true``).
    own_turns: tuple[int, ...] = ()
    # The spans (start, end exclusive) of IN_CARE words: someone already in hospital.
    in_care: tuple[tuple[int, int], ...] = ()

    def without(self, category: Category) -> ContextMap:
        """The same map with one category's scopes dropped."""
        kept = tuple(s for s in self.scopes if s.category != category)
        return ContextMap(kept, self.own_turns, self.in_care)

    def cared_for(self, start: int, end: int) -> bool:
        """True when the span lies inside words that say someone is already in care."""
        return any(overlaps(a, b, start, end) for a, b in self.in_care)

    def turned_to_self(self, at: int) -> bool:
        """True when the speaker turned to themselves between the last relative named before
        token ``at`` and ``at``: the words there are about the speaker, not the relative."""
        named = [
            s.trigger_start for s in self.scopes if s.category == "FAMILY" and s.trigger_start < at
        ]
        return bool(named) and any(max(named) < t <= at for t in self.own_turns)

    def categories(self, start: int, end: int) -> frozenset[Category]:
        return frozenset(
            s.category
            for s in self.scopes
            if (
                overlaps(s.start, s.end, start, end)
                # A phrase that holds its own trigger ("can't breathe") is not denied by it;
                # one that only shares a word with it ("فيه دم" in "ما فيه دم") is.
                and not (start <= s.trigger_start and s.trigger_end <= end)
            )
            # What a past trigger names inside itself is past too: the fits of "no fits
            # since 2019".
            or (
                s.category == "HISTORICAL"
                and s.trigger_start <= start
                and end <= s.trigger_end
                and (start, end) != (s.trigger_start, s.trigger_end)
            )
        )

    def in_trigger(self, start: int, end: int, category: Category) -> bool:
        """True when the span is part of a ``category`` trigger ("خايفة تكون", "worried")."""
        return any(
            s.category == category and overlaps(s.trigger_start, s.trigger_end, start, end)
            for s in self.scopes
        )

    def negated_in_gap(self, doc: Doc, start: int, end: int, phrase: str) -> bool:
        """True when a gapped phrase ("زبان ... لڑکھڑا") skipped over a negation that is
        not one of its own words: "زبان بھی نہیں لڑکھڑا رہی" is denied, not said."""
        words = tokenize_phrase(phrase)
        if GAP not in words:
            return False
        own = {w.rstrip("*") for w in words}
        return any(
            s.category == "NEGATED"
            and start < s.trigger_start
            and s.trigger_end < end
            and not all(doc.tokens[i].text in own for i in range(s.trigger_start, s.trigger_end))
            for s in self.scopes
        )


EMPTY_CONTEXT = ContextMap(())


def load_rules(knowledge_dir: Path) -> tuple[list[tuple[str, ContextRule]], list[Path]]:
    entries: list[tuple[str, ContextRule]] = []
    paths: list[Path] = []
    for _lang, path in language_files(knowledge_dir, "negation"):
        paths.append(path)
        data = check_mapping(
            load_yaml(path), "top level", path, allowed=("rules",), required=("rules",)
        )
        if not isinstance(data["rules"], list):
            raise ConfigError(f"{path}: rules must be a list")
        for i, raw in enumerate(data["rules"]):
            where = f"rules[{i}]"
            rule = check_mapping(
                raw, where, path, allowed=_RULE_KEYS, required=("category", "phrases")
            )
            kind = rule["category"]
            if kind not in _KINDS:
                raise ConfigError(
                    f"{path}: {where}.category must be one of {', '.join(_KINDS)}, got {kind!r}"
                )
            direction = rule.get("direction", "forward")
            if (kind in CATEGORIES or kind == "ASKED") and direction not in _DIRECTIONS:
                choices = ", ".join(_DIRECTIONS)
                raise ConfigError(
                    f"{path}: {where}.direction must be one of {choices}, got {direction!r}"
                )
            max_scope = rule.get("max_scope", DEFAULT_MAX_SCOPE)
            if not isinstance(max_scope, int) or max_scope <= 0:
                raise ConfigError(f"{path}: {where}.max_scope must be a positive integer")
            terminates = frozenset(str_list(rule.get("terminates", list(CATEGORIES)), where, path))
            unknown = terminates - set(CATEGORIES)
            if unknown:
                choices = ", ".join(CATEGORIES)
                raise ConfigError(
                    f"{path}: {where}.terminates: unknown {sorted(unknown)}; allowed: {choices}"
                )
            requires = rule.get("requires_earlier")
            if requires is not None and requires not in CATEGORIES:
                choices = ", ".join(CATEGORIES)
                raise ConfigError(
                    f"{path}: {where}.requires_earlier must be one of {choices}, got {requires!r}"
                )
            over_commas = rule.get("over_commas", False)
            if not isinstance(over_commas, bool):
                raise ConfigError(f"{path}: {where}.over_commas must be true or false")
            over_sentence = rule.get("over_sentence", False)
            if not isinstance(over_sentence, bool) or (over_sentence and direction != "backward"):
                raise ConfigError(
                    f"{path}: {where}.over_sentence must be true or false, on a backward rule"
                )
            over_terminators = rule.get("over_terminators", False)
            if not isinstance(over_terminators, bool) or (
                over_terminators and direction != "backward"
            ):
                raise ConfigError(
                    f"{path}: {where}.over_terminators must be true or false, on a backward rule"
                )
            speaker = rule.get("speaker", False)
            if not isinstance(speaker, bool) or (speaker and kind != "TERMINATE"):
                raise ConfigError(f"{path}: {where}.speaker must be true or false, on TERMINATE")
            not_after_own_turn = rule.get("not_after_own_turn", False)
            if not isinstance(not_after_own_turn, bool) or (not_after_own_turn and not requires):
                raise ConfigError(
                    f"{path}: {where}.not_after_own_turn must be true or false, "
                    "with requires_earlier"
                )
            parsed = ContextRule(
                kind,
                direction,
                max_scope,
                terminates,
                requires,
                over_commas,
                over_sentence,
                speaker,
                not_after_own_turn,
                over_terminators,
            )
            entries.extend(
                (phrase, parsed) for phrase in str_list(rule["phrases"], f"{where}.phrases", path)
            )
    return entries, paths


class ContextModel:
    name = "negation"

    def __init__(self, knowledge_dir: Path) -> None:
        entries, paths = load_rules(knowledge_dir)
        self._entries = entries
        self.version = f"rules-{sha256_of(paths)[:12]}"
        self._matcher: PhraseMatcher[ContextRule] | None = None

    def warm_up(self) -> None:
        if self._matcher is None:
            # No typo tolerance: "not" must never be guessed from "note".
            self._matcher = PhraseMatcher(self._entries, fuzzy=False)

    def run(self, doc: Doc, /) -> Result[ContextMap]:
        self.warm_up()
        assert self._matcher is not None
        with_trace = timed(self.name, self.version)
        scopes, own, in_care = self.scopes(doc)
        return Result(
            ContextMap(tuple(scopes), tuple(own), tuple(in_care)),
            with_trace.finish(confidence=1.0),
        )

    def scopes(self, doc: Doc) -> tuple[list[Scope], list[int], list[tuple[int, int]]]:
        """The scopes, where the speaker turns to themselves (``ContextMap.own_turns``) and
        the words that say someone is already in care (``ContextMap.in_care``)."""
        assert self._matcher is not None
        found = self._matcher.find_all(doc)
        pseudo = [m for m in found if m.payload.kind == "PSEUDO"]
        kept = [
            m
            for m in found
            if m.payload.kind == "PSEUDO"
            or not any(
                overlaps(p.start, p.end, m.start, m.end) and p.length >= m.length for p in pseudo
            )
        ]
        # "and he" ends a denial and leaves "he" to refer back to the relative; "اس کے بعد
        # سے" (since then), which ends what was said of a relative, takes the "اس کے" in it.
        spared = {
            (t, a)
            for t in kept
            if t.payload.kind == "TERMINATE"
            for a in kept
            if a.payload.requires_earlier
            and a.payload.kind not in t.payload.terminates
            and overlaps(a.start, a.end, t.start, t.end)
        }
        sparing = {t for t, _ in spared}
        # In-care words take no trigger's place: "Dad's in hospital" still names the father.
        chosen = longest_non_overlapping(
            [
                m
                for m in kept
                if m not in sparing and m.payload.kind not in (*_QUESTION_KINDS, "IN_CARE")
            ]
        )
        triggers = [m for m in kept if m.payload.kind in CATEGORIES]
        # A terminator inside a longer trigger ("not feeling", "don't have") does not stop it.
        # Terminators may overlap each other ("i have" and "i"): every one of them counts.
        terminators = [
            m
            for m in kept
            if m.payload.kind == "TERMINATE"
            and not any(
                overlaps(t.start, t.end, m.start, m.end) for t in triggers if (m, t) not in spared
            )
        ]
        in_care = [(m.start, m.end) for m in kept if m.payload.kind == "IN_CARE"]
        current = [
            m
            for m in kept
            if m.payload.kind == "CURRENT"
            and not any(overlaps(a, b, m.start, m.end) for a, b in in_care)
        ]
        own = [t.start for t in terminators if t.payload.speaker]
        speaker_ends = {t.end for t in terminators if t.payload.speaker}
        tokens = doc.tokens
        scopes: list[Scope] = []
        anaphors: set[int] = set()
        for m in chosen:
            rule = m.payload
            if rule.kind not in CATEGORIES:
                continue
            if rule.requires_earlier:
                antecedents = [
                    t.start
                    for t in chosen
                    if t.payload.kind == rule.requires_earlier
                    and t.payload.requires_earlier is None
                    and t.start < m.start
                ]
                if not antecedents:
                    continue
                if rule.not_after_own_turn and any(max(antecedents) < t < m.start for t in own):
                    continue
            category: Category = rule.kind
            if rule.requires_earlier:
                anaphors.add(len(scopes))
            stops = {t.start for t in terminators if category in t.payload.terminates}
            stop_ends = {t.end for t in terminators if category in t.payload.terminates}
            if category == "NEGATED":
                # "سانس نہیں آ رہی اور بات نہیں ...": words that hold their own "not" end a
                # denial reaching back to them.
                stop_ends |= {p.end for p in pseudo}
            if rule.direction in ("forward", "bidirectional"):
                end = m.end
                words = 0
                while end < len(tokens) and tokens[end].text not in BOUNDARIES and end not in stops:
                    if tokens[end].text in CLAUSE_BREAKS and _new_clause(tokens, end + 1):
                        break
                    if tokens[end].is_word:
                        words += 1
                        if words > rule.max_scope:
                            break
                    end += 1
                if end > m.end:
                    scopes.append(Scope(category, m.start, m.end, m.end, end))
            if rule.direction in ("backward", "bidirectional"):
                start = m.start
                words = 0
                may_cross = rule.over_sentence and _opens_sentence(tokens, m.start)
                stopped_at = frozenset() if rule.over_terminators else stop_ends
                while start > 0 and start not in stopped_at:
                    before = tokens[start - 1].text
                    if before in BOUNDARIES:
                        if not may_cross:
                            break
                        may_cross = False
                    elif before in CLAUSE_BREAKS and not rule.over_commas:
                        break
                    if tokens[start - 1].is_word:
                        words += 1
                        if words > rule.max_scope:
                            break
                    start -= 1
                # "I fainted at my cousin's wedding": a relative named after the speaker's own
                # "I" in the clause is not the one it tells of.
                spoken_by_self = category == "FAMILY" and start in speaker_ends
                if start < m.start and not spoken_by_self:
                    scopes.append(Scope(category, m.start, m.end, start, m.start))
        continues = [m for m in kept if m.payload.kind == "CONTINUES"]
        scopes += _past_story_goes_on(scopes, continues, own, doc)
        denials = {m.start for m in triggers if m.payload.kind == "NEGATED"}
        scopes += _answered_no(
            [m for m in kept if m.payload.kind == "ASKED"],
            [m for m in kept if m.payload.kind == "ANSWER_NO"],
            {i for m in kept if m.payload.kind == "SAYS" for i in range(m.start, m.end)},
            denials,
            doc,
        )
        cared = [
            (a, b)
            for a, b in in_care
            if not any(s.category == "NEGATED" and overlaps(s.start, s.end, a, b) for s in scopes)
        ]
        return _speaking_for_patient(scopes, anaphors, current, own, cared, doc), own, in_care


def _opens_sentence(tokens: Sequence[Token], at: int) -> bool:
    """No word comes before token ``at`` in its sentence."""
    sentence = tokens[at].sentence
    return not any(t.is_word for t in tokens[:at] if t.sentence == sentence)


def _past_story_goes_on(
    scopes: list[Scope], enders: list[Match[ContextRule]], own: list[int], doc: Doc
) -> list[Scope]:
    """A relative's past told in one clause goes on in the next when that clause, after a
    comma, ends in a past-tense word and the speaker has not turned to themselves: "میرے
    بھائی کو پچھلے مہینے فالج ہوا تھا، منہ ٹیڑھا ہو گیا تھا" tells of the brother's face
    then. Only a clause that is both a relative's and the past carries on."""
    tokens = doc.tokens
    added: list[Scope] = []
    for m in enders:
        words_after = [t for t in _clause(tokens, m.end) if t.is_word]
        if words_after:
            continue  # not the clause's last word
        start = m.start
        while start > 0 and tokens[start - 1].text not in BOUNDARIES | CLAUSE_BREAKS:
            start -= 1
        if start == 0 or tokens[start - 1].text not in CLAUSE_BREAKS or start == m.start:
            continue
        before = start - 2  # the last token of the clause before the comma
        if before < 0 or any(start <= t < m.start for t in own):
            continue
        told = {
            s.category
            for s in scopes
            if s.start <= before < s.end and s.category in ("FAMILY", "HISTORICAL")
        }
        if told == {"FAMILY", "HISTORICAL"}:
            added += [Scope(c, m.start, m.end, start, m.start) for c in sorted(told)]
    return added


def _answered_no(
    asked: list[Match[ContextRule]],
    answers: list[Match[ContextRule]],
    says: set[int],
    denials: set[int],
    doc: Doc,
) -> list[Scope]:
    """Denials said as the reply to a question: the words asked about are denied. A reply is
    a denial standing alone ("no,", "nahi yaar", "لا والله" before a comma, the end, or
    another denial: "قال لا ابد ولا خطرت"), right after the question or after who replies
    (``says``: token indices of "she says", "قال"); "no fever" after a question is no reply,
    and neither is "بخار وغیرہ نہیں" (no fever or such) after one. The question is what
    an ASKED trigger asked about ("I asked my mum if her hand feels weak, she says no"), or the
    last clause before a question mark ("blood in the vomit? no, only food")."""
    tokens = doc.tokens
    questions: list[tuple[int, int, int]] = []  # (start, end, where the reply may begin)
    for m in asked:
        rule = m.payload
        if rule.direction in ("forward", "bidirectional"):
            end = _clause_end(tokens, m.end, rule.max_scope)
            if end > m.end:
                questions.append((m.end, end, end))
        if rule.direction in ("backward", "bidirectional"):
            start = _clause_start(tokens, m.start, rule.max_scope)
            if start < m.start:
                questions.append((start, m.start, m.end))
    for i, t in enumerate(tokens):
        if t.text == "?":
            start = _clause_start(tokens, i, QUESTION_WORDS)
            if start < i:
                questions.append((start, i, i))
    alone = [
        a for a in answers if a.end == len(tokens) or not tokens[a.end].is_word or a.end in denials
    ]
    added: list[Scope] = []
    for a in longest_non_overlapping(alone):
        asked_about = [
            (start, end)
            for start, end, reply in questions
            if reply <= a.start
            and _reply_follows(tokens, reply, a.start, says)
            # "poocha tha - nahi": "tha" is who spoke, not what was asked.
            and any(t.is_word and t.index not in says for t in tokens[start:end])
        ]
        if asked_about:
            start, end = max(asked_about, key=lambda q: q[1])
            added.append(Scope("NEGATED", a.start, a.end, start, end))
    return added


# A dash or colon also ends what was asked: "you asked about chest pain - no".
_QUESTION_ENDS = BOUNDARIES | CLAUSE_BREAKS | {"-", "–", "—", ":"}


def _clause_end(tokens: Sequence[Token], start: int, max_words: int) -> int:
    end, words = start, 0
    while end < len(tokens) and tokens[end].text not in _QUESTION_ENDS:
        if tokens[end].is_word:
            words += 1
            if words > max_words:
                break
        end += 1
    return end


def _clause_start(tokens: Sequence[Token], end: int, max_words: int) -> int:
    start, words = end, 0
    while start > 0 and tokens[start - 1].text not in _QUESTION_ENDS:
        if tokens[start - 1].is_word:
            words += 1
            if words > max_words:
                break
        start -= 1
    return start


def _reply_follows(tokens: Sequence[Token], start: int, end: int, says: set[int]) -> bool:
    """Between a question and a reply: punctuation, crossing one sentence at most, and the
    words of who answers ("she says", "کہتی ہیں", "قال")."""
    between = tokens[start:end]
    boundaries = sum(1 for t in between if t.text in BOUNDARIES)
    return boundaries <= 1 and all(not t.is_word or t.index in says for t in between)


def _new_clause(tokens: Sequence[Token], start: int) -> bool:
    """After a comma, a list goes on ("no fever, cough or chills": up to three words) or a new
    clause starts (more words, or in Arabic any led by "و": "ما نمت زين، وراسي يعورني",
    "عمري ما جاني صداع كذا، واستفرغت"): a forward scope crosses the comma into the list only.
    An Arabic list after a denial goes on with "ولا", itself a denial ("لا حرارة، ولا كحة")."""
    words = [t for t in _clause(tokens, start) if t.is_word]
    and_then = bool(words) and words[0].is_arabic and words[0].text.startswith("و")
    return len(words) > LIST_ITEM_WORDS or and_then


def _clause(tokens: Sequence[Token], start: int) -> list[Token]:
    clause: list[Token] = []
    for token in tokens[start:]:
        if token.text in BOUNDARIES or token.text in CLAUSE_BREAKS:
            break
        clause.append(token)
    return clause


def _speaking_for_patient(
    scopes: list[Scope],
    anaphors: set[int],
    current: list[Match[ContextRule]],
    own: list[int],
    cared: list[tuple[int, int]],
    doc: Doc,
) -> list[Scope]:
    """Drop FAMILY scopes that describe a relative's symptoms now ("My mum is 80 and since
    this morning she's confused"): that relative is the patient. A FAMILY trigger goes when
    a present-time cue lies in one of its scopes or later in its sentence, unless the speaker
    has turned to themselves before it (``own``: the speaker's own words, "I", "وآني", "مجھے":
    "my sister had a stroke last year, and I now have tingling"); an anaphor ("she", "وہ")
    goes with the relative it refers to, the nearest FAMILY trigger before it. A relative
    said after it to be in care already (``cared``: "since this morning she's confused, she's
    in hospital now") is not the patient being brought, and stays."""
    if not current:
        return scopes

    def in_care(s: Scope) -> bool:
        return any(
            a >= s.trigger_end and not any(s.trigger_end <= t < a for t in own) for a, _ in cared
        )

    def now(s: Scope) -> bool:
        if in_care(s):
            return False
        sentence = doc.tokens[s.trigger_start].sentence
        return any(
            overlaps(s.start, s.end, c.start, c.end)
            or (
                c.start >= s.trigger_end
                and doc.tokens[c.start].sentence == sentence
                and not any(s.trigger_end <= t < c.start for t in own)
            )
            for c in current
        )

    family = [(i, s) for i, s in enumerate(scopes) if s.category == "FAMILY"]
    dropped_triggers = {s.trigger_start for _, s in family if now(s)}
    antecedents = sorted({s.trigger_start for i, s in family if i not in anaphors})
    for i, s in family:
        if i not in anaphors:
            continue
        before = [t for t in antecedents if t < s.trigger_start]
        if before and before[-1] in dropped_triggers:
            dropped_triggers.add(s.trigger_start)
    return [
        s for s in scopes if not (s.category == "FAMILY" and s.trigger_start in dropped_triggers)
    ]
