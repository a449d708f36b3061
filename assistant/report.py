"""The clinician's pre-visit summary as an A4 PDF. The only module that imports reportlab.

A caller may rely on: ``render_pdf`` returns a complete PDF for any ``ClinicalSummary``;
patient text prints exactly as typed (markup characters are escaped), long text wraps and
paginates, and Arabic and Urdu print with joined letters, right to left.

Why the bidi work happens here: reportlab draws glyphs left to right exactly as given. So text
in Arabic script is shaped first (arabic_reshaper), wrapped into lines in logical order, and
only then put into visual order line by line (python-bidi). Reordering before wrapping would
put the last words of a paragraph on its first line. Latin runs use the PDF base font
Helvetica; Arabic-script runs, and any character Helvetica cannot encode, use Amiri, a Naskh
face (Nastaliq faces print blank or as boxes in reportlab).
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from assistant.summary_types import ClinicalSummary, PatientConcern, SummaryFact, SummarySection

NASKH_FILES: Final[dict[str, str]] = {"regular": "Amiri-Regular.ttf", "bold": "Amiri-Bold.ttf"}
LANGUAGE_NAMES: Final[dict[str, str]] = {"en": "English", "ar": "Arabic", "ur": "Urdu"}
TRIAGE_WORDS: Final[dict[str, tuple[str, str, str]]] = {
    # level: (words, box colour, text colour)
    "emergency_ambulance": ("EMERGENCY – call ambulance", "#B71C1C", "#FFFFFF"),
    "emergency": ("EMERGENCY – go to the emergency department", "#E64A19", "#FFFFFF"),
    "consultation_24": ("URGENT – consultation within 24 hours", "#FBC02D", "#000000"),
    "consultation": ("Consultation – routine appointment", "#1565C0", "#FFFFFF"),
    "self_care": ("Self-care", "#2E7D32", "#FFFFFF"),
}
FOOTER_TEXT: Final = "Generated locally; contains patient health information"

_LATIN = "Helvetica"
_LATIN_BOLD = "Helvetica-Bold"
# Amiri's letters sit small beside Helvetica at the same point size.
_NASKH_SCALE = 1.25
_RED = "#B71C1C"
_GREY = "#5F6368"
_NEGATIVE = "#0D47A1"
_HEADING = "#1F3A5F"
_RTL_LANGS = frozenset({"ar", "ur"})
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# What Helvetica (WinAnsiEncoding) can draw; anything else goes to Amiri.
_WINANSI: Final = frozenset(bytes([i]).decode("cp1252", errors="ignore") for i in range(256))
# Control characters, and bidi embeddings/overrides/isolates that could make printed text lie.
_UNPRINTABLE = re.compile(
    "[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"[^\S\n]+")
_NEGATION = re.compile(r"^(denies|denied|no|not|none|never|without)\b", re.IGNORECASE)
# Table cells cannot split across pages, so text inside tables is capped.
_MAX_CELL_CHARS = 240
_MAX_BOX_CHARS = 600
_MARGIN = 16 * mm
# SimpleDocTemplate's frame pads 6 pt on each side.
_CONTENT_WIDTH = A4[0] - 2 * _MARGIN - 12


@dataclass(frozen=True, slots=True)
class _Fonts:
    naskh: str
    naskh_bold: str


_FONTS: dict[Path, _Fonts] = {}
_FONTS_LOCK = threading.Lock()


def _register_fonts(fonts_dir: Path) -> _Fonts:
    """Register Amiri from ``fonts_dir`` once per folder; reportlab's registry is global."""
    folder = fonts_dir.resolve()
    with _FONTS_LOCK:
        if folder in _FONTS:
            return _FONTS[folder]
        paths = {weight: folder / name for weight, name in NASKH_FILES.items()}
        missing = [path.name for path in paths.values() if not path.is_file()]
        if missing:
            raise FileNotFoundError(
                f"fonts_dir {folder} lacks {', '.join(missing)}; it must hold "
                f"{', '.join(NASKH_FILES.values())} (see assets/fonts/README.md)"
            )
        fonts = _Fonts(naskh=f"AmalNaskh{len(_FONTS)}", naskh_bold=f"AmalNaskh{len(_FONTS)}-Bold")
        pdfmetrics.registerFont(TTFont(fonts.naskh, str(paths["regular"])))
        pdfmetrics.registerFont(TTFont(fonts.naskh_bold, str(paths["bold"])))
        registerFontFamily(
            fonts.naskh,
            normal=fonts.naskh,
            bold=fonts.naskh_bold,
            italic=fonts.naskh,
            boldItalic=fonts.naskh_bold,
        )
        _FONTS[folder] = fonts
        return fonts


