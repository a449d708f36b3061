from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Iterator[Path]:
    import shutil

    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    yield target


@pytest.fixture
def fake() -> object:
    from assistant.fakes import FakeUnderstanding

    return FakeUnderstanding()


@pytest.fixture
def services(tmp_path: Path, fake: object) -> object:
    """Services over a real store and answer parser, with a fake understanding fleet."""
    from assistant.fleet import Fleet
    from assistant.micromodels.answer_parser import AnswerParser
    from assistant.services import Services

    fleet = Fleet(answer_parser=AnswerParser(KNOWLEDGE), understanding=fake)  # type: ignore[arg-type]
    return Services(Settings(data_dir=tmp_path / "data"), fleet=fleet)
