"""What the draw and inspector matching take and answer (SPEC §5, §6): the requests the joint task sends to the draw
and matching activities, and the outcomes store/ records and the workflow keeps. Plain data, one Pydantic model each.
"""

from typing import Literal

from pydantic import BaseModel

from domain.records import SYSTEM_ACTOR, ActorRef, ObjectScope


class SeedPair(BaseModel):
    seed: str
    commitment: str


class ObjectRef(BaseModel):
    object_id: int
    uscc: str
    name: str
    region_code: str
    credit_risk_class: str
    stratum: str = "all"


class FusionWarning(BaseModel):
    object_id: int
    kind: Literal["inspected_this_year", "open_task"]
    detail: str


class DrawRequest(BaseModel):
    task_id: str
    seed: str
    scope: ObjectScope
    sample_size: int | None = None
    ratio: float | None = None
    credit_risk_ratios: dict[str, float] = {}
    exclude: list[int] = []
    actor: ActorRef = SYSTEM_ACTOR


class DrawOutcome(BaseModel):
    task_id: str
    population_size: int
    population_sha256: str
    sizes: dict[str, int]
    selection: list[ObjectRef]
    warnings: list[FusionWarning] = []
    exclusions: list[int] = []
    confirmed: bool = False


class InspectorRef(BaseModel):
    inspector_id: int
    name: str
    from_adjacent_region: bool = False


class MatchRequest(BaseModel):
    task_id: str
    seed: str
    department_code: str
    item_codes: list[str]
    objects: list[ObjectRef]
    actor: ActorRef


class MatchOutcome(BaseModel):
    department_code: str
    assignments: dict[int, list[InspectorRef]]
