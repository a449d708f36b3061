"""Shared matching infrastructure for the understanding fleet.

- YAML loading with validation: unknown keys are rejected with a message that lists the
  allowed ones and names the file (``ConfigError``).
- ``Doc``: one utterance, normalised with ``assistant.text.normalize`` character by character
  so every token keeps its place in the original text (evidence is quoted in the patient's
  own script and spelling).
- ``PhraseMatcher``: token-boundary aware phrase matching over Latin and Arabic script. A
  phrase token ending in ``*`` matches as a prefix ("cough*" finds "coughing"); the token
  ``...`` skips up to three words; ``{20-41}`` is one number from 20 to 41, in any script's
  digits ("is {20-41} weeks" finds "is 32 weeks", not "is 3 weeks"). Arabic-script tokens
  also match without a leading و/ف/ب/ل/ال ("وحرارة" finds "حرارة"), and long Latin words
  tolerate one typo ("hedache" finds "headache").
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

from assistant.errors import ConfigError
from assistant.languages import LANGUAGES
from assistant.text import normalize

P = TypeVar("P")

GAP = "..."
MAX_GAP_WORDS = 3
# A number slot in a phrase: "{20-41}" matches one number token from 20 to 41.
_NUMBER_SLOT = re.compile(r"\{(\d+)-(\d+)\}")
# Sentence boundaries: a scope or a phrase never crosses them.
BOUNDARIES = frozenset({".", "!", "?", ";", "\n", "۔", "؟", "؛"})
# Urdu's "also"/"only" particles may stand between any two words of a phrase: "bolne mein
# bhi koi farq nahi" is "bolne mein koi farq nahi", "سر میں بھی درد" is "سر میں درد".
PARTICLES = frozenset({"bhi", "bhee", "bhe", "hi", "بهي"})
# A backward scope ("..., my mother") also stops at a clause comma: what came before the
# comma was said of someone else only if a trigger in its own clause says so.
CLAUSE_BREAKS = frozenset({",", "،"})
_TOKEN = re.compile(r"\n|\d+(?:\.\d+)?|[^\W\d_]+|[^\w\s]|_")
_ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "وب", "ول", "و", "ف", "ب", "ل")
# Whole Arabic words that look like a clitic on a short stem of another language: "بقى"
# ("became", normalized "بقي") is not ب + the Urdu "قے" (vomiting, normalized "قي"), and the
# Urdu "بتایا" (told) is not ب + "تایا" (an uncle), nor "بولا" (said) ب + the denial "ولا"; "الكل"
# (everyone) is not the "كل" of "كل ما" (whenever): "أعرف الكل وما عندي أي لخبطة" denies.
_NOT_CLITIC = frozenset({"بقي", "وبقي", "فبقي", "بتايا", "بولا", "الكل", "والكل"})
# The article never stands before a particle: "ألماً" (pain, normalized "الما") is not ال + the
# negation "ما".
_NOT_AFTER_ARTICLE = frozenset({"ما", "لا", "لم", "لن", "مو", "مش"})
_EXTRA_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "\u200c": None, "\u200d": None})
EXACT_CONFIDENCE = 1.0
PREFIX_STRIPPED_CONFIDENCE = 0.85
FUZZY_CONFIDENCE = 0.75
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _KnowledgeLoader(_SAFE_LOADER):  # type: ignore[misc,valid-type]
    """A safe loader (C-accelerated when built) that refuses a key given twice in one mapping:
    YAML keeps the last silently, and the phrases an admin added under the first are lost."""


def _mapping_without_repeats(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, str | int | float | bool):
            continue
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} given twice in one mapping", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_KnowledgeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats
)


# --------------------------------------------------------------------------- YAML


def load_yaml(path: Path) -> Any:
    """Parse one knowledge file; any read or syntax problem is a ConfigError naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read knowledge file ({exc.strerror})") from exc
    try:
        return yaml.load(text, Loader=_KnowledgeLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc


def check_mapping(
    value: object,
    where: str,
    path: Path,
    *,
    allowed: Iterable[str],
    required: Iterable[str] = (),
) -> dict[str, Any]:
    """A mapping with only ``allowed`` keys and every ``required`` one; else ConfigError."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {where} must be a mapping, got {type(value).__name__}")
    allowed_set = set(allowed)
    for key in value:
        if key not in allowed_set:
            allowed_text = ", ".join(sorted(allowed_set))
            raise ConfigError(f"{path}: {where}: unknown key {key!r}; allowed keys: {allowed_text}")
    for key in required:
        if key not in value or value[key] is None:
            raise ConfigError(f"{path}: {where}: missing required field {key!r}")
    return value


def str_list(value: object, where: str, path: Path) -> list[str]:
    """A non-empty list of non-empty strings (a single string is accepted as one item)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{path}: {where} must be a non-empty list of strings")
    out: list[str] = []
    for item in value:
        if isinstance(item, bool):  # YAML reads a bare yes/no/on/off as a boolean
            raise ConfigError(
                f'{path}: {where} has {item!r}, a YAML boolean: quote the word ("yes", "no")'
            )
        if not isinstance(item, str | int) or not str(item).strip():
            raise ConfigError(f"{path}: {where} has an empty or non-string item: {item!r}")
        text = str(item)
        if len(text) > 1 and text[0] in "\"'" and text[-1] == text[0]:
            # Quoted twice ('"\"can't sleep\""'): the quote marks are part of the phrase,
            # which then never matches what a patient types.
            raise ConfigError(f"{path}: {where} has {text!r}, wrapped in its own quote marks")
        out.append(text)
    return out


def number_table(
    value: object, where: str, path: Path, *, positive: bool = False
) -> list[tuple[str, float]]:
    """``{word: number}``, numbers spelt out ("پانچ": 5, "do sau": 200); ``positive``: every
    number above zero."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {where} must be a mapping, got {type(value).__name__}")
    kind = "a positive number" if positive else "a number"
    out: list[tuple[str, float]] = []
    for word, number in value.items():
        if (
            not isinstance(number, int | float)
            or isinstance(number, bool)
            or (positive and number <= 0)
        ):
            raise ConfigError(f"{path}: {where}.{word} must be {kind}, got {number!r}")
        out.append((str(word), float(number)))
    return out


def phrase_table(
    value: object, where: str, path: Path, known: Iterable[str]
) -> dict[str, list[str]]:
    """``{id: [phrases]}`` where every id must be one of ``known`` (listed on error)."""
    known_set = set(known)
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {where} must be a mapping of id -> list of phrases")
    table: dict[str, list[str]] = {}
    for key, phrases in value.items():
        if key not in known_set:
            raise ConfigError(
                f"{path}: {where}: unknown id {key!r}; known ids: {', '.join(sorted(known_set))}"
            )
        table[str(key)] = str_list(phrases, f"{where}.{key}", path)
    return table


def language_files(knowledge_dir: Path, kind: str) -> list[tuple[str, Path]]:
    """``knowledge/{lang}/{kind}.yaml`` and optional ``{kind}_latin.yaml`` for every language."""
    found: list[tuple[str, Path]] = []
    for lang in LANGUAGES:
        for name in (f"{kind}.yaml", f"{kind}_latin.yaml"):
            path = knowledge_dir / lang / name
            if path.is_file():
                found.append((lang, path))
    if not found:
        raise ConfigError(f"{knowledge_dir}: no {kind}.yaml under any of {', '.join(LANGUAGES)}")
    return found


# --------------------------------------------------------------------------- text


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # normalised form
    start: int  # offsets into the original text
    end: int
    index: int
    sentence: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def is_arabic(self) -> bool:
        return "\u0600" <= self.text[0] <= "\u06ff" or "\u0750" <= self.text[0] <= "\u077f"


class Doc:
    """One utterance: the original text and its normalised tokens with original offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            if ch == "\n":
                folded = "\n"
            elif ch.isspace() or ch in "\u200b\u00a0":
                folded = " "
            else:
                folded = normalize(ch.translate(_EXTRA_FOLD)) if ch.strip() else " "
            for out in folded:
                chars.append(out)
                origin.append(i)
        self.normalized = "".join(chars)
        tokens: list[Token] = []
        sentence = 0
        for m in _TOKEN.finditer(self.normalized):
            piece = m.group()
            start = origin[m.start()]
            end = origin[m.end() - 1] + 1
            tokens.append(Token(piece, start, end, len(tokens), sentence))
            if piece in BOUNDARIES:
                sentence += 1
        self.tokens: tuple[Token, ...] = tuple(tokens)

    def evidence(self, start_token: int, end_token: int) -> str:
        """The patient's own words for tokens ``[start_token, end_token)``."""
        if start_token >= end_token:
            return ""
        return self.text[self.tokens[start_token].start : self.tokens[end_token - 1].end]

    def words_between(self, start: int, end: int) -> int:
        return sum(1 for t in self.tokens[start:end] if t.is_word)


def tokenize_phrase(phrase: str) -> tuple[str, ...]:
    """Normalise and split a lexicon phrase the same way as patient text."""
    cleaned = normalize(phrase.translate(_EXTRA_FOLD))
    parts: list[str] = []
    for raw in cleaned.split():
        if raw == GAP or _NUMBER_SLOT.fullmatch(raw):
            parts.append(raw)
            continue
        star = raw.endswith("*") and len(raw) > 1
        body = raw[:-1] if star else raw
        pieces = _TOKEN.findall(body)
        if star and pieces:
            pieces[-1] += "*"
        parts.extend(pieces)
    return tuple(parts)


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class Match(Generic[P]):
    payload: P
    start: int  # token indices, end exclusive
    end: int
    confidence: float
    phrase: str

    @property
    def length(self) -> int:
        return self.end - self.start


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _without_apostrophes(parts: tuple[str, ...]) -> tuple[str, ...]:
    """A phrase as typed without its apostrophes: "can't lift" -> "cant lift", "didn't"."""
    out: list[str] = []
    i = 0
    while i < len(parts):
        if (
            i + 2 < len(parts)
            and parts[i + 1] == "'"
            and parts[i + 2] == "t"
            and parts[i].isalpha()
            and parts[i].isascii()
        ):
            out.append(parts[i] + "t")
            i += 3
            continue
        out.append(parts[i])
        i += 1
    return tuple(out)


# Words whose forms are kept once found: by each matcher for misspellings, and once for all
# matchers for Arabic-script clitics (a few MB at most; ordinary chat repeats its words).
FORMS_KEPT = 50_000


@functools.lru_cache(maxsize=FORMS_KEPT)
def _arabic_forms(text: str) -> tuple[tuple[str, float], ...]:
    """An Arabic-script word and the word without each clitic prefix it may carry ("والصداع"
    -> "الصداع", "صداع"); the same for every matcher, so found once per word."""
    forms = [(text, EXACT_CONFIDENCE)]
    if text in _NOT_CLITIC:
        return tuple(forms)
    for prefix in _ARABIC_PREFIXES:
        rest = text[len(prefix) :]
        # Urdu "بھ" is one aspirated letter, not the prefix ب: "بھی" is not "ہی"/"ہے".
        if prefix == "ب" and rest.startswith("ه"):
            continue
        if prefix.endswith(("ال", "لل")) and rest in _NOT_AFTER_ARTICLE:
            continue
        if text.startswith(prefix) and len(rest) >= 2:
            forms.append((rest, PREFIX_STRIPPED_CONFIDENCE))
    return tuple(forms)


class PhraseMatcher(Generic[P]):
    """Finds lexicon phrases in a Doc; built once, matched per utterance."""

    fuzzy_min_length = 6

    def __init__(self, entries: Iterable[tuple[str, P]], *, fuzzy: bool = True) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], P, str]]] = defaultdict(list)
        self._prefix_first: list[tuple[tuple[str, ...], P, str]] = []
        self._vocab: set[str] = set()
        self._prefixes: set[str] = set()
        count = 0
        for phrase, payload in entries:
            parts = tokenize_phrase(phrase)
            if not parts or parts[0] == GAP or parts[-1] == GAP:
                continue
            count += 1
            bare = _without_apostrophes(parts)
            for form in (parts, bare) if bare != parts else (parts,):
                entry = (form, payload, phrase)
                if form[0].endswith("*") or _NUMBER_SLOT.fullmatch(form[0]):
                    self._prefix_first.append(entry)
                else:
                    self._by_first[form[0]].append(entry)
                for part in form:
                    if part.endswith("*"):
                        self._prefixes.add(part[:-1])
                    elif part != GAP and not _NUMBER_SLOT.fullmatch(part):
                        self._vocab.add(part)
        self.size = count
        self._fuzzy_index: dict[str, set[str]] = defaultdict(set)
        self._fuzzy_forms: dict[str, tuple[tuple[str, float], ...]] = {}
        if fuzzy:
            for word in self._vocab:
                if len(word) >= self.fuzzy_min_length and word.isascii() and word.isalpha():
                    self._fuzzy_index[word].add(word)
                    for d in _deletes(word):
                        self._fuzzy_index[d].add(word)

    def _variants(self, token: Token) -> tuple[tuple[str, float], ...]:
        if not token.is_word:
            return ((token.text, EXACT_CONFIDENCE),)
        if token.is_arabic:
            return _arabic_forms(token.text)
        if (
            self._fuzzy_index
            and len(token.text) >= self.fuzzy_min_length
            and token.text not in self._vocab
            and token.text.isascii()
        ):
            # The same misspelling comes back in every message of a session, and the
            # forms depend on the word alone: found once per matcher.
            forms = self._fuzzy_forms.get(token.text)
            if forms is None:
                forms = self._fuzzy(token.text)
                if len(self._fuzzy_forms) < FORMS_KEPT:
                    self._fuzzy_forms[token.text] = forms
            return forms
        return ((token.text, EXACT_CONFIDENCE),)

    def _fuzzy(self, text: str) -> tuple[tuple[str, float], ...]:
        candidates: set[str] = set()
        for key in _deletes(text) | {text}:
            candidates |= self._fuzzy_index.get(key, set())
        forms = [(text, EXACT_CONFIDENCE)]
        for word in sorted(candidates):
            # Same first and last letter: "hedache" is a typo of "headache", while
            # "single"/"tingle" and "discharged"/"discharge" are other words.
            if word[0] == text[0] and word[-1] == text[-1] and _within_one_edit(word, text):
                forms.append((word, FUZZY_CONFIDENCE))
        return tuple(forms)

    @staticmethod
    def _fits(part: str, forms: Sequence[tuple[str, float]]) -> float:
        slot = _NUMBER_SLOT.fullmatch(part) if part[0] == "{" else None
        if slot is not None:
            low, high = int(slot[1]), int(slot[2])
            values = (as_number(f) for f, _ in forms)
            return (
                EXACT_CONFIDENCE if any(v is not None and low <= v <= high for v in values) else 0.0
            )
        if part.endswith("*"):
            stem = part[:-1]
            return max((c for f, c in forms if f.startswith(stem)), default=0.0)
        return max((c for f, c in forms if f == part), default=0.0)

    def _match_from(
        self,
        parts: tuple[str, ...],
        pos: int,
        tokens: Sequence[Token],
        variants: Sequence[Sequence[tuple[str, float]]],
        inner: bool = True,
    ) -> tuple[int, float] | None:
        """End index and confidence of ``parts`` matched from token ``pos``, or None; a
        particle is passed over inside a phrase (``inner``), never before its first word."""
        if not parts:
            return pos, 1.0
        part = parts[0]
        if part == GAP:
            skipped = 0
            cursor = pos
            while True:
                found = self._match_from(parts[1:], cursor, tokens, variants)
                if found is not None:
                    return found
                if cursor >= len(tokens) or tokens[cursor].text in BOUNDARIES:
                    return None
                # A hyphenated compound ("na-qabil-e-bardasht") is one word of the gap.
                joined = cursor > 0 and tokens[cursor - 1].text == "-"
                if tokens[cursor].is_word and not joined:
                    skipped += 1
                if skipped > MAX_GAP_WORDS:
                    return None
                cursor += 1
        if pos >= len(tokens):
            return None
        conf = self._fits(part, variants[pos])
        if conf <= 0.0:
            if inner and tokens[pos].text in PARTICLES:
                return self._match_from(parts, pos + 1, tokens, variants)
            return None
        rest = self._match_from(parts[1:], pos + 1, tokens, variants)
        if rest is None:
            return None
        return rest[0], min(conf, rest[1])

    def find_all(self, doc: Doc) -> list[Match[P]]:
        """Every match, overlapping ones included."""
        tokens = doc.tokens
        variants = [self._variants(t) for t in tokens]
        found: list[Match[P]] = []
        for pos, forms in enumerate(variants):
            candidates: list[tuple[tuple[str, ...], P, str]] = []
            for form, _ in forms:
                candidates.extend(self._by_first.get(form, ()))
            candidates.extend(self._prefix_first)
            seen: set[int] = set()
            for parts, payload, phrase in candidates:
                if id(parts) in seen:
                    continue
                seen.add(id(parts))
                hit = self._match_from(parts, pos, tokens, variants, inner=False)
                if hit is not None:
                    found.append(Match(payload, pos, hit[0], hit[1], phrase))
        return found

    def find(self, doc: Doc) -> list[Match[P]]:
        """Non-overlapping matches: longest first, then most confident, then fewest skips."""
        return longest_non_overlapping(self.find_all(doc))


