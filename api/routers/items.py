"""The item list (抽查事项清单): a department's operator keeps its own items; every change is a new version.

A department user reads its own department's items, and another department's only once published (they are then
public anyway, and a lead department picks the responders' items from them); the office and the admin read all.
"""

from fastapi import APIRouter, HTTPException, Query, status

from api import errors
from api.deps import CurrentUser, SessionDep, actor_of, ensure_own_department, require_roles
from api.schemas.masterdata import ItemCreate, ItemPublic, ItemUpdate
from api.params import RowId
from domain.masterdata import item_rule_error
from store import masterdata
from store.models import User

router = APIRouter(prefix="/api/v1", tags=["items"])
OPERATOR = require_roles("dept_operator")
DEPARTMENT_ROLES = ("dept_operator", "dept_approver")
FORBIDDEN = {403: {"description": "wrong role, or another department's item"}}
READ_FORBIDDEN = {403: {"description": "another department's unpublished item"}}


def _drafts_of(user: User) -> str | None:
    """The one department whose unpublished items the user may read; None for the office and the admin (all)."""
    return user.department_code if user.role in DEPARTMENT_ROLES else None


def _ensure_readable(user: User, item) -> None:
    if not item.published and user.role in DEPARTMENT_ROLES:
        ensure_own_department(user, item.department_code)


def _check_rules(category: str, item_class: str, cap: float | None) -> None:
    problem = item_rule_error(category, item_class, None if cap is None else float(cap))
    if problem:
        raise HTTPException(422, errors.field_error(*problem))


@router.post("/items", response_model=ItemPublic, status_code=201,
             responses={**FORBIDDEN, 409: {"description": "code already used"},
                        422: {"description": "bad field, or category/class/cap contradict each other"}})
async def create_item(body: ItemCreate, session: SessionDep, user: User = OPERATOR) -> ItemPublic:
    """Add an item (version 1) to your own department's list."""
    department_code = body.department_code or user.department_code
    ensure_own_department(user, department_code)
    _check_rules(body.category, body.item_class, body.annual_ratio_cap)
    if await masterdata.current_item(session, body.code) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, errors.already_exists("item", body.code))
    try:
        item = await masterdata.create_item(session, actor=actor_of(user), code=body.code,
                                            department_code=department_code,
                                            fields=body.model_dump(exclude={"code", "department_code"}))
    except masterdata.Duplicate:
        raise HTTPException(status.HTTP_409_CONFLICT, errors.already_exists("item", body.code)) from None
    await session.commit()
    return ItemPublic.model_validate(item)


@router.get("/items", response_model=list[ItemPublic])
async def list_items(session: SessionDep, user: CurrentUser, department_code: str | None = None,
                     code: str | None = None, published: bool | None = None,
                     all_versions: bool = Query(default=False, description="every version, not only the current")
                     ) -> list[ItemPublic]:
    """Items, current versions only unless all_versions (use with code=… to see one item's history).

    A department user sees another department's items only in their published versions.
    """
    rows = await masterdata.list_items(session, department_code=department_code, code=code,
                                       all_versions=all_versions, published=published, drafts_of=_drafts_of(user))
    return [ItemPublic.model_validate(row) for row in rows]


@router.get("/items/{code}", response_model=ItemPublic,
            responses={**READ_FORBIDDEN, 404: {"description": "no such item"}})
async def get_item(code: str, session: SessionDep, user: CurrentUser) -> ItemPublic:
    """The current version of an item."""
    item = await masterdata.current_item(session, code)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, errors.not_found("item", code))
    _ensure_readable(user, item)
    return ItemPublic.model_validate(item)


@router.get("/items/{code}/versions/{version}", response_model=ItemPublic,
            responses={**READ_FORBIDDEN, 404: {"description": "no such item or version"}})
async def get_item_version(code: str, version: RowId, session: SessionDep, user: CurrentUser) -> ItemPublic:
    """One version of an item, current or not (a task keeps the version it used)."""
    item = await masterdata.item_version(session, code, version)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, errors.not_found("item version", f"{code} v{version}"))
    _ensure_readable(user, item)
    return ItemPublic.model_validate(item)


@router.patch("/items/{code}", response_model=ItemPublic,
              responses={**FORBIDDEN, 404: {"description": "no such item"},
                         409: {"description": "changed concurrently; reload and retry"},
                         422: {"description": "bad field, or category/class/cap contradict each other"}})
async def update_item(code: str, body: ItemUpdate, session: SessionDep, user: User = OPERATOR) -> ItemPublic:
    """Change an item of your own department: the change becomes a new version, the old one stays readable."""
    current = await masterdata.current_item(session, code, for_update=True)
    if current is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, errors.not_found("item", code))
    ensure_own_department(user, current.department_code)
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field != "annual_ratio_cap":
            raise HTTPException(422, errors.field_error(field, "may not be null"))
    merged = {field: changes.get(field, getattr(current, field))
              for field in ("category", "item_class", "annual_ratio_cap")}
    _check_rules(merged["category"], merged["item_class"], merged["annual_ratio_cap"])
    try:
        item = await masterdata.new_item_version(session, actor=actor_of(user), current=current, changes=changes)
    except masterdata.Duplicate:
        raise HTTPException(status.HTTP_409_CONFLICT, f"item '{code}' was changed concurrently; reload and retry") \
            from None
    await session.commit()
    return ItemPublic.model_validate(item)
