"""docker-compose.yml, Temporal's side (issue 10 item 2): the current upstream shape of temporalio/samples-server."""

import re

import yaml

from tests.deploy.compose import COMPOSE_TEXT, SERVICES, command, env, mounted, published, script_of
from worker.temporal_server import DYNAMIC_CONFIG
from worker.temporal_setup import RETENTION


def test_temporal_is_the_server_image_after_a_schema_job_with_temporal_sql_tool():
    assert SERVICES["temporal"]["image"].startswith("temporalio/server:")
    assert not any("auto-setup" in str(s.get("image", "")) for s in SERVICES.values())
    schema_job = SERVICES["temporal-schema"]
    assert schema_job["image"].startswith("temporalio/admin-tools:")
    assert schema_job["image"].split(":")[1] == SERVICES["temporal"]["image"].split(":")[1]
    script = script_of("temporal-schema")
    assert "set -eu" in script
    assert script.count("temporal-sql-tool") == 2 and "setup-schema -v 0.0" in script and "update-schema" in script
    assert '"temporal:temporal" "temporal_visibility:visibility"' in script
    assert SERVICES["temporal"]["depends_on"]["temporal-schema"]["condition"] == "service_completed_successfully"


def test_temporal_has_its_own_role_and_databases():
    temporal, schema = env("temporal"), env("temporal-schema")
    assert temporal["POSTGRES_USER"] == schema["SQL_USER"] == "temporal"
    assert (temporal["DBNAME"], temporal["VISIBILITY_DBNAME"]) == ("temporal", "temporal_visibility")
    roles = script_of("db-roles")
    assert "-v temporal=temporal" in roles
    assert "-v temporal_db=temporal -v visibility_db=temporal_visibility" in roles
    app_roles = {env(s).get("JOINTCHECK_DATABASE_USER") for s in ("api", "worker", "migrate")}
    assert "temporal" not in app_roles and env("api")["JOINTCHECK_DATABASE_NAME"] not in ("temporal",)
    # The server's password comes from its secret file, read by the start script.
    assert "POSTGRES_PWD" not in temporal and "temporal_db_password" in script_of("temporal")


def test_the_namespace_keeps_histories_for_the_audit_period_and_gets_our_search_attributes():
    setup = SERVICES["temporal-setup"]
    assert command("temporal-setup") == ["jointcheck", "temporal-setup"]
    assert setup["image"] == SERVICES["api"]["image"]
    namespace = env("temporal-setup")["JOINTCHECK_TEMPORAL_NAMESPACE"]
    assert namespace == env("api")["JOINTCHECK_TEMPORAL_NAMESPACE"] == env("worker")["JOINTCHECK_TEMPORAL_NAMESPACE"]
    assert env("temporal-ui")["TEMPORAL_DEFAULT_NAMESPACE"] == namespace
    assert RETENTION.days >= 365
    # The job reads worker.temporal_server.SEARCH_ATTRIBUTES (tests/deploy/test_temporal_setup.py registers them
    # on a real server); nothing here lists them a second time.
    assert "Jointcheck" not in COMPOSE_TEXT


def test_jobs_fail_loudly_and_the_app_waits_for_them():
    for job in ("db-roles", "temporal-schema", "temporal-setup", "migrate"):
        assert SERVICES[job]["restart"] == "no"
    scripts = [script_of(job) for job in ("db-roles", "temporal-schema", "temporal")]
    scripts.append(mounted("db-roles", "/deploy/postgres/roles.sql").read_text())
    for text in [COMPOSE_TEXT, *scripts]:
        assert "|| true" not in text and "|| :" not in text
    assert all("set -eu" in s for s in scripts[:3]) and "ON_ERROR_STOP on" in scripts[3]
    for service in ("api", "worker"):
        for job in ("migrate", "temporal-setup"):
            assert SERVICES[service]["depends_on"][job]["condition"] == "service_completed_successfully"


def test_history_shards_are_chosen_on_purpose():
    shards = int(env("temporal")["NUM_HISTORY_SHARDS"])
    assert shards == 512 and shards & (shards - 1) == 0
    assert re.search(r"can never change.*\n.*\n.*\n\s+NUM_HISTORY_SHARDS", COMPOSE_TEXT)


def test_the_dynamic_config_has_the_history_cache_the_embedded_server_and_the_benchmarks_use():
    path = env("temporal")["DYNAMIC_CONFIG_FILE_PATH"]
    config = yaml.safe_load(mounted("temporal", path).read_text())
    assert {key: values[0]["value"] for key, values in config.items()} == DYNAMIC_CONFIG
    assert all(values == [{"value": values[0]["value"], "constraints": {}}] for values in config.values())


def test_temporal_serves_prometheus_metrics_that_prometheus_scrapes():
    endpoint = env("temporal")["PROMETHEUS_ENDPOINT"]
    port = endpoint.rsplit(":", 1)[1]
    scrape = yaml.safe_load(mounted("prometheus", "/etc/prometheus/prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in scrape["scrape_configs"]}
    assert jobs["temporal"]["static_configs"][0]["targets"] == [f"temporal:{port}"]
    assert published("temporal") == [] and published("prometheus") == ["127.0.0.1:9090:9090"]


def test_the_temporal_ui_is_read_only_and_on_the_loopback_only():
    ui = env("temporal-ui")
    assert published("temporal-ui") == ["127.0.0.1:8233:8080"]
    assert ui["TEMPORAL_DISABLE_WRITE_ACTIONS"] == "true"
    for action in ("TERMINATE", "CANCEL", "SIGNAL", "RESET"):
        assert ui[f"TEMPORAL_WORKFLOW_{action}_DISABLED"] == "true"
    assert ui["TEMPORAL_BATCH_ACTIONS_DISABLED"] == "true"
    assert ui["TEMPORAL_CORS_ORIGINS"] == "http://localhost:8233"
