"""The draw activities: frozen population, sizes, exclusions, confirmation once, a record anyone can verify."""

import hashlib
import json
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from fastapi.encoders import jsonable_encoder
from sqlalchemy import func, select
from temporalio.exceptions import ApplicationError

from activities.draw import DrawActivities
from domain.draw import verify_record
from domain.draw_records import DrawRequest
from domain.records import ObjectScope
from domain.workdays import local_date
from store import draw_public
from store.models.tasks import Draw, Result, Task, TaskObject
from tests.activities import factories as f

VERIFY_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_draw.py"
SCOPE = ObjectScope(region_codes=["430302"])


@pytest.fixture
def acts(sessions, activity_settings) -> DrawActivities:
    return DrawActivities(sessions, activity_settings)


@pytest.fixture
async def seed(acts) -> str:
    return (await acts.generate_seed()).seed


def request(seed: str, task_id: str = "T1", **changes) -> DrawRequest:
    fields = {"task_id": task_id, "seed": seed, "scope": SCOPE, "sample_size": 5, "actor": f.lead_actor()}
    return DrawRequest(**{**fields, **changes})


async def add_objects(sessions, n: int, **kw) -> list[int]:
    async with sessions.begin() as session:
        rows = [f.inspection_object(session, **kw) for _ in range(n)]
        await session.flush()
        return [r.id for r in rows]


async def test_generate_seed_commits_to_a_fresh_256_bit_seed(acts):
    a, b = await acts.generate_seed(), await acts.generate_seed()
    assert len(bytes.fromhex(a.seed)) == 32 and a.seed != b.seed
    assert a.commitment == hashlib.sha256(bytes.fromhex(a.seed)).hexdigest()


async def test_the_first_draw_freezes_the_population(acts, sessions, seed):
    in_scope = await add_objects(sessions, 40)
    await add_objects(sessions, 5, region_code="430304")
    await add_objects(sessions, 3, status="revoked")
    first = await acts.draw_objects(request(seed))
    assert first.population_size == 40 and first.sizes == {"all": 5} and not first.confirmed
    assert {o.object_id for o in first.selection} <= set(in_scope)

    await add_objects(sessions, 30)
    again = await acts.draw_objects(request(seed))
    confirmed = await acts.confirm_draw(request(seed))
    assert (again.population_size, again.population_sha256, again.selection) == \
        (first.population_size, first.population_sha256, first.selection)
    assert confirmed.selection == first.selection and confirmed.confirmed
    async with sessions() as session:
        record = await draw_public.public_record(session, "T1")
    assert record["population"] == {"all": in_scope}


async def test_per_class_ratios_stratify_the_draw(acts, sessions, seed):
    for cls, n in {"A": 100, "B": 50, "C": 20, "D": 3}.items():
        await add_objects(sessions, n, credit_risk_class=cls)
    outcome = await acts.draw_objects(request(seed, sample_size=None,
                                              credit_risk_ratios={"A": 0.01, "B": 0.04, "C": 0.08, "D": 1.0}))
    assert outcome.sizes == {"A": 1, "B": 2, "C": 2, "D": 3} and outcome.population_size == 173
    assert all(o.stratum == o.credit_risk_class for o in outcome.selection)
    assert sorted(o.stratum for o in outcome.selection) == ["A", "B", "B", "C", "C", "D", "D", "D"]


async def test_a_single_ratio_sizes_one_stratum(acts, sessions, seed):
    await add_objects(sessions, 41)
    outcome = await acts.draw_objects(request(seed, sample_size=None, ratio=0.1))
    assert outcome.sizes == {"all": 5} and len(outcome.selection) == 5


async def test_excluded_objects_are_replaced_by_the_same_protocol(acts, sessions, seed):
    await add_objects(sessions, 60)
    proposed = await acts.draw_objects(request(seed))
    excluded = [proposed.selection[0].object_id, proposed.selection[3].object_id]
    confirmed = await acts.confirm_draw(request(seed, exclude=excluded))
    chosen = [o.object_id for o in confirmed.selection]
    assert len(chosen) == 5 and not set(excluded) & set(chosen)
    assert {o.object_id for o in proposed.selection} - set(excluded) <= set(chosen)
    assert confirmed.exclusions == sorted(excluded)


