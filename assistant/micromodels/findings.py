"""Symptoms and conditions, in any of the three languages, as language-independent concepts.

Lexicons are data (``knowledge/{lang}/findings.yaml``) mapping patient words onto the ids of
``knowledge/concepts.yaml``. Besides fixed phrases, a pain/swelling/bleeding word next to a
body site is composed into a site-specific concept ("سینے میں درد" -> chest pain). Each
finding carries its context (negated, family, history: from the ConText map), the patient's
own words as evidence, and attributes parsed nearby (``attributes.py``): duration, severity
0-10, onset, location and character.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Final, NamedTuple

from assistant.concepts import Finding, FindingContext
from assistant.lexicon import (
    GAP,
    Concept,
    Doc,
    Match,
    PhraseMatcher,
    Vocabulary,
    check_mapping,
    entries_from_table,
    language_files,
    load_yaml,
    longest_non_overlapping,
    overlaps,
    phrase_table,
    str_list,
)
from assistant.micromodels.attributes import AttributeParser, AttributeTables, Span
from assistant.micromodels.base import Result, sha256_of, timed
from assistant.micromodels.negation import EMPTY_CONTEXT, ContextMap

_FILE_KEYS = (
    "findings",
    "normal",
    "other_senses",
    "modifiers",
    "body_sites",
    "characters",
    "onsets",
    "durations",
    "severity",
)
COMPOSED_CONFIDENCE = 0.85
MAX_SITE_DISTANCE = 4
# A pain word with no site of its own reaches further for a site another finding named.
MAX_NAMED_SITE_DISTANCE = 8
# Words that join two body sites under one pain word: "pain in my chest and back".
CONJUNCTIONS = frozenset({"and", "or", "و", "او", "اور", "aur", "ya", "يا"})
# "If nothing changes I will end my life": thoughts of suicide are the finding however they
# are phrased, so a conditional never hides them.
SAID_EVEN_IF_HYPOTHETICAL = frozenset({"suicidal_thoughts", "self_harm"})
# A state that lasts: a pregnancy test positive last week ("پچھلے ہفتے ٹیسٹ مثبت آیا") is a
# pregnancy now. A past pregnancy is told by its own trigger ("pichli pregnancy mein").
LASTS_PAST_ITS_TIME_WORD = frozenset({"pregnancy"})
# Site ids that name what comes out, not where: never reported as a finding's location.
NOT_A_LOCATION = frozenset({"cough", "vomit", "stool", "urine", "body"})


class Mention(NamedTuple):
    concept: str
    span: Span
    confidence: float
    site: str | None
    parts: tuple[Span, ...]  # head and site of a composed mention
    phrase: str = ""  # the lexicon phrase of an explicit mention
    normal: bool = False  # "breathing fine", "saans theek hai": said to be absent


class FindingsModel:
    name = "findings"

    def __init__(self, knowledge_dir: Path, vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or Vocabulary.load(knowledge_dir)
        self._phrases: list[tuple[str, str]] = []
        # Words that say a function is fine, a pertinent negative: "my breathing is fine".
        self._normal: list[tuple[str, str]] = []
        # Words a finding's phrase is part of in another sense: "رجعت من السفر" (I came back
        # from the trip), not "رجعت" (I vomited). No finding is read inside them.
        self._other_senses: list[tuple[str, str]] = []
        self._modifiers: list[tuple[str, str]] = []
        self._sites: list[tuple[str, str]] = []
        self._attribute_tables = AttributeTables()
        paths = [self.vocab.path]
        heads = set(self.vocab.compositions)
        for _lang, path in language_files(knowledge_dir, "findings"):
            paths.append(path)
            data = check_mapping(load_yaml(path), "top level", path, allowed=_FILE_KEYS)
            self._phrases += entries_from_table(
                phrase_table(data.get("findings", {}), "findings", path, self.vocab.concepts)
            )
            self._normal += entries_from_table(
                phrase_table(data.get("normal", {}), "normal", path, self.vocab.concepts)
            )
            if "other_senses" in data:
                others = str_list(data["other_senses"], "other_senses", path)
                self._other_senses += [(phrase, "other") for phrase in others]
            self._modifiers += entries_from_table(
                phrase_table(data.get("modifiers", {}), "modifiers", path, heads)
            )
            self._sites += entries_from_table(
                phrase_table(data.get("body_sites", {}), "body_sites", path, self.vocab.sites)
            )
            self._attribute_tables.add(data, path)
        self.version = f"lexicon-{sha256_of(paths)[:12]}"
        self._ready = False
        self._pain_concepts = {
            cid
            for head in ("pain", "pain_quality")
            for cid in self.vocab.compositions.get(head, {}).values()
        }

    def warm_up(self) -> None:
        if self._ready:
            return
        self.explicit = PhraseMatcher(self._phrases)
        self.normal = PhraseMatcher(self._normal, fuzzy=False)
        self.other_senses = PhraseMatcher(self._other_senses, fuzzy=False)
        self.modifiers = PhraseMatcher(self._modifiers, fuzzy=False)
        self.sites = PhraseMatcher(self._sites, fuzzy=False)
        self.attributes = AttributeParser(self._attribute_tables)
        self._ready = True

    def run(
        self, doc: Doc, context: ContextMap = EMPTY_CONTEXT, language: str = "en"
    ) -> Result[list[Finding]]:
        self.warm_up()
        timer = timed(self.name, self.version)
        findings = self.extract(doc, context, language)
        confidence = max((f.confidence for f in findings), default=None)
        return Result(findings, timer.finish(confidence=confidence))

    def read_tokens(self, doc: Doc) -> tuple[frozenset[int], frozenset[int]]:
        """Token indices of the concepts found, and of everything this model read: concepts,
        their sites, durations and severities."""
        self.warm_up()
        concepts: set[int] = set()
        for m in self.mentions(doc):
            concepts.update(range(m.span.start, m.span.end))
            for part in m.parts:
                concepts.update(range(part.start, part.end))
        read = set(concepts)
        for d in self.attributes.durations(doc):
            read.update(range(d.start, d.end))
        for _value, span in self.attributes.severities(doc):
            read.update(range(span.start, span.end))
        return frozenset(concepts), frozenset(read)

    def mentions(self, doc: Doc) -> list[Mention]:
        """Concept mentions before context is applied.

        A composed mention ("throat is not swelling") keeps its head and site spans apart,
        so a trigger between them still applies to the head.
        """
        # One "normal" phrase may clear two findings ("face and speech are normal"): every
        # label of the chosen spans is kept.
        said_normal = self.normal.find_all(doc)
        chosen = {(m.start, m.end) for m in longest_non_overlapping(said_normal)}
        normal = list(
            {
                (m.start, m.end, m.payload): m for m in said_normal if (m.start, m.end) in chosen
            }.values()
        )
        other = self.other_senses.find(doc)
        said = self.explicit.find(doc)
        # "not making sense" is said, though it holds the normal "making sense" (a phrase
        # with a gap may have run over a comma into other words: "سانس ٹھیک ہے، چکر نہیں").
        normal = [n for n in normal if not any(_inside(n, m) and GAP not in m.phrase for m in said)]
        explicit = [
            m
            for m in said
            if not _covered(m, normal)
            and not any(o.start <= m.start and m.end <= o.end for o in other)
        ]
        all_sites = self.sites.find(doc)
        out: list[Mention] = [
            Mention(
                m.payload,
                Span(m.start, m.end),
                m.confidence * 0.95,
                _site_in(m, all_sites),
                (),
                m.phrase,
            )
            for m in explicit
        ]
        out += [
            Mention(m.payload, Span(m.start, m.end), m.confidence * 0.9, None, (), m.phrase, True)
            for m in normal
        ]
        taken = explicit + normal + other  # words a composed mention may not reuse
        # A site inside a pain already named ("a pain under her right ribs") is that pain's.
        pains = [m for m in explicit if m.payload in self._pain_concepts]
        sites = [s for s in all_sites if not _covered(s, taken)]
        for head in self.modifiers.find(doc):
            if _covered(head, taken):
                continue
            table = self.vocab.compositions.get(head.payload, {})
            near = _nearest_sites(
                doc,
                head,
                [s for s in sites if s.payload in table and not _reached(doc, s)],
                MAX_SITE_DISTANCE,
            )
            if not near and head.payload == "pain":
                # "my neck is stiff since I slept wrongly, hurts to turn", "belly hard as a
                # board and the pain is 10/10": a pain word with no site near it is the pain of
                # the site said before it in the sentence, even one another finding's phrase
                # already holds.
                before = [
                    s
                    for s in all_sites
                    if s.payload in table
                    and s.end <= head.start
                    and not _covered(s, other)
                    and not _covered(s, pains)
                ]
                near = _nearest_sites(doc, head, before, MAX_NAMED_SITE_DISTANCE)[:1]
            near = _joined(doc, near)
            for site in near:
                span = Span(min(head.start, site.start), max(head.end, site.end))
                conf = min(head.confidence, site.confidence) * COMPOSED_CONFIDENCE
                parts = (Span(head.start, head.end), Span(site.start, site.end))
                out.append(Mention(table[site.payload], span, conf, site.payload, parts))
            if not near and "default" in table:
                default_span = Span(head.start, head.end)
                out.append(Mention(table["default"], default_span, head.confidence * 0.8, None, ()))
        return out

    def extract(self, doc: Doc, context: ContextMap, language: str) -> list[Finding]:
        results: list[tuple[Finding, Span]] = []
        for cid, span, conf, site, parts, phrase, normal in self.mentions(doc):
            concept = self.vocab.concepts[cid]
            if parts:
                cats = frozenset().union(*(context.categories(p.start, p.end) for p in parts))
            else:
                cats = context.categories(span.start, span.end)
            # "worried it is a tumour", "خايفة تكون كورونا", "کہیں ٹی بی تو نہیں": a fear or a
            # condition, not a symptom the patient has; the fear word itself is not one either.
            hypothetical = "HYPOTHETICAL" in cats or context.in_trigger(
                span.start, span.end, "HYPOTHETICAL"
            )
            if hypothetical and cid not in SAID_EVEN_IF_HYPOTHETICAL:
                continue
            if cid in LASTS_PAST_ITS_TIME_WORD:
                cats = cats - {"HISTORICAL"}
            ctx: FindingContext = (
                "family" if "FAMILY" in cats else "history" if "HISTORICAL" in cats else "current"
            )
            finding = Finding(
                code=cid,
                label=concept.label,
                # "saans theek hai" says it is absent; "saans theek nahi" says it is there. A
                # denial before it ("ما فيني حرارة والضو عادي") belongs to the earlier words.
                present=_denied_after(context, span)
                if normal
                else "NEGATED" not in cats
                and not context.negated_in_gap(doc, span.start, span.end, phrase),
                evidence=doc.evidence(span.start, span.end),
                confidence=round(conf, 3),
                context=ctx,
                # Only a site the patient named: "كحة" alone has no location.
                location=site if site not in NOT_A_LOCATION else None,
                told_as_past=ctx == "family" and "HISTORICAL" in cats,
                sentence=doc.tokens[span.start].sentence,
                span=(span.start, span.end),
            )
            results.append((finding, span))
        results.sort(key=lambda fs: fs[1].start)
        results = _unplaced_in_pregnancy(results, self.vocab.concepts)
        results = _placed_blood(results, self.vocab.concepts)
        found = _dedupe(
            self.attributes.attach(doc, results, language, self._pain_concepts, context)
        )
        return _fold_generic_pain(found, self._pain_concepts)


def _denied_after(context: ContextMap, span: Span) -> bool:
    """A denial that follows the words and reaches back over them ("theek nahi"), or one
    right before them ("he is not speaking normally"). Words that hold a denial of their own
    ("کبھی گری نہیں") are not denied again by the "نہ" of "neither ... nor" after them."""
    if any(
        s.category == "NEGATED" and span.start <= s.trigger_start and s.trigger_end <= span.end
        for s in context.scopes
    ):
        return False
    return any(
        s.category == "NEGATED"
        and (
            (s.trigger_start >= span.end and s.start <= span.start)
            or (s.trigger_end == span.start and s.start <= span.start < s.end)
        )
        for s in context.scopes
    )


# "درد ... جو کندھے تک جا رہا ہے", "dard kandhe tak jata hai": the site the pain reaches.
REACHES: Final = frozenset({"تك", "tak", "tk"})


def _reached(doc: Doc, site: Match[str]) -> bool:
    """Whether the site is where a pain spreads to, not where it is."""
    return site.end < len(doc.tokens) and doc.tokens[site.end].text in REACHES


def _joined(doc: Doc, near: list[Match[str]]) -> list[Match[str]]:
    """The nearest site, plus sites joined to a chosen one by "and" ("chest and back")."""
    if not near:
        return near
    chosen = [near[0]]
    for site in near[1:]:
        for c in chosen:
            lo, hi = (c.end, site.start) if c.end <= site.start else (site.end, c.start)
            between = [t.text for t in doc.tokens[lo:hi] if t.is_word or t.text == ","]
            if all(w in CONJUNCTIONS or w == "," for w in between) and len(between) <= 2:
                chosen.append(site)
                break
    return chosen


def _site_in(m: Match[str], sites: list[Match[str]]) -> str | None:
    """The body site named inside an explicit phrase ("سینے میں درد" -> chest), if any."""
    return next((s.payload for s in sites if m.start <= s.start and s.end <= m.end), None)


def _unplaced_in_pregnancy(
    results: list[tuple[Finding, Span]], concepts: Mapping[str, Concept]
) -> list[tuple[Finding, Span]]:
    """A pregnant patient's unlocated "bleeding" ("30 weeks pregnant and bleeding", "حامل ...
    ما في نزيف") is vaginal bleeding, and the pain she denies with no site ("no bleeding, no
    pain") is abdominal pain."""
    if not any(f.code == "pregnancy" and f.present and f.context == "current" for f, _ in results):
        return results

    def placed(f: Finding) -> Finding:
        if f.context != "current" or f.location:
            return f
        if f.code == "bleeding":
            new = "vaginal_bleeding"
        elif f.code == "pain" and not f.present:
            new = "abdominal_pain"
        else:
            return f
        return replace(f, code=new, label=concepts[new].label)

    return [(placed(f), span) for f, span in results]


