"""Speech in and out for the patient door and the ``intake transcribe`` command.

``Speech.transcribe`` checks and decodes a recording (``assistant.audio``), then runs the
speech-to-text micro-model with the session language as a hint. A recording the service was
handed to own (``consume=True``, e.g. a browser upload) is kept only when
``Settings.store_audio`` allows it (moved to ``<data_dir>/audio/``, owner-only permissions);
otherwise it is deleted whatever happens, error or not. Decoding happens in memory: no other
copy of the patient's voice is written.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.audio import AudioLimits, AudioRejected, load
from assistant.config import Settings
from assistant.errors import IntakeError
from assistant.i18n import Messages
from assistant.languages import LANGUAGES, Lang, parse_lang
from assistant.micromodels.base import Result
from assistant.micromodels.speech_to_text import LanguageHint, SpeechToText, Transcript
from assistant.micromodels.text_to_speech import TextToSpeech
from assistant.models_registry import ModelRegistry, ModelUnavailable

EXIT_BAD_AUDIO = 2
EXIT_UNAVAILABLE = 3
_MESSAGE_FILES = ("ui.yaml", "ui_speech.yaml")


def language_hint(value: str) -> LanguageHint:
    """``auto`` or a session language (code or native name); ValueError otherwise."""
    if value.strip().lower() == "auto":
        return "auto"
    return parse_lang(value)


class Speech:
    def __init__(
        self,
        settings: Settings,
        *,
        stt: SpeechToText | None = None,
        tts: TextToSpeech | None = None,
    ) -> None:
        self.settings = settings
        self.limits = AudioLimits.from_settings(settings)
        registry = ModelRegistry(settings) if stt is None or tts is None else None
        self.stt = stt or SpeechToText(settings, registry)
        self.tts = tts or TextToSpeech(settings, registry)
        self._messages: list[Messages] | None = None

    def warm_up(self) -> None:
        """Load the speech model (raises ModelUnavailable) and look for espeak-ng (never raises:
        ``tts_available`` says whether questions can be read aloud)."""
        self.stt.warm_up()
        self.tts.available()

    @property
    def tts_available(self) -> bool:
        return self.tts.available()

    def transcribe(self, path: Path, language: str, *, consume: bool = False) -> Result[Transcript]:
        """Text of one recording. ``language`` is the session's (en/ar/ur) or ``auto``.

        Raises AudioRejected (with a message ``key``) for audio we will not transcribe, and
        ModelUnavailable when no weights resolve. With ``consume=True`` the file is the
        service's: stored when ``store_audio`` is on and the audio was accepted, else deleted.
        """
        hint = language_hint(language)
        path = Path(path)
        stored: Path | None = None
        try:
            decoded = load(path, self.limits)
            result = self.stt.run(decoded, hint)
            if self.settings.store_audio:
                stored = self._store(path, move=consume)
        finally:
            if consume and stored is None:
                path.unlink(missing_ok=True)
        if stored is not None:
            result = Result(replace(result.value, stored_audio=stored), result.trace)
        return result

    def transcribe_json(self, path: Path, lang: str) -> dict[str, Any]:
        """The ``intake transcribe --json`` record; the caller's file is never deleted.
        ``latency_ms`` covers checking, decoding and transcribing, not loading the model."""
        self.stt.warm_up()
        start = time.perf_counter()
        result = self.transcribe(Path(path), lang)
        latency_ms = (time.perf_counter() - start) * 1000.0
        t = result.value
        return {
            "text": t.text,
            "language": t.language,
            "language_probability": t.language_probability,
            "duration_s": t.duration_s,
            "latency_ms": round(latency_ms, 1),
            "model": self.stt.name,
            "version": self.stt.version,
        }

    def speak(self, text: str, language: str) -> Path:
        """A WAV file of ``text`` in the language's espeak-ng voice, under ``<data_dir>/tmp/tts``.
        Raises ModelUnavailable (key ``tts_unavailable``) when espeak-ng is absent."""
        return self.speak_traced(text, language).value

    def speak_traced(self, text: str, language: str) -> Result[Path]:
        return self.tts.run(text, parse_lang(language))

    def user_message(self, exc: IntakeError, lang: str) -> str:
        """The patient-facing text for a speech error, in ``lang`` (English if unknown)."""
        lang = lang if lang in LANGUAGES else "en"
        values = {**self.limits.params(), **getattr(exc, "params", {})}
        for table in self._tables():
            if exc.key in table:
                return table.get(exc.key, lang, **values)
        return str(exc.detail or exc.key)

    def _tables(self) -> list[Messages]:
        if self._messages is None:
            folder = self.settings.knowledge_dir
            self._messages = [
                Messages.load(folder / name) for name in _MESSAGE_FILES if (folder / name).is_file()
            ]
        return self._messages

    def _store(self, path: Path, *, move: bool) -> Path:
        folder = self.settings.data_dir / "audio"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = folder / f"{uuid.uuid4().hex}{path.suffix.lower()[:8]}"
        if move:
            shutil.move(path, target)
        else:
            shutil.copyfile(path, target)
        os.chmod(target, 0o600)
        return target


def transcribe_cli(
    argv: list[str], settings: Settings | None = None, *, speech: Speech | None = None
) -> int:
    """``intake transcribe FILE --lang {en,ar,ur,auto} [--json]``; ``argv`` excludes
    ``transcribe``. Exit 0; 2 for a missing file or audio we reject (the patient's message
    on stderr, in --lang, English for auto); 3 when the speech model is unavailable."""
    parser = argparse.ArgumentParser(
        prog="intake transcribe", description="Transcribe one recording, offline."
    )
    parser.add_argument("file", type=Path, help="audio file (wav, flac, mp3, ogg, webm, m4a...)")
    parser.add_argument("--lang", choices=(*LANGUAGES, "auto"), default="auto")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    message_lang: Lang = "en" if args.lang == "auto" else args.lang
    if not args.file.is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return EXIT_BAD_AUDIO
    speech = speech or Speech(settings or Settings())
    try:
        if args.json:
            print(json.dumps(speech.transcribe_json(args.file, args.lang), ensure_ascii=False))
        else:
            print(speech.transcribe(args.file, args.lang).value.text)
    except AudioRejected as exc:
        print(speech.user_message(exc, message_lang), file=sys.stderr)
        return EXIT_BAD_AUDIO
    except ModelUnavailable as exc:
        print(speech.user_message(exc, message_lang), file=sys.stderr)
        print(f"detail: {exc.detail}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    return 0
