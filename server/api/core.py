"""Endpoints: a handler plus the types it takes and returns. Decoding, authentication, encoding and the OpenAPI
document are done here once, so a handler only calls the domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import Route

from rooms.catalog import Store
from rooms.core.clock import Clock
from rooms.core.ratelimit import RateLimiter
from rooms.leads.service import LeadService
from rooms.ledger.service import LedgerService
from rooms.lobby.service import LiveService
from rooms.lounge.service import LoungeService
from rooms.matchmaking.recommend import RecommendationCache
from rooms.matchmaking.service import MatchmakingService
from rooms.missions.accounts import AccountService
from rooms.missions.people import MAX_ID, User
from rooms.missions.service import MissionService, ProfileService
from rooms.organisations.service import OrganisationService
from rooms.recordings.service import RecordingService
from rooms.reminders.service import ReminderService
from rooms.results.service import ResultsService
from rooms.signups.service import SignupService
from rooms.webinar.service import WebinarService
from server.api.credentials import BEARER_TTL as BEARER_TTL
from server.api.credentials import SESSION_COOKIE, Identity, authenticate
from server.api.credentials import BearerClaims as BearerClaims
from server.api.errors import ApiError, Unauthenticated
from server.api.input import check, parse
from server.mail.sender import MailSender
from server.passwords import Passwords
from server.recorder import Recorder
from server.settings import Settings
from server.tokens import Tokens


class PersonControl(Protocol):
    """Acts on a person's open connections on every node (server/ws/control.py)."""

    async def signed_out(self, user_id: int, session: str | None) -> None:
        """Closes (4401) the connections made with that session's credentials (every session's when None)."""
        ...

    async def recheck(self, user_ids: Collection[int]) -> None:
        """Takes these people's connections out of the rooms their role or membership no longer lets them see."""
        ...

    async def expelled(self, user_id: int, mission_id: int) -> None:
        """Closes (4401) the person's connections limited to the mission or in one of its rooms."""
        ...


@dataclass(frozen=True)
class Services:
    """Every service of the process, built once by the composition root (server/composition.py). The services
    whose use cases append events publish them as they return (server/ws/delivery.py, `publishing`)."""

    settings: Settings
    store: Store
    clock: Clock
    tokens: Tokens
    passwords: Passwords
    accounts: AccountService
    missions: MissionService
    profiles: ProfileService
    live: LiveService
    webinars: WebinarService
    lounges: LoungeService
    meetings: MatchmakingService
    recommendations: RecommendationCache  # one index per mission, for this node
    mail: MailSender  # this node's sender: whether mail really goes out, and a nudge when some is queued
    control: PersonControl  # sign-outs and changes of role reach open connections on every node
    limiter: RateLimiter  # the node's (shared across nodes with Redis): sign-in attempts
    organisations: OrganisationService  # organisations as records (rooms/organisations)
    reminders: ReminderService  # preferences, unsubscribe, and what is due (docs/mail.md, "Reminders")
    leads: LeadService  # the leads workspace (docs/leads.md)
    results: ResultsService  # a mission's results for its organisers (docs/results.md)
    ledger: LedgerService  # teams and their KPI ledger (docs/ledger.md)
    signups: SignupService  # places on programme items and check-in on site (docs/programme.md)
    recordings: RecordingService  # recordings on demand (docs/webinar.md, "Recording")
    recorder: Recorder  # this node's stage recorder and the recordings' files


def services_of(app: Any) -> Services:
    """The services the app's lifespan made."""
    services = app.state.services
    assert isinstance(services, Services), "the app's lifespan builds the services"
    return services


