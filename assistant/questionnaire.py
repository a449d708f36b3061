"""The questionnaire as data: FHIR Questionnaire-like items with texts in en/ar/ur.

Loaded from ``knowledge/questionnaire.yaml`` and validated at start-up: an unknown key,
a missing translation, a dangling enableWhen or a duplicate linkId is a ConfigError that
names the file and the item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, cast, get_args

import yaml

from assistant.errors import ConfigError
from assistant.languages import LANGUAGES, Lang
from assistant.lexicon import str_list

AnswerType = Literal["integer", "boolean", "choice", "duration", "severity", "string", "text"]
ANSWER_TYPES: Final[tuple[str, ...]] = get_args(AnswerType)
Operator = Literal["=", "!=", ">", ">=", "<", "<=", "exists"]
OPERATORS: Final[tuple[str, ...]] = get_args(Operator)

_ITEM_KEYS: Final = frozenset(
    {
        "linkId",
        "section",
        "type",
        "text",
        "hint",
        "options",
        "enableWhen",
        "enableBehavior",
        "min",
        "max",
        "slot",
        "required",
        "understand",
    }
)
_TOP_KEYS: Final = frozenset({"id", "version", "sections", "items"})
_SECTION_KEYS: Final = frozenset({"id", "title"})
_OPTION_KEYS: Final = frozenset({"code", "text", "synonyms"})
_WHEN_KEYS: Final = frozenset({"question", "operator", "answer"})
_UNDERSTAND: Final = frozenset(
    {"findings", "chief_complaint", "medications", "allergies", "conditions"}
)


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    text: Mapping[str, str]
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EnableWhen:
    question: str
    operator: Operator
    answer: Any


@dataclass(frozen=True, slots=True)
class Item:
    link_id: str
    section: str
    type: AnswerType
    text: Mapping[str, str]
    hint: Mapping[str, str] | None = None
    options: tuple[Option, ...] = ()
    enable_when: tuple[EnableWhen, ...] = ()
    enable_behavior: Literal["all", "any"] = "all"
    minimum: int | None = None
    maximum: int | None = None
    slot: str = ""
    required: bool = False
    understand: str | None = None

    def prompt(self, lang: Lang) -> str:
        return self.text[lang]

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Questionnaire:
    id: str
    version: str
    sha256: str
    sections: tuple[Section, ...]
    items: tuple[Item, ...]

    def item(self, link_id: str) -> Item:
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


def _texts(raw: object, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping of {', '.join(LANGUAGES)} texts")
    missing = [lang for lang in LANGUAGES if not str(raw.get(lang) or "").strip()]
    if missing:
        raise ConfigError(f"{where}: missing translation for {', '.join(missing)}")
    extra = sorted(set(map(str, raw)) - set(LANGUAGES))
    if extra:
        raise ConfigError(f"{where}: unknown language {', '.join(extra)}")
    return {lang: str(raw[lang]).strip() for lang in LANGUAGES}


def _check_keys(raw: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def _item(raw: object, index: int, sections: set[str], path: Path) -> Item:
    where = f"{path.name}: items[{index}]"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping")
    _check_keys(raw, _ITEM_KEYS, where)
    link_id = str(raw.get("linkId") or "")
    if not link_id:
        raise ConfigError(f"{where}: linkId is required")
    where = f"{path.name}: item {link_id!r}"
    qtype = raw.get("type")
    if qtype not in ANSWER_TYPES:
        raise ConfigError(f"{where}: type must be one of {', '.join(ANSWER_TYPES)}, got {qtype!r}")
    section = str(raw.get("section") or "")
    if section not in sections:
        raise ConfigError(f"{where}: unknown section {section!r}")
    options: list[Option] = []
    for j, opt in enumerate(raw.get("options") or []):
        if not isinstance(opt, Mapping) or "code" not in opt:
            raise ConfigError(f"{where}: options[{j}] needs a code")
        _check_keys(opt, _OPTION_KEYS, f"{where}: options[{j}]")
        options.append(
            Option(
                code=str(opt["code"]),
                text=_texts(opt.get("text"), f"{where}: option {opt['code']!r}"),
                synonyms=(
                    tuple(str_list(opt["synonyms"], f"{where}: options[{j}]: synonyms", path))
                    if opt.get("synonyms") is not None
                    else ()
                ),
            )
        )
    if qtype == "choice" and not options:
        raise ConfigError(f"{where}: a choice item needs options")
    whens: list[EnableWhen] = []
    for j, when in enumerate(raw.get("enableWhen") or []):
        if not isinstance(when, Mapping):
            raise ConfigError(f"{where}: enableWhen[{j}] must be a mapping")
        _check_keys(when, _WHEN_KEYS, f"{where}: enableWhen[{j}]")
        operator = when.get("operator", "=")
        if operator not in OPERATORS:
            raise ConfigError(
                f"{where}: enableWhen operator must be one of {', '.join(OPERATORS)}, "
                f"got {operator!r}"
            )
        whens.append(EnableWhen(str(when.get("question")), operator, when.get("answer")))
    behavior = raw.get("enableBehavior", "all")
    if behavior not in ("all", "any"):
        raise ConfigError(f"{where}: enableBehavior must be all or any, got {behavior!r}")
    understand = raw.get("understand")
    if understand is not None and understand not in _UNDERSTAND:
        raise ConfigError(
            f"{where}: understand must be one of {', '.join(sorted(_UNDERSTAND))}, "
            f"got {understand!r}"
        )
    return Item(
        link_id=link_id,
        section=section,
        type=cast(AnswerType, qtype),
        text=_texts(raw.get("text"), f"{where}: text"),
        hint=_texts(raw["hint"], f"{where}: hint") if raw.get("hint") else None,
        options=tuple(options),
        enable_when=tuple(whens),
        enable_behavior=behavior,
        minimum=int(raw["min"]) if raw.get("min") is not None else None,
        maximum=int(raw["max"]) if raw.get("max") is not None else None,
        slot=str(raw.get("slot") or link_id),
        required=bool(raw.get("required", False)),
        understand=understand,
    )


def load_questionnaire(path: Path) -> Questionnaire:
    try:
        data = path.read_bytes()
        raw = yaml.safe_load(data)
    except OSError as exc:
        raise ConfigError(f"cannot read questionnaire {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{path.name}: expected a mapping at the top")
    _check_keys(raw, _TOP_KEYS, path.name)
    sections: list[Section] = []
    for i, sec in enumerate(raw.get("sections") or []):
        if not isinstance(sec, Mapping) or not sec.get("id"):
            raise ConfigError(f"{path.name}: sections[{i}] needs an id")
        _check_keys(sec, _SECTION_KEYS, f"{path.name}: sections[{i}]")
        sections.append(Section(str(sec["id"]), _texts(sec.get("title"), f"section {sec['id']}")))
    section_ids = {s.id for s in sections}
    raw_items = raw.get("items")
    if not isinstance(raw_items, Sequence) or not raw_items:
        raise ConfigError(f"{path.name}: items must be a non-empty list")
    items = [_item(r, i, section_ids, path) for i, r in enumerate(raw_items)]
    seen: set[str] = set()
    for item in items:
        if item.link_id in seen:
            raise ConfigError(f"{path.name}: duplicate linkId {item.link_id!r}")
        for when in item.enable_when:
            if when.question not in seen:
                raise ConfigError(
                    f"{path.name}: item {item.link_id!r} enableWhen refers to "
                    f"{when.question!r}, which is not an earlier item"
                )
        seen.add(item.link_id)
    return Questionnaire(
        id=str(raw.get("id") or path.stem),
        version=str(raw.get("version") or "1"),
        sha256=hashlib.sha256(data).hexdigest(),
        sections=tuple(sections),
        items=tuple(items),
    )
