"""The read model of joint tasks (SPEC §4, §7, §8): written only by idempotent activities, read by the API.

No foreign keys on purpose: activities of one workflow may land in any order (a timeline event before the task
row), and the read model must never refuse a write the workflow already made.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base
from store.types import UTCDateTime

_ID = String(64)
_DEPT = String(32)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_stage_updated", "stage", "updated_at"),)

    task_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(256), nullable=False)
    lead_department_code: Mapped[str] = mapped_column(_DEPT, nullable=False, index=True)
    initiated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    initiator_role: Mapped[str] = mapped_column(String(32), nullable=False)
    stage: Mapped[str] = mapped_column(String(32), nullable=False)
    seed_commitment: Mapped[str] = mapped_column(String(64), nullable=False)
    input: Mapped[dict] = mapped_column(JSON, nullable=False)
    planned: Mapped[bool] = mapped_column(Boolean, nullable=False)
    plan_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    method: Mapped[str] = mapped_column(String(16), nullable=False)
    window_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    window_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancel_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")


class TaskParticipant(Base):
    """A department taking part in a task, with the items (and their versions) it checks."""

    __tablename__ = "task_participants"

    task_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    department_code: Mapped[str] = mapped_column(_DEPT, primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)  # lead | responder
    item_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    item_versions: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class TaskResponse(Base):
    """A responding department's acknowledgement and its deadline (SPEC §3: 2 working days)."""

    __tablename__ = "task_responses"

    task_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    department_code: Mapped[str] = mapped_column(_DEPT, primary_key=True, index=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    provisional: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    drill: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    overdue: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Draw(Base):
    """One task's draw: proposed (seed hidden, only the commitment), then confirmed once and never changed."""

    __tablename__ = "draws"

    task_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(64), nullable=False)
    seed_commitment: Mapped[str] = mapped_column(String(64), nullable=False)
    seed: Mapped[str | None] = mapped_column(String(64), nullable=True)  # revealed at confirmation only
    scope: Mapped[dict] = mapped_column(JSON, nullable=False)
    population_size: Mapped[int] = mapped_column(Integer, nullable=False)
    population_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    sizes: Mapped[dict] = mapped_column(JSON, nullable=False)
    ratios: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # sizes follow from these when given
    exclusions: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    selection: Mapped[list[dict]] = mapped_column(JSON, nullable=False, default=list)
    warnings: Mapped[list[dict]] = mapped_column(JSON, nullable=False, default=list)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    proposed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    confirmed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Record format 2 (docs/draw.md §7); empty for v1 draws. The final seed, like the seed, only once confirmed.
    final_seed: Mapped[str | None] = mapped_column(String(64), nullable=True)
    public_entropy: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # {"source", "value"}
    annual_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    removed_at_freeze: Mapped[list[dict]] = mapped_column(JSON, nullable=False, default=list)
    left_scope: Mapped[list[dict]] = mapped_column(JSON, nullable=False, default=list)
    exclusion_reasons: Mapped[list[dict]] = mapped_column(JSON, nullable=False, default=list)


class DrawPopulation(Base):
    """The frozen population of one stratum: ascending ids, delta-encoded and compressed (see store.draws)."""

    __tablename__ = "draw_populations"

    task_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    stratum: Mapped[str] = mapped_column(String(16), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    ids: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class TaskObject(Base):
    """A drawn object of a confirmed draw, with its joint inspection day."""

    __tablename__ = "task_objects"

    task_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    object_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False)
    name: Mapped[str] = mapped_column(String(256), nullable=False)
    region_code: Mapped[str] = mapped_column(String(6), nullable=False)
    credit_risk_class: Mapped[str] = mapped_column(String(1), nullable=False, default="")
    stratum: Mapped[str] = mapped_column(String(16), nullable=False)
    ordinal: Mapped[int] = mapped_column(Integer, nullable=False)
    inspection_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    schedule_confirmed_by: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)


class Matching(Base):
    """One department's inspector matching for a task: the record that makes a retried match a no-op."""

    __tablename__ = "matchings"

    task_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    department_code: Mapped[str] = mapped_column(_DEPT, primary_key=True)
    item_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    record: Mapped[dict] = mapped_column(JSON, nullable=False)  # domain.matching.match_record: ids, never identities
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    matched_by: Mapped[str] = mapped_column(String(64), nullable=False)


