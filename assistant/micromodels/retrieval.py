"""Which protocol pack fits the patient's chief complaint, in any of the three languages.

Three signals, strongest first:

1. a concept code the understanding fleet found (``chest_pain``) that a pack lists;
2. one of the pack's keywords in the complaint (session language or English);
3. semantic similarity between the complaint and the pack's description and examples in
   all three languages (multilingual embeddings, so an Urdu complaint reaches a pack whose
   best-matching text is English). Accepted only above ``threshold`` and ahead of the
   next pack by ``margin``.

The trace's confidence is the best pack's cosine similarity; the note says which signal
decided (``match:code``, ``match:keyword``, ``match:semantic``) or why none did
(``none:below_threshold``, ``none:ambiguous``, ``none:no_packs``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assistant.concepts import RedFlag
from assistant.knowledge_store import KnowledgeStore
from assistant.languages import Lang
from assistant.micromodels.base import Result, error_trace, timed
from assistant.micromodels.negation import ContextMap
from assistant.protocols import ProtocolPack, pack_from_json
from assistant.questionnaire import Item
from assistant.text import clean_input

MatchMethod = Literal["code", "keyword", "semantic"]


@dataclass(frozen=True, slots=True)
class ProtocolMatch:
    pack: ProtocolPack
    method: MatchMethod
    similarity: float  # cosine similarity of the complaint to the pack's closest text

    @property
    def questions(self) -> tuple[Item, ...]:
        """The pack's questions as questionnaire items (linkIds ``<pack>.<linkId>``)."""
        return self.pack.questions

    def screen(self, text: str, language: str, context: ContextMap | None = None) -> list[RedFlag]:
        return self.pack.screen(text, language, context)


class ProtocolMatcher:
    name = "protocol_match"

    def __init__(
        self, store: KnowledgeStore, threshold: float, margin: float, candidates: int = 60
    ) -> None:
        self._store = store
        self.threshold = threshold
        self.margin = margin
        self._candidates = candidates
        self._packs: dict[str, ProtocolPack] = {}  # by sha256
        self._packs_hash = "none"
        self._ids: frozenset[str] | None = None
        self._checked_at = 0.0
        self.refresh_s = 10.0
        self._sorted: list[ProtocolPack] = []

    @property
    def version(self) -> str:
        embedder = self._store.embedder
        return f"{embedder.name}@{embedder.version[:18]}+packs-{self._packs_hash}"

    def warm_up(self) -> None:
        self._store.embedder.warm_up()
        self.packs()

    def changed(self) -> None:
        """The store changed here: look the packs up again on the next call."""
        self._checked_at = 0.0
        self._ids = None

    def packs(self) -> list[ProtocolPack]:
        """Every pack in the store (fetched and parsed again only when the set changed).

        The set is looked up at most every ``refresh_s`` seconds: every patient turn asks for
        the pack, and an admin's change (on this replica or another) shows within that time.
        """
        now = time.monotonic()
        if self._ids is not None and now - self._checked_at < self.refresh_s:
            return self._sorted
        self._checked_at = now
        ids = frozenset(self._store.ids(kind="protocol", chunk_index=0))
        if ids == self._ids:
            return self._sorted
        loaded: dict[str, ProtocolPack] = {}
        for chunk in self._store.get(include_text=False, kind="protocol", chunk_index=0):
            sha = str(chunk.metadata.get("sha256", ""))
            pack = self._packs.get(sha)
            if pack is None:
                source = str(chunk.metadata.get("filename", ""))
                pack = pack_from_json(str(chunk.metadata.get("pack_json", "{}")), source, sha)
            loaded[sha] = pack
        self._packs = loaded
        digest = hashlib.sha256("".join(sorted(loaded)).encode()).hexdigest()
        self._packs_hash = digest[:12] if loaded else "none"
        self._sorted = sorted(loaded.values(), key=lambda p: p.id)
        self._ids = ids
        return self._sorted

    def similarities(self, text: str, pack_language: str | None = None) -> dict[str, float]:
        """Best cosine similarity of ``text`` to each pack's texts (all languages, or only
        ``pack_language``), by pack id."""
        vector = self._store.embedder.embed_query(text)
        best: dict[str, float] = {}
        conditions: dict[str, Any] = {"kind": "protocol"}
        if pack_language:
            conditions["language"] = pack_language
        for hit in self._store.query(vector, self._candidates, **conditions):
            pack_id = str(hit.metadata.get("pack_id", ""))
            best[pack_id] = max(best.get(pack_id, -1.0), hit.score)
        return best

    def run(
        self,
        chief_complaint_text: str,
        concept_codes: Sequence[str],
        language: Lang | str,
        *,
        age: int | None = None,
    ) -> Result[ProtocolMatch | None]:
        """``concept_codes``: present findings, the chief complaint's first; ``age`` in years
        (when known) keeps age-bound packs (a child's fever) away from other patients."""
        timer = timed(self.name, self.version)
        try:
            text = clean_input(chief_complaint_text)
            found = self._match(text, list(concept_codes), str(language), age)
        except Exception as exc:
            return Result(None, error_trace(self.name, self.version, "error", exc))
        match, similarity, note = found
        timer.version = self.version  # the pack set is known now
        return Result(match, timer.finish(confidence=similarity, note=note))

    def _match(
        self, text: str, codes: list[str], language: str, age: int | None
    ) -> tuple[ProtocolMatch | None, float | None, str]:
        packs = {p.id: p for p in self.packs() if p.fits_age(age)}
        if not packs:
            return None, None, "none:no_packs"
        sims = self.similarities(text) if text else {}
        ranked = sorted(((s, pid) for pid, s in sims.items() if pid in packs), reverse=True)

        def sim(pid: str) -> float:
            return sims.get(pid, 0.0)

        for code in codes:
            by_code = [p for p in packs.values() if code in p.concepts]
            if by_code:
                pack = max(by_code, key=lambda p: sim(p.id))
                return ProtocolMatch(pack, "code", sim(pack.id)), sim(pack.id), "match:code"
        if text:
            by_word = [p for p in packs.values() if p.keyword_hit(text, language)]
            if by_word:
                pack = max(by_word, key=lambda p: sim(p.id))
                return ProtocolMatch(pack, "keyword", sim(pack.id)), sim(pack.id), "match:keyword"
        if not ranked:
            return None, None, "none:below_threshold"
        best, best_id = ranked[0]
        second = ranked[1][0] if len(ranked) > 1 else -1.0
        if best < self.threshold:
            return None, best, "none:below_threshold"
        if best - second < self.margin:
            return None, best, "none:ambiguous"
        return ProtocolMatch(packs[best_id], "semantic", best), best, "match:semantic"
