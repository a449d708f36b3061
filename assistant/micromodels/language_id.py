"""Which language each utterance is in: en, ar or ur (Urdu in Arabic or Latin script).

Script cues decide first (Urdu-only letters such as ٹ ڈ ڑ ں ے; Arabic-only ة ى ي ك),
Roman Urdu is Latin text carrying Urdu function words ("mujhe", "hai", "nahi"), and
lingua (restricted to English, Arabic and Urdu, built once in ``warm_up``) settles the rest.
The session language is a prior for short or ambiguous input, not a cage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError
from assistant.languages import Lang
from assistant.lexicon import check_mapping, load_yaml, str_list
from assistant.micromodels.base import Result, sha256_of, timed

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_KEYS = ("urdu_letters", "arabic_letters", "roman_urdu_markers", "english_markers")
AMBIGUOUS = 0.6


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    language: Lang
    script: str  # ISO 15924: "Latn" or "Arab"
    confidence: float


class LanguageId:
    name = "language_id"

    def __init__(self, knowledge_dir: Path) -> None:
        path = knowledge_dir / "language_id.yaml"
        data = check_mapping(load_yaml(path), "top level", path, allowed=_KEYS, required=_KEYS)
        for key in ("urdu_letters", "arabic_letters"):
            if not isinstance(data[key], str) or not data[key]:
                raise ConfigError(f"{path}: {key} must be a non-empty string of letters")
        self._urdu_letters = frozenset(data["urdu_letters"])
        self._arabic_letters = frozenset(data["arabic_letters"])
        self._roman = frozenset(
            w.casefold() for w in str_list(data["roman_urdu_markers"], "roman_urdu_markers", path)
        )
        self._english = frozenset(
            w.casefold() for w in str_list(data["english_markers"], "english_markers", path)
        )
        self.version = f"lingua-2+rules-{sha256_of([path])[:12]}"
        self._detector: Any = None

    def warm_up(self) -> None:
        if self._detector is None:
            from lingua import Language, LanguageDetectorBuilder

            self._detector = (
                LanguageDetectorBuilder.from_languages(
                    Language.ENGLISH, Language.ARABIC, Language.URDU
                )
                .with_preloaded_language_models()
                .build()
            )

    def run(self, text: str, hint: Lang | None = None) -> Result[LanguageGuess]:
        self.warm_up()
        timer = timed(self.name, self.version)
        guess, note = self.guess(text, hint)
        if note:
            return Result(guess, timer.finish(guess.confidence, status="fallback", note=note))
        return Result(guess, timer.finish(confidence=guess.confidence))

    def guess(self, text: str, hint: Lang | None) -> tuple[LanguageGuess, str]:
        arabic_script = [
            ch for ch in text if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"
        ]
        latin = [ch for ch in text if ch.isalpha() and ch.isascii()]
        letters = [ch for ch in arabic_script if ch.isalpha()]
        if not letters and not latin:
            return LanguageGuess(
                hint or "en", "Latn" if hint in (None, "en") else "Arab", 0.0
            ), "fallback:no-letters"
        if len(letters) >= len(latin):
            return self._arabic_script(text, letters, hint)
        return self._latin_script(text, hint)

    def _arabic_script(
        self, text: str, letters: list[str], hint: Lang | None
    ) -> tuple[LanguageGuess, str]:
        urdu = sum(1 for ch in letters if ch in self._urdu_letters)
        arabic = sum(1 for ch in letters if ch in self._arabic_letters)
        if urdu + arabic >= 2 and (urdu == 0 or arabic == 0):
            lang: Lang = "ur" if urdu else "ar"
            return LanguageGuess(lang, "Arab", min(1.0, 0.7 + 0.1 * (urdu + arabic))), ""
        scores = self._lingua(text)
        ur, ar = scores.get("ur", 0.0), scores.get("ar", 0.0)
        # Script letters vote alongside lingua's model.
        total = urdu + arabic
        if total:
            ur = 0.5 * ur + 0.5 * urdu / total
            ar = 0.5 * ar + 0.5 * arabic / total
        lang = "ur" if ur > ar else "ar"
        confidence = max(ur, ar) / ((ur + ar) or 1.0)
        if confidence < AMBIGUOUS and hint in ("ar", "ur"):
            return LanguageGuess(hint, "Arab", confidence), "fallback:session-language"
        return LanguageGuess(lang, "Arab", confidence), ""

    def _latin_script(self, text: str, hint: Lang | None) -> tuple[LanguageGuess, str]:
        words = [w.casefold() for w in _WORD.findall(text)]
        roman = sum(1 for w in words if w in self._roman)
        english = sum(1 for w in words if w in self._english)
        if (roman >= 2 and roman >= english) or (roman == 1 and english == 0 and len(words) <= 3):
            confidence = roman / (roman + english)
            return LanguageGuess("ur", "Latn", min(1.0, 0.5 + confidence / 2)), ""
        if roman == 0 and english == 0 and hint == "ur" and len(words) <= 3:
            return LanguageGuess("ur", "Latn", 0.5), "fallback:session-language"
        confidence = 1.0 if english else 0.7
        if roman:
            confidence = english / (roman + english)
        return LanguageGuess("en", "Latn", confidence), ""

    def _lingua(self, text: str) -> dict[str, float]:
        values = self._detector.compute_language_confidence_values(text)
        return {str(v.language.iso_code_639_1.name).lower(): float(v.value) for v in values}
