"""The knowledge store: the only module that talks to Chroma.

Embedded (``PersistentClient`` under ``<data_dir>/chroma``) by default; a Chroma server when
``Settings.chroma_url`` is set. Telemetry is off. Vectors are always computed by our own
embedder and passed in; the collection still carries an explicit embedding function so
Chroma never falls back to its default one (which downloads a model).

One collection holds every chunk (clinic documents and protocol pack texts), told apart by
``kind``. Its metadata names the embedder (name, version, dimension) that made its vectors;
opening it with another embedder raises ``EmbedderMismatch`` until an admin re-indexes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from numpy.typing import NDArray

from assistant.config import Settings
from assistant.embeddings import Embedder
from assistant.errors import ConfigError, StoreUnavailable

Meta = dict[str, str | int | float | bool]
Progress = Callable[[float, str], object]
SCHEMA = 1
_BATCH = 256
_REINDEX_SUFFIX = "-reindex-"


class EmbedderMismatch(ConfigError):
    """The stored vectors come from another embedder; they cannot be mixed with new ones."""


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    text: str
    metadata: Mapping[str, Any]
    score: float  # cosine similarity, higher is closer (after any re-ranking: see its user)
    vector: NDArray[np.float32] | None = None


@dataclass(frozen=True, slots=True)
class StoredChunk:
    id: str
    text: str
    metadata: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One loaded file as the admin sees it (read from its first chunk)."""

    source_id: str
    key: str  # file:<name> or protocol:<pack id>; a new upload with the same key replaces it
    title: str
    kind: str
    filename: str
    language: str
    chunks: int
    flagged: int
    loaded_by: str
    loaded_at: str
    sha256: str


class _StoreEmbedding(EmbeddingFunction[Documents]):
    """Chroma's view of our embedder. The real identity is checked in the collection metadata."""

    def __init__(self, embedder: Embedder | None = None, config: Mapping[str, Any] | None = None):
        self._embedder = embedder
        self._config = dict(config or {})

    def __call__(self, input: Documents) -> Embeddings:
        if self._embedder is None:
            raise RuntimeError("embed through KnowledgeStore, not through Chroma")
        return list(self._embedder.embed_passages(list(input)))

    @staticmethod
    def name() -> str:
        return "amal-intake"

    def get_config(self) -> dict[str, Any]:
        if self._embedder is not None:
            return {"embedder": self._embedder.name, "dim": self._embedder.dim}
        return dict(self._config)

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> _StoreEmbedding:
        return _StoreEmbedding(None, config)

    def default_space(self) -> Any:
        return "cosine"

    def supported_spaces(self) -> Any:
        return ["cosine"]


def make_client(settings: Settings) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(
                f"chroma_url must look like http://host:8000, got {settings.chroma_url!r}"
            )
        ssl = url.scheme == "https"
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if ssl else 8000),
            ssl=ssl,
            settings=chroma_settings,
        )
    path = settings.ensure_data_dir() / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _where(**conditions: str | int | bool) -> dict[str, Any] | None:
    parts = [{key: value} for key, value in conditions.items()]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


