"""Turning a refused Temporal update into the HTTP status its business error type means."""

from fastapi import HTTPException
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from workflows import common

STATUS_OF_TYPE = {
    common.FORBIDDEN: 403,
    common.NOT_FOUND: 404,
    common.WRONG_STAGE: 409,
    common.ALREADY_DONE: 409,
    common.INVALID: 422,
    "MatchShortfall": 422,
    "PopulationEmpty": 422,
}


def http_error(exc: BaseException) -> HTTPException:
    """The 4xx for a business refusal; 404 for an unknown workflow; anything else is re-raised by the caller."""
    cause = exc.cause if isinstance(exc, WorkflowUpdateFailedError) else exc
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = getattr(cause, "cause", None)
    if isinstance(cause, ApplicationError) and cause.type in STATUS_OF_TYPE:
        return HTTPException(STATUS_OF_TYPE[cause.type], cause.message)
    if isinstance(exc, RPCError) and exc.status == RPCStatusCode.NOT_FOUND:
        return HTTPException(404, "task or object not found (an object is open for forms once the task is inspecting)")
    raise exc
