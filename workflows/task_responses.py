"""The responses to a joint task (SPEC §4 step 2), part of JointTaskWorkflow: each responding department accepts or
declines within 2 working days; a reminder before, an overdue step for the office at the deadline (which may move:
an extension, a calendar change); the office extends the deadline or removes the department."""

import asyncio
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.calendar import DeadlineAnswer, DeadlineRequest
    from domain.keys import ack_overdue_key
    from domain.records import SYSTEM_ACTOR, ActorRef, DeadlineRef, OverdueRecord, ResponderView
    from workflows import common as c
    from workflows.inputs import AcknowledgeInput, ExtendInput, RemoveResponderInput


class ResponseSteps:
    """The acknowledgement timers and updates; the workflow provides the task, its responders, stage and writes."""

    async def _wait_for_responses(self) -> None:
        """Wait for every responder; remind before and record overdue at each deadline, which may move."""
        while not self._cancelled() and any(r.state == "pending" for r in self._responders.values()):
            self._wake = False
            try:
                await workflow.wait_condition(lambda: self._wake, timeout=c.seconds_until(self._next_ack_timer()))
            except asyncio.TimeoutError:
                pass
            await self._fire_ack_timers()

    def _next_ack_timer(self) -> datetime | None:
        times = []
        for r in self._responders.values():
            if r.state == "pending" and r.due is not None:
                if not r.reminded and r.due.remind_at:
                    times.append(r.due.remind_at)
                if not r.overdue:
                    times.append(r.due.due_at)
        return min(times, default=None)

    async def _fire_ack_timers(self) -> None:
        now = workflow.now()
        for dept, r in self._responders.items():
            if r.state != "pending" or r.due is None:
                continue
            if not r.reminded and r.due.remind_at and now >= r.due.remind_at and now < r.due.due_at:
                r.reminded = True
                self._writes.notify(dept, "ack_reminder", f"任务“{self._task.name}”将于 {r.due.due_at} 到期，请尽快响应")
            if not r.overdue and now >= r.due.due_at:
                r.overdue = True
                self._writes.queue("overdue", OverdueRecord(
                    key=ack_overdue_key(self._task.task_id, dept), task_id=self._task.task_id,
                    step="acknowledgement", department_code=dept, due_at=r.due.due_at, recorded_at=now))
                self._writes.notify(None, "ack_overdue", f"{dept} 未在期限内响应任务“{self._task.name}”")
                self._writes.event(SYSTEM_ACTOR, "ack_overdue", {"due_at": r.due.due_at.isoformat()}, department=dept)
        # The overdue record flags the response row itself: no task snapshot needed (deadlines of many tasks
        # often fall due together, so this path is kept to one small write).
        await self._writes.flush()
        self._publish_search_attributes()

    @workflow.update
    async def acknowledge(self, inp: AcknowledgeInput) -> ResponderView:
        r = self._responders[inp.actor.department_code]
        now = workflow.now()
        r.state, r.reason, r.responded_at = ("accepted" if inp.accept else "declined"), inp.reason, now
        r.late = r.due is not None and now > r.due.due_at
        self._wake = True
        self._writes.event(inp.actor, "acknowledged", {"accept": inp.accept, "reason": inp.reason, "late": r.late},
                           department=r.department_code)
        await self._resolve_ack_overdue(r, "acknowledged late" if inp.accept else "declined late")
        await self._snapshot()
        return r

    @acknowledge.validator
    def _validate_acknowledge(self, inp: AcknowledgeInput) -> None:
        c.require(inp.actor.role == "dept_operator", c.FORBIDDEN, "only a department operator may acknowledge")
        r = self._responders.get(inp.actor.department_code or "")
        c.require(r is not None, c.FORBIDDEN, f"department {inp.actor.department_code} is not a responder")
        c.require(self._stage == "awaiting_responses" and r.state == "pending", c.ALREADY_DONE,
                  f"department {r.department_code} has already responded ({r.state})")
        c.require(inp.accept or bool(inp.reason.strip()), c.INVALID, "reason: required when declining")

    @workflow.update
    async def extend_response(self, inp: ExtendInput) -> ResponderView:
        r = self._responders[inp.department_code]
        self._ack_basis[inp.department_code] = (workflow.now(), inp.working_days)
        r.due = await self._ack_deadline(*self._ack_basis[inp.department_code])
        r.reminded = False
        await self._resolve_ack_overdue(r, f"extended by {inp.working_days} working days")
        r.overdue = False
        self._wake = True
        self._writes.event(inp.actor, "response_extended", {"working_days": inp.working_days, "reason": inp.reason,
                                                            "due_at": r.due.due_at.isoformat()},
                           department=inp.department_code)
        self._writes.notify(inp.department_code, "ack_extended", f"响应期限已延长至 {r.due.due_at}")
        await self._snapshot()
        return r

    @extend_response.validator
    def _validate_extend(self, inp: ExtendInput) -> None:
        self._require_pending_responder_for_office(inp.actor, inp.department_code)

    @workflow.update
    async def remove_responder(self, inp: RemoveResponderInput) -> ResponderView:
        r = self._responders[inp.department_code]
        r.state, r.reason = "removed", inp.reason
        await self._resolve_ack_overdue(r, "department removed")
        self._wake = True
        self._writes.event(inp.actor, "responder_removed", {"reason": inp.reason}, department=inp.department_code)
        await self._snapshot()
        return r

    @remove_responder.validator
    def _validate_remove(self, inp: RemoveResponderInput) -> None:
        self._require_pending_responder_for_office(inp.actor, inp.department_code)
        c.require(bool(inp.reason.strip()), c.INVALID, "reason: required when removing a department")

    def _require_pending_responder_for_office(self, actor: ActorRef, dept: str) -> None:
        c.require(actor.role == "office", c.FORBIDDEN, "only the joint-meeting office may resolve a response")
        r = self._responders.get(dept)
        c.require(r is not None, c.NOT_FOUND, f"department {dept} is not a responder of this task")
        c.require(r.state == "pending" and self._stage == "awaiting_responses", c.ALREADY_DONE,
                  f"department {dept} has already responded ({r.state})")

    async def _resolve_ack_overdue(self, r: ResponderView, resolution: str) -> None:
        if r.overdue:
            self._writes.queue("overdue", OverdueRecord(
                key=ack_overdue_key(self._task.task_id, r.department_code), task_id=self._task.task_id,
                step="acknowledgement",
                department_code=r.department_code, due_at=r.due.due_at, recorded_at=workflow.now(),
                resolved_at=workflow.now(), resolution=resolution))

    async def _ack_deadline(self, start: datetime, working_days: int | None = None) -> DeadlineRef:
        timing = self._task.timing
        answer = await c.call("compute_deadline", DeadlineRequest(
            start=start, working_days=working_days or timing.ack_working_days,
            remind_working_days_before=timing.ack_reminder_before), DeadlineAnswer)
        return DeadlineRef(due_at=answer.due_at, provisional=answer.provisional, drill=answer.drill,
                           remind_at=answer.remind_at)
