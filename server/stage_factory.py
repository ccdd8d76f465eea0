"""Chooses the stage's media path at start: a configured Janus, else our own Janus, else the in-process relay, else
none (the relay needs aiortc, the optional extra `relay`: imported only here, and only when it is needed)."""

from __future__ import annotations

import hashlib
import hmac
import logging

from server.janus_process import JanusNotInstalled, JanusOptions, JanusProcess, find_janus
from server.settings import Settings
from signaling.stage import StageMedia
from signaling.stage_janus import JanusStage
from signaling.stage_none import NoStage

log = logging.getLogger(__name__)


def room_secret(settings: Settings) -> str:
    """The Janus room secret, the same on every node because it derives from the shared secret key."""
    return hmac.new(settings.secret_key.encode(), b"roundtable janus room secret", hashlib.sha256).hexdigest()


class OwnJanusStage(JanusStage):
    """A JanusStage on the Janus process this server started; closing it stops that process."""

    def __init__(self, process: JanusProcess, secret: str) -> None:
        super().__init__(process.url, secret)
        self.process = process

    async def aclose(self) -> None:
        try:
            await super().aclose()
        finally:
            await self.process.stop()


def _fallback(settings: Settings, why: str, level: int = logging.WARNING) -> StageMedia:
    """The in-process relay, or no stage media when aiortc is not installed; `why` says why there is no Janus."""
    try:
        from aiortc import RTCIceServer

        from signaling.stage_relay import RelayStage
    except ImportError as exc:  # not installed, or PyAV without its FFmpeg libraries
        log.error("stage media: none, webinars run without stage video and sound: %s, and the in-process relay "
                  "needs aiortc (pip install 'roundtable[relay]'; %s)", why, exc)
        return NoStage()
    log.log(level, "stage media: in-process relay, at most %d viewers per webinar: %s", settings.stage_relay_cap, why)
    servers = [RTCIceServer(**server) for server in settings.ice_servers]  # type: ignore[arg-type]
    return RelayStage(viewer_cap=settings.stage_relay_cap, ice_servers=servers)


async def build_stage(settings: Settings) -> StageMedia:
    if settings.janus_url:
        log.info("stage media: Janus at %s (ROUNDTABLE_JANUS_URL)", settings.janus_url)
        return JanusStage(settings.janus_url, room_secret(settings))
    if settings.janus_mode == "off":
        return _fallback(settings, "ROUNDTABLE_JANUS=off")
    if find_janus() is None:
        return _fallback(settings, "janus is not installed (apt-get install janus) and ROUNDTABLE_JANUS_URL is unset")
    process = JanusProcess(settings.var_dir / "janus", JanusOptions(
        interface=settings.janus_interface, enforce=settings.janus_enforce, nat_1_1=settings.janus_nat_1_1))
    try:
        await process.start()
    except (JanusNotInstalled, RuntimeError, OSError) as exc:
        await process.stop()
        return _fallback(settings, f"our own Janus did not start ({exc})", logging.ERROR)
    log.info("stage media: our own Janus at %s (janus found on PATH; config in %s)", process.url, process.workdir)
    return OwnJanusStage(process, room_secret(settings))
