"""A million-object population is frozen, hashed and drawn from on PostgreSQL (timings: benchmarks/draw.py)."""

import pytest
from sqlalchemy import text

from activities.draw import DrawActivities
from domain.draw_records import DrawRequest
from domain.records import ObjectScope
from tests.activities import factories as f

POPULATION = 1_000_000


@pytest.fixture
async def million(sessions) -> None:
    if sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("the scale target is set for PostgreSQL")
    async with sessions.begin() as session:
        # Generated in the server: a million ORM inserts would take minutes and test nothing of ours.
        await session.execute(text(
            "INSERT INTO inspection_objects (uscc, name, address, legal_representative, region_code, industry_code,"
            " kind, credit_risk_class, tags, status, updated_at)"
            " SELECT lpad(g::text, 18, '0'), 'obj' || g, '', '', '430302', '1419', 'enterprise',"
            " (ARRAY['A','B','C','D'])[1 + g % 4], '[]', 'active', now() FROM generate_series(1, :n) AS g"),
            {"n": POPULATION})
        await session.execute(text("ANALYZE inspection_objects"))


async def test_a_million_object_population_is_frozen_whole_and_drawn_from(million, sessions, activity_settings):
    acts = DrawActivities(sessions, activity_settings)
    seed = (await acts.generate_seed()).seed
    request = DrawRequest(task_id="T-BIG", seed=seed, scope=ObjectScope(region_codes=["430302"]), sample_size=200,
                          actor=f.lead_actor())
    proposed = await acts.draw_objects(request)
    assert proposed.population_size == POPULATION and len(proposed.selection) == 200
    confirmed = await acts.confirm_draw(request.model_copy(update={"exclude": [proposed.selection[0].object_id]}))
    assert len(confirmed.selection) == 200 and proposed.selection[0] not in confirmed.selection
