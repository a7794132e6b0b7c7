"""The one settings class: every process reads JOINTCHECK_* environment variables through it."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "jointcheck-development-secret-change-me-in-production"


class Settings(BaseSettings):
    """Process settings; `env=prod` refuses the development secret."""

    model_config = SettingsConfigDict(env_prefix="JOINTCHECK_", env_file=".env", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    state_dir: Path = Path(".jointcheck")
    database_url: str = ""
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "jointcheck"
    temporal_ui_port: int = 8233
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    token_ttl_minutes: int = 8 * 60
    drill_workday_seconds: float | None = None
    # The workflow sandbox catches non-deterministic code (I/O, clocks, randomness) as it runs: on in development
    # and in the tests, where such code is written and the replay test runs. It costs about a third of a worker's
    # CPU, so the production worker (docker-compose.yml) runs without it, on workflow code the tests have passed.
    workflow_sandbox: bool = True
    # Observability (README "Observability"): log lines as JSON (default outside dev) or plain text; the worker's
    # Temporal SDK metrics for Prometheus on host:port when set (e.g. "0.0.0.0:9464"), off when empty.
    log_format: Literal["json", "plain"] | None = None
    worker_metrics_address: str = ""
    # Request bodies larger than these are refused with 413: any request, and the bulk-import uploads.
    max_body_bytes: int = Field(default=1 << 20, ge=1024)
    max_upload_bytes: int = Field(default=100 << 20, ge=1024)

    @model_validator(mode="after")
    def _defaults_and_guards(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.state_dir / 'jointcheck.db').resolve()}"
        if self.env == "prod" and self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError("JOINTCHECK_SECRET_KEY must be set to a real secret when JOINTCHECK_ENV=prod")
        if self.log_format is None:
            self.log_format = "plain" if self.env == "dev" else "json"
        if self.drill_workday_seconds is not None and self.drill_workday_seconds <= 0:
            raise ValueError("JOINTCHECK_DRILL_WORKDAY_SECONDS must be positive")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return Settings()
