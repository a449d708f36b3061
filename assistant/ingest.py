"""Reading an uploaded file into passages: limits first, then parsing, chunking, screening.

Nothing here writes anywhere. A file that is too large, corrupt, encrypted, a zip bomb, a
binary renamed ``.txt`` or empty raises a ``KnowledgeRejected`` subclass whose message tells
the admin what was wrong and what to do; the caller has not touched the store by then.

Supported: PDF (pypdf), DOCX (python-docx), Markdown, plain text, CSV (one row, one passage).
Protocol packs (YAML/JSON) are parsed by ``assistant.protocols``.

Each chunk gets its language (script heuristic: Latin is English, Arabic script is Urdu
when Urdu-only letters outnumber Arabic-only ones) and is screened for text that addresses
the assistant instead of a reader ("ignore previous instructions", "تجاهل التعليمات",
"ہدایات کو نظر انداز کریں"): such chunks are flagged to the admin and never quoted to a patient.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from assistant.config import Settings
from assistant.errors import IntakeError
from assistant.lexicon import Doc, PhraseMatcher, check_mapping, language_files, load_yaml
from assistant.text import clean_input

Progress = Callable[[float, str], object]

DOCUMENT_FORMATS: Final[dict[str, str]] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".csv": "csv",
}
PROTOCOL_FORMATS: Final[dict[str, str]] = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"%PDF", "a PDF"),
    (b"PK\x03\x04", "a zip archive (DOCX, XLSX, ...)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file or a password-protected Office file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
)
_MAX_ZIP_ENTRIES: Final = 2000
_RATIO_MIN_BYTES: Final = 1 << 20  # small parts compress well legitimately (repeated XML)


class KnowledgeRejected(IntakeError):
    """An upload the store will not take; ``str(exc)`` is the admin-facing reason."""

    key = "error_knowledge_rejected"


class FileTooLarge(KnowledgeRejected):
    pass


class UnsupportedFile(KnowledgeRejected):
    pass


class EmptyFile(KnowledgeRejected):
    pass


class CorruptFile(KnowledgeRejected):
    pass


class EncryptedFile(KnowledgeRejected):
    pass


class SuspiciousArchive(KnowledgeRejected):
    pass


class NotText(KnowledgeRejected):
    pass


@dataclass(frozen=True, slots=True)
class Limits:
    max_upload_bytes: int = 20_000_000
    max_unpacked_bytes: int = 100_000_000
    max_compression_ratio: float = 100.0
    max_pdf_pages: int = 1000
    max_chunks: int = 5000
    chunk_chars: int = 900
    overlap_chars: int = 150

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_upload_bytes=settings.max_upload_bytes,
            max_unpacked_bytes=settings.max_unpacked_bytes,
            max_compression_ratio=settings.max_compression_ratio,
            max_pdf_pages=settings.max_pdf_pages,
            max_chunks=settings.max_chunks_per_file,
            chunk_chars=settings.chunk_chars,
            overlap_chars=min(settings.chunk_overlap_chars, settings.chunk_chars // 2),
        )


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    text: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    filename: str
    title: str
    format: str
    sha256: str
    sections: tuple[Section, ...]
    pages: int


@dataclass(frozen=True, slots=True)
class ChunkDraft:
    text: str  # what a patient may be shown (heading and passage)
    heading: str
    page: int | None
    language: str
    section: int = 0  # index of the section (heading) in the document


def _mb(size: float) -> str:
    return f"{size / 1_000_000:.1f} MB"


def read_upload(path: Path, limits: Limits) -> bytes:
    """The file's bytes, refusing by size before reading it (and never reading past the limit)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise KnowledgeRejected(f"{path.name}: cannot read the file ({exc.strerror})") from exc
    if size > limits.max_upload_bytes:
        raise FileTooLarge(
            f"{path.name} is {_mb(size)}; the limit is {_mb(limits.max_upload_bytes)} "
            "(max_upload_bytes). Split the document or raise the limit."
        )
    with path.open("rb") as handle:
        data = handle.read(limits.max_upload_bytes + 1)
    if len(data) > limits.max_upload_bytes:  # the file grew, or it is not a regular file
        raise FileTooLarge(f"{path.name} is larger than {_mb(limits.max_upload_bytes)}")
    if not data.strip():
        raise EmptyFile(f"{path.name} is empty")
    return data


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def format_of(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix in DOCUMENT_FORMATS:
        return DOCUMENT_FORMATS[suffix]
    if suffix in PROTOCOL_FORMATS:
        return "protocol"
    allowed = ", ".join(sorted({*DOCUMENT_FORMATS, *PROTOCOL_FORMATS}))
    raise UnsupportedFile(
        f"{filename}: unsupported file type {suffix or '(none)'}; allowed: {allowed}"
    )


def _sniff(data: bytes) -> str | None:
    return next((what for magic, what in _MAGIC if data.startswith(magic)), None)


def decode_text(data: bytes, filename: str) -> str:
    """UTF-8 (or UTF-16 with a byte-order mark) text; binary content is refused by name."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise NotText(f"{filename}: broken UTF-16 text") from exc
    else:
        sniffed = _sniff(data)
        if sniffed or b"\x00" in data[:65536]:
            what = sniffed or "a binary file"
            raise NotText(f"{filename} is {what}, not text; upload it under its real type")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise NotText(
                f"{filename} is not UTF-8 text (byte {exc.start}); "
                "save it as UTF-8 and upload again"
            ) from exc
    bad = sum(
        1
        for ch in text
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")
    )
    if bad > max(3, len(text) // 100):
        raise NotText(f"{filename} does not look like text ({bad} control characters)")
    if not text.strip():
        raise EmptyFile(f"{filename} has no text")
    return text


# --------------------------------------------------------------------------- formats


def _pdf(
    data: bytes, filename: str, limits: Limits, progress: Progress
) -> tuple[str, list[Section], int]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    if b"%PDF" not in data[:1024]:
        raise CorruptFile(f"{filename} is not a PDF (no PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                unlocked = bool(reader.decrypt(""))
            except (DependencyError, PyPdfError, NotImplementedError):
                unlocked = False
            if not unlocked:
                raise EncryptedFile(
                    f"{filename} is password-protected; save an unprotected copy and upload that"
                )
        pages = len(reader.pages)
    except KnowledgeRejected:
        raise
    except Exception as exc:
        raise CorruptFile(
            f"{filename} is damaged or not a readable PDF ({type(exc).__name__})"
        ) from exc
    if pages == 0:
        raise EmptyFile(f"{filename} has no pages")
    if pages > limits.max_pdf_pages:
        raise FileTooLarge(
            f"{filename} has {pages} pages; the limit is {limits.max_pdf_pages} (max_pdf_pages)"
        )
    sections: list[Section] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            raw = page.extract_text() or ""
        except Exception as exc:
            raise CorruptFile(
                f"{filename}: page {number} cannot be read ({type(exc).__name__})"
            ) from exc
        # NFKC folds the Arabic presentation forms many PDF writers emit back to letters.
        text = clean_input(unicodedata.normalize("NFKC", raw))
        if text:
            sections.append(Section("", re.sub(r"\s*\n\s*", " ", text), number))
        progress(number / pages, f"page {number}/{pages}")
    title = ""
    try:
        title = str(reader.metadata.title or "").strip() if reader.metadata else ""
    except Exception:  # broken metadata does not stop a readable document
        title = ""
    if not sections:
        raise EmptyFile(f"{filename} has no extractable text (a scan? OCR is not supported)")
    return title, sections, pages


def _check_zip(data: bytes, filename: str, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise EncryptedFile(
                f"{filename} is password-protected or an old .doc file; save it as an "
                "unprotected .docx and upload that"
            ) from exc
        raise CorruptFile(f"{filename} is not a valid DOCX (not a zip archive)") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > _MAX_ZIP_ENTRIES:
            raise SuspiciousArchive(f"{filename} holds {len(infos)} parts; refused as unsafe")
        total = sum(info.file_size for info in infos)
        if total > limits.max_unpacked_bytes:
            raise SuspiciousArchive(
                f"{filename} would unpack to {_mb(total)} (limit {_mb(limits.max_unpacked_bytes)}, "
                "max_unpacked_bytes); refused as a possible zip bomb"
            )
        for info in infos:
            ratio = info.file_size / max(1, info.compress_size)
            if info.file_size >= _RATIO_MIN_BYTES and ratio > limits.max_compression_ratio:
                raise SuspiciousArchive(
                    f"{filename}: part {info.filename} is compressed {ratio:.0f}:1 (limit "
                    f"{limits.max_compression_ratio:.0f}:1); refused as a possible zip bomb"
                )
        if "word/document.xml" not in archive.namelist():
            raise CorruptFile(f"{filename} is a zip archive but not a Word document")


def _docx(data: bytes, filename: str, limits: Limits) -> tuple[str, list[Section]]:
    _check_zip(data, filename, limits)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        title = (document.core_properties.title or "").strip()
        sections: list[Section] = []
        heading, lines = "", []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells = [clean_input(c.text) for c in row.cells]
                    lines.append(" | ".join(dict.fromkeys(c for c in cells if c)))
                continue
            text = clean_input(block.text)
            style = (block.style.name if block.style is not None else "") or ""
            if text and (style.startswith("Heading") or style == "Title"):
                if style == "Title" and not title:
                    title = text
                    continue
                sections.append(Section(heading, "\n\n".join(x for x in lines if x)))
                heading, lines = text, []
            elif text:
                lines.append(text)
        sections.append(Section(heading, "\n\n".join(x for x in lines if x)))
    except Exception as exc:
        raise CorruptFile(f"{filename} is a damaged Word document ({type(exc).__name__})") from exc
    return title, [s for s in sections if s.text]


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_INLINE = (
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__|`)"), ""),
    (re.compile(r"^\s*[*+]\s+", re.M), "- "),
)


def _markdown(text: str) -> tuple[str, list[Section]]:
    for pattern, repl in _MD_INLINE:
        text = pattern.sub(repl, text)
    title, heading = "", ""
    sections: list[Section] = []
    lines: list[str] = []
    for line in text.splitlines():
        found = _MD_HEADING.match(line)
        if not found:
            lines.append(line)
            continue
        if len(found.group(1)) == 1 and not title and not "".join(lines).strip():
            title = clean_input(found.group(2))
            continue
        sections.append(Section(heading, _paragraphs("\n".join(lines))))
        heading, lines = clean_input(found.group(2)), []
    sections.append(Section(heading, _paragraphs("\n".join(lines))))
    return title, [s for s in sections if s.text]


def _paragraphs(text: str) -> str:
    blocks = re.split(r"\n\s*\n", text)
    return "\n\n".join(c for c in (clean_input(b) for b in blocks) if c)


def _csv(text: str, filename: str) -> list[Section]:
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [[clean_input(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise CorruptFile(f"{filename}: not valid CSV ({exc})") from exc
    rows = [r for r in rows if any(r)]
    if len(rows) < 2:
        raise EmptyFile(f"{filename}: a CSV needs a header row and at least one data row")
    header = rows[0]
    sections = []
    for row in rows[1:]:
        lines = [
            f"{header[i] if i < len(header) and header[i] else f'column {i + 1}'}: {cell}"
            for i, cell in enumerate(row)
            if cell
        ]
        sections.append(Section("", "\n".join(lines)))
    return sections


def _title_from(filename: str) -> str:
    stem = Path(filename).stem
    stem = re.sub(r"\.(en|ar|ur)$", "", stem)
    return re.sub(r"[_\-]+", " ", stem).strip().capitalize() or filename


def parse_document(
    filename: str, data: bytes, limits: Limits, progress: Progress | None = None
) -> ParsedDocument:
    """Sections of a document; raises KnowledgeRejected subclasses with readable messages."""
    report = progress or (lambda fraction, message: None)
    fmt = format_of(filename)
    pages = 1
    title = ""
    if fmt == "pdf":
        title, sections, pages = _pdf(data, filename, limits, report)
    elif fmt == "docx":
        title, sections = _docx(data, filename, limits)
    elif fmt == "markdown":
        title, sections = _markdown(decode_text(data, filename))
    elif fmt == "text":
        sections = [Section("", _paragraphs(decode_text(data, filename)))]
    elif fmt == "csv":
        sections = _csv(decode_text(data, filename), filename)
    else:
        raise UnsupportedFile(f"{filename}: a {fmt} file is not a document")
    sections = [s for s in sections if s.text.strip()]
    if not sections:
        raise EmptyFile(f"{filename} has no text")
    return ParsedDocument(
        filename, title or _title_from(filename), fmt, sha256_bytes(data), tuple(sections), pages
    )


# --------------------------------------------------------------------------- chunks

_SENTENCE_END = re.compile(r"(?<=[.!?؟۔])\s+|\n+")
_URDU_ONLY: Final = frozenset("ٹڈڑںےۓہھکگیپچژ")
_ARABIC_ONLY: Final = frozenset("ةيكىإأ")


def detect_language(text: str) -> str:
    """en, ar or ur by script; "und" when there are no letters."""
    latin = arabic = urdu_only = arabic_only = 0
    for ch in text:
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f":
            arabic += 1
            urdu_only += ch in _URDU_ONLY
            arabic_only += ch in _ARABIC_ONLY
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if not latin and not arabic:
        return "und"
    if latin > arabic:
        return "en"
    return "ur" if urdu_only > arabic_only else "ar"


def _pieces(text: str, limit: int) -> Iterator[str]:
    """Sentences, with any sentence longer than ``limit`` cut at word boundaries."""
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            yield sentence[:cut].strip()
            sentence = sentence[cut:].strip()
        if sentence:
            yield sentence


def chunk_document(doc: ParsedDocument, limits: Limits) -> list[ChunkDraft]:
    """Passages of up to ``chunk_chars`` that never cross a section or page; neighbours
    share up to ``overlap_chars`` of whole sentences so an answer split between them is kept."""
    drafts: list[ChunkDraft] = []
    for index, section in enumerate(doc.sections):
        budget = max(200, limits.chunk_chars - len(section.heading))
        current: list[str] = []
        size = 0
        carried = 0  # how many leading sentences of ``current`` came from the previous chunk
        for piece in _pieces(section.text, budget):
            if current and size + len(piece) + 1 > budget and len(current) > carried:
                drafts.append(_draft(section, current, index))
                overlap: list[str] = []
                kept = 0
                for sentence in reversed(current):
                    if kept + len(sentence) > limits.overlap_chars:
                        break
                    overlap.insert(0, sentence)
                    kept += len(sentence) + 1
                current, size, carried = overlap, kept, len(overlap)
            current.append(piece)
            size += len(piece) + 1
        if len(current) > carried or not drafts:
            drafts.append(_draft(section, current, index))
        if len(drafts) > limits.max_chunks:
            raise FileTooLarge(
                f"{doc.filename} makes more than {limits.max_chunks} passages (max_chunks_per_file)"
            )
    return [d for d in drafts if d.text.strip()]


def _draft(section: Section, sentences: list[str], index: int) -> ChunkDraft:
    body = " ".join(sentences)
    text = f"{section.heading}\n{body}" if section.heading else body
    return ChunkDraft(text, section.heading, section.page, detect_language(body), index)


def majority_language(languages: list[str]) -> str:
    counts = Counter(lang for lang in languages if lang != "und")
    if not counts:
        return "und"
    (top, n), *rest = counts.most_common()
    return top if not rest or n >= 2 * rest[0][1] else "mixed"


# --------------------------------------------------------------------------- screening


class InjectionScreen:
    """Phrases (``knowledge/{lang}/injection.yaml``) that speak to an assistant, not a reader.

    Every language's phrases are applied to every chunk: documents mix languages.
    """

    def __init__(self, knowledge_dir: Path) -> None:
        entries: list[tuple[str, str]] = []
        markers: list[re.Pattern[str]] = []
        paths = []
        for _lang, path in language_files(knowledge_dir, "injection"):
            raw = check_mapping(load_yaml(path), "top level", path, allowed=("phrases", "markers"))
            paths.append(path)
            for phrase in raw.get("phrases") or []:
                entries.append((str(phrase), str(phrase)))
            for marker in raw.get("markers") or []:
                try:
                    markers.append(re.compile(str(marker), re.I | re.M))
                except re.error as exc:
                    from assistant.errors import ConfigError

                    raise ConfigError(
                        f"{path}: marker {marker!r} is not a valid regex: {exc}"
                    ) from exc
        self.paths = tuple(paths)
        self._matcher: PhraseMatcher[str] = PhraseMatcher(entries, fuzzy=False)
        self._markers = tuple(markers)

    def find(self, text: str) -> tuple[str, ...]:
        """The screening phrases found in ``text`` (empty when it reads as plain data)."""
        found = [m.payload for m in self._matcher.find(Doc(text))]
        found.extend(m.pattern for m in self._markers if m.search(text))
        return tuple(dict.fromkeys(found))
