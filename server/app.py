"""The Starlette application: API routes, health checks, the web client and its page routes."""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
from collections.abc import AsyncIterator
from importlib.metadata import PackageNotFoundError, version

import msgspec
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from rooms.catalog import Store
from rooms.core.clock import Clock
from rooms.core.errors import DomainError
from server.api import (
    auth,
    calendar,
    invitations,
    leads,
    meeting_room,
    meetings,
    mission_admin,
    missions,
    organisations,
    outbox,
    recordings,
    registration,
    reminders,
    results,
    roster_files,
    signups,
    teams,
    tracks,
    webinars,
)
from server.api.core import Endpoint
from server.api.errors import (
    domain_error_handler,
    error_response,
    http_exception_handler,
    internal_error_handler,
    validation_error_handler,
)
from server.api.openapi import document
from server.composition import Root, build, root_of
from server.headers import SECURITY_HEADERS
from server.logs import bind
from server.metrics import allowed, reachable, stage_ping
from server.settings import Settings
from server.ws import gateway

# Client-side routes: the server answers each with the web client's index.html.
PAGES = ("/", "/signin", "/link", "/invite", "/unsubscribe", "/profile", "/leads", "/missions/new", "/m/{rest:path}",
         "/register/{rest:path}", "/teams", "/teams/{rest:path}")

NO_STORE_PREFIX = "/api/auth/"


def app_version() -> str:
    try:
        return version("roundtable")
    except PackageNotFoundError:
        return "0"


def all_endpoints() -> list[Endpoint]:
    return [*auth.endpoints(), *missions.endpoints(), *invitations.endpoints(), *webinars.endpoints(),
            *meetings.endpoints(), *calendar.endpoints(), *meeting_room.endpoints(), *outbox.endpoints(),
            *roster_files.endpoints(), *organisations.endpoints(), *mission_admin.endpoints(),
            *registration.endpoints(), *reminders.endpoints(), *leads.endpoints(),
            *results.endpoints(), *teams.endpoints(), *tracks.endpoints(),
            *signups.endpoints(), *recordings.endpoints()]


class SecurityHeaders:
    """Adds the headers every response carries (the CSP keeps any injected markup inert)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # What the sign-in endpoints answer (tokens, session cookies, their refusals) is never kept by a cache.
        private = str(scope.get("path", "")).startswith(NO_STORE_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS.items() if k not in names]
                if private:
                    message["headers"] = [(k, v) for k, v in message.get("headers", [])
                                          if k.lower() != b"cache-control"]
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIds:
    """Gives each HTTP request an id: the caller's `X-Request-ID` when it is a plain token, else a fresh one. Every
    log record of the request carries it (server/logs.py) and the response echoes it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
        request_id = given if REQUEST_ID.fullmatch(given) else secrets.token_hex(8)
        bind(request=request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)


class App(Starlette):
    """The Starlette app, with `/ws` taken straight to the gateway: an open socket is a coroutine suspended for
    hours, and under the middleware stack each one kept a dozen suspended frames of middleware that has nothing
    to do for a WebSocket (RequestIds and SecurityHeaders only act on HTTP; the gateway adds the security headers
    to its refusals itself). uvicorn's ProxyHeaders still runs first: `scope["client"]` is the real peer."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == gateway.PATH:
            scope["app"] = self
            await gateway.endpoint(WebSocket(scope, receive, send))
            return
        await super().__call__(scope, receive, send)


async def readiness(root: Root) -> tuple[dict[str, str], Response | None]:
    """What each dependency answered, and the 503 to send when one failed (the first failure names the code)."""
    checks: dict[str, str] = {}
    refusal: Response | None = None
    try:
        await asyncio.wait_for(root.services.store.ping(), 5)
        checks["database"] = "ok"
    except Exception as exc:  # any failure of the database means "not ready"
        checks["database"] = f"unreachable: {type(exc).__name__}"
        refusal = error_response(503, "database-unavailable", f"The database is not reachable: {type(exc).__name__}")
    if root.settings.redis_url:
        try:
            await asyncio.wait_for(root.ports.broker.ping(), 5)
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unreachable: {type(exc).__name__}"
            refusal = refusal or error_response(503, "broker-unavailable",
                                                f"Redis is not reachable: {type(exc).__name__}")
    if (ping_janus := stage_ping(root.ports.stage)) is not None:
        if await reachable(ping_janus):
            checks["janus"] = "ok"
        else:
            checks["janus"] = "unreachable"
            refusal = refusal or error_response(503, "janus-unavailable", "Janus (the webinar stage) is not reachable.")
    if root.draining:
        checks["draining"] = "yes"
        refusal = refusal or error_response(503, "draining", "This node is shutting down.")
    return checks, refusal


def create_app(settings: Settings, *, store: Store | None = None, clock: Clock | None = None) -> App:
    endpoints = all_endpoints()
    openapi = msgspec.json.encode(document(endpoints, app_version()))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        root = await build(settings, store=store, clock=clock)
        app.state.root = root
        app.state.services = root.services
        root.start()
        try:
            yield
        finally:
            await root.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        """Ready to take traffic: the database, Redis (when configured) and Janus (when it is the stage) answer, and
        the node is not draining. A 503 names the failed dependency in `error.code` and lists every check."""
        root = root_of(request.app)
        checks, refusal = await readiness(root)
        body = {"status": "ready" if refusal is None else "not-ready", **checks,
                "broker": "redis" if root.settings.redis_url else "memory", "stage": root.ports.stage.name}
        if refusal is None:
            return JSONResponse(body)
        return JSONResponse({**msgspec.json.decode(bytes(refusal.body)), **body}, status_code=503)

    async def metrics(request: Request) -> Response:
        root = root_of(request.app)
        host = request.client.host if request.client else None
        if not allowed(root.settings.metrics_token, host, request.headers.get("authorization")):
            return error_response(403, "metrics-not-allowed", "Metrics are served to this machine (loopback) or "
                                  "to callers presenting ROUNDTABLE_METRICS_TOKEN as a bearer token.")
        return Response(await root.metrics.scrape(), media_type=CONTENT_TYPE_LATEST,
                        headers={"cache-control": "no-store"})

    async def openapi_json(request: Request) -> Response:
        return Response(openapi, media_type="application/json")

    index = settings.web_dir / "index.html"

    async def page(request: Request) -> Response:
        return FileResponse(index, headers={"cache-control": "no-cache"})

    async def api_not_found(request: Request) -> Response:
        # This catch-all wins over a route that matches the path with another method: tell them apart.
        for route in api_routes:
            if route.matches(request.scope)[0] is Match.PARTIAL:
                return error_response(405, "method-not-allowed", f"{request.method} is not allowed here.")
        return error_response(404, "not-found", f"No API endpoint {request.method} {request.url.path}.")

    api_routes = [e.route() for e in endpoints]

    routes: list[Route | Mount] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        Route("/openapi.json", openapi_json),
        *api_routes,
        Route("/api/{rest:path}", api_not_found, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Mount("/static", StaticFiles(directory=settings.web_dir, check_dir=False), name="static"),
        *(Route(p, page) for p in PAGES),
    ]
    app = App(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            DomainError: domain_error_handler,
            msgspec.ValidationError: validation_error_handler,
            HTTPException: http_exception_handler,
            Exception: internal_error_handler,
        },
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestIds)
    return app
