"""`jointcheck users list|disable|enable|reset-password|reset-totp`: the admin's account tools on the command line,
also the way back in when the only admin is locked out, disabled, or lost the phone with the second factor.
Each change is audited with the operating-system user as actor and ends the account's sessions as the API does."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from datetime import datetime, timezone

from config.settings import Settings

CHANGES = ("disable", "enable", "reset-password", "reset-totp")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the account tools beside `jointcheck users create`."""
    users = next(a for a in sub.choices["users"]._actions if isinstance(a, argparse._SubParsersAction))
    listing = users.add_parser("list", help="list accounts with their state")
    listing.set_defaults(handler=run_users_command)
    for name in CHANGES:
        change = users.add_parser(name, help=f"{name.replace('-', ' ')} an account")
        change.add_argument("username")
        if name == "reset-password":
            change.add_argument("--password", help="the new password (asked for when not given)")
        change.set_defaults(handler=run_users_command)


def _new_password(given: str | None) -> str:
    if given is not None:
        return given
    first = getpass.getpass("new password: ")
    if first != getpass.getpass("again: "):
        raise ValueError("the two passwords differ")
    return first


async def _list(session) -> None:
    from store import accounts, login_guard

    users, _ = await accounts.list_users(session, limit=1_000_000, offset=0)
    locks = await login_guard.locks_of(session, [u.username for u in users], datetime.now(timezone.utc))
    print(f"{'username':<24} {'role':<14} {'department':<12} {'state':<28} totp")
    for u in users:
        state = "disabled" if not u.active else (f"locked until {locks[u.username]:%Y-%m-%d %H:%M} UTC"
                                                   if u.username in locks else "active")
        print(f"{u.username:<24} {u.role:<14} {u.department_code or '-':<12} {state:<28} "
              f"{'on' if u.totp_enabled else 'off'}")


async def _change(session, command: str, username: str, password: str | None) -> None:
    from api.security import hash_password
    from domain import passwords
    from store import accounts
    from store.audit import Actor

    user = await accounts.user_by_username(session, username)
    if user is None:
        raise ValueError(f"user '{username}' not found")
    actor = Actor(username=f"cli:{getpass.getuser()}", role="system")
    if command in ("disable", "enable"):
        await accounts.set_active(session, actor=actor, user=user, active=command == "enable")
    elif command == "reset-totp":
        await accounts.reset_totp(session, actor=actor, user=user)
    else:
        rule = passwords.broken_rule(password)
        if rule is not None:
            raise ValueError(f"password {passwords.RULES[rule]}")
        await accounts.set_password(session, actor=actor, user=user, password_hash=hash_password(password),
                                    by_admin=True)
    await session.commit()
    print(f"account '{username}': {command} done; its existing sessions have ended" if command != "enable"
          else f"account '{username}': enabled (and unlocked)")


async def _run(settings: Settings, args: argparse.Namespace) -> None:
    from store.db import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            if args.users_command == "list":
                await _list(session)
            else:
                password = _new_password(args.password) if args.users_command == "reset-password" else None
                await _change(session, args.users_command, args.username, password)
    finally:
        await engine.dispose()


def run_users_command(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of `jointcheck users list|disable|enable|reset-password|reset-totp`."""
    try:
        asyncio.run(_run(settings, args))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
