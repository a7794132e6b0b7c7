"""The audit log through the API: who may read it, filters, and verification catching tampering (SPEC §7)."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, text, update

from store import audit
from store.models import AuditRecord
from tests.api.helpers import user_headers


async def make_history(client, session_factory) -> dict:
    """Accounts (each audited) and two calendar loads by the office."""
    office = await user_headers(client, session_factory, "office", "office")
    await client.put("/api/v1/calendar/2027", headers=office, json={"holidays": ["2027-01-01"]})
    await client.put("/api/v1/calendar/2028", headers=office, json={"holidays": ["2028-01-03"]})
    await audit.link_all(session_factory)  # what the worker's chainer does a moment after each commit
    return office


async def as_database_superuser(session) -> None:
    """Tampering as someone who bypasses the audit guard trigger on PostgreSQL (a superuser): the chain still
    shows it. The application's own role cannot do it at all (tests/deploy/test_least_privilege.py)."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SET LOCAL session_replication_role = replica"))


async def test_only_office_and_admin_read_and_verify(client, session_factory):
    office = await make_history(client, session_factory)
    admin = await user_headers(client, session_factory, "root", "admin")
    for headers in (office, admin):
        verdict = await client.get("/api/v1/audit/verify", headers=headers)
        assert verdict.status_code == 200
        assert verdict.json()["ok"] is True and verdict.json()["first_broken_id"] is None
        assert verdict.json()["records"] >= 4
        assert (await client.get("/api/v1/audit", headers=headers)).status_code == 200
    for username, role in (("op", "dept_operator"), ("ap", "dept_approver")):
        headers = await user_headers(client, session_factory, username, role, "D1")
        assert (await client.get("/api/v1/audit/verify", headers=headers)).status_code == 403
        assert (await client.get("/api/v1/audit", headers=headers)).status_code == 403
    assert (await client.get("/api/v1/audit/verify")).status_code == 401


async def test_listing_filters_and_pages(client, session_factory):
    office = await make_history(client, session_factory)
    everything = (await client.get("/api/v1/audit", headers=office)).json()
    ids = [r["id"] for r in everything["records"]]
    assert ids == sorted(ids, reverse=True) and everything["total"] == len(ids)
    by_office = (await client.get("/api/v1/audit", headers=office, params={"actor": "office"})).json()
    assert by_office["total"] >= 2 and {r["actor"] for r in by_office["records"]} == {"office"}
    by_office = (await client.get("/api/v1/audit", headers=office,
                                  params={"actor": "office", "action": "calendar.load_year"})).json()
    assert [r["target"] for r in by_office["records"]] == ["calendar:2028", "calendar:2027"]
    assert by_office["records"][0]["change"]["after"]["holidays"] == ["2028-01-03"]
    prefix = (await client.get("/api/v1/audit", headers=office, params={"target": "calendar:202"})).json()
    assert prefix["total"] == 2
    wildcard = (await client.get("/api/v1/audit", headers=office, params={"target": "calendar_"})).json()
    assert wildcard["total"] == 0
    page = (await client.get("/api/v1/audit", headers=office, params={"limit": 1, "offset": 1})).json()
    assert page["total"] == everything["total"] and [r["id"] for r in page["records"]] == ids[1:2]
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    assert (await client.get("/api/v1/audit", headers=office, params={"since": future})).json()["total"] == 0
    past = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    assert (await client.get("/api/v1/audit", headers=office, params={"since": past})).json()["total"] == len(ids)
    naive = await client.get("/api/v1/audit", headers=office, params={"since": "2026-01-01T00:00:00"})
    assert naive.status_code == 422 and naive.json()["detail"][0]["loc"] == ["query", "since"]
    assert (await client.get("/api/v1/audit", headers=office, params={"limit": 0})).status_code == 422


async def test_editing_a_record_behind_the_api_is_caught(client, session_factory):
    office = await make_history(client, session_factory)
    async with session_factory() as session:
        target = (await session.execute(select(AuditRecord.id).where(AuditRecord.target == "calendar:2027"))).scalar()
        await as_database_superuser(session)
        await session.execute(update(AuditRecord).where(AuditRecord.id == target)
                              .values(change='{"after":{"holidays":[]}}'))
        await session.commit()
    verdict = (await client.get("/api/v1/audit/verify", headers=office)).json()
    assert verdict["ok"] is False and verdict["first_broken_id"] == target
    assert verdict["reason"] == "change does not match its digest"


async def test_rewriting_who_did_it_is_caught(client, session_factory):
    office = await make_history(client, session_factory)
    async with session_factory() as session:
        target = (await session.execute(select(AuditRecord.id).where(AuditRecord.target == "calendar:2027"))).scalar()
        await as_database_superuser(session)
        await session.execute(update(AuditRecord).where(AuditRecord.id == target).values(actor="someone_else"))
        await session.commit()
    verdict = (await client.get("/api/v1/audit/verify", headers=office)).json()
    assert verdict["ok"] is False and verdict["first_broken_id"] == target
    assert verdict["reason"] == "record hash does not match its content"


async def test_deleting_a_middle_record_breaks_the_chain_at_the_next(client, session_factory):
    office = await make_history(client, session_factory)
    async with session_factory() as session:
        ids = list((await session.execute(select(AuditRecord.id).order_by(AuditRecord.id))).scalars())
        middle = ids[len(ids) // 2]
        await as_database_superuser(session)
        await session.execute(delete(AuditRecord).where(AuditRecord.id == middle))
        await session.commit()
    verdict = (await client.get("/api/v1/audit/verify", headers=office)).json()
    assert verdict["ok"] is False
    assert verdict["first_broken_id"] == ids[ids.index(middle) + 1]
    assert verdict["reason"] == "link to the previous record is broken"
    assert verdict["records"] == ids.index(middle)
