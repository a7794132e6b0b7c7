"""Every recorded history must replay on the current workflow code: a change that breaks determinism fails here.

Histories are kept forever (running tasks outlive a deploy). A change to a workflow's command sequence goes behind
`workflow.patched()`; new histories are added beside the old ones under new names, never recorded in their place:
`JOINTCHECK_RECORD_HISTORIES=1 make test PYTEST_ARGS=tests/workflows/<the test that drives the new path>` writes
the names that test keeps (tests/workflows/recording.py) and refuses any name already taken.
"""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.workflows.recording import keep
from workflows.registry import WORKFLOWS

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))
# Recorded before issue 11 and at its start; each covers paths a later version must keep replaying.
KEPT = {
    "joint_task", "object_inspection",
    "joint_task_full", "object_inspection_followups", "object_inspection_returned_confidential",
    "object_inspection_publication_overdue", "joint_task_declined_and_removed",
    "joint_task_cancelled_awaiting_responses", "joint_task_cancelled_inspecting", "object_inspection_cancelled",
    "object_inspection_transfer_outside_task", "joint_task_calendar_change", "joint_task_calendar_change_inspecting",
    "object_inspection_calendar_change",
}


def test_no_recorded_history_has_gone_missing():
    assert KEPT <= {p.stem for p in HISTORIES}


def test_recording_refuses_to_write_over_a_kept_history(tmp_path: Path):
    keep("joint_task_example", '{"events": []}', folder=tmp_path)
    with pytest.raises(FileExistsError, match="never re-recorded in place"):
        keep("joint_task_example", '{"events": [1]}', folder=tmp_path)
    assert (tmp_path / "joint_task_example.json").read_text() == '{"events": []}'


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path):
    workflow_id = f"recorded-{path.stem}"
    history = WorkflowHistory.from_json(workflow_id, path.read_text())
    result = await Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter).replay_workflow(
        history, raise_on_replay_failure=True)
    assert result.replay_failure is None
