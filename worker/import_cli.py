"""`jointcheck import objects FILE` / `jointcheck import inspectors FILE --department CODE`: the CLI twin of the
import endpoints. The report goes to stdout as JSON, a progress line to stderr."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
import time

from config.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `import` command to the jointcheck parser."""
    parser = sub.add_parser("import", help="bulk import objects or inspectors from a CSV or XLSX file")
    kinds = parser.add_subparsers(dest="import_kind", required=True)
    objects = kinds.add_parser("objects", help="into the object directory (upsert by USCC)")
    objects.add_argument("--department", help="owner department of newly created objects (optional)")
    inspectors = kinds.add_parser("inspectors", help="into one department's inspector directory (by ID number)")
    inspectors.add_argument("--department", required=True, help="the department the inspectors belong to")
    for kind_parser in (objects, inspectors):
        kind_parser.add_argument("file", help="CSV (UTF-8 or GBK) or XLSX file")
        kind_parser.add_argument("--batch-size", type=int, default=None, help=argparse.SUPPRESS)
        kind_parser.set_defaults(handler=run_import_command)


class ProgressLine:
    """A plain progress bar on stderr, redrawn in place with a carriage return."""

    def __init__(self, stream=sys.stderr, width: int = 30) -> None:
        self.stream, self.width, self.started = stream, width, time.monotonic()

    def __call__(self, fraction: float, rows: int) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        filled = int(fraction * self.width)
        rate = rows / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%}  "
                          f"{rows:,} rows  {rate:,.0f} rows/s")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


async def _import(settings: Settings, kind: str, path: str, department: str | None, batch_size: int | None) -> int:
    from store import accounts, importing
    from store.audit import Actor
    from store.db import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            if department and await accounts.department(session, department) is None:
                print(f"error: department '{department}' not found", file=sys.stderr)
                return 2
            actor = Actor(username=f"cli:{getpass.getuser()}", role="system", department_code=department)
            bar = ProgressLine()
            with open(path, "rb") as binary:
                try:
                    report = await importing.import_file(
                        session, kind=kind, binary=binary, filename=path, actor=actor, department_code=department,
                        progress=bar, **({"batch_size": batch_size} if batch_size else {}))
                except importing.FileProblem as problem:
                    print(f"error: {problem.reason}", file=sys.stderr)
                    return 2
            await session.commit()
            bar(1.0, report["accepted"] + len(report["rejected"]))
            bar.finish()
    finally:
        await engine.dispose()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


def run_import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of `jointcheck import …`."""
    try:
        return asyncio.run(_import(settings, args.import_kind, args.file, args.department, args.batch_size))
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
