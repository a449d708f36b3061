"""Protocol packs: what to ask, and which extra red flags to screen for, per chief complaint.

A pack is a YAML (or JSON) file validated here; every error names the file and the place,
and unknown keys are listed against the allowed ones. Texts are required in en, ar and ur.

```yaml
id: chest_pain                       # [a-z0-9_], unique: a new file with the same id replaces it
version: "1.0"
title: {en: ..., ar: ..., ur: ...}
description: {en: ..., ar: ..., ur: ...}   # embedded for retrieval
concepts: [chest_pain]               # concept ids (knowledge/concepts.yaml) that select the pack
keywords: {en: [...], ar: [...], ur: [...]}  # phrases that select it ("..." skips, "x*" prefix)
examples: {en: [...], ar: [...], ur: [...]}  # how patients say it; embedded for retrieval
section: hpi                         # questionnaire section the questions belong to
max_age: 15                          # optional min_age/max_age (years): never matched outside
questions:                           # asked after the core questionnaire
  - linkId: radiation
    type: boolean                    # an assistant.questionnaire AnswerType
    text: {en: ..., ar: ..., ur: ...}
    options: [{code: ..., text: {en, ar, ur}, synonyms: [...]}]   # for choice
red_flags:
  - code: chest_pain_radiating
    label: chest pain spreading to the arm or jaw    # English, for the clinician
    level: emergency_ambulance       # an assistant.concepts TriageLevel
    patterns: {en: [...], ar: [...], ur: [...]}
```

Question linkIds become ``<pack id>.<linkId>`` so they never collide with the core items.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, cast

import yaml

from assistant.concepts import TRIAGE_LEVELS, RedFlag, TriageLevel
from assistant.errors import ConfigError
from assistant.ingest import KnowledgeRejected, decode_text, sha256_bytes
from assistant.languages import LANGUAGES, Lang
from assistant.lexicon import Doc, PhraseMatcher
from assistant.micromodels.negation import ContextMap
from assistant.questionnaire import ANSWER_TYPES, OPERATORS, AnswerType, EnableWhen, Item, Option

_TOP_KEYS: Final = frozenset(
    {
        "id",
        "version",
        "title",
        "description",
        "concepts",
        "keywords",
        "examples",
        "section",
        "min_age",
        "max_age",
        "questions",
        "red_flags",
    }
)
_REQUIRED_TOP: Final = ("id", "title", "description", "questions")
_QUESTION_KEYS: Final = frozenset(
    {
        "linkId",
        "type",
        "text",
        "hint",
        "options",
        "min",
        "max",
        "required",
        "enableWhen",
        "enableBehavior",
    }
)
_OPTION_KEYS: Final = frozenset({"code", "text", "synonyms"})
_WHEN_KEYS: Final = frozenset({"question", "operator", "answer"})
_FLAG_KEYS: Final = frozenset({"code", "label", "level", "patterns"})
_ID: Final = re.compile(r"^[a-z0-9][a-z0-9_]{1,63}$")
_MAX_PACK_BYTES: Final = 1_000_000


class InvalidProtocolPack(KnowledgeRejected, ConfigError):
    """A pack that does not validate: an upload (IntakeError) or a shipped file (ConfigError)."""

    key = "error_protocol_pack"


@dataclass(frozen=True, slots=True)
class RedFlagRule:
    code: str
    label: str
    level: TriageLevel
    patterns: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ProtocolPack:
    id: str
    version: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    concepts: tuple[str, ...]
    keywords: Mapping[str, tuple[str, ...]]
    examples: Mapping[str, tuple[str, ...]]
    section: str
    questions: tuple[Item, ...]
    red_flags: tuple[RedFlagRule, ...]
    sha256: str
    source: str
    min_age: int | None = None
    max_age: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _matchers: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def fits_age(self, age: int | None) -> bool:
        """Unknown age fits every pack; a known one must lie within min_age..max_age."""
        if age is None:
            return True
        low = self.min_age if self.min_age is not None else 0
        high = self.max_age if self.max_age is not None else 200
        return low <= age <= high

    def retrieval_texts(self) -> list[tuple[Lang, str, str]]:
        """(language, text, heading) to embed: the description and each example."""
        out: list[tuple[Lang, str, str]] = []
        for lang in LANGUAGES:
            out.append((lang, f"{self.title[lang]}: {self.description[lang]}", "description"))
            out.extend((lang, example, "example") for example in self.examples[lang])
        return out

    def to_json(self) -> str:
        return json.dumps(self.raw, ensure_ascii=False, sort_keys=True)

    def _matcher(self, kind: str, language: str) -> PhraseMatcher[Any]:
        key = f"{kind}:{language}"
        if key not in self._matchers:
            langs = [language, "en"] if language != "en" else ["en"]
            if kind == "keywords":
                entries: list[tuple[str, Any]] = [
                    (p, self.id) for lang in langs for p in self.keywords.get(lang, ())
                ]
            else:
                entries = [
                    (p, rule)
                    for rule in self.red_flags
                    for lang in langs
                    for p in rule.patterns[lang]
                ]
            self._matchers[key] = PhraseMatcher(entries)
        return cast(PhraseMatcher[Any], self._matchers[key])

    def keyword_hit(self, text: str, language: str) -> bool:
        """One of the pack's keywords (session language or English) is in ``text``."""
        return bool(self._matcher("keywords", language).find(Doc(text)))

    def screen(self, text: str, language: str, context: ContextMap | None = None) -> list[RedFlag]:
        """The pack's extra red flags in ``text``; mentions a ContextMap marks as negated,
        family, historical or hypothetical do not count."""
        doc = Doc(text)
        flags: dict[str, RedFlag] = {}
        for match in self._matcher("red_flags", language).find(doc):
            rule = cast(RedFlagRule, match.payload)
            if context is not None and context.categories(match.start, match.end):
                continue
            flags.setdefault(
                rule.code,
                RedFlag(
                    code=rule.code,
                    label=rule.label,
                    evidence=doc.evidence(match.start, match.end),
                    rule=f"protocol:{self.id}:{rule.code}",
                    level=rule.level,
                ),
            )
        return list(flags.values())


