"""One Settings object for the whole platform, built once at an entry point and passed down."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where cbec keeps its state and how it behaves; every field can be set as CBEC_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="CBEC_", env_file=None, extra="ignore", populate_by_name=True)

    home: Path = Field(default=Path("var"), description="root of everything cbec writes")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default is a SQLite file under home")
    db_pool_size: int | None = Field(
        default=None,
        ge=1,
        description="PostgreSQL connections kept open; default 10 for the API, 2 for the CLI",
    )
    db_pool_max_overflow: int | None = Field(
        default=None, ge=0, description="connections opened beyond the pool under load; default 20 API, 3 CLI"
    )
    db_pool_timeout: float = Field(default=30.0, gt=0, description="seconds to wait for a free connection")
    db_pool_recycle: int = Field(default=1800, ge=-1, description="seconds before a connection is replaced (-1: never)")
    db_pool_pre_ping: bool = Field(default=True, description="test a connection before handing it out")
    timezone: str = "Asia/Shanghai"
    nats_url: str = Field(
        default="nats://127.0.0.1:4222", description="NATS server with JetStream, for the streaming workers"
    )
    holiday_file: Path | None = Field(
        default=None, description="extra holidays/workdays for years the calendar package does not know"
    )
    fx_file: Path | None = Field(default=None, description="dated FX table (CSV); default is the shipped one")
    ingest_chunk_rows: int = Field(default=250_000, ge=1_000)
    batch_memory_mb: int = Field(
        default=6_000,
        ge=400,
        description="memory budget of a monthly batch run: a month estimated larger runs in key partitions",
    )
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
    batch_backend: Literal["duckdb", "spark"] = Field(
        default="duckdb", description="engine of the monthly batch run, matching and report sums"
    )
    spark_master: str = Field(default="local[*]", description="Spark master URL (local[*], spark://..., yarn)")
    spark_driver_memory: str = Field(default="2g", description="spark.driver.memory of a session cbec starts")
    spark_shuffle_partitions: int = Field(default=8, ge=1, description="spark.sql.shuffle.partitions")
    spark_conf: dict[str, str] = Field(
        default_factory=dict, description='extra Spark settings as JSON, e.g. {"spark.executor.memory": "8g"}'
    )
    keys_dir_path: Path | None = Field(
        default=None,
        alias="CBEC_KEYS_DIR",
        description="folder of the key files of the embedded default; keep it off the data's disk (default home/keys)",
    )
    audit_key: SecretStr | None = Field(
        default=None, description="key of the audit chain's MAC (base64, 32 bytes); default: a key file in keys_dir"
    )
    audit_signing_key: SecretStr | None = Field(
        default=None,
        description="Ed25519 private key (base64, 32 bytes) signing the audit head checkpoints; default: a key file",
    )
    audit_checkpoints: Path | None = Field(
        default=None,
        description="append-only file of signed audit head checkpoints, kept apart from the database "
        "(default home/audit/checkpoints.jsonl)",
    )
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="largest request body a route takes")
    max_batch_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, description="largest body of POST /api/v1/payments/batch"
    )
    throttle_storage: str = Field(
        default="memory://",
        description="where login and filing counters live (`limits` storage URI); redis://host:6379 in production",
    )
    login_account_limits: str = Field(
        default="5 per minute; 10 per 15 minutes",
        description="failed logins one account may have; each exhausted window answers 429 until it clears",
    )
    login_address_limits: str = Field(
        default="20 per minute; 100 per hour", description="failed logins one client address may have"
    )
    login_lock_after: int = Field(
        default=20, ge=3, description="consecutive failed logins that lock the account (until unlocked or expired)"
    )
    login_lock_minutes: int = Field(default=60, ge=1, description="how long a locked account stays locked")
    filing_limits: str = Field(
        default="5 per minute; 30 per hour", description="anonymous complaints one client address may file"
    )
    report_build_limits: str = Field(
        default="3 per hour", description="monthly reports one user may have built on demand (cached ones are free)"
    )
    report_authority: dict[str, str] = Field(
        default={"zh": "浙江省商务厅", "en": "Zhejiang Provincial Department of Commerce"},
        description='issuing authority on the monthly report\'s cover, per language (JSON: {"zh": …, "en": …})',
    )
    report_number_prefix: dict[str, str] = Field(
        default={"zh": "浙跨境监", "en": "ZJ CBEC Supervision"},
        description="document number prefix per language: 浙跨境监〔2026〕11号, ZJ CBEC Supervision [2026] No. 11",
    )
    complaint_review_threshold: float = Field(
        default=0.35,
        ge=0.0,
        le=1.0,
        description="a complaint classified below this confidence becomes `other`, flagged for review",
    )
    webhook_keys: SecretStr | None = Field(
        default=None,
        description="master keys sealing webhook secrets, `id:base64key,...`, current first; default: a key file",
    )
    webhook_retry_seconds: list[int] = Field(
        default=[30, 120, 600, 3600, 4 * 3600, 12 * 3600],
        min_length=1,
        max_length=20,
        description="wait before each retry of a failed webhook delivery (JSON list); attempts = retries + 1",
    )
    webhook_retry_jitter: float = Field(
        default=0.2, ge=0.0, le=1.0, description="each wait is spread by up to this share either way"
    )
    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=30, description="one delivery attempt's timeout")
    webhook_max_body_bytes: int = Field(
        default=64 * 1024, ge=1024, le=1024 * 1024, description="largest webhook body sent (larger: dead letter)"
    )
    webhook_allow_private_targets: bool = Field(
        default=False,
        description="allow webhook URLs on loopback and private networks (tests, local development only)",
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
        """Return where the embedded default keeps its key files (mode 0600): CBEC_KEYS_DIR, else home/keys."""
        if self.keys_dir_path is not None:
            return self.keys_dir_path.expanduser().resolve()
        return self.home_dir / "keys"

    @property
    def audit_checkpoints_file(self) -> Path:
        """Return the append-only file of signed audit head checkpoints."""
        if self.audit_checkpoints is not None:
            return self.audit_checkpoints.expanduser().resolve()
        return self.home_dir / "audit" / "checkpoints.jsonl"

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

    def security_warnings(self) -> list[str]:
        """Return what a production deployment should change: secrets and anchors kept beside the data."""
        warnings = []
        beside = self.keys_dir.is_relative_to(self.home_dir)
        if beside and (self.data_keys is None or self.pseudonym_key is None):
            warnings.append(
                f"personal-data keys are files in {self.keys_dir}, beside the data: set CBEC_DATA_KEYS and "
                "CBEC_PSEUDONYM_KEY from a secret store, or CBEC_KEYS_DIR to another disk (docs/security.md)"
            )
        if beside and (self.audit_key is None or self.audit_signing_key is None):
            warnings.append(
                f"audit keys are files in {self.keys_dir}, beside the database: set CBEC_AUDIT_KEY and "
                "CBEC_AUDIT_SIGNING_KEY from a secret store (docs/security.md)"
            )
        if beside and self.webhook_keys is None:
            warnings.append(
                f"the key sealing webhook secrets is a file in {self.keys_dir}, beside the data: set "
                "CBEC_WEBHOOK_KEYS from a secret store, or CBEC_KEYS_DIR to another disk (docs/api.md, Webhooks)"
            )
        if self.webhook_allow_private_targets:
            warnings.append(
                "CBEC_WEBHOOK_ALLOW_PRIVATE_TARGETS is on: webhooks may call loopback and private networks "
                "(for tests and local development only)"
            )
        if self.audit_checkpoints is None:
            warnings.append(
                f"audit checkpoints go to {self.audit_checkpoints_file}: point CBEC_AUDIT_CHECKPOINTS at an "
                "append-only place the database's administrators cannot rewrite"
            )
        return warnings

    @property
    def sqlalchemy_url(self) -> str:
        """Return the relational store's URL, defaulting to SQLite under home."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home_dir / 'cbec.sqlite3'}"


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
