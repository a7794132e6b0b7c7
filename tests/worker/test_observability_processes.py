"""`jointcheck api` and `jointcheck worker` as real processes: JSON log lines, one access line per request (no
uvicorn access line beside it), the API's /metrics, and the Temporal SDK metrics of a worker asked to serve them."""

import asyncio
import json
import os
import signal
import subprocess
import sys

import httpx

from tests.browser.server import free_port
from tests.workflows.worker_process import REPO, WorkerProcess
from worker.main import worker_environment


async def _get_when_up(url: str, timeout: float = 60.0) -> httpx.Response:
    """GET `url` once something listens there (the process is still starting before that)."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient(timeout=5) as http:
        while True:
            try:
                return await http.get(url)
            except httpx.TransportError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.3)


async def test_api_process_writes_one_json_access_line_per_request_and_serves_metrics(settings, tmp_path):
    port = free_port()
    log_path = tmp_path / "api.log"
    env = worker_environment(settings.model_copy(update={"log_format": "json"}), dict(os.environ))
    with log_path.open("wb") as log:
        api = subprocess.Popen([sys.executable, "-m", "worker.cli", "api", "--port", str(port)], cwd=REPO, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            assert (await _get_when_up(f"{base}/healthz")).status_code == 200
            async with httpx.AsyncClient(base_url=base) as http:
                me = await http.get("/api/v1/me", headers={"X-Request-ID": "process-test-0001"})
                assert me.status_code == 401 and me.headers["x-request-id"] == "process-test-0001"
                scrape = await http.get("/metrics")
        finally:
            api.send_signal(signal.SIGTERM)
            api.wait(timeout=30)
    assert 'route="/api/v1/me",status_class="4xx"' in scrape.text
    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    mine = [e for e in entries if e.get("request_id") == "process-test-0001"]
    assert len(mine) == 1 and mine[0]["logger"] == "jointcheck.access" and mine[0]["status"] == 401
    assert not [line for line in lines if "HTTP/1.1" in line], "uvicorn's own access line is written too"


async def test_worker_serves_temporal_sdk_metrics_when_given_an_address(settings, tmp_path):
    address = f"127.0.0.1:{free_port()}"
    worker = WorkerProcess(settings.model_copy(update={"worker_metrics_address": address}), tmp_path / "worker.log")
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while True:
            scrape = await _get_when_up(f"http://{address}/metrics")
            if "temporal_num_pollers" in scrape.text or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.5)
    finally:
        worker.stop()
    assert scrape.status_code == 200
    assert 'temporal_num_pollers{' in scrape.text and f'task_queue="{settings.task_queue}"' in scrape.text
    started = [json.loads(line) for line in worker.log().splitlines() if line.startswith("{")]
    assert any(e["message"] == f"Temporal SDK metrics at http://{address}/metrics" for e in started)
