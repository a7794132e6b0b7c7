"""Tags are matched exactly, by the one scope-to-SQL function the draw, the live count and the directory list share:
a tag with `%`, `_`, a quote or a backslash matches only itself, never as a pattern or a piece of another tag."""

import pytest

from domain.records import ObjectScope
from store import masterdata
from store.db import make_engine, make_session_factory
from store.draw_population import freeze_population
from store.masterdata import InspectorFilter, ObjectFilter
from store import scope as scope_sql
from store.scope import population_counts
from tests.activities import factories as f

TAGS = ["a%b", "axxb", "a_b", "acb", "食品", "食品安全", 'say "hi"', "back\\slash", "x", "a"]


@pytest.fixture
async def sessions(database_url):
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def tagged(sessions) -> dict[str, int]:
    """One active object per tag (plus one with two tags), by tag; and one inspector per tag."""
    async with sessions.begin() as session:
        f.department(session, "D1")
        objects = {tag: f.inspection_object(session, tags=[tag]) for tag in TAGS}
        objects["x+a%b"] = f.inspection_object(session, tags=["x", "a%b"])
        f.inspection_object(session, tags=["a%b"], status="revoked")
        for tag in TAGS:
            f.inspector(session, "D1", tags=[tag], region_codes=[tag])
    return {tag: row.id for tag, row in objects.items()}


@pytest.mark.parametrize("tag, holders", [("a%b", ["a%b", "x+a%b"]), ("a_b", ["a_b"]), ("%", []), ("_", []),
                                          ("食品", ["食品"]), ('say "hi"', ['say "hi"']),
                                          ("back\\slash", ["back\\slash"]), ("a", ["a"])])
async def test_a_tag_matches_only_itself_in_the_draw_the_count_and_the_directory(sessions, tagged, tag, holders):
    wanted = sorted(tagged[h] for h in holders)
    async with sessions() as session:
        drawn = await freeze_population(session, ObjectScope(tags=[tag]))
        counted = await population_counts(session, ObjectScope(tags=[tag]))
        total, listed = await masterdata.list_objects(session, where=ObjectFilter(tag=tag), limit=100, offset=0)
        _, inspectors = await masterdata.list_inspectors(session, where=InspectorFilter(tag=tag), limit=100, offset=0)
        _, by_region = await masterdata.list_inspectors(session, where=InspectorFilter(region_code=tag), limit=100,
                                                        offset=0)
    assert list(drawn["all"]) == wanted
    assert sum(counted.values()) == len(wanted)
    # The directory lists every status: the revoked object tagged "a%b" too, and nothing else.
    assert total == len(listed) == len(wanted) + (tag == "a%b")
    assert [row.id for row in listed if row.status == "active"] == wanted
    assert [i.tags for i in inspectors] == ([[tag]] if tag in TAGS else [])
    assert [i.region_codes for i in by_region] == ([[tag]] if tag in TAGS else [])


@pytest.mark.parametrize("parallel", [False, True])
async def test_several_tags_in_a_scope_mean_any_of_them(sessions, tagged, monkeypatch, parallel):
    if parallel:
        if sessions.kw["bind"].dialect.name != "postgresql":
            pytest.skip("the two-connection read is PostgreSQL's")
        monkeypatch.setattr(scope_sql, "PARALLEL_FROM", 0)
    async with sessions() as session:
        drawn = await freeze_population(session, ObjectScope(tags=["a_b", "acb", "%"]))
        classes = await freeze_population(session, ObjectScope(tags=["a%b"]), ["B", "C"])
    assert list(drawn["all"]) == sorted([tagged["a_b"], tagged["acb"]])
    assert list(classes["B"]) == sorted([tagged["a%b"], tagged["x+a%b"]]) and list(classes["C"]) == []
