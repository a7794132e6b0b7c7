"""Replay what a lifecycle test produced and, with JOINTCHECK_RECORD_HISTORIES=1, keep it for the replay test.

Recorded histories are kept forever: running tasks outlive a deploy, so every later workflow version must still
replay them. A history is therefore only ever added under a new name, never written over an existing file.
"""

import os
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.registry import WORKFLOWS

HISTORIES = Path(__file__).parent / "histories"


def recording() -> bool:
    return os.environ.get("JOINTCHECK_RECORD_HISTORIES") == "1"


async def replay_and_keep(temporal_client: Client, kept: dict[str, str]) -> None:
    """Replay each workflow's history ({name: workflow id}) on the current code; when recording, keep each one as
    histories/<name>.json — refusing a name that is already taken."""
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    for name, workflow_id in kept.items():
        history = await temporal_client.get_workflow_handle(workflow_id).fetch_history()
        await replayer.replay_workflow(history)
        if recording():
            keep(name, history.to_json())


def keep(name: str, history_json: str, folder: Path = HISTORIES) -> Path:
    """Write <folder>/<name>.json; FileExistsError if it exists (add new histories beside the old ones)."""
    path = folder / f"{name}.json"
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(history_json)
    except FileExistsError:
        raise FileExistsError(f"{path} is a recorded history and is never re-recorded in place: record the new "
                              f"history under a new name beside it") from None
    return path
