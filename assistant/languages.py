"""The three languages a session can run in, and what the UI needs to know about them."""

from __future__ import annotations

from typing import Final, Literal, TypeGuard, get_args

Lang = Literal["en", "ar", "ur"]
LANGUAGES: Final[tuple[Lang, ...]] = get_args(Lang)
RTL: Final[frozenset[str]] = frozenset({"ar", "ur"})
NATIVE_NAMES: Final[dict[Lang, str]] = {"en": "English", "ar": "العربية", "ur": "اردو"}


def is_lang(value: object) -> TypeGuard[Lang]:
    return value in LANGUAGES


def parse_lang(value: str) -> Lang:
    """Accept a language code or a native name; raise ValueError naming the choices."""
    cleaned = value.strip().lower()
    if is_lang(cleaned):
        return cleaned
    for code, native in NATIVE_NAMES.items():
        if value.strip() == native or cleaned == native.lower():
            return code
    raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {value!r}")


def direction(lang: str) -> Literal["rtl", "ltr"]:
    return "rtl" if lang in RTL else "ltr"
