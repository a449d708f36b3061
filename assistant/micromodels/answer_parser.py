"""Answer parser: a patient's free-text answer to one typed question -> a typed value.

Rules over per-language lexicons (``answer_lexicon``): numbers in words or in any digit script,
yes/no with negation, durations with units (Arabic duals included), choice options by text,
synonym or number. ``run`` returns ``Result(None, trace)`` when the text does not answer the
question, so the interview asks again; it never raises on patient text.

Two answers fit every type: "I don't know" (kind ``unknown``) and "none"/"nothing" (kind
``none``), except for yes/no questions, where "nothing" is simply No.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal

from assistant.concepts import Duration, DurationUnit
from assistant.errors import ConfigError
from assistant.languages import Lang
from assistant.micromodels.answer_lexicon import (
    LEXICON_FILES,
    SESSION_FILES,
    Entry,
    Lexicon,
    build_lexicon,
    parse_file,
    tokenize,
)
from assistant.micromodels.base import Result, error_trace, sha256_of, timed
from assistant.questionnaire import AnswerType, Option
from assistant.text import clean_input

_MAX_PARSE_CHARS: Final = 1000  # a typed answer is short; the rest of a long message is not read
_MAX_SPECIAL_CHARS: Final = 200  # longer free text is never taken for "none" / "don't know"
_MAX_FUZZY_CHARS: Final = 60
# Confidence by how the answer was read: the whole answer is the value; the value sits in a
# sentence; it came from words; part of it was read; a range; a guess between readings; a typo.
_EXACT, _SENTENCE, _WORDS, _PARTIAL, _RANGE, _WEAK, _FUZZY = 0.95, 0.85, 0.8, 0.7, 0.7, 0.6, 0.6
_SEVERITY_MAX: Final = 10
# Minutes per unit for adding and comparing durations; a month is 30 days and a year 12 months.
_MINUTES: Final[dict[DurationUnit, int]] = {
    "minute": 1,
    "hour": 60,
    "day": 1440,
    "week": 10080,
    "month": 43200,
    "year": 518400,
}
_SMALLER: Final[dict[DurationUnit, DurationUnit]] = {"hour": "minute", "day": "hour"}

Outcome = tuple["ParsedAnswer | None", float, str]


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    kind: Literal["value", "unknown", "none"]
    value: Any  # JSON-serialisable; None for "unknown" and "none"
    english: str  # as the clinician's English summary shows it


UNKNOWN: Final = ParsedAnswer("unknown", None, "Unknown")
NONE: Final = ParsedAnswer("none", None, "None")


@dataclass(frozen=True, slots=True)
class _Num:
    value: float
    first: int  # index of its first item
    last: int  # index of its last item
    words: bool
    ranged: bool = False
    scale: float | None = None


@dataclass(slots=True)
class _Qty:
    value: float | None  # None: a vague amount ("a few days")
    unit: DurationUnit
    confidence: float
    linked: str = ""  # how it joins the quantity before it: "range" or ""
    note: str = ""


@dataclass(slots=True)
class _Pending:
    """What a duration answer said since its last quantity: a number, "half", "a", "few"."""

    num: _Num | None = None
    fraction: float | None = None
    article: bool = False
    vague: bool = False
    joined: bool = False  # "one and a half days": the fraction adds to the number
    ranged: bool = False  # "a week or two": the next bare number is the upper end


class AnswerParser:
    name = "answer_parser"

    def __init__(self, knowledge_dir: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self._paths = {key: knowledge_dir / rel for key, rel in LEXICON_FILES.items()}
        missing = [str(p) for p in self._paths.values() if not p.is_file()]
        if missing:
            raise ConfigError(f"answer lexicon missing: {', '.join(missing)}")
        self.version = f"rules-{sha256_of(self._paths.values())[:12]}"
        self._clock = clock or datetime.now
        self._lexicons: dict[Lang, Lexicon] | None = None

    def warm_up(self) -> None:
        self._load()

    def _load(self) -> dict[Lang, Lexicon]:
        if self._lexicons is None:
            files = {key: parse_file(path, path.read_bytes()) for key, path in self._paths.items()}
            self._lexicons = {
                lang: build_lexicon([files[key] for key in keys])
                for lang, keys in SESSION_FILES.items()
            }
        return self._lexicons

    def run(
        self,
        text: str,
        *,
        qtype: AnswerType,
        language: Lang,
        options: Sequence[Option] = (),
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Result[ParsedAnswer | None]:
        lexicons = self._load()
        lexicon = lexicons.get(language) or lexicons["en"]
        timer = timed(self.name, self.version)
        try:
            answer, confidence, note = self._parse(text, qtype, lexicon, options, minimum, maximum)
        except Exception as exc:  # the contract: patient text never raises
            return Result(None, error_trace(self.name, self.version, "error", exc))
        status: Literal["ok", "fallback"] = "ok" if answer is not None else "fallback"
        return Result(answer, timer.finish(confidence=confidence, status=status, note=note))

    def _parse(
        self,
        text: str,
        qtype: AnswerType,
        lexicon: Lexicon,
        options: Sequence[Option],
        minimum: int | None,
        maximum: int | None,
    ) -> Outcome:
        cleaned = clean_input(text) if isinstance(text, str) else ""
        if qtype == "string":
            cleaned = " ".join(cleaned.split())
        if not cleaned:
            return None, 0.0, "fallback:empty"
        if qtype in ("string", "text"):
            return _free_text(cleaned, lexicon)
        tokens = tokenize(cleaned[:_MAX_PARSE_CHARS])
        items = lexicon.scan(tokens)
        if qtype == "boolean":
            return _boolean(items)
        if qtype == "integer":
            return _integer(items, minimum, maximum)
        if qtype == "severity":
            low = 0 if minimum is None else minimum
            high = _SEVERITY_MAX if maximum is None else maximum
            return _severity(items, low, high)
        if qtype == "duration":
            return _duration(items, self._clock)
        if qtype == "choice":
            return _choice(lexicon, lexicon.split_clitics(tokens), items, options)
        return None, 0.0, "fallback:unsupported-type"


def _has(entry: Entry | None, tag: str) -> bool:
    return entry is not None and tag in entry.tags


def _extra(items: Sequence[Entry | None]) -> int:
    """Words the lexicon has no meaning for: patient content around the answer."""
    return sum(1 for item in items if item is None)


def _special(items: Sequence[Entry | None]) -> Outcome:
    """Kind "unknown" or "none" for an answer that holds no value of the asked type."""
    extra = _extra(items)
    if any(_has(item, "unknown") for item in items):
        return UNKNOWN, 0.9 if extra == 0 else _PARTIAL, ""
    if any(_has(item, "none") for item in items):
        return NONE, 0.9 if extra == 0 else _PARTIAL, ""
    return None, 0.0, "fallback:no-parse"


def _known(items: Sequence[Entry | None]) -> tuple[list[Entry | None], bool]:
    """The items without "I don't know" phrases, and whether there were any (a hedge)."""
    kept = [item for item in items if not _has(item, "unknown")]
    return kept, len(kept) != len(items)


def _free_text(cleaned: str, lexicon: Lexicon) -> Outcome:
    answer = ParsedAnswer("value", cleaned, cleaned)
    if len(cleaned) > _MAX_SPECIAL_CHARS:
        return answer, 0.9, ""
    kinds: set[str] = set()
    for item in lexicon.scan(tokenize(cleaned)):
        if item is None:
            return answer, 0.9, ""
        if "unknown" in item.tags:
            kinds.add("unknown")
        elif item.tags & {"none", "no", "neg"}:
            kinds.add("none")
        elif "filler" not in item.tags:
            return answer, 0.9, ""
    if "unknown" in kinds:
        return UNKNOWN, 0.9, ""
    if "none" in kinds:
        return NONE, 0.9, ""
    return answer, 0.9, ""


def _boolean(items: Sequence[Entry | None]) -> Outcome:
    core, hedged = _known(items)
    strong_yes = [i for i, e in enumerate(core) if _has(e, "yes") and not _has(e, "filler")]
    weak_yes = [i for i, e in enumerate(core) if _has(e, "yes") and _has(e, "filler")]
    negative = [i for i, e in enumerate(core) if e is not None and e.tags & {"no", "neg", "none"}]
    explicit_no = [i for i in negative if _has(core[i], "no") or _has(core[i], "none")]
    plain = _extra(core) == 0 and not hedged
    if negative and not strong_yes:
        if explicit_no:
            return ParsedAnswer("value", False, "No"), _EXACT if plain else _SENTENCE, ""
        return ParsedAnswer("value", False, "No"), _WORDS, "negated"
    if (strong_yes or weak_yes) and not negative:
        confidence = _EXACT if plain and strong_yes else _SENTENCE if strong_yes else _WORDS
        return ParsedAnswer("value", True, "Yes"), confidence, ""
    if strong_yes and negative and not explicit_no and strong_yes[0] + 1 < negative[0]:
        # "Yes, but not every day": the answer word leads and the negation, further on,
        # qualifies it; right after it ("sure, never") it negates the answer word itself.
        return ParsedAnswer("value", True, "Yes"), _WEAK, "qualified"
    if strong_yes and negative:
        return None, 0.0, "fallback:ambiguous"
    if hedged:
        return UNKNOWN, 0.9 if _extra(core) == 0 else _PARTIAL, ""
    return None, 0.0, "fallback:no-parse"


def _is_number(entry: Entry | None) -> bool:
    return entry is not None and (entry.number is not None or entry.multiplier is not None)


def _combine(value: float, entry: Entry, joined: bool) -> float | None:
    """One number written in several words: "forty five", "خمسة وأربعين", "two hundred"."""
    if entry.multiplier is not None:
        return value * entry.multiplier if 0 < value < 10 else None
    nxt = entry.number
    if nxt is None or not float(nxt).is_integer() or not float(value).is_integer():
        return None
    rest = int(value) % 100
    if rest in range(20, 100, 10) and 1 <= nxt <= 9:
        return value + nxt  # English order: forty five
    if joined and 1 <= rest <= 9 and nxt in range(20, 100, 10):
        return value + nxt  # Arabic order: five and forty
    if value >= 100 and rest == 0 and 1 <= nxt < 100:
        return value + nxt
    return None


def _compose(items: Sequence[Entry | None]) -> list[_Num]:
    out: list[_Num] = []
    i, count = 0, len(items)
    while i < count:
        entry = items[i]
        if entry is None or not _is_number(entry):
            i += 1
            continue
        if "digits" in entry.tags:
            out.append(_Num(float(entry.number or 0), i, i, words=False))
            i += 1
            continue
        value = float(entry.number if entry.number is not None else entry.multiplier or 0)
        last = i
        while True:
            k = last + 1
            joined = k < count and _has(items[k], "joiner")
            k += joined
            following = items[k] if k < count else None
            if following is None or "digits" in following.tags or not _is_number(following):
                break
            combined = _combine(value, following, joined)
            if combined is None:
                break
            value, last = combined, k
        out.append(_Num(value, i, last, words=True))
        i = last + 1
    return out


def _link(items: Sequence[Entry | None], nums: list[_Num], *, scale: bool) -> list[_Num]:
    """Ranges ("2-3", "دو تین") keep their upper end; scores ("7/10") keep the score."""
    out: list[_Num] = []
    for num in nums:
        prev = out[-1] if out else None
        if prev is not None and not prev.ranged and prev.scale is None:
            between = items[prev.last + 1 : num.first]
            link = between[0] if len(between) == 1 else None
            low, high = min(prev.value, num.value), max(prev.value, num.value)
            if scale and _has(link, "scale"):
                out[-1] = _Num(low, prev.first, num.last, prev.words, scale=high)
                continue
            rising = prev.value < num.value
            adjacent = not between and prev.words == num.words and num.value <= 2 * prev.value + 1
            if rising and (_has(link, "range") or adjacent):
                out[-1] = _Num(high, prev.first, num.last, prev.words, ranged=True)
                continue
        out.append(num)
    return out


def _number_confidence(num: _Num, items: Sequence[Entry | None], hedged: bool) -> float:
    if num.ranged:
        return _RANGE
    confidence = _EXACT if _extra(items) == 0 else _SENTENCE
    if num.words:
        confidence -= 0.05
    return confidence - (0.15 if hedged else 0.0)


def _as_int(value: float) -> int | None:
    return int(value) if float(value).is_integer() else None


def _integer(items: Sequence[Entry | None], minimum: int | None, maximum: int | None) -> Outcome:
    if any(_has(item, "junk") for item in items):
        return None, 0.0, "fallback:no-parse"
    core, hedged = _known(items)
    nums = _link(core, _compose(core), scale=False)
    if not nums:
        return _special(items)

    def fits(value: float) -> bool:
        whole = _as_int(value)
        return (
            whole is not None
            and (minimum is None or whole >= minimum)
            and (maximum is None or whole <= maximum)
        )

    values = {num.value for num in nums}
    if len(values) > 1:
        inside = [num for num in nums if fits(num.value)]
        if (minimum is None and maximum is None) or len({n.value for n in inside}) != 1:
            return None, 0.0, "fallback:ambiguous"
        value = int(inside[0].value)
        return ParsedAnswer("value", value, str(value)), _WEAK, "partial"
    num = nums[0]
    if _as_int(num.value) is None:
        return None, 0.0, "fallback:not-whole"
    if not fits(num.value):
        return None, 0.0, "fallback:out-of-range"
    value = int(num.value)
    note = "range" if num.ranged else ""
    return ParsedAnswer("value", value, str(value)), _number_confidence(num, core, hedged), note


def _severity(items: Sequence[Entry | None], low: int, high: int) -> Outcome:
    if any(_has(item, "junk") for item in items):
        return None, 0.0, "fallback:no-parse"
    core, hedged = _known(items)
    candidates: dict[float, tuple[float, str]] = {}
    for num in _link(core, _compose(core), scale=True):
        if num.scale is not None and num.scale != high:
            return None, 0.0, "fallback:out-of-range"
        note = "range" if num.ranged else ""
        candidates[num.value] = (_number_confidence(num, core, hedged), note)
    for item in core:
        if item is not None and item.severity is not None:
            candidates.setdefault(float(item.severity), (_WORDS, "words"))
    if not candidates:
        return _special(items)
    if len(candidates) > 1:
        return None, 0.0, "fallback:ambiguous"
    score, (confidence, note) = next(iter(candidates.items()))
    whole = _as_int(score)
    if whole is None:
        return None, 0.0, "fallback:not-whole"
    if not low <= whole <= high:
        return None, 0.0, "fallback:out-of-range"
    return ParsedAnswer("value", whole, f"{whole}/{high}"), confidence, note


def _clock_hours(since_hour: float, clock: Callable[[], datetime]) -> float:
    now = clock()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(hours=since_hour)
    return float(max(1, round((now - start).total_seconds() / 3600)))


def _duration(items: Sequence[Entry | None], clock: Callable[[], datetime]) -> Outcome:
    if any(_has(item, "junk") for item in items):
        return None, 0.0, "fallback:no-parse"
    core, hedged = _known(items)
    nums = {num.first: num for num in _link(core, _compose(core), scale=False)}
    elements: list[_Num | Entry | None] = []
    i = 0
    while i < len(core):
        num = nums.get(i)
        elements.append(num if num is not None else core[i])
        i = num.last + 1 if num is not None else i + 1

    qtys: list[_Qty] = []
    strays = 0
    read = _Pending()
    open_qty = False  # the last quantity can still take "and a half"
    dual_at = -2  # element index of the last Arabic dual ("يومين ثلاثة": two or three days)
    for index, element in enumerate(elements):
        if isinstance(element, _Num):
            last = qtys[-1] if qtys else None
            follows = read.ranged or index == dual_at + 1
            if (
                follows
                and last is not None
                and last.value is not None
                and element.value > last.value
                and not _unit_follows(elements, index)
            ):
                last.value, last.confidence, last.note = element.value, _RANGE, "range"
                read.ranged = open_qty = False
                continue
            strays += read.num is not None
            read.num, read.joined, open_qty = element, False, False
            continue
        entry = element
        if entry is None:
            open_qty = False
        elif entry.relative is not None or entry.unit is not None:
            if entry.relative is not None:
                qty = _relative_quantity(entry, clock)
            else:
                qty = _unit_quantity(entry, read)
                dual_at = index if entry.unit_count == 2 and read.num is None else -2
            qty.linked = "range" if read.ranged and qtys else ""
            qtys.append(qty)
            read, open_qty = _Pending(), entry.unit is not None
        elif entry.fraction is not None:
            last = qtys[-1] if qtys else None
            if open_qty and last is not None and last.value is not None:
                last.value += entry.fraction  # "an hour and a half", "ساعة ونص"
                open_qty = read.article = False
            elif read.num is not None and read.joined:
                read.num = _Num(
                    read.num.value + entry.fraction, read.num.first, read.num.last, True
                )
            else:
                read.fraction = entry.fraction
        elif "vague" in entry.tags:
            read.vague = True
        elif "article" in entry.tags:
            read.article = True
        elif "joiner" in entry.tags and read.num is not None:
            read.joined = True
        elif "range" in entry.tags:
            read.ranged = True
        elif not entry.tags & {"joiner", "filler", "scale"}:
            open_qty = False
    strays += read.num is not None
    if not qtys and not strays:
        return _special(items)
    return _combine_quantities(qtys, strays, hedged)


def _relative_quantity(entry: Entry, clock: Callable[[], datetime]) -> _Qty:
    rel = entry.relative
    if rel is not None and rel.value is not None and rel.unit is not None:
        return _Qty(rel.value, rel.unit, _EXACT)
    since_hour = rel.since_hour if rel is not None and rel.since_hour is not None else 0.0
    return _Qty(_clock_hours(since_hour, clock), "hour", _RANGE, note="clock")


def _unit_follows(elements: Sequence[_Num | Entry | None], index: int) -> bool:
    for element in elements[index + 1 :]:
        if isinstance(element, _Num) or element is None:
            return False
        if element.unit is not None:
            return True
        if not element.tags & {"filler", "article", "joiner"}:
            return False
    return False


def _unit_quantity(entry: Entry, read: _Pending) -> _Qty:
    assert entry.unit is not None
    unit = entry.unit
    if entry.unit_count == 2 and read.num is None:
        return _Qty(2.0, unit, _EXACT)  # Arabic dual: يومين, أسبوعين
    if read.num is not None:
        num = read.num
        confidence = _RANGE if num.ranged else _SENTENCE if num.words else _EXACT
        return _Qty(num.value, unit, confidence, note="range" if num.ranged else "")
    if read.fraction is not None:
        return _Qty(read.fraction, unit, _EXACT)  # "half an hour", "آدھا گھنٹہ"
    if read.vague:
        return _Qty(None, unit, 0.0)
    if read.article:
        return _Qty(1.0, unit, _EXACT)
    if entry.unit_count == 1:
        return _Qty(1.0, unit, _WORDS)  # "أسبوع", "ہفتہ": one week
    return _Qty(None, unit, 0.0)  # "days" with no number


def _combine_quantities(qtys: list[_Qty], strays: int, hedged: bool) -> Outcome:
    if not qtys:
        return None, 0.0, "fallback:no-parse"
    if any(q.value is None for q in qtys):
        return None, 0.0, "fallback:vague"
    if len(qtys) == 1:
        qty = qtys[0]
        value, unit, confidence, note = float(qty.value or 0), qty.unit, qty.confidence, qty.note
    elif len(qtys) == 2 and qtys[1].linked == "range":  # "سنة أو سنتين": the upper end
        qty = max(qtys, key=lambda q: float(q.value or 0) * _MINUTES[q.unit])
        value, unit, confidence, note = float(qty.value or 0), qty.unit, _RANGE, "range"
    elif len({q.unit for q in qtys}) == len(qtys):  # "1 year and 6 months"
        value, unit = _total(qtys)
        confidence, note = _WORDS, "sum"
    elif len({(q.value, q.unit) for q in qtys}) == 1:
        value, unit, confidence, note = float(qtys[0].value or 0), qtys[0].unit, _SENTENCE, ""
    else:
        return None, 0.0, "fallback:ambiguous"
    if value <= 0 or not math.isfinite(value):
        return None, 0.0, "fallback:out-of-range"
    while value < 1 and unit in _SMALLER:  # half an hour -> 30 minutes
        value, unit = value * _MINUTES[unit] / _MINUTES[_SMALLER[unit]], _SMALLER[unit]
    value = round(value, 2)
    if strays:
        confidence, note = min(confidence, _WEAK), "partial"
    if hedged:
        confidence -= 0.15
    shown: int | float = int(value) if value.is_integer() else value
    english = Duration(float(shown), unit).english()
    return ParsedAnswer("value", {"value": shown, "unit": unit}, english), confidence, note


def _total(qtys: list[_Qty]) -> tuple[float, DurationUnit]:
    """The sum in the largest unit that shows it in at most two decimals (2.5 hours, 9 days)."""
    minutes = sum(float(q.value or 0) * _MINUTES[q.unit] for q in qtys)
    units = sorted({q.unit for q in qtys}, key=lambda u: -_MINUTES[u])
    for unit in units:
        value = minutes / _MINUTES[unit]
        if abs(value * 100 - round(value * 100)) < 1e-6:
            return value, unit
    return minutes / _MINUTES[units[-1]], units[-1]


def _variants(
    lexicon: Lexicon, options: Sequence[Option]
) -> list[tuple[int, tuple[str, ...], tuple[str, ...]]]:
    """Each option text and synonym as (option index, tokens, tokens without clitics)."""
    out: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = []
    for index, option in enumerate(options):
        for text in (*option.text.values(), *option.synonyms):
            tokens = tuple(lexicon.split_clitics(tokenize(str(text))))
            if tokens:
                out.append((index, tokens, tuple(lexicon.stem(t) for t in tokens)))
    return out


def _find(haystack: tuple[str, ...], needle: tuple[str, ...]) -> list[int]:
    size = len(needle)
    return [i for i in range(len(haystack) - size + 1) if haystack[i : i + size] == needle]


def _choice(
    lexicon: Lexicon,
    tokens: list[str],
    items: Sequence[Entry | None],
    options: Sequence[Option],
) -> Outcome:
    if not options:
        return None, 0.0, "fallback:no-options"

    def picked(index: int, confidence: float, note: str = "") -> Outcome:
        option = options[index]
        english = option.text.get("en") or option.code
        return ParsedAnswer("value", option.code, english), confidence, note

    variants = _variants(lexicon, options)
    answer = tuple(lexicon.stem(t) for t in tokens)
    core = tuple(t for t, raw in zip(answer, tokens, strict=True) if not lexicon.is_filler(raw))
    exact = {index for index, _, variant in variants if variant in (answer, core)}
    if len(exact) == 1:
        return picked(exact.pop(), _EXACT)
    if len(exact) > 1:
        return None, 0.0, "fallback:ambiguous"

    numbered = not any(t[0].isdigit() for _, _, variant in variants for t in variant)
    nums = _link(items, _compose(items), scale=False)
    if numbered and len(nums) == 1 and _extra(items) == 0 and not nums[0].ranged:
        position = _as_int(nums[0].value)
        if position is not None and 1 <= position <= len(options):
            return picked(position - 1, 0.9, "number")

    spans: list[tuple[int, int, int]] = []  # option index, start, end
    for index, _, variant in variants:
        for start in _find(answer, variant):
            end = start + len(variant)
            window = (
                *tokens[max(0, start - lexicon.negation_before) : start],
                *tokens[end : end + lexicon.negation_after],
            )
            if not any(lexicon.is_negation(t) for t in window):
                spans.append((index, start, end))
    kept = {
        index
        for index, start, end in spans
        if not any(
            o != index and s <= start and end <= e and (e - s) > (end - start) for o, s, e in spans
        )
    }
    if len(kept) == 1:
        return picked(kept.pop(), _SENTENCE, "contains")
    if len(kept) > 1:
        return None, 0.0, "fallback:ambiguous"

    if core and sum(map(len, core)) >= 3:
        inside = {index for index, _, variant in variants if _find(variant, core)}
        if len(inside) == 1:
            return picked(inside.pop(), _PARTIAL, "partial")

    polar = _polar_options(lexicon, variants)
    if polar is not None:
        parsed, confidence, _ = _boolean(items)
        if parsed is not None and isinstance(parsed.value, bool):
            return picked(polar[0] if parsed.value else polar[1], min(confidence, _WORDS), "polar")

    guess = " ".join(core)
    if 3 <= len(guess) <= _MAX_FUZZY_CHARS:
        scores: dict[int, float] = {}
        for index, _, variant in variants:
            matcher = difflib.SequenceMatcher(None, guess, " ".join(variant))
            if matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8:
                scores[index] = max(scores.get(index, 0.0), matcher.ratio())
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if (
            ranked
            and ranked[0][1] >= 0.8
            and (len(ranked) == 1 or ranked[1][1] < ranked[0][1] - 0.1)
        ):
            return picked(ranked[0][0], _FUZZY, "fuzzy")
    return _special(items)


def _polar_options(
    lexicon: Lexicon, variants: list[tuple[int, tuple[str, ...], tuple[str, ...]]]
) -> tuple[int, int] | None:
    """The yes option and the no option, when the options are a yes/no pair in disguise."""
    yes: set[int] = set()
    no: set[int] = set()
    for index, tokens, _ in variants:
        entry = lexicon.phrases.get(tokens)
        if _has(entry, "yes") and not _has(entry, "filler"):
            yes.add(index)
        elif _has(entry, "no"):
            no.add(index)
    if len(yes) == 1 and len(no) == 1 and yes != no:
        return yes.pop(), no.pop()
    return None