class KnowledgeStore:
    """Chunks with their vectors and metadata; every write is all-or-nothing per call."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.name = settings.chroma_collection
        self._client: ClientAPI | None = None
        self._collection: Collection | None = None

    # ------------------------------------------------------------------ opening

    @property
    def client(self) -> ClientAPI:
        if self._client is None:
            try:
                self._client = make_client(self.settings)
            except ConfigError:
                raise
            except Exception as exc:
                raise StoreUnavailable(f"cannot reach the knowledge store: {exc}") from exc
        return self._client

    def _identity(self) -> dict[str, str | int]:
        return {
            "embedder": self.embedder.name,
            "embedder_version": self.embedder.version,
            "dim": self.embedder.dim,
            "schema": SCHEMA,
        }

    def _names(self) -> list[str]:
        return [c.name for c in self.client.list_collections()]

    def _get(self, name: str) -> Collection:
        return self.client.get_collection(
            name, embedding_function=cast(Any, _StoreEmbedding(self.embedder))
        )

    def _create(self, name: str, extra: Mapping[str, str | int | bool] | None = None) -> Collection:
        return self.client.create_collection(
            name,
            metadata={**self._identity(), **(extra or {})},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=cast(Any, _StoreEmbedding(self.embedder)),
        )

    def _recover_interrupted_reindex(self, names: list[str]) -> None:
        """A re-index that stopped between dropping the old and renaming the new collection."""
        for name in names:
            if name.startswith(self.name + _REINDEX_SUFFIX):
                candidate = self._get(name)
                if (candidate.metadata or {}).get("complete") is True:
                    candidate.modify(name=self.name)
                    return
                self.client.delete_collection(name)

    def collection(self) -> Collection:
        """The live collection; raises EmbedderMismatch if another embedder filled it."""
        if self._collection is not None:
            return self._collection
        try:
            names = self._names()
            if self.name not in names:
                self._recover_interrupted_reindex(names)
                names = self._names()
            collection = self._get(self.name) if self.name in names else self._create(self.name)
        except Exception as exc:
            raise StoreUnavailable(f"cannot open the knowledge store: {exc}") from exc
        self.check_identity(collection.metadata or {})
        self._collection = collection
        return collection

    def check_identity(self, stored: Mapping[str, Any]) -> None:
        wanted = self._identity()
        differs = [
            key for key in ("embedder", "embedder_version", "dim") if stored.get(key) != wanted[key]
        ]
        if differs:
            raise EmbedderMismatch(
                f"the knowledge store was indexed with {stored.get('embedder')} "
                f"{stored.get('embedder_version')} ({stored.get('dim')} dims) but this app "
                f"embeds with {wanted['embedder']} {wanted['embedder_version']} ({wanted['dim']} "
                "dims); vectors of different embedders cannot be mixed. Re-index the knowledge "
                "(`intake knowledge reindex` or the admin tab's Re-index button)."
            )

    def heartbeat(self) -> bool:
        try:
            self.client.heartbeat()
        except Exception:
            return False
        return True

    # ------------------------------------------------------------------ writing

    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        vectors: NDArray[np.float32],
        metadatas: Sequence[Meta],
    ) -> None:
        """Add all chunks or none: on any failure the ids already written are deleted."""
        if not (len(ids) == len(texts) == len(metadatas) == vectors.shape[0]):
            raise ValueError("ids, texts, vectors and metadatas must have the same length")
        if vectors.shape[0] and vectors.shape[1] != self.embedder.dim:
            raise EmbedderMismatch(
                f"got {vectors.shape[1]}-dimensional vectors for a "
                f"{self.embedder.dim}-dimensional store"
            )
        collection = self.collection()
        written: list[str] = []
        try:
            for start in range(0, len(ids), _BATCH):
                end = start + _BATCH
                batch = list(ids[start:end])
                collection.add(
                    ids=batch,
                    documents=list(texts[start:end]),
                    embeddings=vectors[start:end],
                    metadatas=cast(Any, list(metadatas[start:end])),
                )
                written.extend(batch)
        except Exception as exc:
            self._delete_quietly(written)
            raise StoreUnavailable(f"writing to the knowledge store failed: {exc}") from exc

    def _delete_quietly(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        try:
            for start in range(0, len(ids), _BATCH):
                self.collection().delete(ids=list(ids[start : start + _BATCH]))
        except Exception:  # best effort: the caller reports the original failure
            pass

    def delete_source(self, source_id: str) -> int:
        collection = self.collection()
        ids = collection.get(where=cast(Any, _where(source_id=source_id)), include=[])["ids"]
        if ids:
            collection.delete(ids=ids)
        return len(ids)

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        return self.collection().count()

    def ids(self, **conditions: str | int | bool) -> list[str]:
        got = self.collection().get(where=cast(Any, _where(**conditions)), include=[])
        return list(got["ids"])

    def get(
        self, *, include_text: bool = True, **conditions: str | int | bool
    ) -> list[StoredChunk]:
        include: list[Any] = ["metadatas", "documents"] if include_text else ["metadatas"]
        out: list[StoredChunk] = []
        offset = 0
        while True:
            got = self.collection().get(
                where=cast(Any, _where(**conditions)), include=include, limit=1000, offset=offset
            )
            ids = got["ids"]
            metas = got["metadatas"] or [{} for _ in ids]
            docs = got["documents"] or ["" for _ in ids]
            out.extend(
                StoredChunk(i, d or "", m or {}) for i, d, m in zip(ids, docs, metas, strict=True)
            )
            if len(ids) < 1000:
                return out
            offset += len(ids)

    def query(
        self,
        vector: NDArray[np.float32],
        n: int,
        *,
        with_vectors: bool = False,
        **conditions: str | int | bool,
    ) -> list[Hit]:
        """The ``n`` nearest chunks (cosine) that meet every ``conditions`` key=value."""
        collection = self.collection()
        if n <= 0:
            return []
        include = ["documents", "metadatas", "distances"]
        if with_vectors:
            include.append("embeddings")
        got = collection.query(
            query_embeddings=cast(Any, [vector]),
            n_results=n,
            where=cast(Any, _where(**conditions)),
            include=cast(Any, include),
        )
        ids = got["ids"][0]
        docs = (got["documents"] or [[]])[0]
        metas = (got["metadatas"] or [[]])[0]
        dists = (got["distances"] or [[]])[0]
        found = got["embeddings"] if with_vectors else None
        vectors: list[Any] = list(found[0]) if found is not None else [None] * len(ids)
        return [
            Hit(
                i,
                d or "",
                m or {},
                round(1.0 - float(x), 6),
                None if v is None else np.asarray(v, dtype=np.float32),
            )
            for i, d, m, x, v in zip(ids, docs, metas, dists, vectors, strict=True)
        ]

    def sources(self) -> list[SourceRow]:
        rows = []
        for chunk in self.get(include_text=False, chunk_index=0):
            m = chunk.metadata
            rows.append(
                SourceRow(
                    source_id=str(m.get("source_id", "")),
                    key=str(m.get("source_key", "")),
                    title=str(m.get("title", "")),
                    kind=str(m.get("kind", "")),
                    filename=str(m.get("filename", "")),
                    language=str(m.get("source_language", "")),
                    chunks=int(m.get("chunk_count", 0)),
                    flagged=int(m.get("source_flagged", 0)),
                    loaded_by=str(m.get("loaded_by", "")),
                    loaded_at=str(m.get("loaded_at", "")),
                    sha256=str(m.get("sha256", "")),
                )
            )
        rows.sort(key=lambda r: (r.kind, r.title.casefold(), r.loaded_at))
        return rows

    # ------------------------------------------------------------------ re-indexing

    def reindex(
        self,
        progress: Progress | None = None,
        text_for: Callable[[str, Mapping[str, Any]], str] | None = None,
    ) -> int:
        """Re-embed every stored chunk with the current embedder; the old index stays until done.

        Works when the stored vectors came from another embedder (that is what it is for).
        """
        report = progress or (lambda fraction, message: None)
        names = self._names()
        if self.name not in names:
            self._recover_interrupted_reindex(names)
        if self.name not in self._names():
            self._collection = None
            self.collection()
            return 0
        old = self._get(self.name)
        records: list[StoredChunk] = []
        offset = 0
        while True:
            got = old.get(include=cast(Any, ["metadatas", "documents"]), limit=1000, offset=offset)
            for i, d, m in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            ):
                records.append(StoredChunk(i, d or "", m or {}))
            if len(got["ids"]) < 1000:
                break
            offset += 1000
        temp_name = f"{self.name}{_REINDEX_SUFFIX}{int(time.time())}"
        temp = self._create(temp_name, {"complete": False})
        try:
            identity = f"{self.embedder.name}@{self.embedder.version}"
            for start in range(0, len(records), 32):
                part = records[start : start + 32]
                vectors = self.embedder.embed_passages(
                    [text_for(r.text, r.metadata) if text_for else r.text for r in part]
                )
                metas = [{**dict(r.metadata), "embedder": identity} for r in part]
                temp.add(
                    ids=[r.id for r in part],
                    documents=[r.text for r in part],
                    embeddings=vectors,
                    metadatas=cast(Any, metas),
                )
                report(min(0.95, (start + len(part)) / max(1, len(records))), "re-embedding")
            temp.modify(metadata={**self._identity(), "complete": True})
        except Exception:
            self.client.delete_collection(temp_name)
            raise
        self.client.delete_collection(self.name)
        temp.modify(name=self.name)
        self._collection = None
        self.collection()
        report(1.0, f"re-indexed {len(records)} chunks")
        return len(records)

    def drop_all(self) -> None:
        """Remove every chunk (tests and a deliberate admin reset only)."""
        if self.name in self._names():
            self.client.delete_collection(self.name)
        self._collection = None
