"""Where the small model's weights come from, and how a cached conversion is trusted."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.llm import (
    CONVERTED_DIR,
    PROVENANCE_FILE,
    _converted_ok,
    get_llm,
    pinned_sha256,
    resolve_weights,
)

GGUF_SHA = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"


def fake_conversion(folder: Path, gguf_sha: str = GGUF_SHA) -> Path:
    folder.mkdir(parents=True)
    weights = folder / "model.safetensors"
    weights.write_bytes(b"\x00" * 64 + b"weights")
    record = {
        "gguf_sha256": gguf_sha,
        "dtype": "bfloat16",
        "safetensors": {
            "model.safetensors": {
                "size": weights.stat().st_size,
                "sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
            }
        },
    }
    (folder / PROVENANCE_FILE).write_text(json.dumps(record), encoding="utf-8")
    return weights


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def test_the_manifest_pins_the_bundles_sha256(settings: Settings) -> None:
    assert pinned_sha256(settings) == GGUF_SHA


def test_a_finished_conversion_is_trusted_only_while_intact(tmp_path: Path) -> None:
    folder = tmp_path / CONVERTED_DIR
    weights = fake_conversion(folder)
    assert _converted_ok(folder, GGUF_SHA)
    assert not _converted_ok(folder, "0" * 64)  # made from another GGUF
    weights.write_bytes(weights.read_bytes()[:-1] + b"X")  # same size, one byte changed
    assert not _converted_ok(folder, GGUF_SHA)
    weights.write_bytes(b"short")
    assert not _converted_ok(folder, GGUF_SHA)


def test_an_unfinished_conversion_is_not_trusted(tmp_path: Path) -> None:
    folder = tmp_path / CONVERTED_DIR
    fake_conversion(folder)
    (folder / PROVENANCE_FILE).unlink()
    assert not _converted_ok(folder, GGUF_SHA)


def test_a_cached_conversion_of_the_pinned_file_is_used_without_the_bundle(
    settings: Settings,
) -> None:
    folder = settings.data_dir / "models" / "llm" / GGUF_SHA[:16] / CONVERTED_DIR
    fake_conversion(folder)
    weights = resolve_weights(settings)
    assert (weights.source, weights.location, weights.sha256) == ("bundle", str(folder), GGUF_SHA)


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ("missing", "not a .gguf file"),
        ("two_gguf", "exactly one .gguf"),
        ("hf_without_weights", "no \\*.safetensors"),
        ("text_file", "not a .gguf file"),
    ],
)
def test_a_wrong_local_path_is_named(tmp_path: Path, layout: str, message: str) -> None:
    target = tmp_path / "model"
    if layout == "two_gguf":
        target.mkdir()
        (target / "a.gguf").write_bytes(b"x")
        (target / "b.gguf").write_bytes(b"y")
    elif layout == "hf_without_weights":
        target.mkdir()
        (target / "config.json").write_text("{}", encoding="utf-8")
    elif layout == "text_file":
        target = tmp_path / "model.txt"
        target.write_text("not weights", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", llm_model_path=target)
    with pytest.raises(ConfigError, match=message):
        resolve_weights(settings)


def test_a_local_hugging_face_folder_is_named_by_its_weights_hash(tmp_path: Path) -> None:
    folder = tmp_path / "qwen"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"abc")
    weights = resolve_weights(Settings(data_dir=tmp_path / "data", llm_model_path=folder))
    assert weights.source == "config"
    assert weights.sha256 == hashlib.sha256(b"abc").hexdigest()


def test_one_model_per_process_for_the_same_weights(tmp_path: Path) -> None:
    first = get_llm(Settings(data_dir=tmp_path / "a"))
    assert get_llm(Settings(data_dir=tmp_path / "a", llm_threads=1)) is first
    assert get_llm(Settings(data_dir=tmp_path / "b")) is not first
    assert not first.loaded
    assert first.version.endswith(f"@{GGUF_SHA[:12]}")


@pytest.mark.parametrize("field", ["llm_threads", "llm_max_new_tokens"])
def test_llm_settings_must_be_positive(field: str) -> None:
    with pytest.raises(ValueError, match=f"{field} must be > 0"):
        Settings(**{field: 0})