@dataclass(frozen=True, slots=True)
class _Look:
    size: float
    bold: bool = False
    color: str | None = None


_Piece = tuple[str, _Look]


_Kind = Literal["latin", "naskh", "naskh_space"]


def _script_runs(text: str) -> list[tuple[str, _Kind]]:
    """Split into runs by the font they need.

    Spaces are always drawn in Helvetica: a space in Amiri beside a Latin word is measured
    by reportlab in one font and drawn in the other, and right-aligned lines overflow. After
    Arabic script the space is sized like the Naskh text, which keeps Arabic words apart.
    """
    runs: list[tuple[str, _Kind]] = []
    start = 0
    current: _Kind | None = None
    for index, char in enumerate(text):
        kind: _Kind
        if char == " ":
            kind = "naskh_space" if current in ("naskh", "naskh_space") else "latin"
        else:
            kind = "latin" if char in _WINANSI else "naskh"
        if current is not None and kind != current:
            runs.append((text[start:index], current))
            start = index
        current = kind
    if current is not None:
        runs.append((text[start:], current))
    return runs


def _font_for(look: _Look, kind: _Kind, fonts: _Fonts) -> tuple[str, float]:
    naskh_size = round(look.size * _NASKH_SCALE, 2)
    if kind == "naskh":
        return (fonts.naskh_bold if look.bold else fonts.naskh), naskh_size
    latin = _LATIN_BOLD if look.bold else _LATIN
    return latin, (naskh_size if kind == "naskh_space" else look.size)


def _markup(text: str, look: _Look, fonts: _Fonts) -> str:
    """Paragraph markup for one run of text in one look; the text is escaped."""
    parts = []
    for segment, kind in _script_runs(text):
        font, size = _font_for(look, kind, fonts)
        parts.append(f'<font name="{font}" size="{size}">{escape(segment)}</font>')
    body = "".join(parts)
    return f'<font color="{look.color}">{body}</font>' if look.color else body


def _width(text: str, look: _Look, fonts: _Fonts) -> float:
    """Width of ``text`` however bidi reorders it.

    A space's size depends on what precedes it in drawing order, which reordering changes; so
    every space counts at the wider size, and a line measured here never overflows when drawn.
    """
    space_font, space_size = _font_for(look, "naskh_space", fonts)
    total = text.count(" ") * pdfmetrics.stringWidth(" ", space_font, space_size)
    for segment, kind in _script_runs(text.replace(" ", "")):
        font, size = _font_for(look, kind, fonts)
        total += pdfmetrics.stringWidth(segment, font, size)
    return float(total)


def _has_arabic(text: str) -> bool:
    return _ARABIC_SCRIPT.search(text) is not None


