"""The answer lexicons: the words that turn a free-text answer into a typed value.

One YAML file per language (``knowledge/{en,ar,ur}/answers.yaml``, plus
``knowledge/ur/answers_latin.yaml`` for Urdu typed in Latin letters), validated at load: an
unknown key is a ConfigError that names the file and lists the allowed keys. Every phrase is
folded with ``assistant.text.normalize`` and split into tokens exactly as patient text is, so
matching does not care about letter variants, digit scripts or case.

A session language reads its own files first and English after them, because patients in the
UAE and Pakistan mix English words ("yes", "3 days") into Arabic and Urdu answers. When two
files give the same phrase different values, the earlier file wins; tags are merged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, get_args

import yaml

from assistant.concepts import DurationUnit
from assistant.errors import ConfigError
from assistant.languages import Lang
from assistant.text import normalize

LEXICON_FILES: Final[dict[str, Path]] = {
    "en": Path("en/answers.yaml"),
    "ar": Path("ar/answers.yaml"),
    "ur": Path("ur/answers.yaml"),
    "ur_latin": Path("ur/answers_latin.yaml"),
}
SESSION_FILES: Final[dict[Lang, tuple[str, ...]]] = {
    "en": ("en",),
    "ar": ("ar", "en"),
    "ur": ("ur", "ur_latin", "en"),
}
DURATION_UNITS: Final[tuple[str, ...]] = get_args(DurationUnit)

# YAML list key -> the tag its phrases carry.
_TAG_LISTS: Final[dict[str, str]] = {
    "yes_words": "yes",
    "no_words": "no",
    "negation_words": "neg",
    "none_words": "none",
    "unknown_words": "unknown",
    "filler_words": "filler",
    "vague_words": "vague",
    "joiners": "joiner",
    "range_words": "range",
    "scale_words": "scale",
    "articles": "article",
}
_TOP_KEYS: Final = frozenset(
    {
        *_TAG_LISTS,
        "numbers",
        "multipliers",
        "fractions",
        "units",
        "relative",
        "severity_words",
        "prefixes",
        "negation_suffixes",
        "negation_window",
    }
)
_UNIT_FORM_KEYS: Final = {"one": 1, "two": 2, "many": None}
_RELATIVE_KEYS: Final = frozenset({"phrases", "value", "unit", "since_hour"})
_WINDOW_KEYS: Final = frozenset({"before", "after"})

_FOLD: Final = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "\u200c": "", "\u200d": ""})
_TOKEN: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?|[^\W\d_]+(?:'[^\W\d_]+)*|[/\-–]")
_MAX_DIGITS: Final = 9
_ASCII_DIGITS: Final = frozenset("0123456789")


def fold(text: str) -> str:
    """The matching form: ``normalize`` plus one apostrophe and no zero-width joiners."""
    return normalize(text.translate(_FOLD))


def tokenize(text: str) -> list[str]:
    """Words, numbers and the signs that link numbers (``/``, ``-``) of folded ``text``."""
    return _TOKEN.findall(fold(text))


@dataclass(frozen=True, slots=True)
class Relative:
    """A phrase that is itself a duration: fixed ("since yesterday") or read off the clock."""

    value: float | None = None
    unit: DurationUnit | None = None
    since_hour: float | None = None  # hours since this hour of today ("since this morning")


@dataclass(slots=True)
class Entry:
    """What one phrase (or one number written in digits) means; built once, then only read."""

    tags: set[str] = field(default_factory=set)
    number: float | None = None
    multiplier: int | None = None
    fraction: float | None = None
    unit: DurationUnit | None = None
    unit_count: int | None = None  # 1: a bare form means one; 2: Arabic dual; None: needs a number
    relative: Relative | None = None
    severity: int | None = None


_NEGATION: Final = Entry(tags={"neg"})
_JUNK: Final = Entry(tags={"junk"})


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The merged phrase table of one session language."""

    phrases: Mapping[tuple[str, ...], Entry]
    longest: Mapping[str, int]  # first token -> the most tokens a phrase starting with it has
    prefixes: tuple[str, ...]  # clitics split off an unknown word, longest first
    negation_suffixes: tuple[str, ...]
    negation_before: int
    negation_after: int

    def scan(self, tokens: Sequence[str]) -> list[Entry | None]:
        """One item per phrase, number or word, longest phrase first; ``None`` is a word we
        do not know (patient content the answer lexicon has no meaning for)."""
        tokens = self.split_clitics(tokens)
        items: list[Entry | None] = []
        i, count = 0, len(tokens)
        while i < count:
            size = min(self.longest.get(tokens[i], 0), count - i)
            while size > 0:
                entry = self.phrases.get(tuple(tokens[i : i + size]))
                if entry is not None:
                    items.append(entry)
                    i += size
                    break
                size -= 1
            else:
                items.append(self._lone(tokens[i]))
                i += 1
        return items

    def split_clitics(self, tokens: Sequence[str]) -> list[str]:
        """Arabic writes "and", "the", "with" onto the next word: "وأربعين" is "و" + "أربعين"."""
        out: list[str] = []
        for token in tokens:
            out.extend(self._split(token))
        return out

    def stem(self, token: str) -> str:
        """A token without a leading clitic, for comparing free words (option texts)."""
        for prefix in self.prefixes:
            if token.startswith(prefix) and len(token) - len(prefix) >= 3:
                return token[len(prefix) :]
        return token

    def is_negation(self, token: str) -> bool:
        entry = self.phrases.get((token,))
        if entry is not None:
            return "neg" in entry.tags or "no" in entry.tags
        return token.endswith(self.negation_suffixes) if self.negation_suffixes else False

    def is_filler(self, token: str) -> bool:
        entry = self.phrases.get((token,))
        return entry is not None and "filler" in entry.tags

    def _split(self, token: str) -> list[str]:
        if token in self.longest or not self.prefixes or token[0] in _ASCII_DIGITS:
            return [token]
        for prefix in self.prefixes:
            rest = token[len(prefix) :]
            if token.startswith(prefix) and len(rest) >= 2 and rest in self.longest:
                return [prefix, rest] if prefix in self.longest else [rest]
        return [token]

    def _lone(self, token: str) -> Entry | None:
        if token[0] in _ASCII_DIGITS:
            whole = token.split(".", 1)[0]
            if len(whole) > _MAX_DIGITS:
                return _JUNK
            return Entry(tags={"digits"}, number=float(token))
        if self.negation_suffixes and token.endswith(self.negation_suffixes):
            return _NEGATION
        return None


