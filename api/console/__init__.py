"""The web console (/console) and the public disclosure site (/public): server-rendered, Simplified Chinese,
thin clients of the JSON API (they call it in-process and render what it answers)."""

from fastapi import APIRouter

from api.console import (public_pages, routes_account, routes_auth, routes_draw, routes_fairness, routes_inspection,
                         routes_notifications, routes_office, routes_tasks, routes_users)

router = APIRouter(include_in_schema=False)
for _module in (routes_auth, routes_account, routes_users, routes_tasks, routes_draw, routes_inspection,
                routes_office, routes_notifications, public_pages, routes_fairness):
    router.include_router(_module.router)
