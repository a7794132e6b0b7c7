"""Fetching what a task page shows from the JSON API and arranging it for the templates (no business rules)."""

from dataclasses import dataclass, field
from typing import Any

from api.console.api_client import ApiFailure, ConsoleApi
from domain.lifecycle import ACTIVE_STAGES


def as_list(answer: Any, *keys: str) -> list:
    """A list answer, or the list under one of `keys` of a paged answer."""
    if isinstance(answer, list):
        return answer
    if isinstance(answer, dict):
        for key in (*keys, "items", "results", "data"):
            if isinstance(answer.get(key), list):
                return answer[key]
    return []


async def department_names(api: ConsoleApi) -> dict[str, str]:
    rows = await api.get_or([], "/api/v1/departments")
    return {d["code"]: d["name"] for d in as_list(rows)}


async def inspector_names(api: ConsoleApi, department_code: str | None) -> dict[int, str]:
    """Names of a department's inspectors (the API masks ID numbers; names are all the console shows)."""
    rows = as_list(await api.get_or([], "/api/v1/inspectors", department_code=department_code, limit=500),
                   "inspectors")
    return {int(r["id"]): r.get("name", "") for r in rows if isinstance(r, dict) and "id" in r}


async def item_names(api: ConsoleApi, department_code: str | None = None) -> dict[str, str]:
    """Names of the current items (of one department, or all)."""
    rows = as_list(await api.get_or([], "/api/v1/items", department_code=department_code), "items")
    return {r["code"]: r.get("name", "") for r in rows if isinstance(r, dict) and "code" in r}


@dataclass
class ObjectRow:
    object_id: int
    uscc: str
    name: str
    credit_risk_class: str = ""
    inspection_date: str | None = None
    forms: dict[str, dict] = field(default_factory=dict)  # department → form (state, result_code, …)
    followups: list[dict] = field(default_factory=list)
    inspectors: dict[str, list[int]] = field(default_factory=dict)  # department → matched inspector ids


@dataclass
class TaskView:
    task: dict
    objects: list[ObjectRow]
    responses: dict[str, dict]
    items: dict[str, list[str]]  # department → item codes in this task
    matched: list[str]

    @property
    def id(self) -> str:
        return self.task["task_id"]

    @property
    def stage(self) -> str:
        """The workflow's own stage when it answers (the read model may be a moment behind)."""
        return self.live.get("stage") or self.task.get("stage", "")

    @property
    def object_names(self) -> dict[int, str]:
        return {o.object_id: o.name for o in self.objects}

    @property
    def lead(self) -> str:
        return self.task.get("lead_department_code", "")

    @property
    def live(self) -> dict:
        return self.task.get("live") or {}

    @property
    def participants(self) -> list[str]:
        return self.live.get("participants") or [self.lead, *[d for d, r in self.responses.items()
                                                              if r.get("state") == "accepted"]]

    def object(self, object_id: int) -> ObjectRow | None:
        return next((o for o in self.objects if o.object_id == object_id), None)


def _forms_and_followups(task: dict) -> tuple[dict[int, dict[str, dict]], dict[int, list[dict]]]:
    """Forms and follow-ups from the read model (written before each action answers); a department that inspects
    an object whose inspection has started and has no form yet has one to enter."""
    forms: dict[int, dict[str, dict]] = {}
    followups: dict[int, list[dict]] = {}
    for row in task.get("results") or []:
        oid = int(row["object_id"])
        forms.setdefault(oid, {})[row["department_code"]] = dict(row)
        followups.setdefault(oid, []).extend(row.get("followups") or [])
    live = task.get("live") or {}
    for key in live.get("objects") or {}:
        for dept in live.get("participants") or []:
            forms.setdefault(int(key), {}).setdefault(dept, {"department_code": dept, "state": "not_entered"})
    for rows in followups.values():
        rows.sort(key=lambda f: f["followup_id"])
    return forms, followups


def _matched_inspectors(timeline: list[dict]) -> dict[int, dict[str, list[int]]]:
    matched: dict[int, dict[str, list[int]]] = {}
    for event in timeline:
        if event.get("kind") == "matched" and event.get("department_code"):
            for oid, ids in (event.get("detail") or {}).items():
                if str(oid).isdigit():
                    matched.setdefault(int(oid), {})[event["department_code"]] = list(ids)
    return matched


def task_view(task: dict) -> TaskView:
    """The API's task answer arranged per object and per department."""
    forms, followups = _forms_and_followups(task)
    matched = _matched_inspectors(task.get("timeline") or [])
    schedule = (task.get("live") or {}).get("schedule") or {}
    objects = []
    for o in task.get("objects") or []:
        oid = int(o["object_id"])
        objects.append(ObjectRow(object_id=oid, uscc=o.get("uscc", ""), name=o.get("name", ""),
                                 credit_risk_class=o.get("credit_risk_class", ""),
                                 inspection_date=o.get("inspection_date") or schedule.get(str(oid)),
                                 forms=forms.get(oid, {}), followups=followups.get(oid, []),
                                 inspectors=matched.get(oid, {})))
    responses = {r["department_code"]: r for r in task.get("responses") or []}
    items = {p["department_code"]: list(p.get("item_codes") or []) for p in task.get("participants") or []}
    live = task.get("live") or {}
    return TaskView(task=task, objects=objects, responses=responses, items=items,
                    matched=list(live.get("matched_departments") or []))


async def load_task(api: ConsoleApi, task_id: str) -> TaskView:
    return task_view(await api.get(f"/api/v1/tasks/{task_id}"))


async def active_tasks(api: ConsoleApi, stages: tuple[str, ...] = ACTIVE_STAGES, limit: int = 40) -> list[TaskView]:
    """Details of the caller's tasks in the given stages (newest first)."""
    rows = as_list(await api.get_or([], "/api/v1/tasks", limit=200), "tasks")
    views = []
    for row in [r for r in rows if r.get("stage") in stages][:limit]:
        try:
            views.append(await load_task(api, row["task_id"]))
        except ApiFailure:
            continue
    return views


def draw_summary(record: dict | None) -> dict | None:
    """Counts and digests of a confirmed public draw record, per stratum (the full id lists stay in the JSON)."""
    if not record or not record.get("seed"):
        return None
    population = record.get("population") or {}
    digests = record.get("population_sha256") or {}
    per_stratum = digests.get("strata", {}) if isinstance(digests, dict) else {}
    strata = [{"key": key, "count": len(ids), "digest": per_stratum.get(key, ""),
               "size": (record.get("sizes") or {}).get(key), "ratio": (record.get("ratios") or {}).get(key)}
              for key, ids in sorted(population.items())]
    return {"population_size": sum(s["count"] for s in strata), "strata": strata,
            "overall": digests.get("overall", "") if isinstance(digests, dict) else str(digests)}
