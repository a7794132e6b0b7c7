"""A `jointcheck worker` as a real operating-system process, to be killed the hard way in tests."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from config.settings import Settings
from worker.main import worker_environment

REPO = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """One worker subprocess on the settings' database, Temporal address, task queue and drill mode."""

    def __init__(self, settings: Settings, log_path: Path) -> None:
        env = worker_environment(settings, dict(os.environ))
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen([sys.executable, "-m", "worker.cli", "worker"], cwd=REPO, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """SIGKILL: no drain, no shutdown hook; in-flight workflow and activity tasks are simply lost."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def stop(self) -> None:
        """SIGTERM and wait; its exit status is irrelevant (the SDK may abort at interpreter exit)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
