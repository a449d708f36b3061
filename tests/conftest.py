from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from assistant.config import PROJECT_ROOT, Settings
from assistant.understanding import Understanding

# The suite's property tests draw from a fixed seed so a run is reproducible; the "explore"
# profile (INTAKE_HYPOTHESIS=explore) draws fresh examples, for hunting by hand.
hypothesis_settings.register_profile("suite", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("INTAKE_HYPOTHESIS", "suite"))

KNOWLEDGE = PROJECT_ROOT / "knowledge"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
# A data folder outside the work tree, shared by test runs: the narrative model converts and
# the red-flag example vectors are embedded once, not on every run.
TEST_DATA_DIR = Path(
    os.environ.get("INTAKE_TEST_MODEL_CACHE", Path.home() / ".cache" / "amal-intake" / "test-data")
)
TEST_CACHE = TEST_DATA_DIR / "cache"  # where Settings(data_dir=TEST_DATA_DIR) keeps vectors


POSTGRES_URL = os.environ.get("INTAKE_TEST_DATABASE_URL", "")


def _fresh_postgres(url: str) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    """The real understanding fleet, warmed once per test module."""
    u = Understanding(KNOWLEDGE, cache_dir=TEST_CACHE)
    u.warm_up()
    return u


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store-backed test runs on SQLite and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'intake.sqlite3'}"
    if not POSTGRES_URL:
        pytest.skip("INTAKE_TEST_DATABASE_URL not set (make test starts PostgreSQL)")
    return _fresh_postgres(POSTGRES_URL)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


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
def services(settings: Settings, fake: object) -> object:
    """Services over a real store and answer parser, with a fake understanding fleet."""
    from assistant.fleet import Fleet
    from assistant.micromodels.answer_parser import AnswerParser
    from assistant.services import Services

    fleet = Fleet(answer_parser=AnswerParser(KNOWLEDGE), understanding=fake)  # type: ignore[arg-type]
    return Services(settings, fleet=fleet)
