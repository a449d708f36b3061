"""Localized strings for the patient door, loaded from ``knowledge/ui.yaml`` and validated."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigError
from assistant.languages import LANGUAGES


class Messages:
    def __init__(self, table: Mapping[str, Mapping[str, str]], defaults: Mapping[str, Any]):
        self._table = table
        self._defaults = dict(defaults)

    @classmethod
    def load(cls, path: Path, **defaults: Any) -> Messages:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot load {path.name}: {exc}") from exc
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{path.name}: expected a mapping of message keys")
        table: dict[str, dict[str, str]] = {}
        for key, texts in raw.items():
            if not isinstance(texts, Mapping):
                raise ConfigError(f"{path.name}: {key}: expected en/ar/ur texts")
            missing = [lang for lang in LANGUAGES if not str(texts.get(lang) or "").strip()]
            if missing:
                raise ConfigError(f"{path.name}: {key}: missing translation for {missing}")
            table[str(key)] = {lang: str(texts[lang]).strip() for lang in LANGUAGES}
        return cls(table, defaults)

    def __contains__(self, key: str) -> bool:
        return key in self._table

    def get(self, key: str, lang: str, **values: Any) -> str:
        texts = self._table.get(key) or self._table["error_generic"]
        text = texts.get(lang) or texts["en"]
        merged = {**self._defaults, **values}
        try:
            return text.format(**merged)
        except (KeyError, IndexError):
            return text
