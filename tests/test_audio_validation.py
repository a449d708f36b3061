"""Audio checks before decoding, decoding itself, and what the patient is told. No weights needed:
every rejection here happens before the speech model is loaded."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from assistant.audio import (
    REJECTION_KEYS,
    SAMPLE_RATE,
    AudioLimits,
    AudioRejected,
    decode,
    load,
    probe,
)
from assistant.config import Settings
from assistant.errors import IntakeError
from assistant.languages import LANGUAGES
from assistant.speech import Speech, transcribe_cli
from tests import audio_samples as samples

LIMITS = AudioLimits(max_bytes=25_000_000, max_seconds=120)


@pytest.fixture
def speech_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def rejected_key(path: Path, limits: AudioLimits = LIMITS) -> str:
    with pytest.raises(AudioRejected) as caught:
        probe(path, limits)
    return caught.value.key


BAD_FILES = {
    "zero_bytes": (lambda p: (p.write_bytes(b""), p)[1], "audio_empty"),
    "random_bytes": (samples.random_bytes, "audio_unreadable"),
    "text_renamed_wav": (samples.text_as_wav, "audio_unreadable"),
    "mp4_video": (samples.mp4_video, "audio_is_video"),
    "unknown_codec_wav": (
        lambda p: samples.wav_with_header(p, format_tag=0x1234),
        "audio_unsupported_codec",
    ),
    "wav_header_two_hours": (
        lambda p: samples.wav_with_header(p, data_size=7200 * 32_000),
        "audio_too_long",
    ),
    "flac_header_two_hours": (lambda p: samples.flac_claiming(p, 7200), "audio_too_long"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_rejected_from_headers(case: str, tmp_path: Path) -> None:
    make, key = BAD_FILES[case]
    suffix = ".mp4" if "mp4" in case else ".flac" if "flac" in case else ".wav"
    path = make(tmp_path / f"{case}{suffix}")
    assert rejected_key(path) == key


def test_two_hour_header_is_rejected_without_decoding(tmp_path: Path) -> None:
    path = samples.flac_claiming(tmp_path / "long.flac", 7200)
    start = time.perf_counter()
    with pytest.raises(AudioRejected) as caught:
        load(path, LIMITS)
    assert caught.value.key == "audio_too_long"
    assert "7200" in caught.value.detail
    assert time.perf_counter() - start < 1.0


def test_a_file_over_the_byte_limit_is_rejected(tmp_path: Path) -> None:
    path = samples.write_wav(tmp_path / "a.wav", samples.tone(440, 1.0, 16_000), 16_000)
    assert rejected_key(path, AudioLimits(max_bytes=10_000, max_seconds=120)) == "audio_too_large"


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    assert rejected_key(tmp_path / "gone.wav") == "audio_unreadable"


def test_streaming_wav_size_is_not_taken_as_a_length(tmp_path: Path) -> None:
    # Recorders that stream write 0xFFFFFFFF as the data size: that is "unknown", not 37 hours.
    path = samples.wav_with_header(tmp_path / "stream.wav", data_size=0xFFFFFFFF, seconds=1.0)
    decoded = load(path, LIMITS)
    assert decoded.duration_s == pytest.approx(1.0, abs=0.01)


def test_stereo_44k_is_mixed_down_and_resampled(tmp_path: Path) -> None:
    left, right = samples.tone(440, 2.0, 44_100), samples.tone(660, 2.0, 44_100)
    path = samples.write_wav(tmp_path / "stereo.wav", np.stack([left, right], axis=1), 44_100)
    info = probe(path, LIMITS)
    assert (info.sample_rate, info.channels) == (44_100, 2)
    decoded = decode(path, LIMITS, info)
    assert decoded.samples.dtype == np.float32
    assert decoded.samples.ndim == 1
    assert decoded.duration_s == pytest.approx(2.0, abs=0.01)
    spectrum = np.abs(np.fft.rfft(decoded.samples))
    freqs = np.fft.rfftfreq(len(decoded.samples), 1 / SAMPLE_RATE)
    peaks = sorted(freqs[np.argsort(spectrum)[-2:]])
    assert peaks == pytest.approx([440, 660], abs=2)  # both channels are in the mix


def test_8khz_telephone_audio_is_upsampled(tmp_path: Path) -> None:
    path = samples.write_wav(tmp_path / "phone.wav", samples.tone(300, 3.0, 8_000), 8_000)
    decoded = load(path, LIMITS)
    assert len(decoded.samples) == pytest.approx(3 * SAMPLE_RATE, abs=50)
    assert 0.25 < float(np.abs(decoded.samples).max()) < 0.35


def test_decoding_stops_past_the_limit_when_headers_do_not_say(tmp_path: Path) -> None:
    path = samples.write_wav(tmp_path / "five.wav", samples.tone(440, 5.0, 16_000), 16_000)
    info = probe(path, LIMITS)
    with pytest.raises(AudioRejected) as caught:
        decode(path, AudioLimits(max_bytes=25_000_000, max_seconds=2), info)
    assert caught.value.key == "audio_too_long"


def test_long_recording_within_the_limit_decodes_whole(tmp_path: Path) -> None:
    path = samples.write_wav(tmp_path / "long.wav", samples.tone(440, 100.0, 16_000, 0.1), 16_000)
    decoded = load(path, LIMITS)
    assert decoded.duration_s == pytest.approx(100.0, abs=0.01)


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_audio_seconds must be > 0, got 0"):
        AudioLimits(max_bytes=1, max_seconds=0)
    with pytest.raises(ValidationError, match="max_audio_bytes must be > 0"):
        Settings(max_audio_bytes=-3)


def test_unknown_rejection_key_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown audio rejection key"):
        AudioRejected("audio_whatever")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "key", [*REJECTION_KEYS, "speech_unavailable", "tts_unavailable", "model_unavailable"]
)
def test_every_speech_error_has_a_filled_message(
    key: str, lang: str, speech_settings: Settings
) -> None:
    speech = Speech(speech_settings)
    error = AudioRejected(key) if key in REJECTION_KEYS else IntakeError(key=key)
    text = speech.user_message(error, lang)
    assert text and "{" not in text and text != key
    if lang != "en":
        assert any("\u0600" <= ch <= "\u06ff" for ch in text)
    if key == "audio_too_long":
        assert "120" in text


class TestService:
    def test_rejects_before_loading_the_model(
        self, speech_settings: Settings, tmp_path: Path
    ) -> None:
        speech = Speech(speech_settings)
        with pytest.raises(AudioRejected) as caught:
            speech.transcribe(samples.random_bytes(tmp_path / "x.wav"), "ur")
        assert caught.value.key == "audio_unreadable"
        assert speech.stt.version.endswith("not-loaded")

    def test_a_consumed_upload_is_deleted_even_when_rejected(self, tmp_path: Path) -> None:
        settings = Settings(data_dir=tmp_path / "data", store_audio=True)
        upload = samples.mp4_video(tmp_path / "upload.mp4")
        with pytest.raises(AudioRejected):
            Speech(settings).transcribe(upload, "en", consume=True)
        assert not upload.exists()
        assert not (settings.data_dir / "audio").exists() or not any(
            (settings.data_dir / "audio").iterdir()
        )

    def test_a_file_not_consumed_is_left_alone(
        self, speech_settings: Settings, tmp_path: Path
    ) -> None:
        path = samples.random_bytes(tmp_path / "mine.wav")
        with pytest.raises(AudioRejected):
            Speech(speech_settings).transcribe(path, "en")
        assert path.exists()

    def test_language_must_be_known(self, speech_settings: Settings, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="language must be one of"):
            Speech(speech_settings).transcribe(samples.silence(tmp_path / "s.wav"), "fr")


class TestCli:
    def test_bad_audio_exits_non_zero_with_the_patient_message(
        self, speech_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = samples.text_as_wav(tmp_path / "notes.wav")
        assert transcribe_cli([str(path), "--lang", "ar", "--json"], speech_settings) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.strip() == Speech(speech_settings).user_message(
            AudioRejected("audio_unreadable"), "ar"
        )
        assert "لم أتمكن من فتح هذا التسجيل" in err

    def test_auto_reports_in_english(
        self, speech_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = samples.wav_with_header(tmp_path / "long.wav", data_size=7200 * 32_000)
        assert transcribe_cli([str(path), "--lang", "auto"], speech_settings) == 2
        assert "too long (the limit is 120 seconds)" in capsys.readouterr().err

    def test_missing_file(
        self, speech_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert transcribe_cli([str(tmp_path / "nope.wav")], speech_settings) == 2
        assert "no such file" in capsys.readouterr().err
