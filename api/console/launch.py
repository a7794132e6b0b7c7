"""The launch form of a joint task: turning the posted form into the API's TaskCreate body, and the live count.

Only presentation is done here (percent → fraction, "a, b" → list); the API validates and refuses.
"""

import re
from typing import Any

from starlette.datastructures import FormData

from api.console.api_client import ConsoleApi
from domain.masterdata import CREDIT_RISK_CLASSES

SEPARATORS = re.compile(r"[\s,，;；、]+")
SCOPE_LISTS = ("region_codes", "industry_codes", "tags")
SCOPE_CHOICES = ("kinds", "credit_risk_classes")


def split_words(text: Any) -> list[str]:
    return [w for w in SEPARATORS.split(str(text or "").strip()) if w]


def scope_of(form) -> dict[str, list[str]]:
    """The object scope (ObjectScope) the form describes; empty lists mean any."""
    scope = {name: split_words(form.get(name)) for name in SCOPE_LISTS}
    scope.update({name: [v for v in form.getlist(name) if v] for name in SCOPE_CHOICES})
    return scope


def _number(text: Any, *, percent: bool = False) -> Any:
    """A number typed in the form; what cannot be read goes to the API as typed, so it names the field."""
    raw = str(text or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        return raw
    if percent:
        return round(value / 100, 6)
    return int(value) if value.is_integer() else value


def task_body(form: FormData, *, user_role: str, lead_code: str | None) -> dict[str, Any]:
    """The POST /api/v1/tasks body for the posted launch form."""
    lead = lead_code if user_role == "dept_operator" else (form.get("lead_department_code") or None)
    chosen: dict[str, list[str]] = {}
    for key in form.keys():
        if key.startswith("items:"):
            chosen[key[len("items:"):]] = [v for v in form.getlist(key) if v]
    body: dict[str, Any] = {
        "name": str(form.get("name", "")).strip(),
        "lead_item_codes": chosen.pop(lead, []) if lead else [],
        "responders": [{"department_code": d, "item_codes": codes} for d, codes in sorted(chosen.items()) if codes],
        "scope": scope_of(form),
        "method": form.get("method") or "on_site",
        "window_start": form.get("window_start") or None,
        "window_end": form.get("window_end") or None,
        "planned": form.get("planned", "1") == "1",
        "unplanned_reason": str(form.get("unplanned_reason", "")).strip(),
        "public_entropy_source": str(form.get("public_entropy_source", "")).strip() or None,
    }
    if user_role != "dept_operator":
        body["lead_department_code"] = lead
    plan_id = _number(form.get("plan_id"))
    if plan_id is not None:
        body["plan_id"] = plan_id
    mode = form.get("sample_mode", "size")
    if mode == "size":
        body["sample_size"] = _number(form.get("sample_size"))
    elif mode == "ratio":
        body["ratio"] = _number(form.get("ratio_percent"), percent=True)
    else:
        body["credit_risk_ratios"] = {c: _number(form.get(f"class_{c}"), percent=True) for c in CREDIT_RISK_CLASSES
                                      if _number(form.get(f"class_{c}")) is not None}
    return body


async def population_count(api: ConsoleApi, scope: dict[str, list[str]]) -> dict[str, Any]:
    """The eligible population of a scope, from GET /api/v1/tasks/population: {"total", "by_class"}."""
    answer = await api.get("/api/v1/tasks/population", **{k: v for k, v in scope.items() if v})
    return {"total": int(answer["total"]), "by_class": answer.get("by_credit_risk_class") or {}}
