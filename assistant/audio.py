"""Check a voice recording before decoding it, then decode it to 16 kHz mono float32.

``probe`` looks only at the file size and the container headers: empty, too large, not
readable as media, a video, an unknown codec or a header that says it is too long are all
rejected there, before any audio is decoded. ``decode`` resamples any rate and mixes any
channel layout down to mono (a 44.1 kHz stereo recording is accepted), and stops as soon as
the decoded audio passes ``max_seconds`` when a header did not tell the length.
Every rejection is an ``AudioRejected`` whose ``key`` names a message in
``knowledge/ui_speech.yaml``; ``params`` fills its placeholders.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from assistant.config import Settings
from assistant.errors import IntakeError

SAMPLE_RATE = 16_000
# A decoder may run a few milliseconds past a header's length; this is not "too long".
_LENGTH_SLACK_S = 1.0
# Streaming WAV writers put these in the data size when the length is not known yet.
_UNKNOWN_WAV_SIZES = (0, 0xFFFFFFFF)


# Every key an AudioRejected can carry; knowledge/ui_speech.yaml has a message for each.
REJECTION_KEYS = (
    "audio_empty",
    "audio_too_large",
    "audio_too_long",
    "audio_unreadable",
    "audio_is_video",
    "audio_unsupported_codec",
    "audio_no_speech",
    "audio_unclear",
)


class AudioRejected(IntakeError):
    """A recording we will not transcribe; ``key`` picks the message the patient sees."""

    key = "audio_unreadable"

    def __init__(self, key: str, detail: str = "", **params: Any) -> None:
        if key not in REJECTION_KEYS:
            raise ValueError(
                f"unknown audio rejection key {key!r}; known: {', '.join(REJECTION_KEYS)}"
            )
        super().__init__(detail or key, key=key)
        self.params: dict[str, Any] = params


@dataclass(frozen=True, slots=True)
class AudioLimits:
    max_bytes: int
    max_seconds: float

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError(f"max_audio_bytes must be > 0, got {self.max_bytes}")
        if self.max_seconds <= 0:
            raise ValueError(f"max_audio_seconds must be > 0, got {self.max_seconds}")

    @classmethod
    def from_settings(cls, settings: Settings) -> AudioLimits:
        return cls(settings.max_audio_bytes, settings.max_audio_seconds)

    def params(self) -> dict[str, Any]:
        return {
            "max_mb": f"{self.max_bytes / 1_000_000:g}",
            "max_seconds": f"{self.max_seconds:g}",
        }


@dataclass(frozen=True, slots=True)
class AudioProbe:
    container: str
    codec: str
    sample_rate: int
    channels: int
    duration_s: float | None  # from the headers; None when they do not say
    size_bytes: int


@dataclass(frozen=True, slots=True)
class DecodedAudio:
    samples: npt.NDArray[np.float32] = field(repr=False)  # mono, SAMPLE_RATE
    probe: AudioProbe

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def _reject(key: str, detail: str, limits: AudioLimits) -> AudioRejected:
    return AudioRejected(key, detail, **limits.params())


def _wav_claimed_seconds(path: Path) -> float | None:
    """The length a RIFF/WAVE header claims. FFmpeg trusts the file size instead, so a header
    that claims hours over a short body would otherwise slip through as a short file."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    offset, byte_rate = 12, 0
    while offset + 8 <= len(head):
        chunk_id = head[offset : offset + 4]
        (size,) = struct.unpack_from("<I", head, offset + 4)
        if chunk_id == b"fmt " and offset + 16 <= len(head):
            (byte_rate,) = struct.unpack_from("<I", head, offset + 16)
        elif chunk_id == b"data":
            if byte_rate <= 0 or size in _UNKNOWN_WAV_SIZES:
                return None
            return float(size) / byte_rate
        offset += 8 + size + (size & 1)
    return None


def probe(path: Path, limits: AudioLimits) -> AudioProbe:
    """Headers only: raises AudioRejected for anything we will not decode."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _reject("audio_unreadable", f"cannot read the file ({exc.strerror})", limits) from exc
    if not path.is_file():
        raise _reject("audio_unreadable", "not a regular file", limits)
    if size == 0:
        raise _reject("audio_empty", "the file is empty (0 bytes)", limits)
    if size > limits.max_bytes:
        raise _reject("audio_too_large", f"{size} bytes > max_audio_bytes", limits)
    claimed = _wav_claimed_seconds(path)
    if claimed is not None and claimed > limits.max_seconds:
        raise _reject("audio_too_long", f"WAV header says {claimed:.0f} s", limits)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise _reject(
            "audio_unreadable", f"not a media file ({type(exc).__name__})", limits
        ) from exc
    with container:
        pictures = av.stream.Disposition.attached_pic
        videos = [s for s in container.streams.video if not (s.disposition & pictures)]
        if videos:
            raise _reject("audio_is_video", f"{container.format.name} has a video stream", limits)
        if not container.streams.audio:
            raise _reject("audio_unreadable", "no audio stream", limits)
        stream = container.streams.audio[0]
        ctx = stream.codec_context
        codec = ctx.name if ctx is not None else None
        if not codec or ctx.sample_rate <= 0 or ctx.channels <= 0:
            raise _reject("audio_unsupported_codec", "no decoder for this audio codec", limits)
        duration: float | None = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / av.time_base
        if duration is not None and duration > limits.max_seconds:
            raise _reject("audio_too_long", f"header says {duration:.0f} s", limits)
        return AudioProbe(
            container=container.format.name,
            codec=codec,
            sample_rate=int(ctx.sample_rate),
            channels=int(ctx.channels),
            duration_s=duration,
            size_bytes=size,
        )


def decode(path: Path, limits: AudioLimits, info: AudioProbe | None = None) -> DecodedAudio:
    """16 kHz mono float32 in [-1, 1]; stops with ``audio_too_long`` past ``max_seconds``."""
    info = info or probe(path, limits)
    max_samples = int((limits.max_seconds + _LENGTH_SLACK_S) * SAMPLE_RATE)
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    chunks: list[npt.NDArray[Any]] = []
    total = 0
    bad_packets = 0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.InvalidDataError:
                    bad_packets += 1  # a damaged packet: skip it, as ffmpeg's CLI does
                    continue
                for frame in frames:
                    for out in resampler.resample(frame):
                        array = out.to_ndarray().reshape(-1)
                        chunks.append(array)
                        total += len(array)
                if total > max_samples:
                    raise _reject("audio_too_long", "decoded past max_audio_seconds", limits)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise _reject(
            "audio_unreadable", f"decoding failed ({type(exc).__name__})", limits
        ) from exc
    if not chunks or sum(len(c) for c in chunks) == 0:
        raise _reject("audio_unreadable", f"no audio decoded ({bad_packets} bad packets)", limits)
    samples = np.concatenate(chunks).astype(np.float32) / 32768.0
    return DecodedAudio(samples, info)


def load(path: Path, limits: AudioLimits) -> DecodedAudio:
    """``probe`` then ``decode``: the one call the speech service makes."""
    return decode(path, limits, probe(path, limits))