class _BidiParagraph(Flowable):  # type: ignore[misc]
    """A paragraph holding Arabic-script text: wrapped in logical order, reordered per line.

    Pieces keep their own look; each piece is reordered on its own, which is right as long as
    an RTL run never crosses a piece boundary (callers put English labels in separate pieces).
    """

    def __init__(
        self,
        pieces: Sequence[_Piece],
        style: ParagraphStyle,
        fonts: _Fonts,
        *,
        base: Literal["L", "R"],
        bullet: str | None = None,
    ) -> None:
        super().__init__()
        # One plain space between words: widths are measured per space character.
        spaced = [(_SPACES.sub(" ", text), look) for text, look in pieces]
        shaped = [(str(arabic_reshaper.reshape(text)), look) for text, look in spaced]
        self._looks = [look for _, look in shaped]
        self._text = "".join(text for text, _ in shaped)
        self._owner = [index for index, (text, _) in enumerate(shaped) for _ in text]
        self.style = style
        self._fonts = fonts
        self._base = base
        self._bullet = bullet
        self._inner: Any = None
        self._inner_width: float | None = None

    def identity(self, maxLen: int | None = None) -> str:
        # reportlab puts identity() into error messages; never patient text.
        return f"<{type(self).__name__}>"

    def _slice_width(self, start: int, end: int) -> float:
        return sum(
            _width(self._text[s:e], self._looks[owner], self._fonts)
            for s, e, owner in self._segments(start, end)
        )

    def _segments(self, start: int, end: int) -> list[tuple[int, int, int]]:
        segments: list[tuple[int, int, int]] = []
        seg_start = start
        for index in range(start + 1, end + 1):
            if index == end or self._owner[index] != self._owner[seg_start]:
                segments.append((seg_start, index, self._owner[seg_start]))
                seg_start = index
        return segments

    def _lines(self, width: float, first_width: float) -> list[tuple[int, int]]:
        """Greedy wrap in logical order; words longer than a line are cut."""
        lines: list[tuple[int, int]] = []
        for block in re.finditer(r"[^\n]+", self._text):
            line_start: int | None = None
            line_end = 0
            line_width = 0.0
            for word in re.finditer(r"\S+", block.group()):
                w_start, w_end = block.start() + word.start(), block.start() + word.end()
                word_width = self._slice_width(w_start, w_end)
                limit = first_width if not lines else width
                if line_start is not None:
                    longer = line_width + self._slice_width(line_end, w_start) + word_width
                    if longer <= limit:
                        line_end, line_width = w_end, longer
                        continue
                    lines.append((line_start, line_end))
                    limit = width
                while word_width > limit and w_end - w_start > 1:
                    cut = self._fit(w_start, w_end, limit)
                    lines.append((w_start, cut))
                    word_width -= self._slice_width(w_start, cut)
                    w_start, limit = cut, width
                line_start, line_end, line_width = w_start, w_end, word_width
            if line_start is not None:
                lines.append((line_start, line_end))
        return lines

    def _fit(self, start: int, end: int, limit: float) -> int:
        """The largest cut such that text[start:cut] fits (at least one character)."""
        # No glyph is narrower than a point, bar zero-width marks, so a line holds at most
        # `limit` characters; bounding the search keeps 10,000-character words fast.
        low, high = start + 1, min(end, start + int(limit) + 1)
        while low < high:
            middle = (low + high + 1) // 2
            if self._slice_width(start, middle) <= limit:
                low = middle
            else:
                high = middle - 1
        return low

    def _visual_markup(self, width: float) -> str:
        first_width = width - self.style.firstLineIndent
        rendered = []
        for start, end in self._lines(width, first_width):
            parts = [
                _markup(_visual(self._text[s:e], self._base), self._looks[o], self._fonts)
                for s, e, o in self._segments(start, end)
            ]
            if self._base == "R":
                parts.reverse()
            rendered.append("".join(parts))
        return "<br/>".join(rendered)

    def _build(self, avail_width: float) -> Any:
        if self._inner is None or self._inner_width != avail_width:
            # A point of slack so Paragraph never re-wraps a line measured to fit.
            text_width = avail_width - self.style.leftIndent - self.style.rightIndent - 1.0
            markup = self._visual_markup(max(text_width, 10.0))
            self._inner = Paragraph(markup, self.style, bulletText=self._bullet)
            self._inner_width = avail_width
        return self._inner

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, height = self._build(availWidth).wrap(availWidth, availHeight)
        self.width, self.height = width, height
        return float(width), float(height)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts: list[Any] = self._build(availWidth).split(availWidth, availHeight)
        return parts

    def draw(self) -> None:
        self._inner.drawOn(self.canv, 0, 0)