# Where blood with no site of its own comes from, by what else the patient has: "loose
# motions 3 times, no blood", "پیٹ میں مروڑ، دست، خون نہیں", "pregnant, koi khoon nahi".
BLOOD_OF: Final = {
    "pregnancy": "vaginal_bleeding",
    "diarrhoea": "blood_in_stool",
    "constipation": "blood_in_stool",
    "vomiting": "vomiting_blood",
    "cough": "coughing_blood",
    "painful_urination": "blood_in_urine",
    "frequent_urination": "blood_in_urine",
}


def _placed_blood(
    results: list[tuple[Finding, Span]], concepts: Mapping[str, Concept]
) -> list[tuple[Finding, Span]]:
    """Blood denied without a site ("no blood") is denied from where the nearest of the
    patient's own findings would bleed (a pregnancy first). Blood said to be there without a
    site ("نزل من خشمه دم") is left to the phrases that name it: placing it by guess could
    raise an emergency. Either way an unplaced blood is not a finding."""
    hosts = [(f, s) for f, s in results if f.code in BLOOD_OF and f.present]
    out = []
    for f, span in results:
        if f.code != "blood_unplaced":
            out.append((f, span))
            continue
        if f.present:
            continue
        mine = [(h, s) for h, s in hosts if h.context == f.context == "current"]
        pregnant = [h for h, _ in mine if h.code == "pregnancy"]
        # "no blood" looks back to what was just said: "diarrhoea 4 times, no blood in it,
        # not vomiting"; with nothing before it, to what follows.
        before = sorted((h for h in mine if h[1].start < span.start), key=lambda h: -h[1].start)
        after = sorted((h for h in mine if h[1].start > span.start), key=lambda h: h[1].start)
        nearest = before or after
        host = pregnant[0] if pregnant else nearest[0][0] if nearest else None
        if host is not None:
            code = BLOOD_OF[host.code]
            out.append((replace(f, code=code, label=concepts[code].label), span))
    return out


