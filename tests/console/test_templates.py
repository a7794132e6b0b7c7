"""Template pieces whose look carries meaning: a deadline turns red under one working day or when it passed."""

from datetime import datetime, timedelta, timezone

from api.console.pages import templates

NOW = datetime.now(timezone.utc)


def _due(**response) -> str:
    return templates.get_template("_due.html").render(r={"overdue": False, "provisional": False, "drill": False,
                                                         **response})


def test_a_deadline_more_than_a_working_day_away_is_not_red():
    html = _due(due_at=(NOW + timedelta(days=2)).isoformat(), remind_at=(NOW + timedelta(days=1)).isoformat())
    assert "剩余 1 天" in html and "data-urgent" not in html


def test_under_one_working_day_left_is_red():
    html = _due(due_at=(NOW + timedelta(hours=5)).isoformat(), remind_at=(NOW - timedelta(hours=19)).isoformat())
    assert 'class="red"' in html and "剩余 4 小时" in html


def test_a_passed_deadline_is_red_and_says_overdue():
    html = _due(due_at=(NOW - timedelta(hours=3)).isoformat(), overdue=True, provisional=True)
    assert 'class="red"' in html and "已超期 3 小时" in html and "已逾期" in html and "暂定期限" in html


def test_instants_in_messages_read_as_beijing_time():
    from api.console.pages import beijing_times_in

    assert beijing_times_in("任务将于 2026-10-09T16:00:00+00:00 到期") == "任务将于 2026-10-10 00:00 到期"
    assert beijing_times_in("须于 2026-10-09 16:00:00.5Z 前公示") == "须于 2026-10-10 00:00 前公示"
