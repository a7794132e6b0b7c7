"""What the draw and inspector matching take and answer (SPEC §5, §6): the requests the joint task sends to the draw
and matching activities, and the outcomes store/ records and the workflow keeps. Plain data, one Pydantic model each.
"""

from typing import Literal

from pydantic import BaseModel

from domain.records import SYSTEM_ACTOR, ActorRef, ObjectScope


class SeedPair(BaseModel):
    """The seed's commitment, and how to find the seed again: tasks launched before the seed was held by the
    workers carry the seed itself (already exposed in their histories); later ones only a nonce (domain.draw_seed)."""

    seed: str = ""
    commitment: str
    nonce: str = ""


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


class ScopeDeparture(BaseModel):
    """A drawn object that left the scope after the freeze (docs/draw.md §7.3)."""

    object_id: int
    kind: Literal["deregistered", "revoked", "out_of_scope"]
    detail: str = ""


ExclusionReason = Literal["inspected_this_year", "open_task", "deregistered", "revoked", "out_of_scope"]


class ExclusionChoice(BaseModel):
    """The lead leaves a drawn object out for a reason a warning or a departure of that object backs."""

    object_id: int
    reason: ExclusionReason


class DrawRequest(BaseModel):
    """A v1 task sends its seed; a v2 task only the nonce and commitment the activity derives the seed from."""

    task_id: str
    seed: str = ""
    scope: ObjectScope
    sample_size: int | None = None
    ratio: float | None = None
    credit_risk_ratios: dict[str, float] = {}
    exclude: list[int] = []
    actor: ActorRef = SYSTEM_ACTOR
    nonce: str = ""
    commitment: str = ""
    exclusions: list[ExclusionChoice] = []
    public_entropy_source: str | None = None
    public_entropy_value: str | None = None
    # Participating departments and their item codes: confirming freezes each one's eligible inspector pools.
    departments: dict[str, list[str]] = {}


class DrawOutcome(BaseModel):
    task_id: str
    population_size: int
    population_sha256: str
    sizes: dict[str, int]
    selection: list[ObjectRef]
    warnings: list[FusionWarning] = []
    exclusions: list[int] = []
    confirmed: bool = False
    algorithm: str = "jointcheck-draw-v1"
    left_scope: list[ScopeDeparture] = []
    exclusion_reasons: list[ExclusionChoice] = []
    public_entropy_value: str | None = None
    removed_at_freeze: int = 0

    def backing(self, object_id: int) -> list[str]:
        """The reasons for which the object may be excluded: its warnings' and departures' kinds."""
        return [n.kind for n in [*self.warnings, *self.left_scope] if n.object_id == object_id]


class InspectorRef(BaseModel):
    inspector_id: int
    name: str
    from_adjacent_region: bool = False
    expert: bool = False  # 外部专家: joins the group, never one of the two enforcement officers


class MatchRequest(BaseModel):
    """A v1 task sends its seed; a v2 task none: the activity matches from the pools frozen at the confirmation."""

    task_id: str
    seed: str = ""
    department_code: str
    item_codes: list[str]
    objects: list[ObjectRef]
    actor: ActorRef
    experts_per_object: int = 0


class MatchOutcome(BaseModel):
    department_code: str
    assignments: dict[int, list[InspectorRef]]
