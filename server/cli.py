"""The `roundtable` command: serve, db upgrade, demo, login-link, grant-organiser."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rooms.core.clock import SystemClock
from rooms.core.errors import DomainError
from rooms.missions.accounts import AccountService
from rooms.missions.creators import CreatorGrant, MissionCreators
from server.db.migrate import upgrade
from server.db.store_sql import SqlStore
from server.settings import Settings
from server.tokens import Purpose, Tokens

CLI_LINK_TTL = dt.timedelta(hours=24)


RUNNING = "server.json"  # under var/: where the last `roundtable serve` started from this directory listens


def _settings(args: argparse.Namespace) -> Settings:
    tls = bool(getattr(args, "ssl_certfile", None))
    return Settings.from_env(host=getattr(args, "host", None), port=getattr(args, "port", None), tls=tls)


def _record_running(settings: Settings) -> Path:
    """Tells `login-link` and friends where this server is, so that a link printed later points at it."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / RUNNING
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": settings.public_url, "pid": os.getpid()}))
    tmp.replace(path)
    return path


def _forget_running(path: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()


def running_url(var_dir: Path) -> str | None:
    """The public URL of the server running from this var/ directory, if one is (its process is alive)."""
    try:
        found = json.loads((var_dir / RUNNING).read_text())
        pid, url = int(found["pid"]), str(found["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # it stopped without saying so (killed): its address means nothing now
    except PermissionError:
        pass  # alive, someone else's
    return url.rstrip("/")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.app import create_app

    settings = _settings(args)
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        print("error: --ssl-certfile and --ssl-keyfile go together", file=sys.stderr)
        return 2
    # JSON lines unless on a terminal (ROUNDTABLE_LOG_FORMAT=json|text chooses); secrets scrubbed either way.
    from server.logs import configure
    from server.startup import wait_for_dependencies

    configure(logging.INFO)
    if args.workers > 1 and not settings.redis_url:
        print("error: several workers share rooms through Redis: set ROUNDTABLE_REDIS_URL", file=sys.stderr)
        return 2
    asyncio.run(wait_for_dependencies(settings))
    upgrade(settings.database_url)
    if args.workers > 1 and not args.reuse_port:
        return _supervise(args, settings)
    if not args.reuse_port:
        print(f"Roundtable on {settings.public_url}  (database: {_redact(settings.database_url)})", flush=True)
    from server.ws.uvicorn_protocol import HandshakeGuard, LogThrottle, protocols

    # The same trusted proxies as uvicorn's own default for proxy headers.
    guard = HandshakeGuard(settings.handshake_timeout, settings.pending_per_address,
                           os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1").split(","))
    # Every connection shares one throttle for the warnings a client's bad frames cause.
    http, ws = protocols(guard, LogThrottle(logging.getLogger("roundtable.ws")))
    if args.reuse_port:  # a worker: the supervisor records the running server
        _run(uvicorn, create_app(settings), http, ws, args, settings.drain_seconds)
        return 0
    record = _record_running(settings)
    try:
        _run(uvicorn, create_app(settings), http, ws, args, settings.drain_seconds)
    finally:
        _forget_running(record)
    return 0


def _supervise(args: argparse.Namespace, settings: Settings) -> int:
    from server.workers import supervise

    argv = ["serve", "--host", _host(args), "--port", str(_port(args)), "--workers", str(args.workers)]
    if args.ssl_certfile:
        argv += ["--ssl-certfile", args.ssl_certfile, "--ssl-keyfile", args.ssl_keyfile]
    print(f"Roundtable on {settings.public_url}  ({args.workers} workers; database: "
          f"{_redact(settings.database_url)})", flush=True)
    record = _record_running(settings)
    try:
        return supervise(argv, args.workers)
    finally:
        _forget_running(record)


def _host(args: argparse.Namespace) -> str:
    return str(args.host or os.environ.get("HOST", "127.0.0.1"))


def _port(args: argparse.Namespace) -> int:
    return int(args.port or int(os.environ.get("PORT", "8000")))


def _run(uvicorn: Any, app: Any, http: Any, ws: Any, args: argparse.Namespace, drain_seconds: float) -> None:
    from server.drain import DrainingServer

    config = uvicorn.Config(
        app,
        http=http,
        ws=ws,
        host=_host(args),
        port=_port(args),
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        proxy_headers=True,
        server_header=False,
        # Our own limits, not uvicorn's 16 MiB default; compression is declined (memory and CPU per socket).
        ws_max_size=64 * 1024,
        ws_per_message_deflate=False,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        timeout_keep_alive=15,
        timeout_graceful_shutdown=10,
        # A node restart's reconnection storm arrives in one burst: room for it in the accept queue (the kernel
        # caps this at net.core.somaxconn).
        backlog=4096,
        log_level="info",
        log_config=None,  # uvicorn's records go through our handler (server/logs.py)
    )
    if args.reuse_port:
        from server.workers import reuse_port_socket

        DrainingServer(config, app, drain_seconds).run(sockets=[reuse_port_socket(_host(args), _port(args))])
    else:
        DrainingServer(config, app, drain_seconds).run()


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    settings = _settings(args)
    upgrade(settings.database_url)
    print(f"database at head: {_redact(settings.database_url)}")
    return 0


async def _sign_in_url(store: SqlStore, settings: Settings, email: str, mission_id: int | None,
                       ttl: dt.timedelta) -> str | None:
    issued = await AccountService(store, SystemClock()).sign_in_link(email, mission_id, ttl)
    if issued is None:
        return None
    token = Tokens(settings.secret_key).sign(Purpose.SIGN_IN, issued[0])
    return f"{settings.public_url}/link#t={token}"


def _link_settings(args: argparse.Namespace) -> Settings:
    """Where a printed link points: --url, else ROUNDTABLE_PUBLIC_URL, else the server running from this var/
    directory (it recorded its address when it started), else where `serve` would listen by default."""
    settings = _settings(args)
    url = args.url or os.environ.get("ROUNDTABLE_PUBLIC_URL") or running_url(settings.var_dir)
    if url:
        settings = dataclasses.replace(settings, public_url=url.rstrip("/"))
    return settings


def cmd_login_link(args: argparse.Namespace) -> int:
    settings = _link_settings(args)
    upgrade(settings.database_url)

    async def run() -> str | None:
        store = await SqlStore.open(settings.database_url)
        try:
            return await _sign_in_url(store, settings, args.email, args.mission,
                                      dt.timedelta(minutes=args.ttl_minutes))
        finally:
            await store.close()

    try:
        url = asyncio.run(run())
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    if url is None:
        print(f"error: nobody with e-mail {args.email} is known", file=sys.stderr)
        return 1
    print(url)
    return 0


def cmd_grant_organiser(args: argparse.Namespace) -> int:
    """Lets someone create missions (making their account when the address is new), or with --revoke withdraws it
    (never from the last who holds it). The operator's twin of the colleagues screen (docs/security.md)."""
    settings = _settings(args)
    upgrade(settings.database_url)

    async def run() -> str:
        store = await SqlStore.open(settings.database_url)
        try:
            creators = MissionCreators(store, SystemClock())
            if args.revoke:
                await creators.revoke_email(args.email)
                return f"{args.email} may no longer create missions"
            made = await creators.grant(None, CreatorGrant(email=args.email, name=args.name or ""))
            return f"{made.email} ({made.name}) may create missions"
        finally:
            await store.close()

    try:
        print(asyncio.run(run()))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from server.demo import KEY_PEOPLE, seed_demo

    settings = _link_settings(args)
    upgrade(settings.database_url)

    async def run() -> None:
        store = await SqlStore.open(settings.database_url)
        try:
            result = await seed_demo(store, SystemClock(), participants=args.participants, live=args.live)
            state = "created" if result.created else "already there"
            print(f"Demo missions {result.missions} {state}; {result.people} people.")
            if result.live is not None:
                print(f"Open now in the live demo mission {result.live} ({settings.public_url}/m/{result.live}):")
                for item in result.live_items:
                    print(f"  {item.kind.value:<12} {item.title}")
                if result.live_meeting is not None:
                    print(f"  {'meeting':<12} Anna and Mike's 1:1 "
                          f"({settings.public_url}/m/{result.live}/meeting/{result.live_meeting})")
            if args.no_links:
                return
            landing = result.live if result.live is not None else result.missions[0]
            print("\nSign-in links (single use, valid 24 hours; open two in different browsers to meet):")
            for label, email in KEY_PEOPLE:
                url = await _sign_in_url(store, settings, email, landing, CLI_LINK_TTL)
                print(f"  {label:<12} {email:<30} {url}")
            print()
        finally:
            await store.close()

    asyncio.run(run())
    return 0


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="roundtable", description="Roundtable: digital trade missions, live.")
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the server (migrates the database first)")
    serve.add_argument("--host", default=None, help="interface to listen on (env HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (env PORT, default 8000)")
    serve.add_argument("--ssl-certfile", default=None, help="serve HTTPS with this certificate (PEM); browsers "
                       "give cameras and microphones only to HTTPS pages and localhost")
    serve.add_argument("--ssl-keyfile", default=None, help="the certificate's private key (PEM)")
    serve.add_argument("--workers", type=int, default=int(os.environ.get("ROUNDTABLE_WORKERS", "1")),
                       help="server processes on this port (SO_REUSEPORT); more than one shares rooms through "
                       "Redis, so it needs ROUNDTABLE_REDIS_URL (env ROUNDTABLE_WORKERS, default 1)")
    serve.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)  # a worker of --workers
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_up = db_sub.add_parser("upgrade", help="apply all migrations")
    db_up.set_defaults(func=cmd_db_upgrade)

    demo = sub.add_parser("demo", help="seed the demo missions (idempotent) and print sign-in links")
    demo.add_argument("--participants", type=int, default=None,
                      help="grow the first mission's directory to this many participants")
    demo.add_argument("--no-links", action="store_true", help="do not print sign-in links")
    demo.add_argument("--live", action=argparse.BooleanOptionalAction,
                      default=os.environ.get("ROUNDTABLE_DEMO_LIVE", "on").strip().lower() not in ("off", "0", "no"),
                      help="seed the live mission (a webinar, a lounge and a meeting open now); default on, "
                      "env ROUNDTABLE_DEMO_LIVE=off turns it off")
    demo.add_argument("--url", default=None, help="the server's address in the printed links (default: the running "
                      "server's, else ROUNDTABLE_PUBLIC_URL, else http://HOST:PORT)")
    demo.add_argument("--host", default=None, help=argparse.SUPPRESS)
    demo.add_argument("--port", type=int, default=None, help=argparse.SUPPRESS)
    demo.set_defaults(func=cmd_demo)

    link = sub.add_parser("login-link", help="print a one-time sign-in URL for someone")
    link.add_argument("email")
    link.add_argument("--mission", type=int, default=None, help="open this mission after signing in")
    link.add_argument("--ttl-minutes", type=int, default=int(CLI_LINK_TTL.total_seconds() // 60))
    link.add_argument("--url", default=None, help="the server's address in the link (default: the running "
                      "server's, else ROUNDTABLE_PUBLIC_URL, else http://HOST:PORT)")
    link.add_argument("--host", default=None, help=argparse.SUPPRESS)
    link.add_argument("--port", type=int, default=None, help=argparse.SUPPRESS)
    link.set_defaults(func=cmd_login_link)

    grant = sub.add_parser("grant-organiser", help="let someone create missions (the account is made if new)")
    grant.add_argument("email")
    grant.add_argument("--name", default=None, help="the new account's name (default: the address before the @)")
    grant.add_argument("--revoke", action="store_true", help="withdraw the right instead (never from the last)")
    grant.set_defaults(func=cmd_grant_organiser)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
