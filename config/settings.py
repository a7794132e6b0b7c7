"""The one settings class: every process reads JOINTCHECK_* environment variables through it."""

import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, SettingsError
from sqlalchemy.engine import URL, make_url

DEV_SECRET = "jointcheck-development-secret-change-me-in-production"
ENV_PREFIX = "JOINTCHECK_"


class Settings(BaseSettings):
    """Process settings; `env=prod` refuses the development secret. Any setting NAME can instead be read from a
    file named by JOINTCHECK_NAME_FILE (Docker and Kubernetes secrets)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    state_dir: Path = Path(".jointcheck")
    # Either a whole URL (a password in it percent-encoded), or host and credentials given separately, which may
    # hold any character: the URL is then built here, encoded.
    database_url: str = ""
    database_host: str = ""
    database_port: int = 5432
    database_name: str = "jointcheck"
    database_user: str = ""
    database_password: SecretStr = SecretStr("")
    # `jointcheck migrate` connects as the schema owner; the API and the worker as a role that may only read and
    # write rows (the one of database_url, or database_app_role), to which migrate grants exactly that.
    owner_database_url: str = ""
    owner_database_user: str = ""
    owner_database_password: SecretStr = SecretStr("")
    database_app_role: str = ""
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "jointcheck"
    temporal_ui_port: int = 8233
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    token_ttl_minutes: int = 8 * 60
    # The console's cookie is sent over HTTPS only; on by default in prod (behind the TLS proxy). Only a
    # deployment on a trusted network without TLS sets it to false, on purpose.
    cookie_secure: bool | None = None
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

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, SettingFiles(settings_cls), dotenv_settings, file_secret_settings

    @model_validator(mode="after")
    def _defaults_and_guards(self) -> "Settings":
        self._resolve_database_urls()
        if self.env == "prod" and self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError("JOINTCHECK_SECRET_KEY must be set to a real secret when JOINTCHECK_ENV=prod")
        if self.log_format is None:
            self.log_format = "plain" if self.env == "dev" else "json"
        if self.drill_workday_seconds is not None and self.drill_workday_seconds <= 0:
            raise ValueError("JOINTCHECK_DRILL_WORKDAY_SECONDS must be positive")
        if self.cookie_secure is None:
            self.cookie_secure = self.env == "prod"
        return self

    def _resolve_database_urls(self) -> None:
        if self.database_host:
            if self.database_url:
                raise ValueError("set JOINTCHECK_DATABASE_URL or JOINTCHECK_DATABASE_HOST, not both")
            self.database_url = self._postgres_url(self.database_user, self.database_password)
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.state_dir / 'jointcheck.db').resolve()}"
        if self.owner_database_user:
            if self.owner_database_url or not self.database_host:
                raise ValueError("JOINTCHECK_OWNER_DATABASE_USER goes with JOINTCHECK_DATABASE_HOST and without "
                                 "JOINTCHECK_OWNER_DATABASE_URL")
            self.owner_database_url = self._postgres_url(self.owner_database_user, self.owner_database_password)
        self.owner_database_url = self.owner_database_url or self.database_url

    def _postgres_url(self, user: str, password: SecretStr) -> str:
        return URL.create("postgresql+psycopg", username=user or None, password=password.get_secret_value() or None,
                          host=self.database_host, port=self.database_port,
                          database=self.database_name).render_as_string(hide_password=False)

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

    # ---- The draw (SPEC §5, docs/draw.md §7.7) ---------------------------------------------------------------
    # Only the workers hold these (docker-compose.yml gives the files to the worker alone); never the database.
    # draw_key: the seed of each task is HMAC(draw_key, task id ‖ nonce), so only a commitment and a nonce stand in
    # Temporal's history. Rotating it: put the old key in draw_keys_retired (whitespace-separated, newest first)
    # until every task launched under it has confirmed its draw. pseudonym_key: the inspectors' stable pseudonyms
    # in the public matching records; rotating it renames every inspector in the records made from then on.
    draw_key: SecretStr | None = None
    draw_keys_retired: SecretStr = SecretStr("")
    pseudonym_key: SecretStr | None = None

    def draw_seed_keys(self) -> list[bytes]:
        """The draw keys a worker derives seeds with: the current one first, then the retired ones."""
        retired = [k.encode() for k in self.draw_keys_retired.get_secret_value().split()]
        return [self._worker_key(self.draw_key, "JOINTCHECK_DRAW_KEY", b"jointcheck-draw-key"), *retired]

    def inspector_pseudonym_key(self) -> bytes:
        """The key of the inspectors' pseudonyms in published matching records."""
        return self._worker_key(self.pseudonym_key, "JOINTCHECK_PSEUDONYM_KEY", b"jointcheck-pseudonym-key")

    def _worker_key(self, key: SecretStr | None, variable: str, label: bytes) -> bytes:
        if key is not None and key.get_secret_value():
            value = key.get_secret_value().encode()
            if len(value) < 32:
                raise ValueError(f"{variable} must be at least 32 characters (e.g. openssl rand -base64 32)")
            return value
        if self.env == "prod":
            raise ValueError(f"{variable} (or {variable}_FILE) must be set for the worker when JOINTCHECK_ENV=prod")
        # Development and tests: a key of its own, derived from the secret key under a label.
        return hmac.new(self.secret_key.get_secret_value().encode(), label, hashlib.sha256).digest()

    def requires_totp(self, role: str) -> bool:
        """Whether accounts of this role must have a second factor."""
        return role in self.totp_required_roles or (self.env == "prod" and role in ("admin", "office"))

    def totp_sealing_key(self) -> bytes:
        return (self.totp_key or self.secret_key).get_secret_value().encode()

    @property
    def app_role(self) -> str | None:
        """The database role the API and the worker connect as (None on SQLite, which has no roles)."""
        if self.is_sqlite:
            return None
        return self.database_app_role or make_url(self.database_url).username


class SettingFiles(PydanticBaseSettingsSource):
    """JOINTCHECK_NAME_FILE=/run/secrets/x sets NAME to that file's content (without its final newline)."""

    def get_field_value(self, field, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        environ = {key.upper(): value for key, value in os.environ.items()}
        values: dict[str, Any] = {}
        for name in self.settings_cls.model_fields:
            variable = f"{ENV_PREFIX}{name.upper()}"
            path = environ.get(f"{variable}_FILE")
            if path is None:
                continue
            if variable in environ:
                raise SettingsError(f"set {variable} or {variable}_FILE, not both")
            try:
                values[name] = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as exc:
                raise SettingsError(f"{variable}_FILE={path}: {exc.strerror}") from exc
        return values


@lru_cache
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return Settings()