class MatchPool(Base):
    """One department's eligible inspectors for one drawn object, frozen when the draw is confirmed (docs/draw.md
    §7.5): `members` lists {"inspector_id", "pseudonym", "tier", "expert", "previous"}; the public sees pseudonyms."""

    __tablename__ = "match_pools"

    task_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    department_code: Mapped[str] = mapped_column(_DEPT, primary_key=True)
    object_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    members: Mapped[list[dict]] = mapped_column(JSON, nullable=False, default=list)
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class Assignment(Base):
    """An inspector of a department matched to an object of a task (联合检查组 member)."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_object_department", "object_id", "department_code"),)

    task_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    object_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_code: Mapped[str] = mapped_column(_DEPT, primary_key=True)
    inspector_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # 1 = best-ranked of the object
    from_adjacent_region: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expert: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Result(Base):
    """One department's form for one object of a task (一部门一对象一张表); result_id = task:object:department."""

    __tablename__ = "results"
    __table_args__ = (
        Index("ix_results_public", "state", "confidential", "published_at"),
        Index("ix_results_object", "object_id"),
        Index("ix_results_department_state", "department_code", "state"),
    )

    result_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    task_id: Mapped[str] = mapped_column(_ID, nullable=False, index=True)
    object_id: Mapped[int] = mapped_column(Integer, nullable=False)
    department_code: Mapped[str] = mapped_column(_DEPT, nullable=False)
    state: Mapped[str] = mapped_column(String(32), nullable=False)
    result_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    findings: Mapped[str] = mapped_column(Text, nullable=False, default="")
    item_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    inspector_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    inspection_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    enterprise_demands: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    demands_solved_on_site: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    confidential: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    confidential_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rectification_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    publish_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    publish_due_provisional: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    return_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class Followup(Base):
    """A follow-up (后续处置) of an object: re-check, transfer, listing, demand answer."""

    __tablename__ = "followups"

    followup_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    task_id: Mapped[str] = mapped_column(_ID, nullable=False, index=True)
    object_id: Mapped[int] = mapped_column(Integer, nullable=False)
    department_code: Mapped[str] = mapped_column(_DEPT, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    state: Mapped[str] = mapped_column(String(32), nullable=False)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    receiving_department_code: Mapped[str | None] = mapped_column(_DEPT, nullable=True)
    overdue: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    outcome: Mapped[str] = mapped_column(Text, nullable=False, default="")
    detail: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class OverdueStep(Base):
    """A missed deadline (逾期), recorded when its timer fires; resolved when the late action happens."""

    __tablename__ = "overdue_steps"
    __table_args__ = (
        Index("ix_overdue_steps_open", "resolved_at", "due_at"),
        Index("ix_overdue_steps_department", "department_code", "step"),
    )

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    task_id: Mapped[str] = mapped_column(_ID, nullable=False, index=True)
    step: Mapped[str] = mapped_column(String(32), nullable=False)
    department_code: Mapped[str] = mapped_column(_DEPT, nullable=False)
    object_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolution: Mapped[str] = mapped_column(Text, nullable=False, default="")


class TimelineEvent(Base):
    __tablename__ = "timeline_events"
    __table_args__ = (Index("ix_timeline_events_task_at", "task_id", "at"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    task_id: Mapped[str] = mapped_column(_ID, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    actor_department_code: Mapped[str | None] = mapped_column(_DEPT, nullable=True)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    object_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    department_code: Mapped[str | None] = mapped_column(_DEPT, nullable=True)
    detail: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class Notification(Base):
    """The outbox: any channel (console, SMS gateway, e-mail) consumes undelivered rows and marks them."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "delivered_at", "department_code"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    task_id: Mapped[str] = mapped_column(_ID, nullable=False, index=True)
    department_code: Mapped[str | None] = mapped_column(_DEPT, nullable=True)  # None = the office
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Notice(Base):
    """A notice (通报) the office issues to a department, counted against it."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_code: Mapped[str] = mapped_column(_DEPT, nullable=False, index=True)
    task_id: Mapped[str | None] = mapped_column(_ID, nullable=True, index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    issued_by: Mapped[str] = mapped_column(String(64), nullable=False)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class OfficeSetting(Base):
    """A rule the joint-meeting office sets for every task, by name (e.g. the annual cap of joint inspections)."""

    __tablename__ = "office_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
