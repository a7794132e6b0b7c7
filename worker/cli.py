"""The `jointcheck` command: dev launcher, production entry points and admin tools."""

import argparse
import asyncio
import sys

from config.logs import configure_logging
from config.settings import Settings, get_settings


def _cmd_dev(args: argparse.Namespace, settings: Settings) -> int:
    from worker.dev import run_dev

    return run_dev(settings)


def _cmd_api(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import create_app

    # log_config=None keeps config.logs' handler; api.observability writes the one access line per request.
    uvicorn.run(create_app(settings), host=args.host or settings.api_host, port=args.port or settings.api_port,
                log_config=None, access_log=False, proxy_headers=True)
    return 0


def _cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from worker.main import run_worker

    asyncio.run(run_worker(settings))
    return 0


def _cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from worker.setup import migrate_and_seed_calendar

    app_role = migrate_and_seed_calendar(settings)
    print("database is at the latest migration; calendar seeded")
    if app_role:
        print(f"role {app_role} may read and write rows, append and link audit records, and change no schema")
    return 0


def _cmd_temporal_setup(args: argparse.Namespace, settings: Settings) -> int:
    from worker.temporal_setup import RETENTION, set_up_temporal

    asyncio.run(set_up_temporal(settings))
    print(f"namespace {settings.temporal_namespace} ready: retention {RETENTION.days} days, search attributes set")
    return 0


def _cmd_worker_health(args: argparse.Namespace, settings: Settings) -> int:
    from worker.health import idle_queue_types

    try:
        idle = asyncio.run(idle_queue_types(settings))
    except Exception as exc:  # noqa: BLE001 - unreachable Temporal is an unhealthy worker, said in one line
        print(f"unhealthy: Temporal unreachable ({type(exc).__name__})", file=sys.stderr)
        return 1
    if idle:
        print(f"unhealthy: no {' or '.join(idle)} polls from this host on {settings.task_queue}", file=sys.stderr)
        return 1
    print(f"healthy: polling {settings.task_queue}")
    return 0


def _cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    from worker.setup import seed_demo_data

    created = asyncio.run(seed_demo_data(settings))
    print("demo data loaded" if created else "demo data already present; nothing changed")
    return 0


def _cmd_users_create(args: argparse.Namespace, settings: Settings) -> int:
    from worker.setup import create_account

    try:
        asyncio.run(create_account(settings, username=args.username, password=args.password, role=args.role,
                                   department_code=args.department, display_name=args.display_name or ""))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"account '{args.username}' created with role {args.role}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jointcheck", description="部门联合“双随机、一公开”监管平台")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dev", help="whole system, embedded: Temporal dev server, migrations, demo data, worker, API")
    api = sub.add_parser("api", help="serve the HTTP API")
    api.add_argument("--host")
    api.add_argument("--port", type=int)
    sub.add_parser("worker", help="run a Temporal worker")
    sub.add_parser("migrate", help="as the schema owner: apply migrations, seed the calendar, grant the app role")
    sub.add_parser("temporal-setup", help="create the namespace (audit-period retention) and its search attributes")
    sub.add_parser("worker-health", help="exit 0 when a worker on this host polls its task queue (healthcheck)")
    sub.add_parser("seed-demo", help="load the demo data set (only into an empty database)")
    users = sub.add_parser("users", help="manage accounts").add_subparsers(dest="users_command", required=True)
    create = users.add_parser("create", help="create an account")
    create.add_argument("--username", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--role", required=True, choices=["admin", "office", "dept_operator", "dept_approver"])
    create.add_argument("--department", help="department code (department roles only)")
    create.add_argument("--display-name")
    for register in _EXTENSIONS:
        register(sub)
    return parser


# Subcommands contributed by other modules (e.g. bulk import) register themselves here.
_EXTENSIONS: list = []
from worker.import_cli import register as _register_import  # noqa: E402 - `jointcheck import …`
_EXTENSIONS.append(_register_import)
from worker.users_cli import register as _register_users  # noqa: E402 - `jointcheck users list|disable|…`
_EXTENSIONS.append(_register_users)
_HANDLERS = {"dev": _cmd_dev, "api": _cmd_api, "worker": _cmd_worker, "migrate": _cmd_migrate,
             "temporal-setup": _cmd_temporal_setup, "worker-health": _cmd_worker_health,
             "seed-demo": _cmd_seed_demo, "users": _cmd_users_create}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_format)
    handler = getattr(args, "handler", None) or _HANDLERS.get(args.command)
    return handler(args, settings)


if __name__ == "__main__":
    sys.exit(main())
