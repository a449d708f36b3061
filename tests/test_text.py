from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.text import clean_input, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("عندي ٣ أيام", "عندي 3 ايام"),
        ("۴۵ سال", "45 سال"),
        ("إسهال", "اسهال"),
        ("مستشفى", "مستشفي"),
        ("حرارة", "حراره"),
        ("ســـعال", "سعال"),
        ("صُدَاع", "صداع"),
        ("کھانسی", "كهانسي"),
        ("Chest PAIN", "chest pain"),
    ],
)
def test_normalize_folds_variants_digits_and_case(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_clean_input_strips_bidi_overrides_and_controls() -> None:
    assert clean_input("he\u202eadache\u0000 \u2066now\u2069") == "headache now"
    assert clean_input("  \n\t ") == ""
    assert clean_input("line one\n\n  line two ") == "line one\nline two"


@given(st.text())
def test_clean_input_never_leaves_unsafe_characters(text: str) -> None:
    out = clean_input(text)
    assert not any(ch in out for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x00")
    assert out == out.strip()
