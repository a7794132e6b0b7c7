"""Bulk import of the object directory into PostgreSQL: the project's import path against a naive ORM insert.

    python benchmarks/import_objects.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/jc_bench \
        --rows 1000000

Creates the named database (dropping it first if it exists), migrates it, writes a CSV of valid objects, imports
it through store.importing (the code behind POST /api/v1/objects/import and `jointcheck import objects`), imports
it again (every row unchanged), then inserts a slice row by row with session.add + commit, and drops the database.
Prints rows/s, the ratio and the process's resident memory along the way (it must stay flat).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from domain.identifiers import make_uscc  # noqa: E402
from store import accounts, importing, migrate  # noqa: E402
from store.audit import SYSTEM, Actor  # noqa: E402
from store.db import make_engine, make_session_factory  # noqa: E402
from store.models import InspectionObject  # noqa: E402

REGIONS = ("430302", "430304", "430321", "430381", "430382")
KINDS = ("企业", "个体工商户", "企业", "企业", "产品")
HEADER = ["统一社会信用代码", "名称", "地址", "法定代表人", "区划代码", "行业代码", "对象类型", "信用风险分类", "标签",
          "状态", "联系电话"]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU time of a local PostgreSQL backend process (None when the server is not on this machine)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mib() -> float:
    """Current resident set size of this process."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def object_row(serial: int) -> list[str]:
    region = REGIONS[serial % len(REGIONS)]
    return [make_uscc(region, serial), f"湘潭基准测试{serial:07d}有限公司", f"湖南省湘潭市建设路{serial % 997 + 1}号",
            "张三", region, "C1419", KINDS[serial % len(KINDS)], "ABCD"[serial % 4], "食品；基准", "存续",
            f"139{serial % 10**8:08d}"]


def write_csv(path: Path, first: int, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for serial in range(first, first + count):
            writer.writerow(object_row(serial))


def admin(url: str, sql: str) -> None:
    conninfo = make_url(url).set(database="postgres", drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql)


async def project_import(factory, path: Path, label: str) -> tuple[dict, float]:
    marks = iter((0.25, 0.5, 0.75, 2.0))
    mark = next(marks)

    def progress(fraction: float, rows: int) -> None:
        nonlocal mark
        if fraction >= mark:
            print(f"  {label}: {fraction:4.0%} {rows:>9,} rows  RSS {rss_mib():6.1f} MiB", flush=True)
            mark = next(marks)

    actor = Actor(username="benchmark", role="system", department_code="BENCH")
    async with factory() as session:
        backend = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        python_cpu, backend_cpu = own_cpu_seconds(), backend_cpu_seconds(backend)
        started = time.perf_counter()
        with path.open("rb") as binary:
            report = await importing.import_file(session, kind="objects", binary=binary, filename=path.name,
                                                 actor=actor, department_code="BENCH", progress=progress)
        await session.commit()
        seconds = time.perf_counter() - started
        python_cpu = own_cpu_seconds() - python_cpu
        backend_end = backend_cpu_seconds(backend)
    rows = report["accepted"] + len(report["rejected"])
    # The import is CPU-bound on both sides of the connection: say where the time went, since a shared machine
    # changes the wall-clock figure but hardly the CPU spent per row.
    cpu = f"CPU per row: Python {python_cpu / rows * 1e6:.1f} us"
    if backend_cpu is not None and backend_end is not None:
        cpu += f", PostgreSQL backend {(backend_end - backend_cpu) / rows * 1e6:.1f} us"
    print(f"  {label}: {cpu}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    return report, seconds


async def naive_insert(factory, first: int, count: int) -> float:
    """The obvious alternative: one ORM object and one commit per row (rows already parsed and validated)."""
    kinds = {"企业": "enterprise", "个体工商户": "individual", "产品": "product"}
    started = time.perf_counter()
    async with factory() as session:
        for serial in range(first, first + count):
            uscc, name, address, person, region, industry, kind, risk, _, _, phone = object_row(serial)
            session.add(InspectionObject(uscc=uscc, name=name, address=address, legal_representative=person,
                                         region_code=region, industry_code=industry, kind=kinds[kind],
                                         credit_risk_class=risk, tags=["食品", "基准"], status="active", phone=phone,
                                         owner_department_code="BENCH"))
            await session.commit()
    return time.perf_counter() - started


async def run(url: str, rows: int, naive_rows: int, workdir: Path) -> None:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    async with factory() as session:
        await accounts.create_department(session, actor=SYSTEM, code="BENCH", name="基准", level="city",
                                         region_code="430300")
        await session.commit()
    path = workdir / "objects.csv"
    started = time.perf_counter()
    write_csv(path, 0, rows)
    print(f"generated {rows:,} rows ({path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - started:.1f} s;"
          f" RSS {rss_mib():.1f} MiB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    report, seconds = await project_import(factory, path, "import")
    assert report["created"] == rows and not report["rejected"], {k: v for k, v in report.items() if k != "rejected"}
    project_rate = rows / seconds
    print(f"project import: {rows:,} rows in {seconds:.1f} s = {project_rate:,.0f} rows/s; RSS {rss_mib():.1f} MiB,"
          f" peak {peak_rss_mib():.1f} MiB")

    report, seconds = await project_import(factory, path, "re-import")
    assert report["unchanged"] == rows and report["created"] == report["updated"] == 0
    print(f"re-import (all unchanged): {rows / seconds:,.0f} rows/s; RSS {rss_mib():.1f} MiB,"
          f" peak {peak_rss_mib():.1f} MiB")

    seconds = await naive_insert(factory, rows, naive_rows)
    naive_rate = naive_rows / seconds
    print(f"naive ORM insert (session.add + commit per row): {naive_rows:,} rows in {seconds:.1f} s"
          f" = {naive_rate:,.0f} rows/s")
    async with factory() as session:
        total = (await session.execute(select(func.count()).select_from(InspectionObject))).scalar_one()
    assert total == rows + naive_rows
    print(f"ratio project/naive: {project_rate / naive_rate:.0f}x; target >= 50,000 rows/s: "
          f"{'met' if project_rate >= 50_000 else 'NOT met'}; peak RSS {peak_rss_mib():.1f} MiB")
    await engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="postgresql+psycopg://…/<database to create and drop>")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--naive-rows", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = make_url(args.database_url)
    if url.get_backend_name() != "postgresql" or not url.database or url.database == "postgres":
        parser.error("give a PostgreSQL URL naming a database the benchmark may create and drop")
    url = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    admin(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    admin(url, f'CREATE DATABASE "{make_url(url).database}"')
    try:
        migrate.upgrade(url)
        with tempfile.TemporaryDirectory(prefix="jointcheck-bench-") as workdir:
            asyncio.run(run(url, args.rows, args.naive_rows, Path(workdir)))
    finally:
        if not args.keep:
            admin(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
