"""Text clean-up shared by every micro-model that reads patient words.

``clean_input`` makes what a patient typed safe to store and show: control and bidi-override
characters removed, whitespace folded. ``normalize`` is for matching only: digits to ASCII,
Arabic and Urdu letter variants to one form, diacritics and tatweel dropped, lower case.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹",
    "01234567890123456789",
)

# Letter variants folded for matching. Urdu and Arabic share most letters but use
# different code points for yeh, kaf and heh; patients mix keyboards.
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ے": "ي",
        "ئ": "ي",
        "ة": "ه",
        "ۃ": "ه",
        "ہ": "ه",
        "ھ": "ه",
        "ۀ": "ه",
        "ک": "ك",
        "ؤ": "و",
        "ـ": None,  # tatweel
        "،": ",",
        "؛": ";",
        "؟": "?",
        "٪": "%",
        "٫": ".",
    }
)

# Harakat, Quranic marks, superscript alef, Urdu diacritics.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
# C0/C1 controls except tab/newline, and bidi embeddings/overrides/isolates.
_UNSAFE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")


def clean_input(text: str) -> str:
    """What we store and show of a patient's message: no control or bidi-override characters."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("", text)
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)


def normalize(text: str) -> str:
    """The form all lexicons and rules are matched against."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_DIGITS).translate(_LETTERS)
    text = _SPACES.sub(" ", text)
    return text.casefold().strip()


def has_arabic_script(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text)
