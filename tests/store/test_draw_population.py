"""Freezing a draw's population: every eligible id once, ascending, per stratum, however the database hands them out."""

import pytest
from sqlalchemy import text

from domain.draw import NON_STRATIFIED
from domain.records import ObjectScope
from store import draw_population, scope as scope_sql
from store.db import make_engine, make_session_factory

REGIONS = ("430302", "430304", "430321")


@pytest.fixture
async def sessions(database_url):
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    await engine.dispose()


def directory() -> list[tuple[int, str, str, str]]:
    """(id, region, credit-risk class, status) for 300 objects; ids are not contiguous."""
    return [(7 * n + 3, REGIONS[n % 3], "ABCD"[n * 5 // 7 % 4], "revoked" if n % 11 == 4 else "active")
            for n in range(300)]


async def insert(sessions, rows) -> None:
    async with sessions.begin() as session:
        # Descending ids: the table order is the reverse of the id order, so nothing arrives sorted by luck.
        for object_id, region, risk, status in sorted(rows, reverse=True):
            await session.execute(text(
                "INSERT INTO inspection_objects (id, uscc, name, address, legal_representative, region_code,"
                " industry_code, kind, credit_risk_class, tags, status, updated_at) VALUES (:id, :uscc, 'n', '', '',"
                " :region, '', 'enterprise', :risk, '[]', :status, CURRENT_TIMESTAMP)"),
                {"id": object_id, "uscc": f"{object_id:018d}", "region": region, "risk": risk, "status": status})


def expected(rows, scope: ObjectScope, classes) -> dict[str, list[int]]:
    eligible = [(i, risk) for i, region, risk, status in rows if status == "active"
                and (not scope.region_codes or region in scope.region_codes)
                and (not scope.credit_risk_classes or risk in scope.credit_risk_classes)]
    if classes is None:
        return {NON_STRATIFIED: sorted(i for i, _ in eligible)}
    return {cls: sorted(i for i, risk in eligible if risk == cls) for cls in classes}


SCOPES = [ObjectScope(), ObjectScope(region_codes=["430304"]),
          ObjectScope(region_codes=["430302", "430321"], credit_risk_classes=["A", "C", "D"])]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("classes", [None, ["A", "B", "C", "D"], ["B", "D"]])
@pytest.mark.parametrize("parallel", [False, True])
async def test_the_frozen_population_is_every_eligible_id_ascending(sessions, monkeypatch, scope, classes, parallel):
    if parallel:
        if sessions.kw["bind"].dialect.name != "postgresql":
            pytest.skip("the two-connection read is PostgreSQL's")
        monkeypatch.setattr(scope_sql, "PARALLEL_FROM", 0)
    rows = directory()
    await insert(sessions, rows)
    async with sessions() as session:
        strata = await draw_population.freeze_population(session, scope, classes)
    assert {key: list(ids) for key, ids in strata.items()} == expected(rows, scope, classes)


async def test_an_empty_scope_freezes_empty_strata(sessions):
    async with sessions() as session:
        nowhere = ObjectScope(region_codes=["110101"])
        assert await draw_population.freeze_population(session, nowhere) == {NON_STRATIFIED: []}
        assert await draw_population.freeze_population(session, ObjectScope(), ["A", "D"]) == {"A": [], "D": []}


def test_the_stored_population_round_trips():
    ids = [0, 1, 5, 6, 1_000_000, 2**63, 2**64 - 1]
    assert draw_population.decode_ids(draw_population.encode_ids(ids)) == ids
    assert draw_population.decode_ids(draw_population.encode_ids([])) == []
