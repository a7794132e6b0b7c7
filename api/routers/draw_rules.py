"""Rules around the draw that no single task owns (SPEC §5, §8): the office's annual cap of joint inspections per
object ("无事不扰"), and the yearly fairness report — public, and with its alerts for the office."""

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.deps import SessionDep, actor_of, require_roles
from api.schemas.fairness import FairnessReport, OfficeFairnessReport
from store import fairness, office_settings
from store.models import User

router = APIRouter(prefix="/api/v1", tags=["draw rules"])
OFFICE = require_roles("office")
OFFICE_OR_ADMIN = require_roles("office", "admin")
Year = Annotated[int, Path(ge=2000, le=2999, description="calendar year (Beijing)")]


class DrawSettings(BaseModel):
    annual_inspection_cap: int | None = Field(
        default=None, ge=1, le=100,
        description="joint inspections one object may receive per year; objects at the cap leave the population "
                    "at the freeze of later draws (the record says which). null: no cap, the default")


@router.get("/office/draw-settings", response_model=DrawSettings)
async def draw_settings(session: SessionDep, _user: User = OFFICE_OR_ADMIN) -> DrawSettings:
    """The office's rules for every draw."""
    return DrawSettings(annual_inspection_cap=await office_settings.annual_cap(session))


@router.put("/office/draw-settings", response_model=DrawSettings, responses={403: {"description": "not the office"}})
async def set_draw_settings(body: DrawSettings, session: SessionDep, office: User = OFFICE) -> DrawSettings:
    """Set or lift the annual cap; draws frozen from now on apply it (audited)."""
    await office_settings.set_annual_cap(session, body.annual_inspection_cap, actor=actor_of(office),
                                         now=datetime.now(timezone.utc))
    await session.commit()
    return body


@router.get("/public/fairness/{year}", response_model=FairnessReport)
async def public_fairness(year: Year, session: SessionDep) -> dict:
    """The year's draws: per credit-risk class, objects drawn of those that could be; never drawn; drawn most."""
    return await fairness.public_report(session, year)


@router.get("/office/fairness/{year}", response_model=OfficeFairnessReport,
            responses={403: {"description": "not the office or the admin"}})
async def office_fairness(year: Year, session: SessionDep, _user: User = OFFICE_OR_ADMIN) -> dict:
    """The public report, plus objects and inspectors picked far more often than chance (exact tail < 0.001)."""
    return await fairness.office_report(session, year)