@dataclass
class Context:
    request: Request
    services: Services
    _identity: Identity | None = None
    _cookie: tuple[str, dt.datetime] | None = None
    _clear_cookie: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    async def maybe_identity(self) -> Identity | None:
        if self._identity is not None:
            return self._identity
        auth = self.request.headers.get("authorization", "")
        bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        svc = self.services
        self._identity = await authenticate(
            svc.tokens, svc.store, svc.accounts, bearer=bearer,
            session_id=None if bearer is not None else self.request.cookies.get(SESSION_COOKIE))
        return self._identity

    async def identity(self) -> Identity:
        found = await self.maybe_identity()
        if found is None:
            raise Unauthenticated()
        return found

    async def maybe_user(self) -> User | None:
        found = await self.maybe_identity()
        return None if found is None else found.user

    async def user(self) -> User:
        return (await self.identity()).user

    async def user_in(self, mission_id: int) -> User:
        """The signed-in user, refusing a bearer token scoped to another mission."""
        found = await self.identity()
        if found.scope is not None and found.scope != mission_id:
            raise ApiError(status=403, code="token-scope", message="This token is for another mission.")
        return found.user

    def path_id(self, name: str) -> int:
        """An id from the path; one no row can have is simply not found."""
        value: int = self.request.path_params[name]
        if not 1 <= value <= MAX_ID:
            raise ApiError(status=404, code="not-found", message=f"No such {name.removesuffix('_id')}.")
        return value

    def start_session(self, session_id: str, expires: dt.datetime) -> None:
        self._cookie = (session_id, expires)

    def end_session(self) -> None:
        self._clear_cookie = True

    def apply(self, response: Response) -> Response:
        for name, value in self.headers.items():
            response.headers[name] = value
        settings = self.services.settings
        if self._cookie is not None:
            session_id, expires = self._cookie
            response.set_cookie(
                SESSION_COOKIE, session_id, max_age=int((expires - self.services.clock.now()).total_seconds()),
                httponly=True, samesite="lax", secure=settings.cookie_secure, path="/",
            )
        elif self._clear_cookie:
            response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                                   secure=settings.cookie_secure)
        return response


Handler = Callable[[Context, Any], Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: type[Any] | None = None
    query: type[Any] | None = None
    returns: Any = None
    status: int = 200
    errors: tuple[str, ...] = ()
    public: bool = False

    def route(self) -> Route:
        async def endpoint(request: Request) -> Response:
            # The services are made by the app's lifespan, so they are found per request.
            services = services_of(request.app)
            ctx = Context(request, services)
            _check_origin(request, services.settings)
            arg: Any = None
            if self.body is not None:
                arg = msgspec.json.decode(await read_json(request, services.settings.max_body_bytes), type=self.body)
            elif self.query is not None:
                arg = decode_query(request, self.query)
            result = await self.handler(ctx, arg)
            if result is None:
                return ctx.apply(Response(status_code=204 if self.status == 200 else self.status))
            return ctx.apply(Response(msgspec.json.encode(result), status_code=self.status,
                                      media_type="application/json"))

        return Route(self.path, endpoint, methods=[self.method], name=f"{self.method} {self.path}")


async def read_json(request: Request, limit: int) -> bytes:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ApiError(status=415, code="unsupported-media-type", message="Send the body as application/json.")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(status=413, code="body-too-large", message=f"The body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(status=413, code="body-too-large", message=f"The body is larger than {limit} bytes.")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body.strip():
        raise ApiError(status=400, code="malformed-json", message="The body is empty; send a JSON object.")
    parse(body)  # valid JSON, not nested too deeply, no control characters (server/api/input.py)
    return body


def decode_query(request: Request, query_type: type[Any]) -> Any:
    raw: dict[str, Any] = {}
    info = msgspec.inspect.type_info(query_type)
    assert isinstance(info, msgspec.inspect.StructType)
    for f in info.fields:
        values = request.query_params.getlist(f.encode_name)
        if not values:
            continue
        many = isinstance(f.type, msgspec.inspect.ListType)
        raw[f.encode_name] = [v for v in values if v] if many else values[-1]
        if not many and raw[f.encode_name] == "" and not isinstance(f.type, msgspec.inspect.StrType):
            del raw[f.encode_name]
    known = {f.encode_name for f in info.fields}
    check(raw)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ApiError(status=422, code="unknown-field", message=f"Unknown query parameter `{unknown[0]}`.",
                       field=unknown[0])
    return msgspec.convert(raw, query_type, strict=False)


_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _check_origin(request: Request, settings: Settings) -> None:
    """Browsers send Origin on every unsafe request; a foreign one is a cross-site request we refuse."""
    if request.method not in _UNSAFE:
        return
    origin = request.headers.get("origin")
    if origin is None:
        return
    if not origin_allowed(origin, request, settings):
        raise ApiError(status=403, code="bad-origin", message="Requests from this origin are not allowed.")


def origin_allowed(origin: str, conn: HTTPConnection, settings: Settings) -> bool:
    """Same origin (a ws:// or wss:// request's page is http:// or https://), the public URL, or configured."""
    scheme = "https" if conn.url.scheme in ("wss", "https") else "http"
    own = f"{scheme}://{conn.headers.get('host', '')}"
    return origin.rstrip("/") in (own, settings.public_url, *settings.allowed_origins)
