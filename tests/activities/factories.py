"""Directory rows and workflow messages for activity tests, inserted through the ORM with valid keys."""

from datetime import date, datetime, timedelta, timezone
from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession

from domain.identifiers import make_id_card, make_uscc
from domain.records import ActorRef, DeadlineRef, ObjectScope, Participant, ResponderView, TaskInput, TaskSnapshot
from store import audit
from store.models import Department, InspectionObject, Inspector, Item, RegionAdjacency

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # Monday 09:00 in Beijing
_serials = count(1)


def lead_actor(dept: str = "D-LEAD") -> ActorRef:
    return ActorRef(username=f"{dept.lower()}_op", role="dept_operator", department_code=dept)


def audit_actor() -> audit.Actor:
    return audit.Actor(username="office", role="office")


def department(session: AsyncSession, code: str, region_code: str = "430302") -> Department:
    row = Department(code=code, name=f"{code} 局", level="city", region_code=region_code)
    session.add(row)
    return row


def item(session: AsyncSession, code: str, department_code: str, required_tags: list[str] = (),
         version: int = 1, is_current: bool = True) -> Item:
    row = Item(code=code, version=version, is_current=is_current, department_code=department_code,
               name=f"事项 {code}", legal_basis="依据", subject="主体", content="内容", method="on_site",
               category="key", item_class="B", required_tags=list(required_tags), object_tags=[],
               created_by="test")
    session.add(row)
    return row


def inspection_object(session: AsyncSession, *, region_code: str = "430302", credit_risk_class: str = "B",
                      name: str | None = None, status: str = "active", kind: str = "enterprise",
                      industry_code: str = "1419", tags: list[str] = ()) -> InspectionObject:
    serial = next(_serials)
    row = InspectionObject(uscc=make_uscc(region_code, serial), name=name or f"湘潭测试企业{serial}",
                           region_code=region_code, industry_code=industry_code, kind=kind,
                           credit_risk_class=credit_risk_class, tags=list(tags), status=status)
    session.add(row)
    return row


def inspector(session: AsyncSession, department_code: str, *, region_codes: list[str] = ("430302",),
              tags: list[str] = (), active: bool = True, conflict_usccs: list[str] = ()) -> Inspector:
    serial = next(_serials)
    number = make_id_card("430302", date(1970, 1, 1) + timedelta(days=serial), serial % 1000)
    row = Inspector(id_card_number=number, name=f"检查员{serial}", department_code=department_code,
                    region_codes=list(region_codes), kind="certified", tags=list(tags), method_tags=["on_site"],
                    active=active, conflict_usccs=list(conflict_usccs), phone="13800000000")
    session.add(row)
    return row


def adjacent(session: AsyncSession, region_code: str, adjacent_code: str) -> None:
    session.add(RegionAdjacency(region_code=region_code, adjacent_code=adjacent_code))


def task_input(task_id: str = "T1", *, lead: str = "D-LEAD", responders: tuple[str, ...] = ("D-R1", "D-R2"),
               scope: ObjectScope | None = None, sample_size: int | None = 5, ratio: float | None = None,
               credit_risk_ratios: dict[str, float] | None = None, launched_at: datetime = T0) -> TaskInput:
    return TaskInput(task_id=task_id, name=f"联合抽查 {task_id}", initiated_by=lead_actor(lead),
                     lead=Participant(department_code=lead, item_codes=[f"{lead}-01"], item_versions={f"{lead}-01": 1}),
                     responders=[Participant(department_code=d, item_codes=[f"{d}-01"]) for d in responders],
                     scope=scope or ObjectScope(), sample_size=sample_size, ratio=ratio,
                     credit_risk_ratios=credit_risk_ratios or {}, launched_at=launched_at)


def snapshot(task: TaskInput, *, stage: str = "awaiting_responses", updated_at: datetime = T0,
             states: dict[str, str] | None = None, **changes) -> TaskSnapshot:
    states = states or {}
    due = DeadlineRef(due_at=T0 + timedelta(days=2, hours=15), remind_at=T0 + timedelta(days=1, hours=15))
    responders = [ResponderView(department_code=p.department_code, state=states.get(p.department_code, "pending"),
                                due=due) for p in task.responders]
    return TaskSnapshot(task=task, stage=stage, seed_commitment="c" * 64, responders=responders,
                        updated_at=updated_at, **changes)
