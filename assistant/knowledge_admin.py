"""What the admin tab does with the knowledge store, as plain methods the UI wires up.

Every method returns text or rows for display and turns a rejected upload into a readable
line of the report, never a stack trace. Role checks stay with the caller (the admin door).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from assistant.errors import ConfigError, IntakeError
from assistant.knowledge import IngestReport, Knowledge, Progress

Audit = Callable[[str, str, str], object]  # (username, action, detail)
HEADERS: Final = (
    "ID",
    "Title",
    "Kind",
    "Language",
    "Passages",
    "Flagged",
    "Loaded by",
    "Loaded at",
    "SHA-256",
)


def _path_of(item: object) -> Path:
    """A gradio upload (a path string, a tempfile-like object or a dict) as a Path."""
    if isinstance(item, str | Path):
        return Path(item)
    if isinstance(item, dict) and "path" in item:
        return Path(str(item["path"]))
    for attr in ("path", "name"):
        value = getattr(item, attr, None)
        if isinstance(value, str):
            return Path(value)
    raise ValueError(f"cannot read an upload of type {type(item).__name__}")


class KnowledgeAdmin:
    def __init__(self, knowledge: Knowledge, audit: Audit | None = None) -> None:
        self._k = knowledge
        self._audit = audit

    def _record(self, username: str, action: str, detail: str) -> None:
        if self._audit is not None:
            self._audit(username, action, detail)

    def upload(
        self, files: Sequence[object] | object, username: str, progress: Progress | None = None
    ) -> str:
        """Load each file; the report says per file what happened (added, replaced,
        duplicate, rejected and why) and lists passages flagged as instructions."""
        items = list(files) if isinstance(files, list | tuple) else [files]
        if not items or items == [None]:
            return "No file chosen."
        try:
            reports = self._k.add_files([_path_of(i) for i in items], username, progress)
        except (ConfigError, IntakeError) as exc:
            return f"Nothing was loaded: {exc}"
        for report in reports:
            self._record(
                username, f"knowledge_{report.status}", f"{report.filename} {report.source_id}"
            )
        return report_text(reports)

    def list_rows(self) -> list[list[str]]:
        """One row per loaded file, in HEADERS order."""
        return [
            [r.source_id, r.title, r.kind, r.language, str(r.chunks), str(r.flagged),
             r.loaded_by, r.loaded_at, r.sha256[:16]]
            for r in self._k.sources()
        ]  # fmt: skip

    def delete(self, source_id: str, username: str = "") -> str:
        try:
            row = self._k.remove(source_id)
        except (ConfigError, IntakeError) as exc:
            return str(exc)
        self._record(username, "knowledge_delete", f"{row.filename} {row.source_id}")
        return f"Removed {row.title!r} ({row.filename}, {row.chunks} passages)."

    def reindex(self, progress: Progress | None = None, username: str = "") -> str:
        try:
            count = self._k.reindex(progress)
        except (ConfigError, IntakeError) as exc:
            return f"Re-index failed, the old index is unchanged: {exc}"
        self._record(username, "knowledge_reindex", str(count))
        return f"Re-indexed {count} passages with {self._k.embedder.name}."


def report_text(reports: Sequence[IngestReport]) -> str:
    lines = [r.as_text() for r in reports]
    added = sum(1 for r in reports if r.status in ("added", "replaced"))
    rejected = sum(1 for r in reports if r.status == "rejected")
    lines.append(
        f"\n{added} loaded, {rejected} rejected, {len(reports) - added - rejected} unchanged."
    )
    return "\n".join(lines)
