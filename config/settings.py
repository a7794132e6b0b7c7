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

    @model_validator(mode="after")
    def _defaults_and_guards(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.state_dir / 'jointcheck.db').resolve()}"
        if self.env == "prod" and self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError("JOINTCHECK_SECRET_KEY must be set to a real secret when JOINTCHECK_ENV=prod")
        if self.drill_workday_seconds is not None and self.drill_workday_seconds <= 0:
            raise ValueError("JOINTCHECK_DRILL_WORKDAY_SECONDS must be positive")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    # ---- Accounts and sessions (GB/T 22239-2019 level 3, §8.1.4.1) ------------------------------------------
    # After `login_max_failures` wrong passwords or codes for one username (none older than the lockout window),
    # that username is locked for `login_lockout_seconds`, whether or not such an account exists.
    login_max_failures: int = Field(5, ge=1)
    login_lockout_seconds: float = Field(15 * 60, gt=0)
    # One address may fail this many logins (any usernames) per window before it gets 429 until the window ends.
    # Offices behind one NAT address share the budget: raise it there rather than turning it off.
    login_address_max_failures: int = Field(30, ge=1)
    login_address_window_seconds: float = Field(10 * 60, gt=0)
    # The console logs out after this long without a request; API bearer tokens keep `token_ttl_minutes`.
    console_idle_timeout_seconds: float = Field(30 * 60, gt=0)
    # Roles whose accounts must have a second factor (TOTP), e.g. '["dept_approver"]'; admin and office always
    # must when env=prod. Such an account without one may log in only to enrol it.
    totp_required_roles: list[Literal["admin", "office", "dept_operator", "dept_approver"]] = []
    # Key that seals stored TOTP secrets; by default derived from `secret_key`. When the secret key is rotated,
    # set this to the old secret key so that enrolled second factors stay readable.
    totp_key: SecretStr | None = None

    def requires_totp(self, role: str) -> bool:
        """Whether accounts of this role must have a second factor."""
        return role in self.totp_required_roles or (self.env == "prod" and role in ("admin", "office"))

    def totp_sealing_key(self) -> bytes:
        return (self.totp_key or self.secret_key).get_secret_value().encode()


@lru_cache
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return Settings()
