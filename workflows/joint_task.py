"""JointTaskWorkflow: one joint task from launch to close (SPEC §4), its deadlines held as timers."""

import asyncio
from datetime import date, datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.draw_records import DrawOutcome, MatchOutcome, SeedPair
    from domain.keys import object_workflow_id
    from domain.lifecycle import FINAL_FORM_STATES, FINAL_STAGES, OBJECT_STAGES, Stage, task_stage_of_forms
    from domain.records import SYSTEM_ACTOR, ActorRef, ResponderView, ScheduleRecord, TaskInput, TaskSnapshot
    from domain.workdays import local_date
    from workflows import common as c
    from workflows.inputs import CalendarChanged, CancelInput, ObjectInput, ScheduleInput
    from workflows.object_inspection import ObjectInspectionWorkflow
    from workflows.read_model import ReadModel
    from workflows.task_draw import DrawSteps
    from workflows.task_responses import ResponseSteps
    from workflows.views import ObjectProgress, TaskState


@workflow.defn
class JointTaskWorkflow(ResponseSteps, DrawSteps):
    @workflow.init
    def __init__(self, task: TaskInput) -> None:
        self._task = task
        self._stage: Stage = "awaiting_responses"
        self._seed: SeedPair | None = None
        self._responders: dict[str, ResponderView] = {}
        # Per responder: the start and length (None = the standard 2 working days) its deadline is counted from.
        self._ack_basis: dict[str, tuple[datetime, int | None]] = {}
        self._draw: DrawOutcome | None = None
        self._matched: dict[str, MatchOutcome] = {}
        self._schedule: dict[int, date] = {}
        self._schedule_confirmed: set[str] = set()
        self._objects: dict[int, ObjectProgress] = {}
        self._cancel_reason = ""
        self._wake = False
        self._launched = False
        self._writes = ReadModel(task.task_id)
        self._published_attributes: tuple | None = None
        self._drawing = asyncio.Lock()
        self._entropy_value: str | None = None  # the public random value, once given at the first draw

    # ---- the lifecycle, read top to bottom like SPEC §4 ------------------------------------------------

    @workflow.run
    async def run(self, task: TaskInput) -> TaskState:
        await self._lifecycle(task)
        # Whichever way the task ended (closed, cancelled), the update that ended it still gets its answer.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state()

    async def _lifecycle(self, task: TaskInput) -> None:
        await self._commit_seed()
        due = await self._ack_deadline(task.launched_at)
        for p in task.responders:
            self._responders[p.department_code] = ResponderView(department_code=p.department_code,
                                                                state="pending", due=due)
            self._ack_basis[p.department_code] = (task.launched_at, None)
        await self._enter("awaiting_responses", task.initiated_by, "launched",
                          {"responders": list(self._responders), "seed_commitment": self._seed.commitment})
        for dept in self._responders:
            self._writes.notify(dept, "pushed", f"联合抽查任务“{task.name}”已推送，请在期限内响应")
        await self._writes.flush()
        self._launched = True
        await self._wait_for_responses()
        if self._cancelled():
            return
        await self._enter("drawing", SYSTEM_ACTOR, "responses_complete",
                          {d: r.state for d, r in self._responders.items()})
        await self._until(lambda: self._draw is not None and self._draw.confirmed)
        if self._cancelled():
            return
        if not self._draw.selection:
            await self._enter("closed", SYSTEM_ACTOR, "closed", {"reason": "the draw selected no object"})
            return
        await self._enter("matching", SYSTEM_ACTOR, "draw_confirmed", {"objects": len(self._draw.selection)})
        await self._until(lambda: set(self._matched) >= set(self._participants()))
        if self._cancelled():
            return
        await self._enter("scheduling", SYSTEM_ACTOR, "matching_complete", {})
        await self._until(self._schedule_complete)
        if self._cancelled():
            return
        # Children first (started together: one activation, not one per object); once the stage reads
        # "inspecting", every object accepts its forms.
        children = await asyncio.gather(*(self._start_object(obj) for obj in self._draw.selection))
        await self._enter("inspecting", SYSTEM_ACTOR, "schedule_confirmed",
                          {str(k): v.isoformat() for k, v in self._schedule.items()})
        finished = [asyncio.create_task(self._object_finished(child)) for child in children]
        await self._until(lambda: self._all_objects(lambda p: p.done))
        if self._cancelled():
            for obj in self._draw.selection:
                await workflow.get_external_workflow_handle(object_workflow_id(task.task_id, obj.object_id)) \
                    .signal("cancel", self._cancel_reason)
        await asyncio.gather(*finished, return_exceptions=True)
        if not self._cancelled():
            await self._enter("closed", SYSTEM_ACTOR, "closed", {})

    async def _start_object(self, obj):
        task = self._task
        participants = self._participants()
        items = {task.lead.department_code: task.lead.item_codes}
        items.update({p.department_code: p.item_codes for p in task.responders if p.department_code in participants})
        inspectors = {d: [i.inspector_id for i in m.assignments.get(obj.object_id, [])]
                      for d, m in self._matched.items()}
        self._objects[obj.object_id] = ObjectProgress(object_id=obj.object_id, forms=[], followups=[], done=False)
        return await workflow.start_child_workflow(
            ObjectInspectionWorkflow.run,
            ObjectInput(task_id=task.task_id, parent_workflow_id=workflow.info().workflow_id, obj=obj,
                        departments=participants, lead_department_code=task.lead.department_code,
                        item_codes=items, inspectors=inspectors, inspection_date=self._schedule.get(obj.object_id),
                        timing=task.timing),
            id=object_workflow_id(task.task_id, obj.object_id))

    # ---- updates: every human action, validated ------------------------------------------------------

    @workflow.update
    async def launch_summary(self) -> TaskState:
        """Answers once the task is launched (seed committed, deadlines set)."""
        await workflow.wait_condition(lambda: self._launched)
        return self.state()

    @workflow.update
    async def schedule(self, inp: ScheduleInput) -> TaskState:
        if inp.confirm:
            self._schedule_confirmed.add(inp.actor.department_code)
        else:
            ids = inp.object_ids or [o.object_id for o in self._draw.selection]
            self._schedule.update({i: inp.inspection_date for i in ids})
            self._schedule_confirmed.clear()
            for dept in self._accepted_responders():
                self._writes.notify(dept, "schedule_proposed", f"牵头部门提议联合检查日 {inp.inspection_date}，请确认")
        self._writes.queue("schedules", ScheduleRecord(
            task_id=self._task.task_id, object_ids=sorted(self._schedule), actor=inp.actor,
            inspection_date=inp.inspection_date or max(self._schedule.values()),
            confirmed_by=sorted(self._schedule_confirmed)))
        self._writes.event(inp.actor, "schedule_confirmed" if inp.confirm else "schedule_proposed",
                           {"date": inp.inspection_date.isoformat() if inp.inspection_date else None,
                            "objects": inp.object_ids}, department=inp.actor.department_code)
        await self._writes.flush()
        self._wake = True
        return self.state()

    @schedule.validator
    def _validate_schedule(self, inp: ScheduleInput) -> None:
        c.require(self._stage == "scheduling", c.WRONG_STAGE, f"scheduling is not open (stage {self._stage})")
        if inp.confirm:
            c.require(inp.actor.department_code in self._accepted_responders(), c.FORBIDDEN,
                      "only a responding department confirms the joint inspection day")
            c.require(inp.actor.role == "dept_operator", c.FORBIDDEN, "only a department operator may confirm")
            c.require(len(self._schedule) == len(self._draw.selection), c.WRONG_STAGE,
                      "the lead has not proposed a day for every object yet")
            return
        self._require_lead(inp.actor, "propose the joint inspection day")
        c.require(inp.inspection_date is not None, c.INVALID, "inspection_date: required to propose a day")
        c.require(inp.inspection_date >= local_date(workflow.now()), c.INVALID,
                  "inspection_date: must not be in the past")
        selected = {o.object_id for o in self._draw.selection}
        unknown = [i for i in (inp.object_ids or []) if i not in selected]
        c.require(not unknown, c.NOT_FOUND, f"object_ids: {unknown} are not drawn objects of this task")

    @workflow.update
    async def cancel(self, inp: CancelInput) -> TaskState:
        self._cancel_reason = inp.reason
        self._stage = "cancelled"
        self._wake = True
        self._writes.event(inp.actor, "cancelled", {"reason": inp.reason})
        await self._snapshot()
        return self.state()

    @cancel.validator
    def _validate_cancel(self, inp: CancelInput) -> None:
        is_lead = inp.actor.role == "dept_operator" and inp.actor.department_code == self._task.lead.department_code
        c.require(is_lead or inp.actor.role == "office", c.FORBIDDEN, "only the lead department or the office may cancel")
        c.require(self._stage not in FINAL_STAGES, c.WRONG_STAGE, f"the task is already {self._stage}")
        c.require(bool(inp.reason.strip()), c.INVALID, "reason: required to cancel a task")

    # ---- signals and query ---------------------------------------------------------------------------

    async def _object_finished(self, child) -> None:
        """An object's final state is its workflow's result (it outranks the reports it sent before)."""
        await self._take_progress(await child)

    @workflow.signal
    async def object_progress(self, progress: ObjectProgress) -> None:
        """An object's report, sent when what the task acts on changed (stage, next deadline, overdue)."""
        await self._take_progress(progress)

    async def _take_progress(self, progress: ObjectProgress) -> None:
        held = self._objects.get(progress.object_id)
        if held is not None and progress.revision < held.revision:
            return  # overtaken by a newer report of the same object (signals need not arrive in order)
        self._objects[progress.object_id] = progress
        self._wake = True
        stage = self._object_stage()
        if stage and stage != self._stage and self._stage not in FINAL_STAGES:
            await self._enter(stage, SYSTEM_ACTOR, f"stage_{stage}", {})
        else:
            self._publish_search_attributes()

    @workflow.signal
    async def calendar_changed(self, change: CalendarChanged) -> None:
        """The office changed a year of the calendar: recompute every pending acknowledgement deadline."""
        for dept, r in self._responders.items():
            if r.state == "pending" and r.due is not None and not r.due.drill:
                # Recount from the same start and length, so an office extension survives the new calendar.
                r.due = await self._ack_deadline(*self._ack_basis.get(dept, (self._task.launched_at, None)))
        for obj_id in self._objects:
            await workflow.get_external_workflow_handle(object_workflow_id(self._task.task_id, obj_id)) \
                .signal("calendar_changed", change)
        self._wake = True
        await self._snapshot()

    @workflow.query
    def state(self) -> TaskState:
        t = self._task
        return TaskState(
            task_id=t.task_id, stage=self._stage, lead_department_code=t.lead.department_code,
            seed_commitment=self._seed.commitment if self._seed else "", responders=list(self._responders.values()),
            participants=self._participants(), matched_departments=sorted(self._matched),
            selection=self._draw.selection if self._draw and self._draw.confirmed else [],
            draw=self._draw, schedule=self._schedule, schedule_confirmed_by=sorted(self._schedule_confirmed),
            objects=self._objects, cancel_reason=self._cancel_reason,
            public_entropy_source=t.public_entropy_source if self._seed and self._seed.nonce else None)

    # ---- helpers -------------------------------------------------------------------------------------

    def _cancelled(self) -> bool:
        return self._stage == "cancelled"

    async def _until(self, condition) -> None:
        await workflow.wait_condition(lambda: self._cancelled() or condition())

    def _participants(self) -> list[str]:
        return [self._task.lead.department_code, *self._accepted_responders()]

    def _accepted_responders(self) -> list[str]:
        return [d for d, r in self._responders.items() if r.state == "accepted"]

    def _items_of(self, dept: str) -> list[str]:
        if dept == self._task.lead.department_code:
            return self._task.lead.item_codes
        return next(p.item_codes for p in self._task.responders if p.department_code == dept)

    def _schedule_complete(self) -> bool:
        every_object = len(self._schedule) == len(self._draw.selection)
        return every_object and set(self._accepted_responders()) <= self._schedule_confirmed

    def _all_objects(self, predicate) -> bool:
        return bool(self._objects) and all(predicate(p) for p in self._objects.values())

    def _object_stage(self) -> Stage | None:
        if self._stage not in OBJECT_STAGES:
            return None
        return task_stage_of_forms([f.state for p in self._objects.values() for f in p.forms])

    def _require_lead(self, actor: ActorRef, what: str) -> None:
        c.require_department_role(actor, "dept_operator", self._task.lead.department_code, what)

    async def _enter(self, stage: Stage, actor: ActorRef, event: str, detail: dict) -> None:
        if not self._cancelled():
            self._stage = stage
        self._writes.event(actor, event, {**detail, "stage": self._stage})
        await self._snapshot()

    async def _snapshot(self) -> None:
        """Write the task row with everything queued before it (batches are serial: no going back a stage)."""
        self._writes.queue("snapshots", TaskSnapshot(
            task=self._task, stage=self._stage, seed_commitment=self._seed.commitment,
            responders=list(self._responders.values()), updated_at=workflow.now(),
            cancel_reason=self._cancel_reason,
            closed_at=workflow.now() if self._stage in FINAL_STAGES else None))
        await self._writes.flush()
        self._publish_search_attributes()

    def _publish_search_attributes(self) -> None:
        """Stage, lead, the next deadline and whether any step is overdue, for filtering in the Temporal UI."""
        now = workflow.now()
        dues: list[datetime] = []
        overdue = False
        for r in self._responders.values():
            if r.state == "pending" and r.due:
                dues.append(r.due.due_at)
                overdue = overdue or r.overdue
        for progress in self._objects.values():
            for form in progress.forms:
                if form.state not in FINAL_FORM_STATES and form.publish_due_at:
                    dues.append(form.publish_due_at)
                    overdue = overdue or form.late
            for f in progress.followups:
                if f.state != "done" and f.due_at:
                    dues.append(f.due_at)
                    overdue = overdue or f.overdue
        upcoming = [d for d in dues if d > now]
        values = (self._stage, overdue and self._stage not in FINAL_STAGES, min(upcoming) if upcoming else None)
        if values == self._published_attributes:
            return  # every upsert is a history event and a visibility write: only send changes
        self._published_attributes = values
        stage, is_overdue, next_due = values
        workflow.upsert_search_attributes([
            c.SA_STAGE.value_set(stage), c.SA_LEAD.value_set(self._task.lead.department_code),
            c.SA_OVERDUE.value_set(is_overdue),
            c.SA_NEXT_DUE.value_set(next_due) if next_due else c.SA_NEXT_DUE.value_unset(),
        ])
