"""One Settings object for the whole platform, built once at an entry point and passed down."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where cbec keeps its state and how it behaves; every field can be set as CBEC_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="CBEC_", env_file=None, extra="ignore")

    home: Path = Field(default=Path("var"), description="root of everything cbec writes")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is a SQLite file under home"
    )
    timezone: str = "Asia/Shanghai"
    nats_url: str = Field(
        default="nats://127.0.0.1:4222", description="NATS server with JetStream, for the streaming workers"
    )
    holiday_file: Path | None = Field(
        default=None, description="extra holidays/workdays for years the calendar package does not know"
    )
    fx_file: Path | None = Field(default=None, description="dated FX table (CSV); default is the shipped one")
    ingest_chunk_rows: int = Field(default=250_000, ge=1_000)
    xml_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1_024)
    max_field_chars: int = Field(default=2_000, ge=16)
    data_keys: SecretStr | None = Field(
        default=None,
        description="master keys for personal data, `id:base64key,...`, current first; default: a key file under home",
    )
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="key of the lake's pseudonyms of personal columns; default: a key file under home",
    )
    growth_tolerance_pp: Decimal = Field(
        default=Decimal("0.05"), ge=0, description="reported vs computed growth: flag beyond this many points"
    )
    complaint_review_threshold: float = Field(
        default=0.35,
        ge=0.0,
        le=1.0,
        description="a complaint classified below this confidence becomes `other`, flagged for review",
    )

    @property
    def home_dir(self) -> Path:
        """Return home as an absolute path."""
        return self.home.expanduser().resolve()

    @property
    def lake_dir(self) -> Path:
        """Return the Parquet lake root."""
        return self.home_dir / "lake"

    @property
    def staging_dir(self) -> Path:
        """Return where a batch writes before it is committed."""
        return self.home_dir / "staging"

    @property
    def keys_dir(self) -> Path:
        """Return where the embedded default keeps its personal-data master keys (mode 0600)."""
        return self.home_dir / "keys"

    @property
    def reports_dir(self) -> Path:
        """Return where reports are written."""
        return self.home_dir / "reports"

    @property
    def models_dir(self) -> Path:
        """Return where trained models are kept."""
        return self.home_dir / "models"

    @property
    def checkpoints_dir(self) -> Path:
        """Return where streaming state is checkpointed."""
        return self.home_dir / "checkpoints"

    @property
    def sqlalchemy_url(self) -> str:
        """Return the relational store's URL, defaulting to SQLite under home."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home_dir / 'cbec.sqlite3'}"


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
