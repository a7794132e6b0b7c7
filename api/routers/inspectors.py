"""The inspector directory (执法检查人员名录库): each department keeps its own inspectors.

ID-card and phone numbers are masked in every list and in every single view except for the owner department's
own users; the office and the admin read any department, masked.
"""

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, UploadFile, status

from api import errors
from api.deps import CurrentUser, SessionDep, actor_of, ensure_own_department, require_roles
from api.imports import run_import
from api.schemas.masterdata import (ImportReport, InspectorCreate, InspectorKind, InspectorPage, InspectorPublic,
                                    InspectorUpdate)
from api.params import Limit, Offset, RowId
from store import masterdata
from store.models import Inspector, User

router = APIRouter(prefix="/api/v1", tags=["inspectors"])
OPERATOR = require_roles("dept_operator")
DEPARTMENT_ROLES = ("dept_operator", "dept_approver")
FORBIDDEN = {403: {"description": "wrong role, or another department's inspectors"}}


def _readable_department(user: User, department_code: str | None) -> str | None:
    """The department a reader may list: a department user only its own (403 otherwise); office/admin any."""
    if user.role in DEPARTMENT_ROLES:
        department_code = department_code or user.department_code
        ensure_own_department(user, department_code)
    return department_code


async def _found(session, inspector_id: int) -> Inspector:
    row = await masterdata.inspector(session, inspector_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, errors.not_found("inspector", inspector_id))
    return row


@router.post("/inspectors", response_model=InspectorPublic, status_code=201,
             responses={**FORBIDDEN, 409: {"description": "ID-card number already registered"},
                        422: {"description": "bad ID-card number, USCC or enum (the field is named)"}})
async def create_inspector(body: InspectorCreate, session: SessionDep, user: User = OPERATOR) -> InspectorPublic:
    """Add an inspector to your own department's directory."""
    department_code = body.department_code or user.department_code
    ensure_own_department(user, department_code)
    fields = body.model_dump(exclude={"department_code"})
    try:
        row = await masterdata.create_inspector(session, actor=actor_of(user), department_code=department_code,
                                                fields=fields)
    except masterdata.Duplicate:
        # The number is not echoed back: the caller typed it, and it may belong to another department's inspector.
        raise HTTPException(status.HTTP_409_CONFLICT, errors.already_exists("inspector with this id_card_number",
                                                                            "id_card_number")) from None
    await session.commit()
    return InspectorPublic.shown(row, reveal=True)


@router.get("/inspectors", response_model=InspectorPage, responses=FORBIDDEN)
async def list_inspectors(session: SessionDep, user: CurrentUser, department_code: str | None = None,
                          kind: InspectorKind | None = None, active: bool | None = None, tag: str | None = None,
                          region_code: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None,
                          q: Annotated[str | None, Query(max_length=64, description="part of name or certificate")]
                          = None,
                          limit: Limit = 50,
                          offset: Offset = 0) -> InspectorPage:
    """One page of inspectors (a department user sees only its own department); ID and phone always masked."""
    where = masterdata.InspectorFilter(department_code=_readable_department(user, department_code), kind=kind,
                                       active=active, tag=tag, region_code=region_code, q=q.strip() if q else None)
    total, rows = await masterdata.list_inspectors(session, where=where, limit=limit, offset=offset)
    return InspectorPage(total=total, limit=limit, offset=offset,
                         items=[InspectorPublic.shown(row, reveal=False) for row in rows])


@router.post("/inspectors/import", response_model=ImportReport,
             responses={**FORBIDDEN, 415: {"description": "not a CSV or XLSX file"},
                        422: {"description": "empty file, or a required column is missing (named)"}})
async def import_inspectors(session: SessionDep, file: Annotated[UploadFile, File(description="CSV or XLSX")],
                            user: User = OPERATOR) -> ImportReport:
    """Bulk import into your own department, upserted by ID-card number; bad rows listed with their line."""
    return await run_import(session, user, kind="inspectors", upload=file, department_code=user.department_code)


@router.get("/inspectors/{inspector_id}", response_model=InspectorPublic,
            responses={**FORBIDDEN, 404: {"description": "no such inspector"}})
async def get_inspector(inspector_id: RowId, session: SessionDep, user: CurrentUser) -> InspectorPublic:
    """One inspector: in full for the owner department's users, masked for the office and the admin."""
    row = await _found(session, inspector_id)
    _readable_department(user, row.department_code)
    return InspectorPublic.shown(row, reveal=user.department_code == row.department_code)


@router.patch("/inspectors/{inspector_id}", response_model=InspectorPublic,
              responses={**FORBIDDEN, 404: {"description": "no such inspector"},
                         422: {"description": "bad field (named)"}})
async def update_inspector(inspector_id: RowId, body: InspectorUpdate, session: SessionDep,
                           user: User = OPERATOR) -> InspectorPublic:
    """Change an inspector of your own department (active flag, conflicts of interest, tags …); audited."""
    row = await _found(session, inspector_id)
    ensure_own_department(user, row.department_code)
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field != "phone":
            raise HTTPException(422, errors.field_error(field, "may not be null"))
    row = await masterdata.update_inspector(session, actor=actor_of(user), row=row, changes=changes)
    await session.commit()
    return InspectorPublic.shown(row, reveal=True)
