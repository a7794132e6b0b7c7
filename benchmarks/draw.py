"""Random draw on PostgreSQL (issue 4): the project's draw path against `ORDER BY random() LIMIT n`.

    .venv/bin/python benchmarks/draw.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/jc_bench_draw

Creates the named database (dropping it first if it exists), migrates it, and for each directory size (1,000,000
and 10,000,000 objects) fills inspection_objects by COPY, then draws 200 objects from a filtered population of
about 1,000,000: the whole active directory of the first, one region of ten in the second. The project's draw is
what the draw activity runs (store.draw_population.freeze_population, domain.draw.population_sha256,
domain.draw.select);
the naive one is `SELECT id … WHERE <same scope> ORDER BY random() LIMIT 200` on the same data in the same run.
Prints the median wall time of several alternating runs and the ratio, then drops the database.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from activities.draw import DrawActivities  # noqa: E402
from config.settings import Settings  # noqa: E402
from domain import draw as protocol  # noqa: E402
from domain.draw_records import DrawRequest  # noqa: E402
from domain.identifiers import USCC_CHARSET, make_uscc  # noqa: E402
from domain.records import ActorRef, ObjectScope  # noqa: E402
from store import draw_population, migrate  # noqa: E402
from store.db import make_engine, make_session_factory  # noqa: E402
from store.models import InspectionObject  # noqa: E402
from store.scope import scope_conditions  # noqa: E402

REGIONS = ("430302", "430304", "430321", "430381", "430382", "430371", "430372", "430373", "430102", "430103")
INDUSTRIES = ("C1419", "F5211", "H6210", "C2710", "E4700")
SAMPLE = 200
BUDGET_SECONDS = 1.0


class UsccMaker:
    """make_uscc(region, serial) for millions of serials: the same weighted sums, looked up per half of the body."""

    _ORG = (3, 7, 9, 10, 5, 8, 4, 2)
    _USCC = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

    def __init__(self, region: str) -> None:
        self.prefix = "91" + region
        self.prefix_total = sum(USCC_CHARSET.index(c) * w for c, w in zip(self.prefix, self._USCC))
        halves = [f"{n:04d}" for n in range(10_000)]
        self.org = [[sum(int(c) * w for c, w in zip(h, self._ORG[k:k + 4])) for h in halves] for k in (0, 4)]
        self.uscc = [[sum(int(c) * w for c, w in zip(h, self._USCC[8 + k:12 + k])) for h in halves] for k in (0, 4)]

    def __call__(self, serial: int) -> str:
        high, low = divmod(serial, 10_000)
        org_check = (11 - (self.org[0][high] + self.org[1][low]) % 11) % 11
        org_char = "X" if org_check == 10 else str(org_check)
        total = self.prefix_total + self.uscc[0][high] + self.uscc[1][low] + USCC_CHARSET.index(org_char) * 28
        return f"{self.prefix}{serial:08d}{org_char}{USCC_CHARSET[(31 - total % 31) % 31]}"


def object_lines(count: int, chunk: int = 20_000):
    """COPY text for `count` objects: ten regions interleaved, skewed credit-risk classes, one in 50 not active."""
    makers = [UsccMaker(region) for region in REGIONS]
    for serial in (0, 1, 12_345, 99_999_999):
        assert makers[3](serial) == make_uscc(REGIONS[3], serial)
    lines = []
    for serial in range(count):
        region = serial % 10
        spread = serial * 2654435761 % 4294967296 % 100
        risk = "A" if spread < 60 else "B" if spread < 85 else "C" if spread < 95 else "D"
        status = "revoked" if serial % 50 == 7 else "active"
        lines.append(f"{serial + 1}\t{makers[region](serial)}\t基准对象{serial:08d}有限公司\t\t\t{REGIONS[region]}\t"
                     f"{INDUSTRIES[serial % 5]}\tenterprise\t{risk}\t[]\t{status}\t\\N\t\\N\t2026-11-23 00:00:00+00\n")
        if len(lines) == chunk:
            yield "".join(lines)
            lines.clear()
    if lines:
        yield "".join(lines)


def fill_directory(url: str, count: int) -> None:
    """Replace the directory by `count` generated objects; indexes are rebuilt after the load, then VACUUM ANALYZE."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        indexes = [row[0] for row in conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'inspection_objects' AND indexname LIKE 'ix_%'")]
        with conn.transaction():
            conn.execute("TRUNCATE inspection_objects")
            for name in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'inspection_objects'"
                                     " AND indexname LIKE 'ix_%'").fetchall():
                conn.execute(f'DROP INDEX "{name[0]}"')
            # The owner check is a statement trigger over a transition table of every row: no owner is set here.
            conn.execute("SET LOCAL session_replication_role = replica")
            columns = ("id, uscc, name, address, legal_representative, region_code, industry_code, kind,"
                       " credit_risk_class, tags, status, phone, owner_department_code, updated_at")
            with conn.cursor().copy(f"COPY inspection_objects ({columns}) FROM STDIN WITH (FREEZE)") as copy:
                for block in object_lines(count):
                    copy.write(block)
            for definition in indexes:
                conn.execute(definition)
        conn.execute("SELECT setval(pg_get_serial_sequence('inspection_objects', 'id'), %s)", (count,))
        conn.execute("VACUUM (ANALYZE) inspection_objects")


