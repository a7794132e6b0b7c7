"""Rules the joint-meeting office sets for every task (SPEC §5): read by the draw, changed by the office, audited."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from store import audit
from store.models.tasks import OfficeSetting

ANNUAL_CAP = "annual_inspection_cap"


async def annual_cap(session: AsyncSession) -> int | None:
    """How many joint inspections one object may receive per year ("无事不扰"); None: no cap (the default)."""
    row = await session.get(OfficeSetting, ANNUAL_CAP)
    return None if row is None else row.value.get("cap")


async def set_annual_cap(session: AsyncSession, cap: int | None, *, actor: audit.Actor, now: datetime) -> None:
    """Set or lift the cap, in the caller's transaction, with its audit record; draws frozen later apply it."""
    row = await session.get(OfficeSetting, ANNUAL_CAP, with_for_update=True)
    before = None if row is None else row.value.get("cap")
    if row is None:
        row = OfficeSetting(name=ANNUAL_CAP, value={"cap": cap}, updated_at=now, updated_by=actor.username)
        session.add(row)
    else:
        row.value, row.updated_at, row.updated_by = {"cap": cap}, now, actor.username
    await audit.append(session, actor=actor, action="office.annual_cap", target=f"office_setting:{ANNUAL_CAP}",
                       change={"before": before, "after": cap}, at=now)
