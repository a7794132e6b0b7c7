"""The object directory (检查对象名录库): shared by all departments; operators and the office write, anyone reads.

Phone numbers are masked in every list, and in a single view unless the reader's department owns the object.
"""

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, UploadFile, status

from api import errors
from api.deps import CurrentUser, SessionDep, actor_of, require_roles
from api.imports import run_import
from api.schemas.masterdata import (CreditRiskClass, ImportReport, ObjectCreate, ObjectKind, ObjectPage,
                                    ObjectPublic, ObjectStatus, ObjectUpdate)
from api.params import Limit, Offset
from store import masterdata
from store.models import User

router = APIRouter(prefix="/api/v1", tags=["objects"])
WRITER = require_roles("dept_operator", "office")


def _owned_by(user: User, owner_department_code: str | None) -> bool:
    return owner_department_code is not None and user.department_code == owner_department_code


@router.post("/objects", response_model=ObjectPublic, status_code=201,
             responses={403: {"description": "role may not write"}, 409: {"description": "USCC already listed"},
                        422: {"description": "bad USCC, enum or region code (the field is named)"}})
async def create_object(body: ObjectCreate, session: SessionDep, user: User = WRITER) -> ObjectPublic:
    """Add an object; the creating operator's department becomes its owner."""
    if await masterdata.object_by_uscc(session, body.uscc) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, errors.already_exists("object", body.uscc))
    try:
        obj = await masterdata.create_object(session, actor=actor_of(user), fields=body.model_dump(),
                                             owner_department_code=user.department_code)
    except masterdata.Duplicate:
        raise HTTPException(status.HTTP_409_CONFLICT, errors.already_exists("object", body.uscc)) from None
    await session.commit()
    return ObjectPublic.shown(obj, reveal=True)


@router.get("/objects", response_model=ObjectPage)
async def list_objects(session: SessionDep, _user: CurrentUser,
                       region_code: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None,
                       industry_code: str | None = None, kind: ObjectKind | None = None,
                       credit_risk_class: CreditRiskClass | None = None, tag: str | None = None,
                       status_: Annotated[ObjectStatus | None, Query(alias="status")] = None,
                       q: Annotated[str | None, Query(max_length=100, description="USCC prefix or part of the name")]
                       = None,
                       limit: Limit = 50,
                       offset: Offset = 0) -> ObjectPage:
    """One page of objects matching every given filter, with the total count; phones masked."""
    where = masterdata.ObjectFilter(region_code=region_code, industry_code=industry_code, kind=kind,
                                    credit_risk_class=credit_risk_class, tag=tag, status=status_,
                                    q=q.strip() if q else None)
    total, rows = await masterdata.list_objects(session, where=where, limit=limit, offset=offset)
    return ObjectPage(total=total, limit=limit, offset=offset,
                      items=[ObjectPublic.shown(row, reveal=False) for row in rows])


@router.post("/objects/import", response_model=ImportReport,
             responses={403: {"description": "role may not write"},
                        415: {"description": "not a CSV or XLSX file"},
                        422: {"description": "empty file, or a required column is missing (named)"}})
async def import_objects(session: SessionDep, file: Annotated[UploadFile, File(description="CSV or XLSX")],
                         user: User = WRITER) -> ImportReport:
    """Bulk import (CSV in UTF-8 or GBK, or XLSX); rows are upserted by USCC, bad rows listed with their line."""
    return await run_import(session, user, kind="objects", upload=file, department_code=user.department_code)


@router.get("/objects/{uscc}", response_model=ObjectPublic, responses={404: {"description": "no such object"}})
async def get_object(uscc: str, session: SessionDep, user: CurrentUser) -> ObjectPublic:
    """One object; the phone is shown in full only to its owner department."""
    obj = await masterdata.object_by_uscc(session, uscc.strip().upper())
    if obj is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, errors.not_found("object", uscc))
    return ObjectPublic.shown(obj, reveal=_owned_by(user, obj.owner_department_code))


@router.patch("/objects/{uscc}", response_model=ObjectPublic,
              responses={403: {"description": "role may not write"}, 404: {"description": "no such object"},
                         422: {"description": "bad field (named)"}})
async def update_object(uscc: str, body: ObjectUpdate, session: SessionDep, user: User = WRITER) -> ObjectPublic:
    """Change fields or the status (active / deregistered / revoked); audited."""
    obj = await masterdata.object_by_uscc(session, uscc.strip().upper())
    if obj is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, errors.not_found("object", uscc))
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field != "phone":
            raise HTTPException(422, errors.field_error(field, "may not be null"))
    obj = await masterdata.update_object(session, actor=actor_of(user), obj=obj, changes=changes)
    await session.commit()
    return ObjectPublic.shown(obj, reveal=_owned_by(user, obj.owner_department_code))
