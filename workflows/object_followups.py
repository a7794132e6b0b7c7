"""The follow-up steps of a drawn object (SPEC §4 step 8), part of ObjectInspectionWorkflow: the follow-ups a result
requires, those opened by hand, completing one (a transfer goes to the receiving department), acknowledging one.

One update per action, each with its validator; `followup`, the one update of earlier versions, stays registered
because recorded histories hold it."""

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.keys import followup_id
    from domain.lifecycle import FOLLOWUP_OF_RESULT, FOLLOWUPS_OPENED_BY_HAND
    from domain.records import ActorRef, FollowupView, ResultInput
    from domain.workdays import end_of_day
    from workflows import common as c
    from workflows.inputs import AcknowledgeFollowupInput, CompleteFollowupInput, FollowupInput, OpenFollowupInput


class FollowupSteps:
    """The follow-up handlers; the workflow provides the object, its forms and follow-ups, deadlines and writes."""

    async def _open_followups(self, dept: str, entry: ResultInput, actor: ActorRef) -> None:
        kind = FOLLOWUP_OF_RESULT.get(entry.result_code)
        if kind == "rectification_recheck":
            await self._add_followup(dept, kind, actor, due_at=end_of_day(entry.rectification_due))
        elif kind:
            await self._add_followup(dept, kind, actor)
        if entry.enterprise_demands and not entry.demands_solved_on_site:
            start = self._completion_start(entry)
            due = await self._deadline(start, "demand")
            await self._add_followup(dept, "enterprise_demand", actor, due_at=due.due_at, start=start)

    async def _add_followup(self, dept: str, kind: str, actor: ActorRef, *, due_at: datetime | None = None,
                            start: datetime | None = None) -> FollowupView:
        fid = followup_id(self._in.task_id, self._in.obj.object_id, dept, kind, len(self._followups) + 1)
        f = FollowupView(followup_id=fid, kind=kind, department_code=dept, state="open", due_at=due_at)
        self._followups[fid] = f
        if start is not None:
            self._followup_starts[fid] = (start, self._in.timing.demand_working_days)
        await self._save_followup(f, actor)
        self._writes.notify(dept, "followup_opened", f"{self._in.obj.name}：须办理后续处置（{kind}）")
        return f

    @workflow.update
    async def open_followup(self, inp: OpenFollowupInput) -> FollowupView:
        """A department that inspected the object opens a follow-up by hand (case filing, a transfer, …)."""
        f = await self._add_followup(inp.actor.department_code, inp.kind, inp.actor)
        return await self._followup_acted(f, inp.actor, "open", outcome="", passed=None)

    @open_followup.validator
    def _validate_open_followup(self, inp: OpenFollowupInput) -> None:
        c.require(inp.actor.role == "dept_operator", c.FORBIDDEN, "only a department operator handles follow-ups")
        c.require(inp.actor.department_code in self._forms, c.FORBIDDEN,
                  "only a department that inspected this object opens a follow-up")
        c.require(inp.kind in FOLLOWUPS_OPENED_BY_HAND, c.INVALID, f"kind: {inp.kind} cannot be opened by hand")

    @workflow.update
    async def complete_followup(self, inp: CompleteFollowupInput) -> FollowupView:
        """The responsible department completes its follow-up; an open transfer goes to the receiving department,
        which then has working days to acknowledge it."""
        f = self._find_followup(inp.kind, inp.department_code, inp.actor, received=False)
        if f.kind == "transfer" and f.state == "open":
            f.state, f.receiving_department_code = "awaiting_acknowledgement", inp.receiving_department_code
            start = workflow.now()
            f.due_at = (await self._deadline(start, "transfer")).due_at
            f.overdue = False
            self._followup_starts[f.followup_id] = (start, self._in.timing.transfer_ack_working_days)
            self._writes.notify(f.receiving_department_code, "transfer_received",
                                f"收到移送：{self._in.obj.name}（{self._in.obj.uscc}），请确认接收")
        else:
            f.state = "done"
            await self._resolve_overdue(f.kind, f.department_code, f.followup_id)
        f.outcome = inp.outcome or f.outcome
        return await self._followup_acted(f, inp.actor, "complete", outcome=inp.outcome, passed=inp.passed)

    @complete_followup.validator
    def _validate_complete_followup(self, inp: CompleteFollowupInput) -> None:
        c.require(inp.actor.role == "dept_operator", c.FORBIDDEN, "only a department operator handles follow-ups")
        f = self._find_followup(inp.kind, inp.department_code, inp.actor, received=False)
        c.require(inp.actor.department_code == f.department_code, c.FORBIDDEN,
                  f"only department {f.department_code} handles this follow-up")
        c.require(f.state == "open", c.ALREADY_DONE, f"this follow-up is {f.state}")
        if f.kind == "transfer":
            receiver = inp.receiving_department_code
            c.require(bool(receiver) and receiver != f.department_code, c.INVALID,
                      "receiving_department_code: the competent department to transfer to is required")
        if f.kind == "rectification_recheck":
            c.require(inp.passed is not None, c.INVALID, "passed: say whether the rectification passed the re-check")

    @workflow.update
    async def acknowledge_followup(self, inp: AcknowledgeFollowupInput) -> FollowupView:
        """The receiving department acknowledges a transfer sent to it: the follow-up is done."""
        f = self._find_followup(inp.kind, inp.department_code, inp.actor, received=True)
        f.state = "done"
        await self._resolve_overdue("transfer_acknowledgement", f.receiving_department_code, f.followup_id)
        f.outcome = inp.outcome or f.outcome
        return await self._followup_acted(f, inp.actor, "acknowledge", outcome=inp.outcome, passed=None)

    @acknowledge_followup.validator
    def _validate_acknowledge_followup(self, inp: AcknowledgeFollowupInput) -> None:
        c.require(inp.actor.role == "dept_operator", c.FORBIDDEN, "only a department operator handles follow-ups")
        f = self._find_followup(inp.kind, inp.department_code, inp.actor, received=True)
        c.require(f.state == "awaiting_acknowledgement", c.WRONG_STAGE, "this transfer is not awaiting acknowledgement")
        c.require(inp.actor.department_code == f.receiving_department_code, c.FORBIDDEN,
                  "only the receiving department acknowledges a transfer")

    @workflow.update
    async def followup(self, inp: FollowupInput) -> FollowupView:
        """The one follow-up update of earlier versions, which recorded histories hold: the matching one-action
        update. The API no longer sends it."""
        one = inp.split()
        if isinstance(one, OpenFollowupInput):
            return await self.open_followup(one)
        if isinstance(one, AcknowledgeFollowupInput):
            return await self.acknowledge_followup(one)
        return await self.complete_followup(one)

    @followup.validator
    def _validate_followup(self, inp: FollowupInput) -> None:
        one = inp.split()
        if isinstance(one, OpenFollowupInput):
            self._validate_open_followup(one)
        elif isinstance(one, AcknowledgeFollowupInput):
            self._validate_acknowledge_followup(one)
        else:
            self._validate_complete_followup(one)

    async def _followup_acted(self, f: FollowupView, actor: ActorRef, action: str, *, outcome: str,
                              passed: bool | None) -> FollowupView:
        await self._save_followup(f, actor, {"action": action, "passed": passed, "outcome": outcome})
        self._writes.event(actor, f"followup_{action}", {"kind": f.kind, "state": f.state, "outcome": outcome},
                           department=f.department_code)
        await self._report()
        return f

    def _find_followup(self, kind: str, department_code: str | None, actor: ActorRef, *,
                       received: bool) -> FollowupView:
        """The open follow-up of that kind (of that department, when named) the actor means: without a department
        named, its own — the one it received (`received`), or the one it handles."""
        open_ones = [f for f in self._followups.values() if f.kind == kind and f.state != "done"
                     and (department_code is None or f.department_code == department_code)]
        c.require(bool(open_ones), c.NOT_FOUND, f"kind: no open {kind} follow-up for this object")
        mine = [f for f in open_ones
                if (f.receiving_department_code if received else f.department_code) == actor.department_code]
        return (mine or open_ones)[0]
