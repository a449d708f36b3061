"""The clinic's knowledge: loading files into the store, and the two retrieval micro-models.

``Knowledge`` is built once from Settings and shared by the coordinator, the admin tab and
the CLI:

- ``match_protocol(text, concept_codes, language)`` -> ``Result[ProtocolMatch | None]``
- ``answer_question(text, language)`` -> ``Result[DocAnswer | None]``
- ``is_question(text, language)`` -> ``bool``
- ``add_file(path, loaded_by, progress)``, ``sources()``, ``remove(id)``, ``reindex()``

A file is parsed, chunked, screened and embedded completely before anything is written; the
write itself is all-or-nothing; an older version (same file name, same title and language,
or same pack id) is deleted only after the new one is in. Uploading identical bytes again
changes nothing.

Chunk metadata: ``kind`` (document | protocol), ``source_id``, ``source_key``, ``sha256``,
``title``, ``filename``, ``format``, ``topic`` (file name without its .en/.ar/.ur part, so
language versions of one document are one topic), ``loaded_by``, ``loaded_at``,
``source_language``, ``chunk_count``, ``source_flagged``, ``pages``, ``chunk_index``,
``section_index``, ``language``, ``heading``, ``page`` (0: none), ``flagged``,
``flag_phrases``, ``embedder``; protocol chunks add ``pack_id`` and (first chunk) ``pack_json``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np

from assistant.config import Settings
from assistant.embeddings import Embedder, build_embedder
from assistant.errors import ConfigError
from assistant.ingest import (
    ChunkDraft,
    InjectionScreen,
    KnowledgeRejected,
    Limits,
    chunk_document,
    format_of,
    majority_language,
    parse_document,
    read_upload,
    sha256_bytes,
)
from assistant.knowledge_store import Hit, KnowledgeStore, Meta, SourceRow
from assistant.languages import Lang
from assistant.micromodels.base import Result
from assistant.micromodels.doc_answer import DocAnswer, DocAnswerer, QuestionDetector
from assistant.micromodels.retrieval import ProtocolMatch, ProtocolMatcher
from assistant.protocols import ProtocolPack, known_concepts, parse_pack

Progress = Callable[[float, str], object]
Status = Literal["added", "replaced", "duplicate", "rejected"]
STARTER_LOADER = "starter"
_EMBED_BATCH = 16
_DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".csv", ".pdf", ".docx")


class UnknownSource(KnowledgeRejected):
    pass


@dataclass(frozen=True, slots=True)
class FlaggedChunk:
    index: int
    phrases: tuple[str, ...]
    excerpt: str


@dataclass(frozen=True, slots=True)
class IngestReport:
    filename: str
    status: Status
    message: str
    source_id: str = ""
    title: str = ""
    kind: str = ""
    language: str = ""
    chunks: int = 0
    pages: int = 0
    seconds: float = 0.0
    flagged: tuple[FlaggedChunk, ...] = ()
    replaced: tuple[str, ...] = field(default=())

    def as_text(self) -> str:
        lines = [f"{self.filename}: {self.status}. {self.message}"]
        for flag in self.flagged:
            lines.append(
                f"  WARNING passage {flag.index + 1} reads like instructions to an assistant "
                f"({'; '.join(flag.phrases)}): \u201c{flag.excerpt}\u201d. It is stored as data, "
                "flagged, and never quoted to patients; check the document."
            )
        return "\n".join(lines)


def _noop(fraction: float, message: str) -> None:
    return None


def _scaled(progress: Progress, start: float, end: float) -> Progress:
    def report(fraction: float, message: str) -> None:
        progress(start + (end - start) * min(1.0, max(0.0, fraction)), message)

    return report


def topic_of(filename: str) -> str:
    """``opening_hours.ur.md`` and ``opening_hours.en.md`` are one topic: ``opening_hours``."""
    stem = Path(filename).stem.casefold()
    return re.sub(r"[._\-](en|ar|ur)$", "", stem)


def embed_text(text: str, meta: Mapping[str, Any]) -> str:
    """What is embedded for a stored chunk: documents get their title in front."""
    if meta.get("kind") == "document" and meta.get("title"):
        return f"{meta['title']}\n{text}"
    return text


class Knowledge:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or build_embedder(settings)
        self.store = KnowledgeStore(settings, self.embedder)
        self.limits = Limits.from_settings(settings)
        self.screen = InjectionScreen(settings.knowledge_dir)
        self.concepts = known_concepts(settings.knowledge_dir)
        self.protocols = ProtocolMatcher(
            self.store, settings.protocol_match_threshold, settings.protocol_match_margin
        )
        self.documents = DocAnswerer(
            self.store,
            settings.doc_answer_threshold,
            settings.doc_answer_margin,
            settings.knowledge_dir / "retrieval_reference.yaml",
            settings.doc_answer_hub_weight,
        )
        self.questions = QuestionDetector(settings.knowledge_dir)

    def warm_up(self) -> None:
        self.embedder.warm_up()
        self.documents.warm_up()
        self.store.collection()

    # ------------------------------------------------------------------ patient side

    def match_protocol(
        self,
        chief_complaint_text: str,
        concept_codes: Sequence[str],
        language: Lang,
        *,
        age: int | None = None,
    ) -> Result[ProtocolMatch | None]:
        return self.protocols.run(chief_complaint_text, concept_codes, language, age=age)

    def answer_question(self, text: str, language: Lang) -> Result[DocAnswer | None]:
        return self.documents.run(text, language)

    def protocol_pack(self, pack_id: str) -> ProtocolPack | None:
        """The loaded pack with this id (None once an admin removed it)."""
        return next((p for p in self.protocols.packs() if p.id == pack_id), None)

    def is_question(self, text: str, language: Lang) -> bool:
        return self.questions(text, language)

    # ------------------------------------------------------------------ admin side

    def sources(self) -> list[SourceRow]:
        return self.store.sources()

    def remove(self, source_id: str) -> SourceRow:
        row = next((r for r in self.store.sources() if r.source_id == source_id.strip()), None)
        if row is None:
            raise UnknownSource(f"no loaded file has the id {source_id!r}; see the list")
        self.store.delete_source(row.source_id)
        self.protocols.changed()
        return row

    def reindex(self, progress: Progress | None = None) -> int:
        try:
            return self.store.reindex(progress, text_for=embed_text)
        finally:
            self.protocols.changed()

    def search(
        self, text: str, n: int = 5, kind: str | None = None, language: str | None = None
    ) -> list[Hit]:
        conditions: dict[str, Any] = {}
        if kind:
            conditions["kind"] = kind
        if language:
            conditions["language"] = language
        return self.store.query(self.embedder.embed_query(text), n, **conditions)

    def add_files(
        self, paths: Sequence[Path], loaded_by: str, progress: Progress | None = None
    ) -> list[IngestReport]:
        """Each file on its own: one rejected file does not stop the others."""
        report = progress or _noop
        out = []
        for i, path in enumerate(paths):
            part = _scaled(report, i / len(paths), (i + 1) / len(paths))
            try:
                out.append(self.add_file(path, loaded_by, part))
            except KnowledgeRejected as exc:
                out.append(IngestReport(path.name, "rejected", str(exc)))
        report(1.0, "done")
        return out

    def add_file(
        self, path: Path, loaded_by: str, progress: Progress | None = None
    ) -> IngestReport:
        """Load one file. On KnowledgeRejected (a readable message) the store is untouched."""
        try:
            return self._add_file(path, loaded_by, progress)
        finally:
            self.protocols.changed()

    def _add_file(
        self, path: Path, loaded_by: str, progress: Progress | None = None
    ) -> IngestReport:
        started = time.perf_counter()
        report = progress or _noop
        name = path.name
        report(0.0, f"reading {name}")
        fmt = format_of(name)
        data = read_upload(path, self.limits)
        sha = sha256_bytes(data)
        existing = self.store.sources()
        same = next((r for r in existing if r.sha256 == sha), None)
        if same is not None:
            report(1.0, "already loaded")
            return IngestReport(
                name,
                "duplicate",
                f"identical to {same.title!r} ({same.source_id}); nothing changed",
                same.source_id,
                same.title,
                same.kind,
                same.language,
                same.chunks,
            )
        pack_json = ""
        pack_id = ""
        if fmt == "protocol":
            pack = parse_pack(name, data, self.concepts)
            drafts = [ChunkDraft(t, h, None, lang) for lang, t, h in pack.retrieval_texts()]
            title, kind, pages, key = pack.title["en"], "protocol", 1, f"protocol:{pack.id}"
            pack_json, pack_id = pack.to_json(), pack.id
        else:
            doc = parse_document(name, data, self.limits, _scaled(report, 0.02, 0.3))
            drafts = chunk_document(doc, self.limits)
            title, kind, pages, key = doc.title, "document", doc.pages, f"file:{name.casefold()}"
        if not drafts:
            raise KnowledgeRejected(f"{name} has no text to load")
        language = majority_language([d.language for d in drafts])
        if kind == "protocol":
            language = "en+ar+ur"  # every pack carries all three
        flags = [self.screen.find(d.text) for d in drafts]
        source_id = sha[:16]
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        base: Meta = {
            "kind": kind, "source_id": source_id, "source_key": key, "sha256": sha,
            "title": title, "filename": name, "format": fmt, "topic": topic_of(name),
            "loaded_by": loaded_by, "loaded_at": stamp, "source_language": language,
            "chunk_count": len(drafts), "source_flagged": sum(1 for f in flags if f),
            "pages": pages, "embedder": f"{self.embedder.name}@{self.embedder.version}",
        }  # fmt: skip
        metas: list[Meta] = []
        for i, (draft, found) in enumerate(zip(drafts, flags, strict=True)):
            meta: Meta = {
                **base, "chunk_index": i, "section_index": draft.section,
                "language": draft.language, "heading": draft.heading, "page": draft.page or 0,
                "flagged": bool(found), "flag_phrases": "; ".join(found),
            }  # fmt: skip
            if pack_id:
                meta["pack_id"] = pack_id
                if i == 0:
                    meta["pack_json"] = pack_json
            metas.append(meta)
        texts = [d.text for d in drafts]
        vectors = self._embed(
            [embed_text(t, m) for t, m in zip(texts, metas, strict=True)],
            _scaled(report, 0.3, 0.92),
        )
        report(0.93, "saving")
        replaced = [
            r
            for r in existing
            if r.key == key
            or (
                kind == "document" == r.kind
                and r.title.casefold() == title.casefold()
                and r.language == language
            )
        ]
        ids = [f"{source_id}:{i:05d}" for i in range(len(drafts))]
        self.store.add(ids, texts, vectors, metas)
        for old in replaced:
            self.store.delete_source(old.source_id)
        report(1.0, "done")
        flagged = tuple(
            FlaggedChunk(i, found, _excerpt(drafts[i].text))
            for i, found in enumerate(flags)
            if found
        )
        status: Status = "replaced" if replaced else "added"
        message = f"{len(drafts)} passages ({kind}, {language}) from {pages} page(s)"
        if replaced:
            message += "; replaced " + ", ".join(f"{r.title!r} ({r.source_id})" for r in replaced)
        if flagged:
            message += f"; {len(flagged)} passage(s) flagged"
        return IngestReport(
            name, status, message, source_id, title, kind, language, len(drafts), pages,
            round(time.perf_counter() - started, 2), flagged, tuple(r.source_id for r in replaced),
        )  # fmt: skip

    def _embed(self, texts: list[str], progress: Progress) -> np.typing.NDArray[np.float32]:
        parts = []
        for start in range(0, len(texts), _EMBED_BATCH):
            parts.append(self.embedder.embed_passages(texts[start : start + _EMBED_BATCH]))
            done = min(len(texts), start + _EMBED_BATCH)
            progress(done / len(texts), f"embedding {done}/{len(texts)}")
        return np.concatenate(parts) if parts else np.zeros((0, self.embedder.dim), np.float32)

    # ------------------------------------------------------------------ starter knowledge

    def starter_files(self) -> list[Path]:
        root = self.settings.knowledge_dir
        packs = sorted((root / "protocols").glob("*.yaml"))
        docs = sorted(
            p
            for p in (root / "documents").rglob("*")
            if p.suffix.lower() in _DOCUMENT_SUFFIXES and not p.name.upper().startswith("README")
        )
        return packs + docs

    def seed(self, progress: Progress | None = None) -> list[IngestReport]:
        """Load the shipped packs and documents into an empty store (first start only, so an
        admin's deletions stay deleted). A shipped file that fails is a ConfigError."""
        if self.store.count() > 0:
            return []
        reports = self.add_files(self.starter_files(), STARTER_LOADER, progress)
        bad = [r for r in reports if r.status == "rejected"]
        if bad:
            raise ConfigError("; ".join(r.message for r in bad))
        return reports


def _excerpt(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"
