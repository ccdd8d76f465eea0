"""Configuration from the environment (CLI flags override). Read once at start, passed explicitly."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_VAR = Path("var")


def _secret_key(var_dir: Path) -> str:
    """ROUNDTABLE_SECRET_KEY, or one generated once and kept under var/ (development only)."""
    configured = os.environ.get("ROUNDTABLE_SECRET_KEY")
    if configured:
        return configured
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created private: the key signs every session and link.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


@dataclass(frozen=True)
class SmtpConfig:
    """Where mail goes: ROUNDTABLE_SMTP_URL, parsed (see parse_smtp_url)."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False  # TLS from the first byte (smtps://, usually port 465)
    starttls: bool | None = None  # upgrade with STARTTLS: True required, False never, None when offered
    timeout: float = 30.0


def parse_smtp_url(url: str) -> SmtpConfig:
    """smtp://[user:password@]host[:port][?starttls=1|0][&timeout=seconds] — port 587 by default; STARTTLS when
    the server offers it unless starttls says otherwise — or smtps://[user:password@]host[:port] (TLS from the
    first byte, port 465 by default). User and password are percent-encoded (an @ in a user name is %40)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("ROUNDTABLE_SMTP_URL looks like smtp://user:password@host:587?starttls=1 "
                         f"or smtps://user:password@host:465, not {parts.scheme or url!r}")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    starttls_raw = query.get("starttls")
    if starttls_raw not in (None, "1", "0", "true", "false"):
        raise ValueError("ROUNDTABLE_SMTP_URL: starttls is 1 or 0")
    tls = parts.scheme == "smtps"
    return SmtpConfig(
        host=parts.hostname, port=parts.port or (465 if tls else 587),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        tls=tls, starttls=None if starttls_raw is None else starttls_raw in ("1", "true"),
        timeout=float(query.get("timeout", "30")),
    )


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    public_url: str
    allowed_origins: tuple[str, ...] = ()
    redis_url: str | None = None
    cookie_secure: bool = False
    max_body_bytes: int = 256 * 1024
    ws_rate_per_second: int = 20  # frames a person may send per second, across nodes
    ws_max_buffer: int = 512 * 1024  # unsent bytes after which a connection counts as not reading
    # Abuse limits (docs/security.md). Sockets: open WebSockets one person may hold on one node (every tab holds
    # one); seconds a TCP connection may take to send a request head and finish a WebSocket handshake; connections
    # from one address (the TCP peer; trusted proxies exempt) still in that stage at once.
    ws_sockets_per_person: int = 16
    handshake_timeout: float = 10.0
    pending_per_address: int = 64
    # Signing in, counted across nodes in fixed windows of signin_window seconds: password attempts and sign-in
    # link requests per e-mail address (known or not, so the answer never tells) and per client address.
    signin_window: int = 600
    signin_per_account: int = 10
    signin_per_address: int = 100
    link_per_account: int = 5
    link_per_address: int = 30
    # Stage media: an existing Janus (URL), else our own Janus when `janus` is installed and janus_mode is "auto",
    # else the in-process relay capped at stage_relay_cap viewers per webinar.
    janus_url: str | None = None
    janus_mode: str = "auto"  # auto | off
    janus_interface: str | None = None  # address Janus puts in its SDP (our own Janus only)
    janus_enforce: str | None = None  # interfaces Janus gathers candidates on (ice_enforce_list)
    janus_nat_1_1: str | None = None  # public address announced by our own Janus (nat_1_1_mapping)
    stage_relay_cap: int = 8
    ice_servers: tuple[dict[str, object], ...] = ()  # RTCIceServer dicts handed to browsers
    # Meetings (peer to peer): STUN URLs as they are, TURN URLs with credentials made from the shared secret.
    stun_urls: tuple[str, ...] = ()
    turn_urls: tuple[str, ...] = ()
    turn_secret: str | None = None  # coturn's static-auth-secret (use-auth-secret)
    # Mail: without an SMTP server, mail is kept in the outbox (organisers read it) and printed, never sent.
    smtp: SmtpConfig | None = None
    mail_from: str = "roundtable@localhost"
    mail_first_retry: float = 30.0  # seconds before the first retry; each further wait doubles (at most 1 h)
    mail_poll: float = 1.0  # seconds between a sender's looks at the outbox
    # Reminders and digests (docs/mail.md): "off" on a staging copy of real data, so its people are not reminded
    # twice, and in tests that count their own mails while the demo mission's days run.
    reminders: bool = True
    # GET /metrics: with a token, only callers presenting it as a bearer; without one, loopback callers only.
    metrics_token: str | None = None
    # SIGTERM closes the node's sockets (1012) spread over this many seconds before it stops (server/drain.py).
    drain_seconds: float = 3.0
    # How long a starting node waits for its database and Redis to answer (server/startup.py).
    startup_wait: float = 120.0
    var_dir: Path = DEFAULT_VAR
    # The web client's files: the checkout's web/ (ROUNDTABLE_WEB_DIR where it lives elsewhere, as in the image).
    web_dir: Path = field(default_factory=lambda: Path(
        os.environ.get("ROUNDTABLE_WEB_DIR") or Path(__file__).resolve().parent.parent / "web"))

    @classmethod
    def from_env(cls, *, host: str | None = None, port: int | None = None, tls: bool = False) -> Settings:
        var_dir = Path(os.environ.get("ROUNDTABLE_VAR_DIR", str(DEFAULT_VAR)))
        database_url = os.environ.get("ROUNDTABLE_DATABASE_URL") or _default_sqlite(var_dir)
        host = host or os.environ.get("HOST", "127.0.0.1")
        port = port or int(os.environ.get("PORT", "8000"))
        public_url = os.environ.get("ROUNDTABLE_PUBLIC_URL") or f"{'https' if tls else 'http'}://{host}:{port}"
        origins = tuple(o.strip().rstrip("/") for o in os.environ.get("ROUNDTABLE_ALLOWED_ORIGINS", "").split(",")
                        if o.strip())
        return cls(
            database_url=database_url,
            secret_key=_secret_key(var_dir),
            public_url=public_url.rstrip("/"),
            allowed_origins=origins,
            redis_url=os.environ.get("ROUNDTABLE_REDIS_URL") or None,
            cookie_secure=public_url.startswith("https://"),
            ws_rate_per_second=int(os.environ.get("ROUNDTABLE_WS_RATE", "20")),
            ws_max_buffer=int(os.environ.get("ROUNDTABLE_WS_MAX_BUFFER", str(512 * 1024))),
            ws_sockets_per_person=int(os.environ.get("ROUNDTABLE_WS_SOCKETS_PER_PERSON", "16")),
            handshake_timeout=float(os.environ.get("ROUNDTABLE_HANDSHAKE_TIMEOUT", "10")),
            pending_per_address=int(os.environ.get("ROUNDTABLE_PENDING_PER_ADDRESS", "64")),
            signin_window=int(os.environ.get("ROUNDTABLE_SIGNIN_WINDOW", "600")),
            signin_per_account=int(os.environ.get("ROUNDTABLE_SIGNIN_PER_ACCOUNT", "10")),
            signin_per_address=int(os.environ.get("ROUNDTABLE_SIGNIN_PER_ADDRESS", "100")),
            link_per_account=int(os.environ.get("ROUNDTABLE_LINK_PER_ACCOUNT", "5")),
            link_per_address=int(os.environ.get("ROUNDTABLE_LINK_PER_ADDRESS", "30")),
            janus_url=os.environ.get("ROUNDTABLE_JANUS_URL") or None,
            janus_mode=_choice("ROUNDTABLE_JANUS", ("auto", "off")),
            janus_interface=os.environ.get("ROUNDTABLE_JANUS_INTERFACE") or None,
            janus_enforce=os.environ.get("ROUNDTABLE_JANUS_ICE_ENFORCE") or None,
            janus_nat_1_1=os.environ.get("ROUNDTABLE_JANUS_NAT_1_1") or None,
            stage_relay_cap=int(os.environ.get("ROUNDTABLE_STAGE_RELAY_CAP", "8")),
            ice_servers=_ice_servers(os.environ.get("ROUNDTABLE_ICE_SERVERS", "")),
            stun_urls=_urls("ROUNDTABLE_STUN_URLS", ("stun:", "stuns:")),
            turn_urls=_urls("ROUNDTABLE_TURN_URLS", ("turn:", "turns:")),
            turn_secret=os.environ.get("ROUNDTABLE_TURN_SECRET") or None,
            smtp=parse_smtp_url(smtp_url) if (smtp_url := os.environ.get("ROUNDTABLE_SMTP_URL")) else None,
            mail_from=os.environ.get("ROUNDTABLE_MAIL_FROM") or f"roundtable@{urlsplit(public_url).hostname}",
            mail_first_retry=float(os.environ.get("ROUNDTABLE_MAIL_RETRY_SECONDS", "30")),
            reminders=_choice("ROUNDTABLE_REMINDERS", ("on", "off")) == "on",
            metrics_token=os.environ.get("ROUNDTABLE_METRICS_TOKEN") or None,
            drain_seconds=float(os.environ.get("ROUNDTABLE_DRAIN_SECONDS", "3")),
            startup_wait=float(os.environ.get("ROUNDTABLE_STARTUP_WAIT", "120")),
            var_dir=var_dir,
        )


def _default_sqlite(var_dir: Path) -> str:
    var_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{(var_dir / 'roundtable.db').resolve()}"


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip().lower() or allowed[0]
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _urls(name: str, schemes: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated list of ICE URLs, e.g. ROUNDTABLE_TURN_URLS=turn:turn.example.org:3478?transport=udp."""
    urls = tuple(u.strip() for u in os.environ.get(name, "").split(",") if u.strip())
    wrong = [u for u in urls if not u.startswith(schemes)]
    if wrong:
        raise ValueError(f"{name} takes URLs starting with {' or '.join(schemes)}, not {wrong[0]!r}")
    return urls


def _ice_servers(raw: str) -> tuple[dict[str, object], ...]:
    """ROUNDTABLE_ICE_SERVERS: a JSON list of RTCIceServer objects, e.g. [{"urls": "stun:stun.example.org"}]."""
    if not raw.strip():
        return ()
    servers = json.loads(raw)
    if not isinstance(servers, list) or not all(isinstance(s, dict) and "urls" in s for s in servers):
        raise ValueError('ROUNDTABLE_ICE_SERVERS must be a JSON list of objects with "urls"')
    return tuple(servers)
