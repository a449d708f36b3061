"""Text to speech: Debian's espeak-ng, one voice per session language, WAV files out.

Robotic but real and offline (no neural Arabic or Urdu voice is bundled anywhere we can
install from). The voices come from ``models/manifest.yaml`` (``text_to_speech.voices``);
the program is ``Settings.espeak_command``. ``version`` includes a hash of
``espeak-ng --version`` and of the voice table, so a trace names the engine that spoke.
Files go to ``<data_dir>/tmp/tts/``; files older than an hour are removed on each call.
Muting is the UI's business.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.languages import LANGUAGES, Lang
from assistant.micromodels.base import Result, timed
from assistant.models_registry import ModelRegistry, ModelUnavailable

MAX_TEXT_CHARS = 4000
_KEEP_FILES_S = 3600.0
_TIMEOUT_S = 30.0


class TextToSpeech:
    name = "text_to_speech"

    def __init__(self, settings: Settings, registry: ModelRegistry | None = None) -> None:
        self.settings = settings
        registry = registry or ModelRegistry(settings)
        voices = registry.entry(self.name).get("voices")
        if not isinstance(voices, dict) or any(lang not in voices for lang in LANGUAGES):
            raise ConfigError(
                f"{registry.path}: {self.name}.voices needs a voice for each of {LANGUAGES}"
            )
        self.voices: dict[Lang, str] = {lang: str(voices[lang]) for lang in LANGUAGES}
        self.command = str(registry.setting(self.name, "command_setting") or "espeak-ng")
        self.out_dir = settings.data_dir / "tmp" / "tts"
        self._program: str | None = None
        self._lock = threading.Lock()
        self.version = "espeak-ng:not-loaded"

    def warm_up(self) -> None:
        """Find the program and record its version; ModelUnavailable when it is absent."""
        with self._lock:
            if self._program is not None:
                return
            program = shutil.which(self.command)
            if program is None:
                raise ModelUnavailable(
                    f"{self.command!r} not found on PATH: install Debian's espeak-ng "
                    "(scripts/system-deps.sh) or set INTAKE_ESPEAK_COMMAND",
                    key="tts_unavailable",
                )
            try:
                done = subprocess.run(
                    [program, "--version"], capture_output=True, timeout=_TIMEOUT_S, check=True
                )
            except (OSError, subprocess.SubprocessError) as exc:
                raise ModelUnavailable(
                    f"{program} --version failed ({type(exc).__name__})", key="tts_unavailable"
                ) from exc
            digest = hashlib.sha256(done.stdout)
            digest.update(repr(sorted(self.voices.items())).encode())
            self.version = f"espeak-ng-{digest.hexdigest()[:12]}"
            self._program = program

    def available(self) -> bool:
        try:
            self.warm_up()
        except ModelUnavailable:
            return False
        return True

    def run(self, text: str, language: Lang, /) -> Result[Path]:
        """Speak ``text`` in ``language``'s voice; returns the WAV file's path."""
        self.warm_up()
        timer = timed(self.name, self.version)
        text = text.strip()
        if not text:
            raise ValueError("text to speak must not be empty")
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(
                f"text to speak must be at most {MAX_TEXT_CHARS} chars, got {len(text)}"
            )
        if language not in self.voices:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._purge_old()
        out = self.out_dir / f"{uuid.uuid4().hex}.wav"
        program = self._program or self.command
        try:
            # Text goes in on stdin: never parsed as options, no argv length limit.
            subprocess.run(
                [program, "-v", self.voices[language], "-w", str(out), "--stdin"],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=_TIMEOUT_S,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            out.unlink(missing_ok=True)
            raise ModelUnavailable(
                f"espeak-ng failed ({type(exc).__name__})", key="tts_unavailable"
            ) from exc
        if not out.is_file() or out.stat().st_size <= 44:
            out.unlink(missing_ok=True)
            raise ModelUnavailable("espeak-ng wrote no audio", key="tts_unavailable")
        return Result(out, timer.finish(confidence=None))

    def _purge_old(self) -> None:
        cutoff = time.time() - _KEEP_FILES_S
        for old in self.out_dir.glob("*.wav"):
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except OSError:
                continue  # another process removed it first
