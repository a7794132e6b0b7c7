"""ObjectInspectionWorkflow: one drawn object of a joint task — forms, approval, publication, follow-up."""

import asyncio
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.calendar import DeadlineAnswer, DeadlineRequest
    from domain.keys import overdue_key, result_id
    from domain.lifecycle import ENTERABLE_FORM_STATES, FINAL_FORM_STATES, followup_step
    from domain.records import (
        SYSTEM_ACTOR, ActorRef, DeadlineRef, FollowupRecord, FollowupView, FormRecord, OverdueRecord, ResultInput,
    )
    from domain.workdays import local_date
    from workflows import common as c
    from workflows.inputs import CalendarChanged, ObjectInput, ReviewInput
    from workflows.object_followups import FollowupSteps
    from workflows.read_model import ReadModel
    from workflows.views import FormView, ObjectProgress


@workflow.defn
class ObjectInspectionWorkflow(FollowupSteps):
    @workflow.init
    def __init__(self, inp: ObjectInput) -> None:
        # The forms exist before `run` starts: an update may arrive in the very first activation.
        self._in = inp
        self._forms: dict[str, FormView] = {
            dept: FormView(result_id=result_id(inp.task_id, inp.obj.object_id, dept), department_code=dept,
                           state="not_entered") for dept in inp.departments}
        self._entries: dict[str, ResultInput] = {}
        self._publish_due: dict[str, DeadlineRef] = {}
        self._reminded: set[str] = set()
        self._followups: dict[str, FollowupView] = {}
        self._followup_starts: dict[str, tuple[datetime, int]] = {}
        self._revision = 0
        self._reports = 0
        self._reporting = False
        self._writes = ReadModel(inp.task_id, inp.obj.object_id)
        self._deadlines = c.DeadlineCache()
        self._overdue_keys: set[str] = set()
        self._cancelled = False
        # The parent starts with an object whose forms are all to be entered: nothing to tell it yet.
        self._reported = self._summary()

    @workflow.run
    async def run(self, inp: ObjectInput) -> ObjectProgress:
        self._writes.event(SYSTEM_ACTOR, "object_inspection_started",
                           {"departments": inp.departments, "date": str(inp.inspection_date)})
        await self._report()
        while not self._cancelled and not self._done():
            # A timer is restarted only for an earlier deadline: one that fires with nothing due costs one
            # activation, while restarting on every change costs a cancelled and a started timer each time.
            timer = self._next_timer()
            try:
                await workflow.wait_condition(
                    lambda: self._cancelled or self._done() or self._earlier_than(timer),
                    timeout=c.seconds_until(timer))
            except asyncio.TimeoutError:
                pass
            await self._fire_timers()
        await self._writes.flush()
        await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self._reporting)
        # The parent takes the final state from this result, which outranks every report sent before it.
        return self.progress().model_copy(update={"revision": self._reports + 1})

    def _earlier_than(self, timer: datetime | None) -> bool:
        upcoming = self._next_timer()
        return upcoming is not None and (timer is None or upcoming < timer)

    # ---- timers: publication within 20 working days, follow-up deadlines -----------------------------

    def _next_timer(self) -> datetime | None:
        times = []
        for dept, due in self._publish_due.items():
            if self._forms[dept].state in FINAL_FORM_STATES:
                continue
            if dept not in self._reminded and due.remind_at:
                times.append(due.remind_at)
            if not self._forms[dept].late:
                times.append(due.due_at)
        times += [f.due_at for f in self._followups.values() if f.state != "done" and f.due_at and not f.overdue]
        return min(times, default=None)

    async def _fire_timers(self) -> None:
        now = workflow.now()
        for dept, due in self._publish_due.items():
            form = self._forms[dept]
            if form.state in FINAL_FORM_STATES:
                continue
            if dept not in self._reminded and due.remind_at and due.remind_at <= now < due.due_at:
                self._reminded.add(dept)
                self._writes.notify(dept, "publish_reminder", f"{self._in.obj.name} 的检查结果须于 {due.due_at} 前公示")
            if not form.late and now >= due.due_at:
                form.late = True
                await self._overdue("publication", dept, due.due_at, form.result_id)
                await self._save_form(dept, SYSTEM_ACTOR)
        for f in self._followups.values():
            if f.state != "done" and f.due_at and not f.overdue and now >= f.due_at:
                f.overdue = True
                step, dept = followup_step(f.kind, f.state, f.department_code, f.receiving_department_code)
                await self._overdue(step, dept, f.due_at, f.followup_id)
                await self._save_followup(f, SYSTEM_ACTOR)
        await self._report()

    # ---- result forms: one per department per object -------------------------------------------------

    @workflow.update
    async def submit_result(self, inp: ResultInput) -> FormView:
        dept = inp.actor.department_code
        form = self._forms[dept]
        first = form.state == "not_entered"
        self._entries[dept] = inp
        form.state, form.result_code, form.submitted_at, form.return_reason = (
            "awaiting_approval", inp.result_code, workflow.now(), "")
        if first:
            # "Completed" is when the department enters its form; the date on the form may be earlier.
            self._publish_due[dept] = await self._deadline(self._completion_start(inp), "publish")
            form.publish_due_at = self._publish_due[dept].due_at
        await self._save_form(dept, inp.actor)
        self._writes.event(inp.actor, "result_submitted", {"result_code": inp.result_code, "resubmission": not first},
                           department=dept)
        await self._report()
        return form

    @submit_result.validator
    def _validate_submit(self, inp: ResultInput) -> None:
        dept = inp.actor.department_code
        c.require(inp.actor.role == "dept_operator", c.FORBIDDEN, "only a department operator enters results")
        c.require(dept in self._forms, c.FORBIDDEN, f"department {dept} does not inspect this object")
        c.require(not self._cancelled, c.WRONG_STAGE, "the task was cancelled")
        state = self._forms[dept].state
        c.require(state in ENTERABLE_FORM_STATES, c.ALREADY_DONE,
                  f"department {dept} has already entered its form for this object ({state}); one form per department")
        c.require(inp.result_code != "corrected_on_site" or inp.rectification_due is not None, c.INVALID,
                  "rectification_due: required when the result is corrected_on_site")
        c.require(not inp.confidential or bool(inp.confidential_reason.strip()), c.INVALID,
                  "confidential_reason: required when the form is confidential")
        unknown = sorted(set(inp.item_codes) - set(self._in.item_codes.get(dept, [])))
        c.require(not unknown, c.INVALID, f"item_codes: {unknown} are not items of department {dept} in this task")
        # "Who inspects, enters": only the department's inspectors matched to this object (children started before
        # the parent passed the matching along have none to check against).
        matched = self._in.inspectors.get(dept)
        strangers = sorted(set(inp.inspector_ids) - set(matched or []))
        c.require(matched is None or not strangers, c.INVALID,
                  f"inspector_ids: {strangers} were not matched to this object for department {dept}")
        c.require(inp.inspection_date <= local_date(workflow.now()), c.INVALID,
                  "inspection_date: must not be in the future")

    @workflow.update
    async def review_result(self, inp: ReviewInput) -> FormView:
        dept = inp.department_code
        form = self._forms[dept]
        entry = self._entries[dept]
        if inp.approve:
            now = workflow.now()
            form.state = "confidential" if entry.confidential else "published"
            form.published_at = None if entry.confidential else now
            form.late = form.late or (now > self._publish_due[dept].due_at)
            await self._open_followups(dept, entry, inp.actor)
        else:
            form.state, form.return_reason = "returned", inp.reason
        await self._save_form(dept, inp.actor)
        self._writes.event(inp.actor, "result_approved" if inp.approve else "result_returned",
                           {"reason": inp.reason, "state": form.state}, department=dept)
        if form.state in FINAL_FORM_STATES:
            await self._resolve_overdue("publication", dept, form.result_id)
        await self._report()
        return form

    @review_result.validator
    def _validate_review(self, inp: ReviewInput) -> None:
        c.require_department_role(inp.actor, "dept_approver", inp.department_code, "approve this result")
        form = self._forms.get(inp.department_code)
        c.require(form is not None, c.NOT_FOUND, f"no form of department {inp.department_code} for this object")
        c.require(form.state == "awaiting_approval", c.WRONG_STAGE, f"the form is {form.state}, not awaiting approval")
        c.require(inp.approve or bool(inp.reason.strip()), c.INVALID, "reason: required when returning a form")

    # ---- signals and query ---------------------------------------------------------------------------

    @workflow.signal
    async def calendar_changed(self, change: CalendarChanged) -> None:
        """Recompute deadlines counted in working days that are still running."""
        self._deadlines.clear()
        for dept, due in list(self._publish_due.items()):
            if self._forms[dept].state not in FINAL_FORM_STATES and not due.drill:
                self._publish_due[dept] = await self._deadline(self._completion_start(self._entries[dept]), "publish")
                self._forms[dept].publish_due_at = self._publish_due[dept].due_at
        for fid, (start, days) in self._followup_starts.items():
            f = self._followups[fid]
            if f.state != "done":
                answer = await c.call("compute_deadline", DeadlineRequest(start=start, working_days=days),
                                      DeadlineAnswer)
                f.due_at = answer.due_at
        await self._report()

    @workflow.signal
    def cancel(self, reason: str) -> None:
        self._cancelled = True

    @workflow.query
    def progress(self) -> ObjectProgress:
        return ObjectProgress(object_id=self._in.obj.object_id, forms=list(self._forms.values()),
                              followups=list(self._followups.values()), done=self._done() or self._cancelled)

    # ---- helpers -------------------------------------------------------------------------------------

    def _done(self) -> bool:
        forms_final = all(f.state in FINAL_FORM_STATES for f in self._forms.values())
        return forms_final and all(f.state == "done" for f in self._followups.values())

    def _completion_start(self, entry: ResultInput) -> datetime:
        submitted = self._forms[entry.actor.department_code].submitted_at or workflow.now()
        return submitted

    async def _deadline(self, start: datetime, which: str) -> DeadlineRef:
        t = self._in.timing
        days, remind = {"publish": (t.publish_working_days, t.publish_reminder_before),
                        "demand": (t.demand_working_days, 0),
                        "transfer": (t.transfer_ack_working_days, 0)}[which]
        answer = await self._deadlines.get(DeadlineRequest(start=start, working_days=days,
                                                           remind_working_days_before=remind))
        return DeadlineRef(due_at=answer.due_at, provisional=answer.provisional, drill=answer.drill,
                           remind_at=answer.remind_at)

    async def _report(self) -> None:
        """Write what is queued (an update answers once its writes are readable), then tell the task — without
        waiting — if what it acts on changed."""
        await self._writes.flush()
        # A done object tells the task by finishing (its result): a last report would only cost both an activation.
        if not self._reporting and not self._finished() and self._news():
            self._reporting = True
            asyncio.create_task(self._send_reports())

    async def _send_reports(self) -> None:
        """Signal the task until it has the latest summary; changes made while a signal is on its way are sent
        together in the next one, so a burst of actions costs the task one or two activations, not one each."""
        try:
            while self._news():
                self._reported = self._summary()
                self._reports += 1
                progress = self.progress().model_copy(update={"revision": self._reports})
                await workflow.get_external_workflow_handle(self._in.parent_workflow_id).signal(
                    "object_progress", progress)
        finally:
            self._reporting = False

    def _news(self) -> bool:
        """Whether the task should hear from this object: its stage or overdue flag changed, or a deadline earlier
        than the one last reported appeared. A deadline met is not news by itself: the task's next due time may
        then name it until the object next reports or it passes (never later than the true next deadline)."""
        stages, due, overdue, finished = self._summary()
        was_stages, was_due, was_overdue, was_finished = self._reported
        earlier = due is not None and (was_due is None or was_due <= workflow.now() or due < was_due)
        return (stages, overdue, finished) != (was_stages, was_overdue, was_finished) or earlier

    def _summary(self) -> tuple:
        """What the task workflow acts on: the object's stage, its next deadline, whether it is overdue, done."""
        now = workflow.now()
        pending = [f for f in self._forms.values() if f.state not in FINAL_FORM_STATES]
        open_followups = [f for f in self._followups.values() if f.state != "done"]
        dues = [f.publish_due_at for f in pending if f.publish_due_at] + [f.due_at for f in open_followups if f.due_at]
        stages = frozenset("entering" if f.state == "not_entered" else "final" if f.state in FINAL_FORM_STATES
                           else "approving" for f in self._forms.values())
        overdue = any(f.late for f in pending) or any(f.overdue for f in open_followups)
        return stages, min((d for d in dues if d > now), default=None), overdue, self._finished()

    def _finished(self) -> bool:
        return self._done() or self._cancelled

    async def _save_form(self, dept: str, actor: ActorRef) -> None:
        self._revision += 1
        form = self._forms[dept]
        due = self._publish_due.get(dept)
        self._writes.queue("forms", FormRecord(
            task_id=self._in.task_id, object_id=self._in.obj.object_id, department_code=dept,
            result_id=form.result_id, state=form.state, form=self._entries.get(dept), publish_due=due,
            late=form.late, return_reason=form.return_reason, actor=actor, at=workflow.now(),
            revision=self._revision))

    async def _save_followup(self, f: FollowupView, actor: ActorRef, detail: dict | None = None) -> None:
        self._revision += 1
        self._writes.queue("followups", FollowupRecord(
            task_id=self._in.task_id, object_id=self._in.obj.object_id, followup=f, actor=actor, at=workflow.now(),
            detail=detail or {}, revision=self._revision))

    async def _overdue(self, step: str, dept: str, due_at: datetime, ref: str) -> None:
        self._overdue_keys.add(overdue_key(ref, step))
        self._writes.queue("overdue", OverdueRecord(
            key=overdue_key(ref, step), task_id=self._in.task_id, step=step, department_code=dept, due_at=due_at,
            recorded_at=workflow.now(), object_id=self._in.obj.object_id))
        self._writes.notify(None, f"{step}_overdue", f"{dept}：{self._in.obj.name} 的{step}已逾期")
        self._writes.event(SYSTEM_ACTOR, f"{step}_overdue", {"due_at": due_at.isoformat()}, department=dept)

    async def _resolve_overdue(self, step: str, dept: str | None, ref: str) -> None:
        if overdue_key(ref, step) not in self._overdue_keys:
            return
        self._writes.queue("overdue", OverdueRecord(
            key=overdue_key(ref, step), task_id=self._in.task_id, step=step, department_code=dept or "",
            due_at=workflow.now(), recorded_at=workflow.now(), object_id=self._in.obj.object_id,
            resolved_at=workflow.now(), resolution="done"))
