"""One place for settings: environment variables with the ``INTAKE_`` prefix.

Defaults give the embedded setup: a SQLite file and an embedded Chroma store under one
data directory, bundled models. Tests build ``Settings(...)`` directly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    data_dir: Path = Field(default=Path("data"))
    database_url: str | None = None
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    models_dir: Path = PROJECT_ROOT / "models"
    assets_dir: Path = PROJECT_ROOT / "assets"

    # Persona a clinic can configure.
    assistant_name: str = "Amal"
    clinic_name: str = "Emirates Health Services"
    avatar: str = "avatar.svg"

    # Emergency numbers shown with red-flag guidance.
    ambulance_number: str = "998"
    police_number: str = "999"

    max_message_chars: int = 2000
    resume_token_days: int = 7

    host: str = "127.0.0.1"
    port: int = 7860

    @field_validator("max_message_chars", "resume_token_days", "port")
    @classmethod
    def _positive(cls, value: int, info: object) -> int:
        if value <= 0:
            name = getattr(info, "field_name", "value")
            raise ValueError(f"{name} must be > 0, got {value}")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'intake.sqlite3').resolve()}"

    @property
    def fonts_dir(self) -> Path:
        return self.assets_dir / "fonts"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