# --------------------------------------------------------------------------- validation


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> InvalidProtocolPack:
        return InvalidProtocolPack(
            f"{self.source}: {where}: {message}" if where else f"{self.source}: {message}"
        )

    def mapping(self, value: object, where: str, allowed: frozenset[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected a mapping, got {type(value).__name__}")
        unknown = sorted(map(str, set(value) - allowed))
        if unknown:
            raise self.fail(
                where, f"unknown key {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )
        return value

    def items(self, value: object, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {type(value).__name__}")
        return value

    def strings(self, value: object, where: str) -> tuple[str, ...]:
        items = self.items(value, where)
        if any(isinstance(i, bool) for i in items):  # a bare YAML yes/no/on/off
            raise self.fail(where, 'a YAML boolean in the list: quote the word ("yes", "no")')
        if not all(isinstance(i, str) and i.strip() for i in items):
            raise self.fail(where, "expected a list of non-empty strings")
        return tuple(i.strip() for i in items)

    def whole_number(self, value: object, where: str) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where, f"must be a whole number, got {value!r}")
        return value

    def texts(self, value: object, where: str) -> dict[str, str]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected texts in {', '.join(LANGUAGES)}")
        extra = sorted(map(str, set(value) - set(LANGUAGES)))
        if extra:
            raise self.fail(
                where, f"unknown language {', '.join(extra)}; allowed: {', '.join(LANGUAGES)}"
            )
        missing = [lang for lang in LANGUAGES if not str(value.get(lang) or "").strip()]
        if missing:
            raise self.fail(where, f"missing translation for {', '.join(missing)}")
        return {lang: str(value[lang]).strip() for lang in LANGUAGES}

    def phrase_lists(self, value: object, where: str, required: bool) -> dict[str, tuple[str, ...]]:
        if value is None and not required:
            return {lang: () for lang in LANGUAGES}
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected lists of phrases for {', '.join(LANGUAGES)}")
        extra = sorted(map(str, set(value) - set(LANGUAGES)))
        if extra:
            raise self.fail(
                where, f"unknown language {', '.join(extra)}; allowed: {', '.join(LANGUAGES)}"
            )
        out: dict[str, tuple[str, ...]] = {}
        for lang in LANGUAGES:
            items = value.get(lang)
            if not isinstance(items, list) or not all(
                isinstance(i, str) and i.strip() for i in items
            ):
                raise self.fail(where, f"{lang} must be a list of phrases")
            if not items:
                raise self.fail(where, f"missing translation for {lang} (empty list)")
            out[lang] = tuple(i.strip() for i in items)
        return out


def _question(
    check: _Checker, raw: object, index: int, pack_id: str, section: str, seen: set[str]
) -> Item:
    where = f"questions[{index}]"
    if isinstance(raw, Mapping) and raw.get("linkId"):
        where = f"question {str(raw['linkId'])!r}"
    q = check.mapping(raw, where, _QUESTION_KEYS)
    link = str(q.get("linkId") or "")
    if not _ID.match(link):
        raise check.fail(where, f"linkId must be lower-case letters, digits and _, got {link!r}")
    where = f"question {link!r}"
    if link in seen:
        raise check.fail(where, "duplicate linkId")
    qtype = q.get("type")
    if qtype not in ANSWER_TYPES:
        raise check.fail(where, f"type must be one of {', '.join(ANSWER_TYPES)}, got {qtype!r}")
    options = []
    for j, opt_raw in enumerate(check.items(q.get("options"), f"{where}: options")):
        opt = check.mapping(opt_raw, f"{where}: options[{j}]", _OPTION_KEYS)
        if not opt.get("code"):
            raise check.fail(f"{where}: options[{j}]", "code is required")
        options.append(
            Option(
                code=str(opt["code"]),
                text=check.texts(opt.get("text"), f"{where}: option {opt['code']!r}"),
                synonyms=check.strings(opt.get("synonyms"), f"{where}: options[{j}]: synonyms"),
            )
        )
    if qtype == "choice" and not options:
        raise check.fail(where, "a choice question needs options")
    whens = []
    for j, when_raw in enumerate(check.items(q.get("enableWhen"), f"{where}: enableWhen")):
        when = check.mapping(when_raw, f"{where}: enableWhen[{j}]", _WHEN_KEYS)
        target = str(when.get("question") or "")
        if target not in seen:
            raise check.fail(
                where, f"enableWhen refers to {target!r}, which is not an earlier question"
            )
        operator = when.get("operator", "=")
        if operator not in OPERATORS:
            raise check.fail(
                where,
                f"enableWhen operator must be one of {', '.join(OPERATORS)}, got {operator!r}",
            )
        whens.append(EnableWhen(f"{pack_id}.{target}", operator, when.get("answer")))
    behavior = q.get("enableBehavior", "all")
    if behavior not in ("all", "any"):
        raise check.fail(where, f"enableBehavior must be all or any, got {behavior!r}")
    seen.add(link)
    return Item(
        link_id=f"{pack_id}.{link}",
        section=section,
        type=cast(AnswerType, qtype),
        text=check.texts(q.get("text"), f"{where}: text"),
        hint=check.texts(q["hint"], f"{where}: hint") if q.get("hint") else None,
        options=tuple(options),
        enable_when=tuple(whens),
        enable_behavior=behavior,
        minimum=check.whole_number(q.get("min"), f"{where}: min"),
        maximum=check.whole_number(q.get("max"), f"{where}: max"),
        slot=f"{pack_id}.{link}",
        required=bool(q.get("required", False)),
    )


def _red_flag(check: _Checker, raw: object, index: int) -> RedFlagRule:
    where = f"red_flags[{index}]"
    rule = check.mapping(raw, where, _FLAG_KEYS)
    code = str(rule.get("code") or "")
    if not _ID.match(code):
        raise check.fail(where, f"code must be lower-case letters, digits and _, got {code!r}")
    label = str(rule.get("label") or "").strip()
    if not label:
        raise check.fail(f"red flag {code!r}", "label (English, for the clinician) is required")
    level = rule.get("level", "emergency")
    if level not in TRIAGE_LEVELS:
        raise check.fail(
            f"red flag {code!r}", f"level must be one of {', '.join(TRIAGE_LEVELS)}, got {level!r}"
        )
    patterns = check.phrase_lists(
        rule.get("patterns"), f"red flag {code!r}: patterns", required=True
    )
    return RedFlagRule(code, label, cast(TriageLevel, level), patterns)


def validate_pack(
    raw: object, source: str, sha256: str, known_concepts: frozenset[str] | None = None
) -> ProtocolPack:
    """A ProtocolPack from parsed YAML/JSON, or InvalidProtocolPack naming what is wrong."""
    check = _Checker(source)
    top = check.mapping(raw, "", _TOP_KEYS)
    for key in _REQUIRED_TOP:
        if top.get(key) in (None, "", [], {}):
            raise check.fail("", f"missing required key {key!r}")
    pack_id = str(top["id"])
    if not _ID.match(pack_id):
        raise check.fail("id", f"must be lower-case letters, digits and _, got {pack_id!r}")
    concepts = check.strings(top.get("concepts"), "concepts")
    if known_concepts is not None:
        unknown = [c for c in concepts if c not in known_concepts]
        if unknown:
            raise check.fail(
                "concepts", f"unknown concept id {', '.join(unknown)} (see knowledge/concepts.yaml)"
            )
    section = top.get("section") or "hpi"
    if not isinstance(section, str) or not _ID.match(section):
        raise check.fail("section", f"must be a questionnaire section id, got {section!r}")
    ages: dict[str, int | None] = {}
    for key in ("min_age", "max_age"):
        value = top.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise check.fail(key, f"must be a whole number of years >= 0, got {value!r}")
        ages[key] = value
    questions_raw = top["questions"]
    if not isinstance(questions_raw, list):
        raise check.fail("questions", "must be a list")
    seen: set[str] = set()
    questions = tuple(
        _question(check, q, i, pack_id, section, seen) for i, q in enumerate(questions_raw)
    )
    flags_raw = top.get("red_flags") or []
    if not isinstance(flags_raw, list):
        raise check.fail("red_flags", "must be a list")
    flags = tuple(_red_flag(check, f, i) for i, f in enumerate(flags_raw))
    codes = [f.code for f in flags]
    if len(set(codes)) != len(codes):
        raise check.fail("red_flags", "duplicate code")
    return ProtocolPack(
        id=pack_id,
        version=str(top.get("version") or "1"),
        title=check.texts(top["title"], "title"),
        description=check.texts(top["description"], "description"),
        concepts=concepts,
        keywords=check.phrase_lists(top.get("keywords"), "keywords", required=False),
        examples=check.phrase_lists(top.get("examples"), "examples", required=True),
        section=section,
        questions=questions,
        red_flags=flags,
        sha256=sha256,
        source=source,
        min_age=ages["min_age"],
        max_age=ages["max_age"],
        raw=json.loads(json.dumps(top, ensure_ascii=False, default=str)),
    )


def parse_pack(
    filename: str, data: bytes, known_concepts: frozenset[str] | None = None
) -> ProtocolPack:
    """A pack from the bytes of a .yaml/.yml/.json file."""
    if len(data) > _MAX_PACK_BYTES:
        raise InvalidProtocolPack(f"{filename}: a protocol pack must be under 1 MB")
    text = decode_text(data, filename)
    try:
        raw = json.loads(text) if filename.lower().endswith(".json") else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise InvalidProtocolPack(
            f"{filename}: not valid {'JSON' if filename.endswith('.json') else 'YAML'}: {exc}"
        ) from exc
    return validate_pack(raw, filename, sha256_bytes(data), known_concepts)


def pack_from_json(text: str, source: str, sha256: str) -> ProtocolPack:
    """A pack as stored in the knowledge store (validated again: stored data is still data)."""
    return validate_pack(json.loads(text), source, sha256)


def known_concepts(knowledge_dir: Path) -> frozenset[str] | None:
    """Concept ids of ``knowledge/concepts.yaml``, or None when the file is absent."""
    path = knowledge_dir / "concepts.yaml"
    if not path.is_file():
        return None
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    concepts = raw.get("concepts") if isinstance(raw, Mapping) else None
    if not isinstance(concepts, Mapping):
        raise ConfigError(f"{path}: expected a concepts mapping")
    return frozenset(map(str, concepts))


def load_packs(folder: Path, knowledge_dir: Path | None = None) -> list[ProtocolPack]:
    """The shipped packs (``knowledge/protocols/*.yaml``), validated; errors are ConfigErrors."""
    concepts = known_concepts(knowledge_dir or folder.parent)
    packs = [parse_pack(p.name, p.read_bytes(), concepts) for p in sorted(folder.glob("*.y*ml"))]
    ids = [p.id for p in packs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{folder}: duplicate pack id {', '.join(dupes)}")
    return packs


def questions_of(packs: Sequence[ProtocolPack]) -> tuple[Item, ...]:
    return tuple(q for p in packs for q in p.questions)
