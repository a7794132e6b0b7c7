"""The console as a delivery channel of the notification outbox: pushes, reminders and overdue steps are shown on
the home page of each role until the user marks them read (SPEC §3 reminders, §4 push)."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.console.api_client import ApiFailure, ConsoleApi
from api.console.pages import ConsoleRoute, UserPage, redirect
from api.console.routes_tasks import back_to
from api.console.taskdata import as_list

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
SHOWN = 20


async def unread(api: ConsoleApi) -> list[dict]:
    """The caller's undelivered notifications, oldest first (empty when the outbox cannot be read)."""
    return as_list(await api.get_or([], "/api/v1/notifications", limit=SHOWN), "notifications")


@router.post("/console/notifications/read")
async def mark_read(page: UserPage) -> Response:
    form = await page.form()
    keys = [k for k in form.getlist("key") if k]
    back = back_to(form, "/console")
    if not keys:
        return redirect(page, back)
    try:
        await page.api.post("/api/v1/notifications/delivered", json={"keys": keys})
    except ApiFailure as failure:
        return redirect(page, back, failure=failure)
    return redirect(page, back, ok=f"已将 {len(keys)} 条通知标为已读")