async def project_draw(factory, scope: ObjectScope, seed: str) -> tuple[dict[str, float], int, tuple[int, ...]]:
    """What the draw activity runs to freeze and draw: population query, SHA-256 of the ids, counter-mode selection."""
    marks = [time.perf_counter()]
    async with factory() as session:
        strata = await draw_population.freeze_population(session, scope, None)
    marks.append(time.perf_counter())
    protocol.population_sha256(strata)
    marks.append(time.perf_counter())
    selection = protocol.select(seed, strata, {protocol.NON_STRATIFIED: SAMPLE})
    marks.append(time.perf_counter())
    parts = dict(zip(("freeze", "hash", "select"), (b - a for a, b in zip(marks, marks[1:]))))
    return {**parts, "total": marks[-1] - marks[0]}, len(strata[protocol.NON_STRATIFIED]), selection.objects


def naive_statement(scope: ObjectScope):
    """SELECT id FROM inspection_objects WHERE <the same scope> ORDER BY random() LIMIT 200."""
    return select(InspectionObject.id).where(*scope_conditions(scope)).order_by(func.random()).limit(SAMPLE)


async def naive_draw(factory, scope: ObjectScope) -> tuple[float, list[int]]:
    """The usual way: let the server shuffle the filtered rows (not reproducible by anyone, hence not ours)."""
    started = time.perf_counter()
    async with factory() as session:
        ids = list((await session.execute(naive_statement(scope))).scalars())
    return time.perf_counter() - started, ids


async def activity_draw(acts: DrawActivities, scope: ObjectScope, seed: str, run: int) -> float:
    """The whole draw_objects activity: also stores the compressed population, the drawn rows and fusion warnings."""
    request = DrawRequest(task_id=f"BENCH-{run}-{secrets.token_hex(4)}", seed=seed, scope=scope, sample_size=SAMPLE,
                          actor=ActorRef(username="benchmark", role="dept_operator", department_code="BENCH"))
    started = time.perf_counter()
    outcome = await acts.draw_objects(request)
    assert len(outcome.selection) == SAMPLE
    return time.perf_counter() - started


async def bench(url: str, directory: int, scope: ObjectScope, runs: int) -> None:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    acts = DrawActivities(factory, Settings(env="test", database_url=url, secret_key="benchmark-only-secret-key-xx"))
    async with factory() as session:
        population = (await session.execute(select(func.count()).where(*scope_conditions(scope)))).scalar_one()
        sql = str(naive_statement(scope).compile(engine.sync_engine, compile_kwargs={"literal_binds": True}))
        plan = [line.strip() for line in (await session.execute(text("EXPLAIN " + sql))).scalars()]
        print(f"  scope {scope.model_dump(exclude_defaults=True) or 'all active'}: population {population:,};"
              f" the naive query reads: {next(line for line in plan if 'Scan' in line).lstrip('-> ')}")
    project, naive, activity = [], [], []
    print(f"  load average before the runs: {os.getloadavg()[0]:.1f} (2 cores)")
    for run in range(runs + 1):  # run 0 warms the caches and is not counted
        seed = hashlib.sha256(f"benchmark {directory} {run}".encode()).hexdigest()
        if run % 2:  # alternate which one goes first
            seconds, ids = await naive_draw(factory, scope)
        parts, size, picks = await project_draw(factory, scope, seed)
        if not run % 2:
            seconds, ids = await naive_draw(factory, scope)
        assert size == population and len(set(picks)) == len(set(ids)) == SAMPLE
        if run:
            project.append(parts)
            naive.append(seconds)
            activity.append(await activity_draw(acts, scope, seed, run))
    await engine.dispose()
    med = {key: statistics.median(p[key] for p in project) for key in project[0]}
    naive_s, activity_s = statistics.median(naive), statistics.median(activity)
    print(f"  project draw (freeze + hash + select): {med['total'] * 1000:7.1f} ms  (freeze {med['freeze'] * 1000:.1f},"
          f" hash {med['hash'] * 1000:.1f}, select {med['select'] * 1000:.1f})")
    print(f"  naive ORDER BY random() LIMIT {SAMPLE}:     {naive_s * 1000:7.1f} ms")
    print(f"  ratio project/naive: {med['total'] / naive_s:.2f}  (target <= 1); "
          f"project <= {BUDGET_SECONDS:g} s: {'met' if med['total'] <= BUDGET_SECONDS else 'NOT met'}")
    print(f"  whole draw_objects activity (also encodes and stores the population, the drawn rows, fusion warnings):"
          f" {activity_s * 1000:.1f} ms")
    print(f"  load average after the runs: {os.getloadavg()[0]:.1f}")


def admin(url: str, sql: str) -> None:
    conninfo = make_url(url).set(database="postgres", drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="postgresql+psycopg://…/<database to create and drop>")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per directory (median reported)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = make_url(args.database_url)
    if url.get_backend_name() != "postgresql" or not url.database or url.database in ("postgres", "template0",
                                                                                       "template1"):
        parser.error("give a PostgreSQL URL naming a database the benchmark may create and drop")
    url = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    name = make_url(url).database
    admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(url, f'CREATE DATABASE "{name}"')
    try:
        migrate.upgrade(url)
        for directory in args.sizes:
            started = time.perf_counter()
            fill_directory(url, directory)
            print(f"directory of {directory:,} objects (loaded by COPY in {time.perf_counter() - started:.0f} s):",
                  flush=True)
            # About a million eligible objects either way: the whole directory, or one region of ten.
            scope = ObjectScope() if directory <= 1_500_000 else ObjectScope(region_codes=[REGIONS[0]])
            asyncio.run(bench(url, directory, scope, args.runs))
    finally:
        if not args.keep:
            admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
