"""A small city for lifecycle tests: three departments with items, objects, inspectors and accounts."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from api.security import hash_password
from domain.identifiers import make_id_card, make_uscc
from store.models import Department, InspectionObject, Inspector, Item, User
from tests.api.helpers import PASSWORD, login

REGION = "430302"
DEPARTMENTS = {"LEAD": "市场监督管理局", "ENV": "生态环境局", "SAFE": "应急管理局"}


@dataclass
class World:
    """Login headers for every account of the small city."""

    headers: dict[str, dict[str, str]]
    object_ids: list[int]

    def __getitem__(self, username: str) -> dict[str, str]:
        return self.headers[username]


async def build_world(session_factory, client, *, objects: int = 12, inspectors_per_dept: int = 4,
                      departments: dict[str, str] = DEPARTMENTS) -> World:
    """Insert the directory and accounts, then log every account in through the API."""
    password_hash = hash_password(PASSWORD)
    async with session_factory() as session:
        for code, name in departments.items():
            session.add(Department(code=code, name=name, level="city", region_code="430300"))
        await session.flush()
        for index, code in enumerate(departments):
            session.add(Item(code=f"{code}-01", version=1, is_current=True, department_code=code,
                             name=f"{departments[code]}检查事项", legal_basis="法规", subject=departments[code],
                             content="检查内容", method="on_site", category="key", item_class="B",
                             annual_ratio_cap=None, required_tags=[code.lower()], published=True, created_by="test"))
            for n in range(inspectors_per_dept):
                serial = 100 * (index + 1) + n
                session.add(Inspector(id_card_number=make_id_card(REGION, date(1980, 1, 1 + n), serial),
                                      name=f"{code}检查员{n}", department_code=code, region_codes=[REGION],
                                      kind="certified", tags=[code.lower()], method_tags=["on_site"], active=True,
                                      conflict_usccs=[], phone=f"1380000{n:04d}"))
            for role in ("op", "ap"):
                session.add(User(username=f"{code.lower()}_{role}", display_name=code, password_hash=password_hash,
                                 role="dept_operator" if role == "op" else "dept_approver", department_code=code))
        session.add(User(username="office", display_name="办公室", password_hash=password_hash, role="office"))
        objs = [InspectionObject(uscc=make_uscc(REGION, 5000 + i), name=f"测试企业{i:03d}有限公司",
                                 region_code=REGION, industry_code="1419", kind="enterprise",
                                 credit_risk_class="ABCD"[i % 4], tags=["食品"], status="active")
                for i in range(objects)]
        session.add_all(objs)
        await session.commit()
        object_ids = [o.id for o in objs]
    headers = {}
    for code in departments:
        for role in ("op", "ap"):
            headers[f"{code.lower()}_{role}"] = await login(client, f"{code.lower()}_{role}")
    headers["office"] = await login(client, "office")
    return World(headers=headers, object_ids=object_ids)


def task_body(**overrides) -> dict:
    body = {"name": "2026年食品企业联合抽查", "lead_item_codes": ["LEAD-01"],
            "responders": [{"department_code": "ENV", "item_codes": ["ENV-01"]},
                           {"department_code": "SAFE", "item_codes": ["SAFE-01"]}],
            "scope": {"region_codes": [REGION]}, "sample_size": 3}
    body.update(overrides)
    return body


async def fix_inspection_day(client, w: World, task_id: str) -> None:
    """The lead proposes today (Beijing) as the joint inspection day of every object; both responders confirm."""
    today = datetime.now(timezone(timedelta(hours=8))).date().isoformat()
    proposed = await client.post(f"/api/v1/tasks/{task_id}/schedule", headers=w["lead_op"],
                                 json={"inspection_date": today})
    assert proposed.status_code == 200, proposed.text
    for dept in ("env", "safe"):
        ok = await client.post(f"/api/v1/tasks/{task_id}/schedule", headers=w[f"{dept}_op"], json={"confirm": True})
        assert ok.status_code == 200, ok.text
