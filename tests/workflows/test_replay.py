"""Every recorded history must replay on the current workflow code: a change that breaks determinism fails here.

Histories are kept forever (running tasks outlive a deploy). A change to a workflow's command sequence goes behind
`workflow.patched()`; new histories are added beside the old ones under new names, never recorded in their place:
`JOINTCHECK_RECORD_HISTORIES=1 make test PYTEST_ARGS=tests/workflows/<the test that drives the new path>` writes
the names that test keeps (tests/workflows/recording.py) and refuses any name already taken.
"""

import base64
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import (
    Interceptor, Replayer, StartLocalActivityInput, UnsandboxedWorkflowRunner, WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput, WorkflowOutboundInterceptor,
)

from domain.keys import object_workflow_id, task_workflow_id
from store.read_model import batch_keys
from tests.workflows.recording import keep
from workflows.registry import WORKFLOWS

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))
# Recorded before issue 11, at its start and for issue 14; each covers paths a later version must keep replaying.
KEPT = {
    "joint_task", "object_inspection",
    "joint_task_full", "object_inspection_followups", "object_inspection_returned_confidential",
    "object_inspection_publication_overdue", "joint_task_declined_and_removed",
    "joint_task_cancelled_awaiting_responses", "joint_task_cancelled_inspecting", "object_inspection_cancelled",
    "object_inspection_transfer_outside_task", "joint_task_calendar_change", "joint_task_calendar_change_inspecting",
    "object_inspection_calendar_change",
    # Issue 14: the seed held by the workers (patch seed-held-by-workers), exclusions with reasons, pools frozen at
    # the confirmation, experts and matched inspectors on the forms.
    "joint_task_draw_v2_exclusions", "joint_task_matching_v2", "object_inspection_matched_inspectors",
}


def test_no_recorded_history_has_gone_missing():
    assert KEPT <= {p.stem for p in HISTORIES}


def test_recording_refuses_to_write_over_a_kept_history(tmp_path: Path):
    keep("joint_task_example", '{"events": []}', folder=tmp_path)
    with pytest.raises(FileExistsError, match="never re-recorded in place"):
        keep("joint_task_example", '{"events": [1]}', folder=tmp_path)
    assert (tmp_path / "joint_task_example.json").read_text() == '{"events": []}'


def _history(path: Path) -> WorkflowHistory:
    """The recorded history under its own workflow id (the keys it wrote are built from it), read from its input."""
    text = path.read_text()
    started = json.loads(text)["events"][0]["workflowExecutionStartedEventAttributes"]
    given = json.loads(base64.b64decode(started["input"]["payloads"][0]["data"]))
    workflow_id = (object_workflow_id(given["task_id"], given["obj"]["object_id"]) if "obj" in given
                   else task_workflow_id(given["task_id"]))
    return WorkflowHistory.from_json(workflow_id, text)


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path):
    history = _history(path)
    result = await Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter).replay_workflow(
        history, raise_on_replay_failure=True)
    assert result.replay_failure is None


class _BatchesWritten(Interceptor):
    """Keeps every batch of read-model records a replayed workflow hands to the record_batch activity."""

    def __init__(self) -> None:
        self.batches: list = []

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput) -> type[WorkflowInboundInterceptor]:
        batches = self.batches

        class Outbound(WorkflowOutboundInterceptor):
            def start_local_activity(self, input: StartLocalActivityInput):
                if input.activity == "record_batch":
                    batches.append(input.args[0])
                return super().start_local_activity(input)

        class Inbound(WorkflowInboundInterceptor):
            def init(self, outbound: WorkflowOutboundInterceptor) -> None:
                super().init(Outbound(outbound))

        return Inbound


def _recorded_batch_keys(history_json: str) -> list[list[str]]:
    """The keys each record_batch call of the history answered (its result: what it wrote), in order."""
    answers = []
    for event in json.loads(history_json)["events"]:
        details = event.get("markerRecordedEventAttributes", {}).get("details", {})
        if "result" not in details:
            continue
        call = json.loads(base64.b64decode(details["data"]["payloads"][0]["data"]))
        if call.get("activity_type") == "record_batch":
            answers.append(json.loads(base64.b64decode(details["result"]["payloads"][0]["data"])))
    return answers


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_replaying_a_history_writes_the_read_model_rows_it_wrote(path: Path):
    """The read model is idempotent by key: a workflow replayed on new code (a worker restarted mid-task) must
    queue the records it queued before under the same keys, or a retried batch would write them a second time."""
    recorded = _recorded_batch_keys(path.read_text())
    written = _BatchesWritten()
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter, interceptors=[written],
                        workflow_runner=UnsandboxedWorkflowRunner())
    await replayer.replay_workflow(_history(path))
    assert recorded, "the history records no read-model batch"
    assert [batch_keys(batch) for batch in written.batches] == recorded