def _visual(line: str, base: Literal["L", "R"]) -> str:
    """One line in drawing order (left to right), mirrored brackets included.

    In a left-to-right line each right-to-left run is reordered on its own, as if wrapped in
    a UAX #9 isolate: python-bidi's algorithm module has no paired-bracket rule, so without
    this "Panadol (بنادول) 500 mg" would come out with the 500 inside the brackets.
    """
    if base == "R":
        return str(get_display(line, base_dir="R"))
    parts = []
    position = 0
    for start, end in _rtl_spans(line):
        parts.append(line[position:start])
        parts.append(str(get_display(line[start:end], base_dir="R")))
        position = end
    parts.append(line[position:])
    return "".join(parts)


def _rtl_spans(text: str) -> list[tuple[int, int]]:
    """Stretches from a right-to-left character to the last one before a left-to-right letter."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    for index, char in enumerate(text):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL", "AN"):
            start = index if start is None else start
            end = index + 1
        elif kind == "L" and start is not None:
            spans.append((start, end))
            start = None
    if start is not None:
        spans.append((start, end))
    return spans


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


class _Builder:
    """Turns a summary into a story of flowables; holds the fonts and styles of one render."""

    def __init__(self, fonts: _Fonts) -> None:
        self.fonts = fonts
        self.body = ParagraphStyle("body", fontName=_LATIN, fontSize=9.5, leading=12.5)
        self.fact = ParagraphStyle(
            "fact", parent=self.body, leftIndent=12, bulletIndent=2, spaceBefore=3
        )
        self.provenance = ParagraphStyle(
            "provenance", parent=self.body, fontSize=7.5, leading=10, leftIndent=12
        )
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10.5)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=7, leading=8.8)
        self.cell_breaking = ParagraphStyle("cell_breaking", parent=self.cell, wordWrap="CJK")
        self.heading = ParagraphStyle(
            "heading", parent=self.body, fontSize=11.5, leading=14, spaceBefore=10, spaceAfter=2
        )
        self.concern = ParagraphStyle("concern", parent=self.body, fontSize=10.5, leading=14)

    def para(
        self,
        pieces: Sequence[_Piece],
        style: ParagraphStyle,
        *,
        base: Literal["L", "R"] = "L",
        bullet: str | None = None,
    ) -> Flowable:
        """One paragraph of pieces, each in its own look; ``base`` is its direction.

        Text without Arabic script is a plain Paragraph; with it, a _BidiParagraph.
        """
        cleaned = [(_UNPRINTABLE.sub("", text), look) for text, look in pieces]
        if not any(_has_arabic(text) for text, _ in cleaned):
            markup = "".join(_markup(text, look, self.fonts) for text, look in cleaned)
            return Paragraph(markup.replace("\n", "<br/>"), style, bulletText=bullet)
        biggest = max(look.size for _, look in cleaned) * _NASKH_SCALE
        leading = max(style.leading, round(biggest * 1.45, 1))
        alignment = TA_RIGHT if base == "R" else style.alignment
        if leading != style.leading or alignment != style.alignment:
            style = ParagraphStyle(
                f"{style.name}-naskh", parent=style, leading=leading, alignment=alignment
            )
        return _BidiParagraph(cleaned, style, self.fonts, base=base, bullet=bullet)

    def text(self, text: str, style: ParagraphStyle, look: _Look | None = None) -> Flowable:
        return self.para([(text, look or _Look(style.fontSize))], style)

    def heading_block(self, title: str, color: str = _HEADING) -> list[Flowable]:
        return [
            self.text(title, self.heading, _Look(self.heading.fontSize, bold=True, color=color)),
            HRFlowable(width="100%", thickness=0.6, color=colors.HexColor(color), spaceAfter=3),
        ]

    def titled(
        self,
        title: str,
        blocks: Sequence[Sequence[Flowable]],
        color: str = _HEADING,
        *,
        keep_blocks: bool = True,
    ) -> list[Flowable]:
        """A heading and its blocks; the heading goes with the first block.

        With ``keep_blocks`` each block moves whole to the next page rather than split. Without
        it (blocks that may run for pages: a KeepTogether that does not fit always starts a new
        page, however long it is), the heading only asks for some room below it. Blocks must
        not hold a KeepTogether themselves: a nested one reports an endless height and forces a
        page break.
        """
        heading = self.heading_block(title, color)
        if not blocks:
            return heading
        if not keep_blocks:
            return [CondPageBreak(72), *heading, *(item for block in blocks for item in block)]
        first, *rest = blocks
        return [KeepTogether([*heading, *first]), *(KeepTogether(list(block)) for block in rest)]

    def story(
        self, summary: ClinicalSummary, clinic_name: str, assistant_name: str
    ) -> list[Flowable]:
        story: list[Flowable] = [*self.header(summary, clinic_name, assistant_name)]
        story += self.triage_box(summary)
        story += self.kind_block(summary)
        if summary.red_flags:
            flags = [self.fact_block(fact, red=True) for fact in summary.red_flags]
            story += self.titled("RED FLAGS", flags, _RED)
        for section in summary.sections:
            story += self.section_block(section)
        story += self.concerns_block(summary.concerns)
        story += self.appendix(summary)
        return story

    def header(
        self, summary: ClinicalSummary, clinic_name: str, assistant_name: str
    ) -> list[Flowable]:
        title = ParagraphStyle("title", parent=self.body, fontSize=17, leading=21, spaceAfter=2)
        label = _Look(9, bold=True)
        value = _Look(9)
        sep = (" · ", _Look(9, color=_GREY))
        language = LANGUAGE_NAMES.get(summary.language, summary.language)
        patient = ", ".join(
            [
                f"{summary.age} years" if summary.age is not None else "age not recorded",
                summary.sex if summary.sex else "sex not recorded",
            ]
        )
        line: list[_Piece] = [
            ("Patient: ", label),
            (patient, value),
            sep,
            ("Interview language: ", label),
            (language, value),
            sep,
            ("Date: ", label),
            (_when(summary.created_at), value),
            sep,
            ("Session: ", label),
            (summary.session_id[:8], value),
            sep,
            ("Status: ", label),
            (summary.status.replace("_", " "), value),
        ]
        return [
            self.text(clinic_name, self.small, _Look(10, bold=True, color=_HEADING)),
            self.text("Pre-visit intake summary", title, _Look(17, bold=True)),
            self.text(
                f"Prepared by {assistant_name}, an AI assistant, from the patient's answers. "
                "Not a diagnosis: confirm with the patient.",
                self.small,
                _Look(8, color=_GREY),
            ),
            Spacer(1, 4),
            self.para(line, ParagraphStyle("line", parent=self.body, fontSize=9, leading=12)),
            Spacer(1, 6),
        ]

    def triage_box(self, summary: ClinicalSummary) -> list[Flowable]:
        level = summary.triage_level
        unknown = ((level or "").replace("_", " ").upper() or "Not triaged", "#616161", "#FFFFFF")
        words, color, ink = TRIAGE_WORDS.get(level or "", unknown)
        banner = self.text(
            words,
            ParagraphStyle("banner", parent=self.body, fontSize=13, leading=16),
            _Look(13, bold=True, color=ink),
        )
        detail: list[_Piece] = [
            ("Rule: ", _Look(8.5, bold=True)),
            (_short(summary.triage_rule or "none recorded", 120), _Look(8.5)),
            (" · Reason: ", _Look(8.5, bold=True)),
            (_short(summary.triage_reason or "none recorded", _MAX_BOX_CHARS), _Look(8.5)),
        ]
        box = Table(
            [[banner], [self.para(detail, self.small)]],
            colWidths=[_CONTENT_WIDTH],
            style=TableStyle(
                [
                    ("BACKGROUND", (0, 0), (0, 0), colors.HexColor(color)),
                    ("BOX", (0, 0), (-1, -1), 1.5, colors.HexColor(color)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            ),
        )
        return [box, Spacer(1, 6)]

    def kind_block(self, summary: ClinicalSummary) -> list[Flowable]:
        if summary.kind == "narrative":
            boxed = ParagraphStyle(
                "narrative",
                parent=self.body,
                backColor=colors.HexColor("#F3F5F8"),
                borderPadding=5,
                leftIndent=5,
                rightIndent=5,
                spaceBefore=4,
                spaceAfter=8,
            )
            return [
                self.text(
                    "Narrative summary – model-written from the structured facts below; "
                    "check it against them.",
                    self.small,
                    _Look(8, bold=True, color=_GREY),
                ),
                Spacer(1, 3),
                self.text(summary.narrative or "(no narrative text)", boxed),
            ]
        return [
            self.text(
                "Template summary – written by rules from the structured facts below.",
                self.small,
                _Look(8, bold=True, color=_GREY),
            )
        ]

    def fact_block(self, fact: SummaryFact, *, red: bool = False) -> list[Flowable]:
        look = _Look(self.fact.fontSize, bold=red, color=_RED if red else None)
        marker = _Look(self.fact.fontSize, bold=True, color=_RED if red else _NEGATIVE)
        negation, rest = _wording(fact)
        pieces = [(negation, marker), (rest, look)] if negation else [(rest, look)]
        flowables = [self.para(pieces, self.fact, bullet="–" if fact.present is False else "•")]
        provenance = _provenance(fact)
        if provenance:
            flowables.append(self.para([(provenance, _Look(7.5, color=_GREY))], self.provenance))
        return flowables

    def section_block(self, section: SummarySection) -> list[Flowable]:
        if not section.facts:
            empty = _Look(self.fact.fontSize, color=_GREY)
            return self.titled(
                section.title, [[self.para([(section.empty_text, empty)], self.fact)]]
            )
        return self.titled(section.title, [self.fact_block(fact) for fact in section.facts])

    def concerns_block(self, concerns: Sequence[PatientConcern]) -> list[Flowable]:
        title = "Patient's concerns in their own words"
        if not concerns:
            return self.titled(
                title, [[self.text("None recorded", self.fact, _Look(9.5, color=_GREY))]]
            )
        blocks = []
        for concern in concerns:
            language = LANGUAGE_NAMES.get(concern.language, concern.language)
            marks = f"(untranslated, {language})" if concern.untranslated else f"({language})"
            rtl = concern.language in _RTL_LANGS and _has_arabic(concern.text)
            words = [(concern.text, _Look(self.concern.fontSize))]
            blocks.append(
                [
                    CondPageBreak(40),  # not a label alone at the foot of a page
                    Spacer(1, 3),
                    self.text(marks, self.small, _Look(7.5, color=_GREY)),
                    self.para(words, self.concern, base="R" if rtl else "L"),
                ]
            )
        # Concerns can run for pages; they flow on rather than jump to a fresh page.
        return self.titled(title, blocks, keep_blocks=False)

    def appendix(self, summary: ClinicalSummary) -> list[Flowable]:
        rows: list[list[Flowable]] = [
            [
                self.text(title, self.cell, _Look(7, bold=True))
                for title in ("#", "Section", "Fact", "Turn", "Source", "Model@version", "Conf.")
            ]
        ]
        groups = [("Red flags", summary.red_flags)] + [(s.title, s.facts) for s in summary.sections]
        number = 0
        for title, facts in groups:
            for fact in facts:
                number += 1
                model = f"{fact.model}@{fact.version}" if fact.version else fact.model
                cells = [
                    (str(number), self.cell),
                    (_short(title, 60), self.cell),
                    (_short("".join(_wording(fact)), _MAX_CELL_CHARS), self.cell),
                    (str(fact.turn) if fact.turn is not None else "–", self.cell),
                    (fact.source, self.cell),
                    (_short(model, 80) or "–", self.cell_breaking),
                    (f"{fact.confidence:.2f}" if fact.confidence is not None else "–", self.cell),
                ]
                rows.append([self.text(text, style, _Look(7)) for text, style in cells])
        if number == 0:
            table = self.text("No facts recorded.", self.small, _Look(8, color=_GREY))
        else:
            widths = [16, 66, 170, 26, 42, 140, 30]
            table = Table(rows, colWidths=widths, repeatRows=1, style=_grid_style())
        flowables = [*self.titled("Provenance appendix", [[table]]), Spacer(1, 6)]
        questionnaire = summary.questionnaire_version or "not recorded"
        flowables.append(
            self.para(
                [("Questionnaire version: ", _Look(8, bold=True)), (questionnaire, _Look(8))],
                self.small,
            )
        )
        flowables.append(Spacer(1, 4))
        title = self.text("Model versions", self.small, _Look(8, bold=True))
        if not summary.model_versions:
            none = self.text("none recorded", self.small, _Look(8, color=_GREY))
            return [*flowables, title, none]
        version_rows = [
            [
                self.text(_short(name, 80), self.cell, _Look(7)),
                self.text(_short(version, 160), self.cell_breaking, _Look(7)),
            ]
            for name, version in summary.model_versions.items()
        ]
        table = Table(version_rows, colWidths=[120, 370], style=_grid_style(header=False))
        return [*flowables, KeepTogether([title, table])]


def _grid_style(*, header: bool = True) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#C5CAD3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EBF0")))
    return TableStyle(commands)


def _wording(fact: SummaryFact) -> tuple[str, str]:
    """(negation marker, rest): a pertinent negative reads "Denies fever" or "No rash"."""
    if fact.present is not False:
        return "", fact.text
    negation = _NEGATION.match(fact.text)
    if negation:
        return fact.text[: negation.end()], fact.text[negation.end() :]
    return "Denies ", _lower_first(fact.text)


def _provenance(fact: SummaryFact) -> str:
    parts = []
    if fact.evidence:
        language = LANGUAGE_NAMES.get(fact.evidence_language, fact.evidence_language)
        quoted = f"“{fact.evidence}”"
        parts.append(quoted if fact.evidence_language == "en" else f"{quoted} ({language})")
    parts.append(f"source: {fact.source}")
    if fact.model:
        parts.append(f"{fact.model}@{fact.version}" if fact.version else fact.model)
    if fact.confidence is not None:
        parts.append(f"confidence {fact.confidence:.2f}")
    if fact.turn is not None:
        parts.append(f"turn {fact.turn}")
    return " · ".join(parts)


def _when(moment: datetime) -> str:
    text = moment.strftime("%Y-%m-%d %H:%M")
    offset = moment.strftime("%z")
    return f"{text} UTC{offset[:3]}:{offset[3:]}" if offset else text


def _page_canvas(running_header: str) -> type:
    """A canvas that holds pages back until the end, so each footer can say "page N of M"."""

    class _PageCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = A4
            page = self.getPageNumber()
            self.saveState()
            self.setFillColor(colors.HexColor(_GREY))
            self.setStrokeColor(colors.HexColor("#C5CAD3"))
            self.setFont(_LATIN, 7.5)
            self.line(_MARGIN, 12 * mm, width - _MARGIN, 12 * mm)
            self.drawString(_MARGIN, 8 * mm, FOOTER_TEXT)
            self.drawRightString(width - _MARGIN, 8 * mm, f"Page {page} of {total}")
            if page > 1:
                self.drawString(_MARGIN, height - 10 * mm, running_header)
            self.restoreState()

    return _PageCanvas


def render_pdf(
    summary: ClinicalSummary,
    *,
    fonts_dir: Path,
    clinic_name: str = "Emirates Health Services",
    assistant_name: str = "Amal",
) -> bytes:
    """The clinician summary as PDF bytes (A4). Same summary in, same bytes out.

    Raises FileNotFoundError if ``fonts_dir`` lacks the Amiri files, and RuntimeError (with no
    patient text in the message) if the layout cannot be placed on pages.
    """
    fonts = _register_fonts(fonts_dir)
    story = _Builder(fonts).story(summary, clinic_name, assistant_name)
    language = LANGUAGE_NAMES.get(summary.language, summary.language)
    running_header = (
        f"Pre-visit intake summary · session {summary.session_id[:8]} · {language} interview"
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=15 * mm,
        bottomMargin=17 * mm,
        title="Pre-visit intake summary",
        author=f"{assistant_name} (AI intake assistant)",
        invariant=1,
    )
    try:
        document.build(story, canvasmaker=_page_canvas(_winansi_only(running_header)))
    except LayoutError:
        # reportlab's message quotes the flowable's text, which may be patient text.
        raise RuntimeError("the clinician summary could not be laid out on A4 pages") from None
    return buffer.getvalue()


def _winansi_only(text: str) -> str:
    return "".join(char if char in _WINANSI else "?" for char in text)