@dataclass(frozen=True, slots=True)
class LexiconFile:
    """One validated file: (phrase, field, value) facts plus the file-wide settings."""

    facts: tuple[tuple[tuple[str, ...], str, Any], ...]
    prefixes: tuple[str, ...]
    negation_suffixes: tuple[str, ...]
    negation_window: tuple[int, int] | None


def parse_file(path: Path, data: bytes) -> LexiconFile:
    """Validate one answers YAML file; a problem is a ConfigError naming the file."""
    try:
        raw = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{path}: expected a mapping at the top")
    _check_keys(raw, _TOP_KEYS, str(path))
    facts: list[tuple[tuple[str, ...], str, Any]] = []
    for key, tag in _TAG_LISTS.items():
        for phrase in _phrases(raw.get(key), f"{path}: {key}"):
            facts.append((phrase, "tag", tag))
    for word, value in _mapping(raw.get("numbers"), f"{path}: numbers").items():
        number = _number(value, f"{path}: numbers[{word!r}]", low=0.0, high=1e6)
        facts.append((_phrase(word, f"{path}: numbers"), "number", number))
    for word, value in _mapping(raw.get("multipliers"), f"{path}: multipliers").items():
        number = _number(value, f"{path}: multipliers[{word!r}]", low=10.0, high=1e6)
        facts.append((_phrase(word, f"{path}: multipliers"), "multiplier", int(number)))
    for word, value in _mapping(raw.get("fractions"), f"{path}: fractions").items():
        number = _number(value, f"{path}: fractions[{word!r}]", low=0.01, high=0.99)
        facts.append((_phrase(word, f"{path}: fractions"), "fraction", number))
    facts.extend(_units(raw.get("units"), path))
    facts.extend(_relatives(raw.get("relative"), path))
    for score, phrases in _mapping(raw.get("severity_words"), f"{path}: severity_words").items():
        where = f"{path}: severity_words[{score!r}]"
        value = int(_number(score, where, low=0, high=100))
        for phrase in _phrases(phrases, where):
            facts.append((phrase, "severity", value))
    prefixes = tuple(fold(p) for p in _strings(raw.get("prefixes"), f"{path}: prefixes"))
    suffixes = tuple(
        fold(s) for s in _strings(raw.get("negation_suffixes"), f"{path}: negation_suffixes")
    )
    return LexiconFile(tuple(facts), prefixes, suffixes, _window(raw.get("negation_window"), path))


