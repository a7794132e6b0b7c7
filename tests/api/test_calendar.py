"""The working-day calendar and the deadline calculator through the API (SPEC §2, §3, §9)."""

import httpx

from api.app import create_app
from tests.api.helpers import user_headers

CALENDAR_2027 = {
    "holidays": ["2027-01-01", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"],
    "makeup_workdays": ["2027-02-06", "2027-02-20"],
    "names": {"2027-01-01": "元旦", "2027-02-08": "春节", "2027-02-06": "春节"},
}


async def deadline(client, headers, start: str, working_days: int) -> httpx.Response:
    return await client.get("/api/v1/calendar/deadline", headers=headers,
                            params={"start": start, "working_days": working_days})


async def test_seeded_year_lists_holidays_and_makeup_days_with_names(client, session_factory):
    headers = await user_headers(client, session_factory, "op", "dept_operator", "D1")
    body = (await client.get("/api/v1/calendar/2026", headers=headers)).json()
    assert body["loaded"] is True and body["provisional"] is False and body["source"] == "chinese_calendar"
    holidays = {d["date"]: d["name"] for d in body["holidays"]}
    assert holidays["2026-10-01"] == "国庆节" and holidays["2026-02-16"] == "春节"
    assert {"date": "2026-10-10", "name": "国庆节"} in body["makeup_workdays"]


async def test_year_without_data_is_provisional(client, session_factory):
    headers = await user_headers(client, session_factory, "op", "dept_approver", "D1")
    body = (await client.get("/api/v1/calendar/2031", headers=headers)).json()
    assert body == {"year": 2031, "loaded": False, "provisional": True, "source": None, "loaded_at": None,
                    "loaded_by": None, "holidays": [], "makeup_workdays": []}
    answer = (await deadline(client, headers, "2031-03-03T09:00:00+08:00", 2)).json()
    assert answer["due_at"] == "2031-03-06T00:00:00+08:00" and answer["provisional"] is True


async def test_national_day_and_spring_festival_deadlines(client, session_factory):
    headers = await user_headers(client, session_factory, "op", "dept_operator", "D1")
    national_day = await deadline(client, headers, "2026-09-30T10:00:00+08:00", 2)
    assert national_day.status_code == 200
    assert national_day.json() == {"start": "2026-09-30T10:00:00+08:00", "working_days": 2,
                                   "due_at": "2026-10-10T00:00:00+08:00", "provisional": False, "drill": False}
    # Same instant written in UTC: the day of the event is still 30 September in Shanghai.
    in_utc = await deadline(client, headers, "2026-09-30T02:00:00Z", 2)
    assert in_utc.json()["due_at"] == "2026-10-10T00:00:00+08:00"
    # Friday before Spring Festival: the make-up Saturday counts, the nine days off do not.
    spring = await deadline(client, headers, "2026-02-13T18:00:00+08:00", 2)
    assert spring.json()["due_at"] == "2026-02-25T00:00:00+08:00"
    late_evening = await deadline(client, headers, "2025-09-30T23:30:00+08:00", 1)
    assert late_evening.json()["due_at"] == "2025-10-10T00:00:00+08:00"


async def test_deadline_refuses_naive_start_and_bad_counts(client, session_factory):
    headers = await user_headers(client, session_factory, "op", "dept_operator", "D1")
    naive = await deadline(client, headers, "2026-09-30T10:00:00", 2)
    assert naive.status_code == 422
    assert naive.json()["detail"][0]["loc"] == ["query", "start"]
    assert "timezone offset" in naive.json()["detail"][0]["msg"]
    garbage = await deadline(client, headers, "next tuesday", 2)
    assert garbage.status_code == 422 and garbage.json()["detail"][0]["loc"] == ["query", "start"]
    for bad in (0, 366):
        refused = await deadline(client, headers, "2026-09-30T10:00:00+08:00", bad)
        assert refused.status_code == 422 and "working_days" in refused.json()["detail"][0]["loc"]
    # A '+' that was not URL-encoded arrives as a space; the offset is still understood.
    raw = await client.get("/api/v1/calendar/deadline?start=2026-09-30T10:00:00+08:00&working_days=2",
                           headers=headers)
    assert raw.status_code == 200 and raw.json()["due_at"] == "2026-10-10T00:00:00+08:00"


async def test_calendar_needs_an_account(client):
    assert (await client.get("/api/v1/calendar/2026")).status_code == 401
    assert (await client.get("/api/v1/calendar/deadline",
                             params={"start": "2026-09-30T10:00:00+08:00", "working_days": 2})).status_code == 401


async def test_only_the_office_loads_a_year(client, session_factory):
    for username, role, dept in (("op", "dept_operator", "D1"), ("ap", "dept_approver", "D1"), ("root", "admin", None)):
        headers = await user_headers(client, session_factory, username, role, dept)
        refused = await client.put("/api/v1/calendar/2027", headers=headers, json=CALENDAR_2027)
        assert refused.status_code == 403, role
    office = await user_headers(client, session_factory, "office", "office")
    assert (await client.get("/api/v1/calendar/2027", headers=office)).json()["loaded"] is False


async def test_loading_2027_turns_a_provisional_deadline_final_and_moves_it(client, session_factory, app):
    office = await user_headers(client, session_factory, "office", "office")
    before = (await deadline(client, office, "2026-12-31T10:00:00+08:00", 1)).json()
    assert before["due_at"] == "2027-01-02T00:00:00+08:00" and before["provisional"] is True

    told: list[int] = []

    async def remember(year: int) -> None:
        told.append(year)

    app.state.calendar_changed_hooks.append(remember)
    loaded = await client.put("/api/v1/calendar/2027", headers=office, json=CALENDAR_2027)
    assert loaded.status_code == 200, loaded.text
    body = loaded.json()
    assert body["loaded"] is True and body["provisional"] is False and body["source"] == "office"
    assert body["loaded_by"] == "office" and body["running_tasks_notified"] is True
    assert {"date": "2027-01-01", "name": "元旦"} in body["holidays"]
    assert {"date": "2027-02-20", "name": ""} in body["makeup_workdays"]
    assert told == [2027]

    after = (await deadline(client, office, "2026-12-31T10:00:00+08:00", 1)).json()
    assert after["due_at"] == "2027-01-05T00:00:00+08:00" and after["provisional"] is False
    spring = (await deadline(client, office, "2027-02-05T12:00:00+08:00", 2)).json()
    assert spring["due_at"] == "2027-02-16T00:00:00+08:00"  # 2027-02-06 (make-up Saturday), then 2027-02-15

    audit_log = (await client.get("/api/v1/audit", headers=office, params={"action": "calendar.load_year"})).json()
    assert audit_log["total"] == 1 and audit_log["records"][0]["target"] == "calendar:2027"


async def test_reloading_a_year_replaces_it(client, session_factory):
    office = await user_headers(client, session_factory, "office", "office")
    await client.put("/api/v1/calendar/2027", headers=office, json=CALENDAR_2027)
    smaller = await client.put("/api/v1/calendar/2027", headers=office, json={"holidays": ["2027-10-01"]})
    assert [d["date"] for d in smaller.json()["holidays"]] == ["2027-10-01"]
    assert smaller.json()["makeup_workdays"] == []


async def test_a_failing_hook_does_not_undo_the_load(client, session_factory, app):
    office = await user_headers(client, session_factory, "office", "office")

    async def broken(_year: int) -> None:
        raise RuntimeError("workflow service down")

    app.state.calendar_changed_hooks = [broken]
    loaded = await client.put("/api/v1/calendar/2027", headers=office, json=CALENDAR_2027)
    assert loaded.status_code == 200 and loaded.json()["running_tasks_notified"] is False
    assert (await client.get("/api/v1/calendar/2027", headers=office)).json()["loaded"] is True


async def test_bad_schedules_are_refused_naming_the_date(client, session_factory):
    office = await user_headers(client, session_factory, "office", "office")
    cases = [
        ({"holidays": ["2027-01-02"]}, "holidays", "2027-01-02 is a Saturday"),
        ({"holidays": ["2026-10-01"]}, "holidays", "2026-10-01 is not in 2027"),
        ({"holidays": [], "makeup_workdays": ["2027-02-08"]}, "makeup_workdays", "2027-02-08 is a Monday"),
        ({"holidays": ["2027-01-01", "2027-01-01"]}, "holidays", "listed twice: 2027-01-01"),
        ({"holidays": ["2027-01-01"], "names": {"2027-05-03": "劳动节"}}, "names", "2027-05-03"),
        ({"holidays": ["2027-13-01"]}, "holidays", ""),
        ({"makeup_workdays": []}, "holidays", ""),
    ]
    for body, field, text in cases:
        refused = await client.put("/api/v1/calendar/2027", headers=office, json=body)
        assert refused.status_code == 422, body
        detail = refused.json()["detail"]
        assert any(field in d["loc"] and text in d["msg"] for d in detail), detail
    assert (await client.put("/api/v1/calendar/1999", headers=office, json={"holidays": []})).status_code == 422
    assert (await client.get("/api/v1/calendar/2027", headers=office)).json()["loaded"] is False


async def test_drill_mode_deadlines_last_seconds(settings, temporal_client):
    drill = settings.model_copy(update={"drill_workday_seconds": 2.0})
    app = create_app(drill, temporal_client=temporal_client)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            headers = await user_headers(http, app.state.session_factory, "op", "dept_operator", "D1")
            answer = await deadline(http, headers, "2026-09-30T10:00:00+08:00", 3)
    assert answer.status_code == 200
    assert answer.json()["due_at"] == "2026-09-30T10:00:06+08:00"
    assert answer.json()["drill"] is True and answer.json()["provisional"] is False
