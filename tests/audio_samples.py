"""Recordings made on the fly for the speech tests: good ones and every kind of bad one."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from assistant.config import PROJECT_ROOT

JFK = PROJECT_ROOT.parent / "shared" / "data" / "audio" / "jfk.flac"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
ESPEAK = shutil.which("espeak-ng")
VOICES = {"en": "en-us", "ar": "ar", "ur": "ur"}


def write_wav(path: Path, samples: npt.NDArray[np.float64], rate: int) -> Path:
    """``samples`` shaped (n,) for mono or (n, channels); floats in [-1, 1]."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    pcm = (np.clip(frames, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(frames.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def tone(freq: float, seconds: float, rate: int, level: float = 0.3) -> npt.NDArray[np.float64]:
    t = np.arange(int(seconds * rate)) / rate
    return level * np.sin(2 * np.pi * freq * t)


def wav_with_header(
    path: Path, *, format_tag: int = 1, data_size: int | None = None, seconds: float = 1.0
) -> Path:
    """A 16 kHz mono 16-bit WAV whose fmt code and data size we choose (lies included)."""
    body = (tone(440, seconds, 16_000) * 32767).astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", format_tag, 1, 16_000, 32_000, 2, 16)
    header = (
        b"RIFF"
        + struct.pack("<I", 36 + len(body))
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", len(body) if data_size is None else data_size)
    )
    path.write_bytes(header + body)
    return path


def flac_claiming(path: Path, claimed_seconds: int) -> Path:
    """A real 1 s FLAC whose STREAMINFO says it lasts ``claimed_seconds``."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("flac", rate=16_000, layout="mono")
        pcm = (tone(440, 1.0, 16_000) * 32767).astype(np.int16)[None, :]
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = 16_000
        frame.pts = 0
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    data = bytearray(path.read_bytes())
    # fLaC, block header (4 bytes), then STREAMINFO: bytes 10..17 hold rate/channels/bits
    # and, in the low 36 bits, the total number of samples.
    start = 8 + 10
    packed = int.from_bytes(data[start : start + 8], "big")
    packed = (packed & ~((1 << 36) - 1)) | (claimed_seconds * 16_000)
    data[start : start + 8] = packed.to_bytes(8, "big")
    path.write_bytes(bytes(data))
    return path


def mp4_video(path: Path) -> Path:
    """One second of 64x64 video with an AAC audio track, as a phone would send."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 64, "yuv420p"
        audio = container.add_stream("aac", rate=16_000)
        for i in range(10):
            picture = np.full((64, 64, 3), i * 20, np.uint8)
            for packet in video.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        samples = tone(440, 1.0, 16_000).astype(np.float32)
        for offset in range(0, len(samples), 1024):
            chunk = av.AudioFrame.from_ndarray(
                samples[None, offset : offset + 1024], format="flt", layout="mono"
            )
            chunk.sample_rate, chunk.pts = 16_000, offset
            for packet in audio.encode(chunk):
                container.mux(packet)
        for packet in audio.encode(None):
            container.mux(packet)
    return path


def random_bytes(path: Path, size: int = 8192) -> Path:
    path.write_bytes(np.random.default_rng(7).bytes(size))
    return path


def text_as_wav(path: Path) -> Path:
    path.write_text("Patient notes\nheadache for three days\n" * 40, encoding="utf-8")
    return path


def silence(path: Path, seconds: float = 4.0) -> Path:
    return write_wav(path, np.zeros(int(seconds * 16_000)), 16_000)


def white_noise(path: Path, seconds: float = 4.0, level: float = 0.3) -> Path:
    noise = np.random.default_rng(3).uniform(-level, level, int(seconds * 16_000))
    return write_wav(path, noise, 16_000)


def espeak(path: Path, text: str, lang: str) -> Path:
    if ESPEAK is None:
        raise RuntimeError("espeak-ng is not installed")
    subprocess.run(
        [ESPEAK, "-v", VOICES[lang], "-w", str(path), "--stdin"],
        input=text.encode("utf-8"),
        check=True,
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    return path


def read_wav(path: Path) -> tuple[npt.NDArray[np.float64], int]:
    with wave.open(str(path), "rb") as src:
        rate, channels = src.getframerate(), src.getnchannels()
        pcm = np.frombuffer(src.readframes(src.getnframes()), "<i2").astype(np.float64) / 32768
    return pcm.reshape(-1, channels).mean(axis=1), rate


def stereo_44k(path: Path, mono_source: Path) -> Path:
    """The same speech as a 44.1 kHz stereo file (right channel a little quieter)."""
    samples, rate = read_wav(mono_source)
    n = int(len(samples) * 44_100 / rate)
    resampled = np.interp(np.arange(n) * rate / 44_100, np.arange(len(samples)), samples)
    return write_wav(path, np.stack([resampled, 0.8 * resampled], axis=1), 44_100)
