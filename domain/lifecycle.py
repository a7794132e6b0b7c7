"""The words of the joint-inspection lifecycle (SPEC §4): stages, responses, result codes and what follows each, form
states, follow-ups and overdue steps — the one place that knows them; workflows, store, API and console import them.
"""

from collections.abc import Collection
from typing import Literal, get_args

Stage = Literal["awaiting_responses", "drawing", "matching", "scheduling", "inspecting", "publishing",
                "following_up", "closed", "cancelled"]
STAGES: tuple[Stage, ...] = get_args(Stage)
FINAL_STAGES: tuple[Stage, ...] = ("closed", "cancelled")
ACTIVE_STAGES: tuple[Stage, ...] = tuple(s for s in STAGES if s not in FINAL_STAGES)
# Once the inspection of the objects has begun, the task's stage follows its objects' forms.
OBJECT_STAGES: tuple[Stage, ...] = ("inspecting", "publishing", "following_up")

ResponseState = Literal["pending", "accepted", "declined", "removed"]

ResultCode = Literal["no_issue", "not_operating", "corrected_on_site", "pending_followup", "unreachable",
                     "refused", "closed"]
RESULT_CODES: tuple[ResultCode, ...] = get_args(ResultCode)
# A result that found a problem (the office's problem-finding rate counts these).
PROBLEM_CODES: tuple[ResultCode, ...] = ("corrected_on_site", "pending_followup", "unreachable", "refused")

FormState = Literal["not_entered", "awaiting_approval", "returned", "published", "confidential"]
FORM_STATES: tuple[FormState, ...] = get_args(FormState)
FINAL_FORM_STATES: tuple[FormState, ...] = ("published", "confidential")
ENTERED_FORM_STATES: tuple[FormState, ...] = ("awaiting_approval", "returned", "published", "confidential")
# A department may enter its form while it is not entered yet, or after the approver returned it.
ENTERABLE_FORM_STATES: tuple[FormState, ...] = ("not_entered", "returned")

FollowupKind = Literal["rectification_recheck", "transfer", "judicial_transfer", "case_filing",
                       "abnormal_listing", "refusal_followup", "enterprise_demand"]
FOLLOWUP_KINDS: tuple[FollowupKind, ...] = get_args(FollowupKind)
FollowupState = Literal["open", "awaiting_acknowledgement", "done"]
FollowupAction = Literal["open", "complete", "acknowledge"]
# What each result code requires afterwards (SPEC §4 step 6); the responsible department is the one that entered it.
FOLLOWUP_OF_RESULT: dict[ResultCode, FollowupKind] = {
    "corrected_on_site": "rectification_recheck", "pending_followup": "transfer",
    "unreachable": "abnormal_listing", "refused": "refusal_followup"}
# Follow-ups a department may open by hand on an object it inspected (SPEC §4 step 8).
FOLLOWUPS_OPENED_BY_HAND: tuple[FollowupKind, ...] = ("transfer", "judicial_transfer", "case_filing",
                                                      "abnormal_listing")

OverdueStepKind = Literal["acknowledgement", "publication", "enterprise_demand", "rectification_recheck",
                          "transfer_acknowledgement"]
OVERDUE_STEPS: tuple[OverdueStepKind, ...] = get_args(OverdueStepKind)


def followup_step(kind: str, state: str, department_code: str,
                  receiving_department_code: str | None) -> tuple[str, str | None]:
    """The step an open follow-up waits on and the department that owes it: a transfer awaiting acknowledgement
    waits on the receiving department, anything else on the department that handles it."""
    if state == "awaiting_acknowledgement":
        return "transfer_acknowledgement", receiving_department_code
    return kind, department_code


def task_stage_of_forms(form_states: Collection[str]) -> Stage:
    """The stage of a task whose objects are under inspection, from their forms: inspecting while any form is still
    to be entered, publishing while any awaits approval or correction, following up once all are final."""
    if not form_states or "not_entered" in form_states:
        return "inspecting"
    if any(state not in FINAL_FORM_STATES for state in form_states):
        return "publishing"
    return "following_up"