M = TypeVar("M", bound="Match[Any]")


def longest_non_overlapping(matches: Iterable[M]) -> list[M]:
    """Longest first, then most confident, then the phrase that spelled out more of the
    words ("can't lift my right arm" over "can't lift ... arm"), then leftmost."""
    chosen: list[M] = []
    taken: set[int] = set()
    for m in sorted(
        matches, key=lambda m: (-m.length, -m.confidence, m.phrase.count(GAP), m.start)
    ):
        span = set(range(m.start, m.end))
        if span & taken:
            continue
        taken |= span
        chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


def as_number(text: str) -> float | None:
    """A token's numeric value ("12", "2.5"), or None."""
    if text[:1].isdigit():
        try:
            return float(text)
        except ValueError:
            return None
    return None


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def entries_from_table(table: Mapping[str, Sequence[str]]) -> Iterator[tuple[str, str]]:
    for key, phrases in table.items():
        for phrase in phrases:
            yield phrase, key


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    label: str
    system: str
    code: str
    category: str
    body_site: str | None = None


_CONCEPT_KEYS = ("label", "system", "code", "category", "body_site")
_CONCEPT_CATEGORIES = ("symptom", "sign", "condition", "finding")
_VOCAB_KEYS = ("concepts", "compositions", "medications", "substances", "reactions")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """``knowledge/concepts.yaml``: the language-independent ids every lexicon maps onto."""

    concepts: Mapping[str, Concept]
    compositions: Mapping[str, Mapping[str, str]]
    medications: Mapping[str, tuple[str, str]]  # id -> (label, ATC code)
    substances: Mapping[str, tuple[str, str]]  # id -> (label, code)
    reactions: Mapping[str, str]  # id -> label
    path: Path

    @classmethod
    def load(cls, knowledge_dir: Path) -> Vocabulary:
        path = knowledge_dir / "concepts.yaml"
        data = check_mapping(
            load_yaml(path), "top level", path, allowed=_VOCAB_KEYS, required=_VOCAB_KEYS
        )
        concepts: dict[str, Concept] = {}
        for cid, raw in check_mapping(
            data["concepts"], "concepts", path, allowed=data["concepts"]
        ).items():
            entry = check_mapping(
                raw, f"concepts.{cid}", path, allowed=_CONCEPT_KEYS, required=("label", "category")
            )
            if entry["category"] not in _CONCEPT_CATEGORIES:
                raise ConfigError(
                    f"{path}: concepts.{cid}.category must be one of "
                    f"{', '.join(_CONCEPT_CATEGORIES)}, got {entry['category']!r}"
                )
            concepts[cid] = Concept(
                id=cid,
                label=str(entry["label"]),
                system=str(entry.get("system") or ""),
                code=str(entry.get("code") or ""),
                category=str(entry["category"]),
                body_site=entry.get("body_site"),
            )
        compositions: dict[str, dict[str, str]] = {}
        for head, sites in check_mapping(
            data["compositions"], "compositions", path, allowed=data["compositions"]
        ).items():
            if not isinstance(sites, dict):
                raise ConfigError(f"{path}: compositions.{head} must map site -> concept id")
            for site, cid in sites.items():
                if cid not in concepts:
                    raise ConfigError(
                        f"{path}: compositions.{head}.{site}: unknown concept id {cid!r}"
                    )
            compositions[str(head)] = {str(k): str(v) for k, v in sites.items()}
        return cls(
            concepts=concepts,
            compositions=compositions,
            medications=_labelled(data["medications"], "medications", path),
            substances=_labelled(data["substances"], "substances", path),
            reactions={k: v[0] for k, v in _labelled(data["reactions"], "reactions", path).items()},
            path=path,
        )

    @property
    def sites(self) -> frozenset[str]:
        return frozenset(site for sites in self.compositions.values() for site in sites) - {
            "default"
        }


def _labelled(value: object, where: str, path: Path) -> dict[str, tuple[str, str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {where} must be a mapping of id -> {{label, code}}")
    out: dict[str, tuple[str, str]] = {}
    for key, raw in value.items():
        entry = check_mapping(
            raw, f"{where}.{key}", path, allowed=("label", "code"), required=("label",)
        )
        out[str(key)] = (str(entry["label"]), str(entry.get("code") or ""))
    return out