def _inside(inner: Match[str], outer: Match[str]) -> bool:
    """``inner`` lies within the longer ``outer``."""
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and outer.end - outer.start > inner.end - inner.start
    )


def _covered(m: Match[str], explicit: list[Match[str]]) -> bool:
    return any(overlaps(m.start, m.end, e.start, e.end) for e in explicit)


def _nearest_sites(
    doc: Doc, head: Match[str], candidates: list[Match[str]], reach: int
) -> list[Match[str]]:
    """The candidate sites in the head's sentence at most ``reach`` words from it, nearest
    first."""
    sentence = doc.tokens[head.start].sentence
    return sorted(
        (
            s
            for s in candidates
            if doc.tokens[s.start].sentence == sentence and _word_gap(doc, head, s) <= reach
        ),
        key=lambda s: _word_gap(doc, head, s),
    )


def _word_gap(doc: Doc, a: Match[str], b: Match[str]) -> int:
    lo, hi = (a.end, b.start) if a.end <= b.start else (b.end, a.start)
    return doc.words_between(lo, hi) if lo < hi else 0


# Pain said to spread from the chest into the arm is the chest pain's radiation, not arm pain.
_RADIATION_OF: Final = {"arm_pain": "chest_pain"}


def _fold_generic_pain(items: list[Finding], pain_concepts: set[str]) -> list[Finding]:
    """One pain, not two: "my chest is tight ... the pain is going down my arm" or "crampy
    tummy ..., pain's about 3 out of 10" name a located pain and then "the pain"; the
    unlocated "pain" adds nothing but its severity, duration or character, which the located
    pain takes when it has none of its own. A denied or a relative's pain folds only into a
    located pain with the same standing."""
    hosts: dict[tuple[bool, str], int] = {}
    for index, f in enumerate(items):
        if f.code in pain_concepts and f.code != "pain" and f.code not in _RADIATION_OF:
            hosts.setdefault((f.present, f.context), index)
    out = list(items)
    dropped: set[int] = set()
    for index, f in enumerate(items):
        key = (f.present, f.context)
        anchor = _RADIATION_OF.get(f.code)
        if anchor and any(g.code == anchor and (g.present, g.context) == key for g in items):
            dropped.add(index)
        elif f.code == "pain" and key in hosts:
            host = out[hosts[key]]
            out[hosts[key]] = replace(
                host,
                duration=host.duration or f.duration,
                severity=host.severity if host.severity is not None else f.severity,
                character=host.character or f.character,
                onset=host.onset or f.onset,
            )
            dropped.add(index)
    return [f for index, f in enumerate(out) if index not in dropped]


def _sentences(finding: Finding) -> tuple[int, ...]:
    own = () if finding.sentence is None else (finding.sentence,)
    return (*own, *finding.mentions)


def _dedupe(items: list[Finding]) -> list[Finding]:
    out: dict[tuple[str, str, bool], Finding] = {}
    for finding in items:
        key = (finding.code, finding.context, finding.present)
        kept = out.get(key)
        if kept is None:
            out[key] = finding
            continue
        out[key] = replace(
            kept,
            duration=kept.duration or finding.duration,
            severity=kept.severity if kept.severity is not None else finding.severity,
            character=kept.character or finding.character,
            onset=kept.onset or finding.onset,
            confidence=max(kept.confidence, finding.confidence),
            mentions=(*kept.mentions, *_sentences(finding)),
        )
    # A concept both denied and affirmed in one utterance stays as the patient said both.
    return list(out.values())
