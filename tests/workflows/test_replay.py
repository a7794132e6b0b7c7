"""Recorded histories must replay on the current workflow code: a change that breaks determinism fails here.

Refresh the recordings deliberately (after a versioned change) with
`JOINTCHECK_RECORD_HISTORIES=1 make test PYTEST_ARGS=tests/workflows/test_lifecycle_e2e.py`.
"""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.registry import WORKFLOWS

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_histories_are_recorded_for_every_workflow():
    names = {p.stem for p in HISTORIES}
    assert {"joint_task", "object_inspection"} <= names


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path):
    workflow_id = f"recorded-{path.stem}"
    history = WorkflowHistory.from_json(workflow_id, path.read_text())
    result = await Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter).replay_workflow(
        history, raise_on_replay_failure=True)
    assert result.replay_failure is None
