"""Production settings: secrets from files, database credentials with any character, the cookie's TLS flag."""

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy.engine import make_url

from config.settings import DEV_SECRET, Settings
from store.db import sync_url
from store.migrate import alembic_config

AWKWARD_PASSWORD = "p@ss%20w:rd/#?"


@pytest.fixture(autouse=True)
def _no_jointcheck_environment(monkeypatch):
    """Each test states the environment it means; the suite's own JOINTCHECK_* variables stay out."""
    import os

    for name in list(os.environ):
        if name.upper().startswith("JOINTCHECK_"):
            monkeypatch.delenv(name)


def test_every_setting_can_come_from_a_file(monkeypatch, tmp_path):
    (tmp_path / "secret").write_text("a-real-secret-from-a-docker-secret\n")
    (tmp_path / "password").write_text(AWKWARD_PASSWORD + "\n")
    monkeypatch.setenv("JOINTCHECK_ENV", "prod")
    monkeypatch.setenv("JOINTCHECK_SECRET_KEY_FILE", str(tmp_path / "secret"))
    monkeypatch.setenv("JOINTCHECK_DATABASE_HOST", "postgres")
    monkeypatch.setenv("JOINTCHECK_DATABASE_USER", "jointcheck_app")
    monkeypatch.setenv("JOINTCHECK_DATABASE_PASSWORD_FILE", str(tmp_path / "password"))
    settings = Settings(_env_file=None)
    assert settings.secret_key.get_secret_value() == "a-real-secret-from-a-docker-secret"
    assert make_url(settings.database_url).password == AWKWARD_PASSWORD


def test_a_file_and_a_value_for_one_setting_are_refused(monkeypatch, tmp_path):
    (tmp_path / "secret").write_text("from-the-file")
    monkeypatch.setenv("JOINTCHECK_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("JOINTCHECK_SECRET_KEY_FILE", str(tmp_path / "secret"))
    with pytest.raises(SettingsError, match="JOINTCHECK_SECRET_KEY or JOINTCHECK_SECRET_KEY_FILE"):
        Settings(_env_file=None)


def test_a_missing_secret_file_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("JOINTCHECK_SECRET_KEY_FILE", str(tmp_path / "absent"))
    with pytest.raises(SettingsError, match="JOINTCHECK_SECRET_KEY_FILE=.*absent"):
        Settings(_env_file=None)


def test_prod_still_refuses_the_development_secret_from_a_file(monkeypatch, tmp_path):
    (tmp_path / "secret").write_text(DEV_SECRET)
    monkeypatch.setenv("JOINTCHECK_ENV", "prod")
    monkeypatch.setenv("JOINTCHECK_SECRET_KEY_FILE", str(tmp_path / "secret"))
    with pytest.raises(ValidationError, match="real secret"):
        Settings(_env_file=None)


def test_a_password_with_at_and_percent_reaches_the_driver_and_alembic_intact():
    settings = Settings(_env_file=None, database_host="db.internal", database_port=5433, database_name="jc",
                        database_user="jointcheck_app", database_password=AWKWARD_PASSWORD,
                        owner_database_user="jointcheck_owner", owner_database_password="o@%wner")
    app, owner = make_url(settings.database_url), make_url(settings.owner_database_url)
    assert (app.username, app.password, app.host, app.port, app.database) == (
        "jointcheck_app", AWKWARD_PASSWORD, "db.internal", 5433, "jc")
    assert (owner.username, owner.password, owner.database) == ("jointcheck_owner", "o@%wner", "jc")
    assert make_url(sync_url(settings.database_url)).password == AWKWARD_PASSWORD
    # Alembic reads its URL through configparser, where a lone % would be an interpolation error.
    assert make_url(alembic_config(settings.database_url).get_main_option("sqlalchemy.url")).password == (
        AWKWARD_PASSWORD)
    assert settings.app_role == "jointcheck_app"


def test_the_owner_defaults_to_the_app_connection_and_the_app_role_can_be_named():
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/jointcheck"
    assert Settings(_env_file=None, database_url=url).owner_database_url == url
    assert Settings(_env_file=None, database_url=url, database_app_role="jc_app").app_role == "jc_app"
    assert Settings(_env_file=None).app_role is None  # SQLite has no roles


def test_ambiguous_database_settings_are_refused():
    with pytest.raises(ValidationError, match="not both"):
        Settings(_env_file=None, database_url="postgresql+psycopg://a@b/c", database_host="b")
    with pytest.raises(ValidationError, match="OWNER_DATABASE_USER"):
        Settings(_env_file=None, database_url="postgresql+psycopg://a@b/c", owner_database_user="owner")


def test_the_console_cookie_is_secure_in_prod_unless_turned_off_on_purpose():
    secret = "a-real-secret-for-this-test"
    assert Settings(_env_file=None, env="prod", secret_key=secret).cookie_secure is True
    assert Settings(_env_file=None, env="prod", secret_key=secret, cookie_secure=False).cookie_secure is False
    assert Settings(_env_file=None, env="dev").cookie_secure is False
