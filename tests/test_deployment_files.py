"""docker-compose.yml and the Dockerfile, checked by content (no Docker engine runs here)."""

from pathlib import Path

import yaml

from worker.temporal_server import SEARCH_ATTRIBUTES

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service_of_a_deployment():
    services = _compose()["services"]
    assert {"postgres", "temporal", "temporal-ui", "migrate", "api", "worker"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["temporal"]["image"].startswith("temporalio/auto-setup:")
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")
    for name in ("migrate", "api", "worker"):
        assert services[name]["build"] == "."


def test_temporal_runs_on_the_postgres_service():
    temporal = _compose()["services"]["temporal"]
    assert temporal["environment"]["DB"] == "postgres12"
    assert temporal["environment"]["POSTGRES_SEEDS"] == "postgres"
    assert temporal["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_api_and_worker_reach_postgres_and_temporal_and_migrate_runs_first():
    services = _compose()["services"]
    for name in ("api", "worker", "migrate"):
        env = services[name]["environment"]
        assert "@postgres:5432/" in env["JOINTCHECK_DATABASE_URL"]
        assert env["JOINTCHECK_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["JOINTCHECK_TEMPORAL_ADDRESS"] == "temporal:7233"
        assert env["JOINTCHECK_ENV"] == "prod"
    assert services["migrate"]["command"] == ["jointcheck", "migrate"]
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["temporal-ui"]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233"


def test_healthchecks_guard_the_startup_order():
    services = _compose()["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["api"]["healthcheck"]["test"])
    assert "health" in " ".join(services["temporal"]["healthcheck"]["test"])


def test_search_attributes_are_registered_in_production_too():
    setup = " ".join(_compose()["services"]["temporal-setup"]["command"])
    for name, kind in SEARCH_ATTRIBUTES.items():
        assert f"{name}={kind}" in setup


def test_dockerfile_installs_the_project_and_runs_the_console_script():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("FROM python:3.11")
    assert "pip install --no-cache-dir ." in dockerfile
    for package in ("config", "domain", "store", "activities", "workflows", "api", "worker"):
        assert f"COPY {package} ./{package}" in dockerfile
    assert '"jointcheck", "api"' in dockerfile


def test_production_worker_runs_without_the_sandbox_that_development_and_tests_run_with():
    from config.settings import Settings

    assert _compose()["services"]["worker"]["environment"]["JOINTCHECK_WORKFLOW_SANDBOX"] == "false"
    assert Settings(_env_file=None).workflow_sandbox
