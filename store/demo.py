"""The demo data set for `make run`: a city's departments, accounts for each role, items, objects, inspectors."""

import random
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.identifiers import make_id_card, make_uscc
from store import audit
from store.models import Department, InspectionObject, Inspector, Item, RegionAdjacency, User
from store.passwords import hash_password

DEMO_PASSWORD = "Jointcheck-2026"  # meets domain.passwords (12+ characters, 3 kinds)
CITY = ("430300", "湘潭市")
COUNTIES = {"430302": "雨湖区", "430304": "岳塘区", "430321": "湘潭县", "430381": "湘乡市", "430382": "韶山市"}
ADJACENT = {"430302": ["430304", "430321"], "430304": ["430302", "430321"],
            "430321": ["430302", "430304", "430381", "430382"], "430381": ["430321", "430382"],
            "430382": ["430321", "430381"]}
# code, name, short, items: (code suffix, name, category, class, cap, required tag, object tag, method)
DEPARTMENTS = [
    ("XT-SCJG", "湘潭市市场监督管理局", "scjg", [
        ("01", "食品生产企业监督检查", "general", "A", "0.05", "食品", "食品", "on_site"),
        ("02", "企业公示信息检查", "general", "A", "0.03", "登记", "", "written"),
        ("03", "特种设备使用单位监督检查", "key", "B", None, "特种设备", "特种设备", "on_site")]),
    ("XT-STHJ", "湘潭市生态环境局", "sthj", [
        ("01", "排污单位环境监督检查", "key", "B", None, "环保", "排污", "on_site")]),
    ("XT-YJGL", "湘潭市应急管理局", "yjgl", [
        ("01", "危险化学品经营企业安全检查", "key", "B", None, "危化品", "危化品", "on_site")]),
    ("XT-WSJK", "湘潭市卫生健康委员会", "wsjk", [
        ("01", "公共场所卫生监督检查", "general", "A", "0.05", "卫生", "公共场所", "on_site")]),
    ("XT-WLGT", "湘潭市文化旅游广电体育局", "wlgt", [
        ("01", "营业性演出场所检查", "general", "A", "0.05", "文化", "娱乐", "on_site")]),
    ("XT-ZJ", "湘潭市住房和城乡建设局", "zj", [
        ("01", "建筑施工企业安全生产检查", "general", "A", "0.05", "建筑", "建筑", "on_site")]),
]
# industry code (GB/T 4754), name fragment, tags
INDUSTRIES = [("1419", "食品", ["食品"]), ("5221", "超市", ["食品", "公共场所"]), ("6210", "餐饮", ["食品"]),
              ("2614", "化工", ["危化品", "排污"]), ("5166", "石化贸易", ["危化品"]), ("8810", "文化传媒", ["娱乐"]),
              ("4710", "建筑工程", ["建筑", "特种设备"]), ("8051", "洗浴服务", ["公共场所"]),
              ("3311", "机械制造", ["特种设备", "排污"]), ("7212", "商务服务", [])]
RISK_WEIGHTS = {"A": 30, "B": 45, "C": 20, "D": 5}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀华平刚"
OBJECT_COUNT = 3000

DEMO_ACCOUNTS: list[tuple[str, str, str | None, str]] = [
    ("admin", "admin", None, "平台管理员"),
    ("office", "office", None, "联席会议办公室"),
] + [(f"{short}_{suffix}", role, code, f"{name}{label}")
     for code, name, short, _ in DEPARTMENTS
     for suffix, role, label in (("op", "dept_operator", "操作员"), ("ap", "dept_approver", "审批人"))]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


async def load_demo(session: AsyncSession) -> None:
    """Insert the whole demo set in the caller's transaction; deterministic, so every laptop sees the same."""
    rng = random.Random(20261123)
    session.add(Department(code="XT-OFFICE", name="湘潭市“双随机、一公开”联席会议办公室", level="city",
                           region_code=CITY[0]))
    for code, name, _, _ in DEPARTMENTS:
        session.add(Department(code=code, name=name, level="city", region_code=CITY[0]))
    session.add_all(RegionAdjacency(region_code=r, adjacent_code=a) for r, adj in ADJACENT.items() for a in adj)
    await session.flush()
    password_hash = hash_password(DEMO_PASSWORD)
    for username, role, dept, label in DEMO_ACCOUNTS:
        session.add(User(username=username, display_name=label, password_hash=password_hash, role=role,
                         department_code=dept, phone=f"1387320{rng.randrange(10000):04d}"))
    for code, _, short, items in DEPARTMENTS:
        for suffix, name, category, cls, cap, tag, _obj_tag, method in items:
            session.add(Item(
                code=f"{code}-{suffix}", version=1, is_current=True, department_code=code, name=name,
                legal_basis="《优化营商环境条例》及相关法律法规", subject=DEPARTMENTS[0][1] if short == "scjg" else code,
                content=f"{name}：检查相关资质、制度落实和现场情况", method=method, category=category,
                item_class=cls, annual_ratio_cap=Decimal(cap) if cap else None, frequency="每年一次",
                required_tags=[tag], object_tags=[_obj_tag] if _obj_tag else [], published=True,
                created_by=f"{short}_op"))
    regions = list(COUNTIES)
    for serial in range(1, OBJECT_COUNT + 1):
        region = regions[serial % len(regions)]
        industry, fragment, tags = INDUSTRIES[serial % len(INDUSTRIES)]
        risk = rng.choices(list(RISK_WEIGHTS), weights=list(RISK_WEIGHTS.values()))[0]
        kind = "individual" if serial % 7 == 0 else "enterprise"
        suffix = "经营部" if kind == "individual" else "有限公司"
        session.add(InspectionObject(
            uscc=make_uscc(region, serial), name=f"湘潭{COUNTIES[region]}{fragment}{serial:04d}{suffix}",
            address=f"湖南省湘潭市{COUNTIES[region]}建设路{serial % 300 + 1}号", legal_representative=_person(rng),
            region_code=region, industry_code=industry, kind=kind, credit_risk_class=risk,
            tags=list(tags) + [f"风险{risk}"], status="active" if serial % 50 else "deregistered",
            phone=f"1397320{serial:04d}"))
    serial = 0
    for code, _, short, items in DEPARTMENTS:
        dept_tags = sorted({it[5] for it in items})
        for region in regions:
            for _ in range(4):
                serial += 1
                birth = date(1970 + serial % 30, 1 + serial % 12, 1 + serial % 28)
                session.add(Inspector(
                    id_card_number=make_id_card(region, birth, serial), name=_person(rng), department_code=code,
                    region_codes=[region], certificate_number=f"湘潭执{serial:06d}", phone=f"1357320{serial:04d}",
                    kind="certified" if serial % 5 else "qualified", tags=dept_tags, method_tags=["on_site"],
                    active=serial % 23 != 0, conflict_usccs=[]))
    await session.flush()
    await audit.append(session, actor=audit.SYSTEM, action="demo.load", target="demo",
                       change={"departments": len(DEPARTMENTS) + 1, "objects": OBJECT_COUNT, "inspectors": serial})
