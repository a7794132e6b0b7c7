"""docker-compose.yml, jointcheck's side (issue 10 items 2 and 3): one image, secrets from files, the app's
least-privilege role, TLS in front of the API, metrics inside only, healthchecks."""

import re

import yaml

from config.settings import Settings
from tests.deploy.compose import (COMPOSE, COMPOSE_TEXT, JOINTCHECK_SERVICES, ROOT, SERVICES, command, env, mounted,
                                  published, script_of, secret_paths)


def test_one_image_built_once_runs_every_jointcheck_process():
    builders = [name for name, service in SERVICES.items() if "build" in service]
    assert builders == ["migrate"] and SERVICES["migrate"]["build"] == "."
    images = {SERVICES[name]["image"] for name in JOINTCHECK_SERVICES}
    assert len(images) == 1 and next(iter(images)).startswith("jointcheck:")
    assert command("migrate") == ["jointcheck", "migrate"]
    assert command("api")[:2] == ["jointcheck", "api"] and command("worker") == ["jointcheck", "worker"]


def test_the_build_context_leaves_out_what_the_image_does_not_need():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".jointcheck", ".env", "secrets", "tests", "benchmarks"} <= ignored


def test_secrets_come_from_files_and_no_password_is_in_the_compose_file():
    assert all(set(s) == {"file"} and s["file"].startswith("./secrets/") for s in COMPOSE["secrets"].values())
    # No connection URL at all: host and credentials go separately, so a password may hold '@' or '%'.
    assert "JOINTCHECK_DATABASE_URL" not in COMPOSE_TEXT and not re.search(r"postgres\w*://", COMPOSE_TEXT)
    for name, service in SERVICES.items():
        granted = set(service.get("secrets", []))
        values = env(name)
        for key, value in values.items():
            if re.search(r"PASSWORD|SECRET|PWD", key) and not key.endswith("_FILE"):
                raise AssertionError(f"{name}: {key} carries a secret in the compose file")
        referenced = secret_paths(" ".join(values.values()))
        if command(name) and command(name)[-1].startswith("/deploy/"):
            referenced |= secret_paths(script_of(name))
        assert referenced == granted, f"{name} reads {referenced} but is given {granted}"
    assert env("postgres")["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    # The draw key and the pseudonym key are the worker's alone: the API never derives a seed (docs/draw.md §7.7).
    draw_keys = {"jointcheck_draw_key", "jointcheck_pseudonym_key"}
    assert [name for name, service in SERVICES.items() if draw_keys & set(service.get("secrets", []))] == ["worker"]


def test_the_api_and_worker_connect_as_the_app_role_and_migrate_as_the_owner():
    roles = script_of("db-roles")
    for name in ("api", "worker"):
        values = env(name)
        assert values["JOINTCHECK_DATABASE_USER"] == "jointcheck_app" and "-v app=jointcheck_app" in roles
        assert values["JOINTCHECK_DATABASE_HOST"] == "postgres" and "OWNER" not in " ".join(values)
        assert values["JOINTCHECK_ENV"] == "prod"
        assert values["JOINTCHECK_SECRET_KEY_FILE"] == "/run/secrets/jointcheck_secret_key"
        assert values["JOINTCHECK_TEMPORAL_ADDRESS"] == "temporal:7233"
    migrate = env("migrate")
    assert migrate["JOINTCHECK_OWNER_DATABASE_USER"] == "jointcheck_owner" and "-v owner=jointcheck_owner" in roles
    assert migrate["JOINTCHECK_DATABASE_USER"] == "jointcheck_app"  # the role migrate grants to
    assert "-v database=jointcheck" in roles and migrate["JOINTCHECK_DATABASE_NAME"] == "jointcheck"
    assert SERVICES["migrate"]["depends_on"]["db-roles"]["condition"] == "service_completed_successfully"
    # The environment variables compose sets are the ones Settings reads (a typo would silently be ignored).
    fields = {f"JOINTCHECK_{name.upper()}" for name in Settings.model_fields}
    for name in JOINTCHECK_SERVICES:
        for key in env(name):
            if key.startswith("JOINTCHECK_") and key != "JOINTCHECK_WORKER_METRICS_ADDRESS":
                assert key.removesuffix("_FILE") in fields, key


def test_caddy_terminates_tls_in_front_of_the_api_and_refuses_metrics_from_outside():
    assert published("api") == [] and "443:443" in published("caddy")
    caddyfile = mounted("caddy", "/etc/caddy/Caddyfile").read_text()
    assert re.search(r"^\s*reverse_proxy api:8000$", caddyfile, re.M)
    assert re.search(r"@metrics path /metrics /metrics/\*\n\s*respond @metrics 404", caddyfile)
    assert "{$JOINTCHECK_SITE_ADDRESS:localhost}" in caddyfile and "local_certs" in caddyfile
    api = env("api")
    assert api["JOINTCHECK_COOKIE_SECURE"] == "${JOINTCHECK_COOKIE_SECURE:-true}"
    assert api["FORWARDED_ALLOW_IPS"] == "*"  # only Caddy reaches the unpublished port


def test_prometheus_scrapes_the_api_and_every_worker():
    scrape = yaml.safe_load(mounted("prometheus", "/etc/prometheus/prometheus.yml").read_text())
    jobs = {job["job_name"]: job["dns_sd_configs"][0] for job in scrape["scrape_configs"] if "dns_sd_configs" in job}
    assert jobs["jointcheck-api"] == {"names": ["api"], "type": "A", "port": 8000}
    worker_port = int(env("worker")["JOINTCHECK_WORKER_METRICS_ADDRESS"].rsplit(":", 1)[1])
    assert jobs["jointcheck-worker"] == {"names": ["worker"], "type": "A", "port": worker_port}


def test_healthchecks_guard_the_startup_order():
    assert "pg_isready" in " ".join(SERVICES["postgres"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(SERVICES["api"]["healthcheck"]["test"])
    assert SERVICES["worker"]["healthcheck"]["test"] == ["CMD", "jointcheck", "worker-health"]
    assert "7233" in SERVICES["temporal"]["healthcheck"]["test"]
    assert SERVICES["caddy"]["depends_on"]["api"]["condition"] == "service_healthy"
    assert SERVICES["db-roles"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_production_worker_runs_without_the_sandbox_that_development_and_tests_run_with():
    assert env("worker")["JOINTCHECK_WORKFLOW_SANDBOX"] == "false"
    assert Settings(_env_file=None).workflow_sandbox


def test_the_dockerfile_installs_the_project_without_extras_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11-slim AS build" in dockerfile
    for package in ("config", "domain", "store", "activities", "workflows", "api", "worker"):
        assert f"COPY {package} ./{package}" in dockerfile
    assert "pip wheel --no-cache-dir --no-deps --wheel-dir /wheels ." in dockerfile
    assert "pip install --no-cache-dir /wheels/*.whl" in dockerfile and "[" not in dockerfile.split("pip install")[1]
    assert "USER jointcheck" in dockerfile and '"jointcheck", "api"' in dockerfile
