"""Steps shared by the draw tests: a task launched and accepted through the API until the lead may draw."""

from sqlalchemy import update

from store.models import Inspector
from tests.polling import eventually
from tests.workflows.world import World, task_body
from workflows.joint_task import JointTaskWorkflow


async def launch_for_drawing(client, w: World, temporal_client, **body) -> str:
    """Launch (task_body with `body`), let ENV and SAFE accept, wait for the draw stage; answers the task id."""
    launched = await client.post("/api/v1/tasks", headers=w["lead_op"], json=task_body(**body))
    assert launched.status_code == 201, launched.text
    task_id = launched.json()["id"]
    for dept in ("env", "safe"):
        ok = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w[f"{dept}_op"], json={"accept": True})
        assert ok.status_code == 200, ok.text
    await stage(temporal_client, task_id, "drawing")
    return task_id


async def stage(temporal_client, task_id: str, wanted: str) -> None:
    handle = temporal_client.get_workflow_handle(f"joint-task-{task_id}")

    async def reached() -> bool:
        return (await handle.query(JointTaskWorkflow.state)).stage == wanted

    await eventually(reached)


async def draw_and_confirm(client, w: World, task_id: str, exclude: list | None = None) -> dict:
    """Propose, then confirm (with the exclusions given); answers the confirmed outcome."""
    proposal = await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["lead_op"])
    assert proposal.status_code == 200, proposal.text
    confirmed = await client.post(f"/api/v1/tasks/{task_id}/draw/confirm", headers=w["lead_op"],
                                  json={"exclude": exclude or []})
    assert confirmed.status_code == 200, confirmed.text
    return confirmed.json()


async def match_all(client, w: World, task_id: str, temporal_client) -> dict[str, dict]:
    """Every participating department matches; answers each one's outcome."""
    await stage(temporal_client, task_id, "matching")
    outcomes = {}
    for dept in ("lead", "env", "safe"):
        matched = await client.post(f"/api/v1/tasks/{task_id}/match", headers=w[f"{dept}_op"])
        assert matched.status_code == 200, matched.text
        outcomes[dept.upper()] = matched.json()
    return outcomes


async def set_kind(session_factory, department_code: str, names: list[str], kind: str) -> None:
    """Make the named inspectors of a department experts (外部专家) or officers again."""
    async with session_factory() as session:
        await session.execute(update(Inspector).where(Inspector.department_code == department_code,
                                                      Inspector.name.in_(names)).values(kind=kind))
        await session.commit()
