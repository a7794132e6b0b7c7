"""Telling running joint tasks that the office changed a year of the working-day calendar."""

from temporalio.client import Client

from workflows.inputs import CalendarChanged


async def signal_running_tasks(client: Client, year: int) -> int:
    """Signal every running joint task; each recomputes the deadlines it still waits on. Returns the count."""
    count = 0
    query = "WorkflowType = 'JointTaskWorkflow' AND ExecutionStatus = 'Running'"
    async for execution in client.list_workflows(query):
        await client.get_workflow_handle(execution.id).signal("calendar_changed", CalendarChanged(year=year))
        count += 1
    return count
