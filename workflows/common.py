"""Shared by the workflows: activity calls with our timeouts, business errors, search attributes, deadlines."""

from datetime import datetime, timedelta
from typing import Any, NoReturn

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.calendar import DeadlineAnswer, DeadlineRequest
    from domain.records import ActorRef
    from domain.workdays import local_date

# Read-model writes, deadline arithmetic and the seed are short: they run as local activities, inside the workflow
# task on the worker that holds the workflow — no round trip through the server per write, one marker per result
# in the history. If that worker dies, the workflow task times out and the next worker redoes the writes (each
# is idempotent). The draw and matching read whole populations: ordinary activities, any worker may take them.
LOCAL_TIMEOUT = timedelta(seconds=10)
ACTIVITY_TIMEOUT = timedelta(seconds=60)
REMOTE_ACTIVITIES = frozenset({"draw_objects", "confirm_draw", "match_inspectors"})
RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=10))

SA_STAGE = SearchAttributeKey.for_keyword("JointcheckStage")
SA_LEAD = SearchAttributeKey.for_keyword("JointcheckLeadDepartment")
SA_NEXT_DUE = SearchAttributeKey.for_datetime("JointcheckNextDueAt")
SA_OVERDUE = SearchAttributeKey.for_bool("JointcheckOverdue")

# Error types the API maps to HTTP statuses (api/workflow_errors.py); never match on message text.
FORBIDDEN = "Forbidden"
WRONG_STAGE = "WrongStage"
ALREADY_DONE = "AlreadyDone"
INVALID = "InvalidInput"
NOT_FOUND = "NotFound"


def reject(error_type: str, message: str) -> NoReturn:
    """Refuse an update (raised in a validator or handler): the API turns the type into a 4xx."""
    raise ApplicationError(message, type=error_type, non_retryable=True)


def require(condition: bool, error_type: str, message: str) -> None:
    if not condition:
        reject(error_type, message)


def require_department_role(actor: ActorRef, role: str, department_code: str, what: str) -> None:
    """Only a user of that role in that department may do `what` (SPEC §1)."""
    require(actor.role == role, FORBIDDEN, f"only a {role} may {what}; you are {actor.role}")
    require(actor.department_code == department_code, FORBIDDEN,
            f"only department {department_code} may {what}; you act for {actor.department_code}")


async def call(activity: str, arg: Any = None, result_type: type | None = None) -> Any:
    """Run an activity by name with the project's timeout and retry policy (local unless it is a long one)."""
    args = [] if arg is None else [arg]
    if activity in REMOTE_ACTIVITIES:
        return await workflow.execute_activity(activity, args=args, result_type=result_type,
                                               start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY)
    return await workflow.execute_local_activity(activity, args=args, result_type=result_type,
                                                 start_to_close_timeout=LOCAL_TIMEOUT, retry_policy=RETRY)


class DeadlineCache:
    """compute_deadline answers, reused by one workflow for requests that must get the same answer: a calendar
    deadline depends only on the start's date in Beijing (SPEC §3 counts whole days), a drill deadline only on the
    time since its start. Forms entered on the same day then cost one activity, not one each."""

    def __init__(self) -> None:
        self._answers: dict[tuple[int, int], tuple[datetime, DeadlineAnswer]] = {}

    async def get(self, request: DeadlineRequest) -> DeadlineAnswer:
        key = (request.working_days, request.remind_working_days_before)
        held = self._answers.get(key)
        if held is not None:
            start, answer = held
            if answer.drill:
                shift = request.start - start
                return answer.model_copy(update={
                    "due_at": answer.due_at + shift,
                    "remind_at": answer.remind_at + shift if answer.remind_at else None})
            if local_date(start) == local_date(request.start):  # the day the activity counts from
                return answer
        answer = await call("compute_deadline", request, DeadlineAnswer)
        self._answers[key] = (request.start, answer)
        return answer

    def clear(self) -> None:
        """The calendar changed: count again."""
        self._answers.clear()


def seconds_until(when: datetime | None) -> float | None:
    """Timeout for wait_condition: None waits without a timer."""
    if when is None:
        return None
    return max((when - workflow.now()).total_seconds(), 0.001)