async def test_confirm_is_done_once_and_the_public_record_verifies(acts, sessions, seed, tmp_path):
    await add_objects(sessions, 30)
    proposed = await acts.draw_objects(request(seed))
    async with sessions() as session:
        before = await draw_public.public_record(session, "T1")
    assert before["seed"] is None and "population" not in before and before["seed_commitment"] == \
        hashlib.sha256(bytes.fromhex(seed)).hexdigest()

    first = await acts.confirm_draw(request(seed, exclude=[proposed.selection[1].object_id]))
    second = await acts.confirm_draw(request(seed, exclude=[proposed.selection[2].object_id]))
    assert second == first
    async with sessions() as session:
        assert (await session.execute(select(func.count()).select_from(TaskObject))).scalar_one() == 5
        assert (await session.get(Draw, "T1")).seed == seed
        record = jsonable_encoder(await draw_public.public_record(session, "T1"))
    assert verify_record(record).match
    assert record["selection"]["objects"] == [o.object_id for o in first.selection]

    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    assert _verify_script(path).stdout.startswith("MATCH")
    record["selection"]["objects"][0] = proposed.selection[1].object_id
    path.write_text(json.dumps(record), encoding="utf-8")
    assert _verify_script(path).stdout.startswith("MISMATCH")


def _verify_script(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(VERIFY_SCRIPT), str(path)], capture_output=True, text=True, check=False)


async def test_fusion_warnings_name_objects_inspected_this_year_or_in_another_open_task(acts, sessions, seed):
    inspected, in_open_task, in_closed_task, fresh = await add_objects(sessions, 4)
    async with sessions.begin() as session:
        session.add(Task(**_task_row("T-OPEN", "inspecting")))
        session.add(Task(**_task_row("T-DONE", "closed")))
        for task_id, object_id in (("T-OPEN", in_open_task), ("T-DONE", in_closed_task)):
            session.add(TaskObject(task_id=task_id, object_id=object_id, uscc="x", name="x", region_code="430302",
                                   stratum="all", ordinal=1, schedule_confirmed_by=[]))
        session.add(Result(result_id=f"T-DONE:{inspected}:D-X", task_id="T-DONE", object_id=inspected,
                           department_code="D-X", state="published", result_code="no_issue",
                           inspection_date=date(local_date(datetime.now(timezone.utc)).year, 1, 1),
                           updated_at=f.T0))
    outcome = await acts.draw_objects(request(seed, sample_size=10))
    kinds = {(w.object_id, w.kind) for w in outcome.warnings}
    assert kinds == {(inspected, "inspected_this_year"), (in_open_task, "open_task")}
    assert "T-OPEN" in next(w.detail for w in outcome.warnings if w.kind == "open_task")
    assert fresh in {o.object_id for o in outcome.selection}


def _task_row(task_id: str, stage: str) -> dict:
    return dict(task_id=task_id, name=f"任务 {task_id}", lead_department_code="D-X", initiated_by="x",
                initiator_role="dept_operator", stage=stage, seed_commitment="c" * 64, input={}, planned=True,
                method="on_site", created_at=f.T0, updated_at=f.T0)


async def test_a_different_seed_cannot_redraw(acts, sessions, seed):
    await add_objects(sessions, 10)
    await acts.draw_objects(request(seed))
    other = (await acts.generate_seed()).seed
    with pytest.raises(ApplicationError) as refused:
        await acts.confirm_draw(request(other))
    assert refused.value.type == "SeedMismatch" and refused.value.non_retryable


async def test_a_draw_without_size_or_ratio_is_refused(acts, sessions, seed):
    await add_objects(sessions, 3)
    with pytest.raises(ApplicationError) as refused:
        await acts.draw_objects(request(seed, sample_size=None))
    assert refused.value.type == "InvalidInput"
    async with sessions() as session:
        assert await session.get(Draw, "T1") is None


async def test_an_empty_population_draws_nothing(acts, seed):
    outcome = await acts.confirm_draw(request(seed, scope=ObjectScope(region_codes=["110101"])))
    assert (outcome.population_size, outcome.selection, outcome.confirmed) == (0, [], True)


async def test_a_stratified_record_with_an_empty_class_verifies(acts, sessions, seed):
    for cls, n in {"A": 30, "C": 4}.items():
        await add_objects(sessions, n, credit_risk_class=cls)
    ratios = {"A": 0.1, "C": 0.5, "D": 1.0}
    outcome = await acts.confirm_draw(request(seed, sample_size=None, credit_risk_ratios=ratios))
    assert outcome.sizes == {"A": 3, "C": 2, "D": 0}
    async with sessions() as session:
        record = jsonable_encoder(await draw_public.public_record(session, "T1"))
    assert record["population"]["D"] == [] and record["ratios"] == {"A": "0.1", "C": "0.5", "D": "1.0"}
    assert verify_record(record).match