def build_lexicon(files: Sequence[LexiconFile]) -> Lexicon:
    """Merge files, earliest first: its values win, tags add up."""
    phrases: dict[tuple[str, ...], Entry] = {}
    for lexicon_file in files:
        for phrase, kind, value in lexicon_file.facts:
            entry = phrases.setdefault(phrase, Entry())
            if kind == "tag":
                entry.tags.add(value)
            elif kind == "unit":
                if entry.unit is None:
                    entry.unit, entry.unit_count = value
            elif getattr(entry, kind) is None:
                setattr(entry, kind, value)
    longest: dict[str, int] = {}
    for phrase in phrases:
        longest[phrase[0]] = max(longest.get(phrase[0], 0), len(phrase))
        for token in phrase[1:]:
            longest.setdefault(token, 0)
    windows = [f.negation_window for f in files if f.negation_window is not None]
    before, after = windows[0] if windows else (2, 0)
    prefixes = {p for f in files for p in f.prefixes}
    suffixes = {s for f in files for s in f.negation_suffixes}
    return Lexicon(
        phrases=phrases,
        longest=longest,
        prefixes=tuple(sorted(prefixes, key=lambda p: (-len(p), p))),
        negation_suffixes=tuple(sorted(suffixes)),
        negation_before=before,
        negation_after=after,
    )


def _check_keys(raw: Mapping[Any, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(str(k) for k in set(raw) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def _mapping(raw: object, where: str) -> Mapping[Any, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping")
    return raw


def _strings(raw: object, where: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected a list of strings")
    bad = [item for item in raw if not isinstance(item, str)]
    if bad:
        raise ConfigError(
            f"{where}: entries must be strings (quote yes/no/on/off/true/false), got {bad[0]!r}"
        )
    return list(raw)


def _phrase(text: object, where: str) -> tuple[str, ...]:
    if not isinstance(text, str):
        raise ConfigError(f"{where}: {text!r} must be a string (quote yes/no/on/off)")
    tokens = tuple(tokenize(text))
    if not tokens:
        raise ConfigError(f"{where}: {text!r} has no letters or digits left after normalizing")
    return tokens


def _phrases(raw: object, where: str) -> list[tuple[str, ...]]:
    return [_phrase(text, where) for text in _strings(raw, where)]


def _number(raw: object, where: str, *, low: float, high: float) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ConfigError(f"{where}: expected a number, got {raw!r}")
    if not low <= raw <= high:
        raise ConfigError(f"{where}: must be between {low:g} and {high:g}, got {raw!r}")
    return float(raw)


def _units(raw: object, path: Path) -> list[tuple[tuple[str, ...], str, Any]]:
    facts: list[tuple[tuple[str, ...], str, Any]] = []
    for unit, forms in _mapping(raw, f"{path}: units").items():
        where = f"{path}: units[{unit!r}]"
        if unit not in DURATION_UNITS:
            raise ConfigError(f"{where}: unit must be one of {', '.join(DURATION_UNITS)}")
        forms = _mapping(forms, where)
        _check_keys(forms, frozenset(_UNIT_FORM_KEYS), where)
        for form, count in _UNIT_FORM_KEYS.items():
            for phrase in _phrases(forms.get(form), f"{where}.{form}"):
                facts.append((phrase, "unit", (unit, count)))
    return facts


def _relatives(raw: object, path: Path) -> list[tuple[tuple[str, ...], str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: relative: expected a list of mappings")
    facts: list[tuple[tuple[str, ...], str, Any]] = []
    for index, item in enumerate(raw):
        where = f"{path}: relative[{index}]"
        item = _mapping(item, where)
        _check_keys(item, _RELATIVE_KEYS, where)
        if "since_hour" in item:
            if "value" in item or "unit" in item:
                raise ConfigError(f"{where}: give either since_hour or value and unit, not both")
            hour = _number(item["since_hour"], f"{where}.since_hour", low=-24, high=24)
            relative = Relative(since_hour=hour)
        else:
            unit = item.get("unit")
            if unit not in DURATION_UNITS:
                raise ConfigError(f"{where}.unit: must be one of {', '.join(DURATION_UNITS)}")
            value = _number(item.get("value"), f"{where}.value", low=0.01, high=1000)
            relative = Relative(value=value, unit=unit)
        phrases = _phrases(item.get("phrases"), f"{where}.phrases")
        if not phrases:
            raise ConfigError(f"{where}.phrases: needs at least one phrase")
        facts.extend((phrase, "relative", relative) for phrase in phrases)
    return facts


def _window(raw: object, path: Path) -> tuple[int, int] | None:
    if raw is None:
        return None
    where = f"{path}: negation_window"
    window = _mapping(raw, where)
    _check_keys(window, _WINDOW_KEYS, where)
    before = int(_number(window.get("before", 0), f"{where}.before", low=0, high=5))
    after = int(_number(window.get("after", 0), f"{where}.after", low=0, high=5))
    return before, after
