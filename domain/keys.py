"""The formats of the lifecycle's keys, with their builders and parsers: workflow ids, result ids, follow-up ids,
overdue-step keys and timeline/outbox keys.

The read model is idempotent by these keys (a replayed or retried write finds its row), and running workflows keep
building them the same way: a format changed here must still parse every key already stored.
"""

import re

_EVENT_KEY = re.compile(r"^(.*):(n?)(\d+)$")


def task_workflow_id(task_id: str) -> str:
    """The JointTaskWorkflow of a task (the workflow id is the business key)."""
    return f"joint-task-{task_id}"


def object_workflow_id(task_id: str, object_id: int) -> str:
    """The ObjectInspectionWorkflow of one drawn object of a task."""
    return f"joint-task-{task_id}-object-{object_id}"


def result_id(task_id: str, object_id: int, department_code: str) -> str:
    """One department's form for one object (一部门一对象一张表)."""
    return f"{task_id}:{object_id}:{department_code}"


def parse_result_id(value: str) -> tuple[str, int, str]:
    """(task id, object id, department code) of a result id; ValueError when it is not one."""
    parts = value.split(":")
    if len(parts) != 3 or not (parts[1].isascii() and parts[1].isdigit()) or not parts[0] or not parts[2]:
        raise ValueError(f"result id: expected '<task>:<object>:<department>', got {value!r}")
    return parts[0], int(parts[1]), parts[2]


def followup_id(task_id: str, object_id: int, department_code: str, kind: str, number: int) -> str:
    """The `number`-th follow-up opened on an object (numbered per object, from 1)."""
    return f"{result_id(task_id, object_id, department_code)}:{kind}:{number}"


def ack_overdue_key(task_id: str, department_code: str) -> str:
    """The overdue acknowledgement of a responding department."""
    return f"{task_id}:ack:{department_code}"


def overdue_key(ref: str, step: str) -> str:
    """The overdue step of a form (ref = its result id) or of a follow-up (ref = its follow-up id)."""
    return f"{ref}:{step}"


def overdue_ref(key: str, step: str) -> str | None:
    """The result id or follow-up id an overdue key was built from (`overdue_key`), or None for another key."""
    suffix = f":{step}"
    return key[: -len(suffix)] if key.endswith(suffix) and len(key) > len(suffix) else None


def event_key(workflow_id: str, number: int) -> str:
    """A timeline event; `number` counts the workflow's events and notifications together."""
    return f"{workflow_id}:{number}"


def notification_key(workflow_id: str, number: int) -> str:
    """An outbox notification, numbered by the same counter as the workflow's events."""
    return f"{workflow_id}:n{number}"


def event_order(key: str) -> tuple[str, int]:
    """(workflow id, number) of an event or notification key, for ordering the events of one instant;
    (key, 0) for a key of another shape."""
    match = _EVENT_KEY.match(key)
    return (match.group(1), int(match.group(3))) if match else (key, 0)
