"""Refusals that carry a stable code beside their English detail, the shape SPEC §9 gives every error."""

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse


class Refusal(HTTPException):
    """A 4xx with a stable `code` (and the `field` and `params` it concerns) beside its English `detail`."""

    def __init__(self, status_code: int, detail: str, code: str, *, field: str | None = None,
                 params: dict | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, detail, headers=headers)
        self.code, self.field, self.params = code, field, params or {}


async def refusal_response(_request: Request, exc: Refusal) -> JSONResponse:
    """The body of a Refusal: {detail, code, field, params} (SPEC §9)."""
    body = {"detail": exc.detail, "code": exc.code, "field": exc.field, "params": exc.params}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
