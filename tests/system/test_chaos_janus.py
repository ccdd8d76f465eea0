"""Chaos: Janus killed during a webinar — the supervisor restarts it and the stage comes back without a reload.

A real `roundtable serve` with the Janus it starts and supervises itself (server/janus_process.py), a host
publishing with an aiortc peer and an attendee watching with another, all inside a private network namespace
(tests/support/netns.py). Janus is killed with SIGKILL. Both clients must be told `stage-reset` on the WebSocket
they already have (docs/webinar.md, "When the media server restarts"); they then do what the web page does —
publish again, watch again, answer any renegotiation — and pictures must reach the viewer again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.support import media_scenarios
from tests.support.media_scenarios import Webinar, call, unsolicited_offer, webinar
from tests.support.netns import HOST_ADDRESS, HOST_INTERFACE, in_netns
from tests.support.procs import env_for, roundtable
from tests.support.testpeer import LightViewer, SyntheticPublisher, wait_until
from tests.support.wsclient import Client, mint_tokens

pytestmark = [pytest.mark.chaos, pytest.mark.janus]

PEOPLE = {"host": "host@roundtable.example", "anna": "anna@voltera.example"}
DELIVERY = 0.9
TIMEOUT = 180.0
RESET_SECONDS = 45.0  # the supervisor waits a second, Janus starts, every node asks until it answers
RECOVER_SECONDS = 40.0


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    var = tmp_path / "var"
    env = env_for(var)
    roundtable(env, "demo", "--no-links")
    return var, mint_tokens(env, PEOPLE)


def _janus_pid(var_dir: str) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int((Path(var_dir) / "janus" / "janus.pid").read_text())
    return None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


async def _watch_until_frames(w: Webinar, client: Client, viewer: LightViewer) -> dict[str, Any]:
    """`stage-watch` on a new peer, as the page does after `stage-reset`; any renegotiation offer that follows (a
    publisher back after we asked) is answered too, until pictures arrive."""
    offer = await call(client, {"type": "stage-watch", "room": w.room})
    if offer["type"] != "stage-offer":
        return offer
    await w.answer(client, viewer, offer)
    deadline = asyncio.get_running_loop().time() + RECOVER_SECONDS
    while not viewer.first_video.is_set():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("no picture reached the viewer after it watched again")
        with contextlib.suppress(TimeoutError):
            again = await unsolicited_offer(client, timeout=0.5)
            await w.answer(client, viewer, again)
    return offer


async def janus_killed(env: dict[str, str], tokens: dict[str, str], log_dir: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    var_dir = env["ROUNDTABLE_VAR_DIR"]
    async with webinar(env, log_dir, tokens["host"], 0) as w:
        host, snap = await w.enter(tokens["host"])
        out["media"] = snap["media"]
        await w.go_live(host)
        _, answer = await w.publish(host)
        out["feed"] = answer.get("feed")
        anna, _ = await w.enter(tokens["anna"])
        viewer, _ = await w.watch(anna, "anna")
        await wait_until(lambda: viewer.first_video.is_set(), media_scenarios.FRAME_SECONDS,
                         "the first picture before the kill")

        pid = _janus_pid(var_dir)
        out["pid_before"] = pid
        assert pid is not None, "the server wrote no janus.pid"
        os.kill(pid, signal.SIGKILL)

        resets = await asyncio.gather(host.expect("stage-reset", timeout=RESET_SECONDS),
                                      anna.expect("stage-reset", timeout=RESET_SECONDS))
        out["resets"] = [r.get("room") for r in resets]
        out["room"] = w.room
        new_pid = _janus_pid(var_dir)
        out["pid_after"] = new_pid
        out["pid_after_alive"] = new_pid is not None and _alive(new_pid)
        out["pid_before_alive"] = _alive(pid)

        # As the page does on `stage-reset`: the publisher publishes the same camera again from a new connection,
        # the viewer watches again from a new one — at the same time, on the sockets they already have.
        again = SyntheticPublisher()
        w.publishers.append(again)
        viewer2 = LightViewer("anna-again")
        w.viewers.append(viewer2)

        async def republish() -> dict[str, Any]:
            reply = await call(host, {"type": "stage-publish", "room": w.room, "source": "camera",
                                      "sdp": await again.offer()})
            if reply["type"] == "stage-answer":
                await again.accept(reply["sdp"])
                await wait_until(lambda: again.connected, media_scenarios.CONNECT_SECONDS,
                                 "the publisher to connect again")
            return reply

        republished, rewatched = await asyncio.gather(republish(), _watch_until_frames(w, anna, viewer2))
        out["republish"] = {"type": republished["type"], "feed": republished.get("feed"),
                            "code": republished.get("code")}
        out["rewatch"] = {"type": rewatched["type"], "code": rewatched.get("code")}
        out.update(await media_scenarios.delivery(again, [viewer2]))
        out["sockets_open"] = [c.ws.close_code is None for c in (host, anna)]
        out["old_viewer_connection"] = viewer.pc.connectionState
    return out


def test_janus_killed_mid_webinar_comes_back_without_a_reload(seeded: tuple[Path, dict[str, str]],
                                                               tmp_path: Path) -> None:
    if shutil.which("janus") is None:
        pytest.fail("janus is not installed: install the Debian package janus (apt-get install janus)",
                    pytrace=False)
    template, tokens = seeded
    env = env_for(template, ROUNDTABLE_JANUS="auto", ROUNDTABLE_JANUS_INTERFACE=HOST_ADDRESS,
                  ROUNDTABLE_JANUS_ICE_ENFORCE=HOST_INTERFACE)
    r = in_netns(janus_killed, env, tokens, str(tmp_path), timeout=TIMEOUT)
    assert r["media"] == "janus", r
    # The supervisor started a new Janus; the killed one is gone.
    assert r["pid_after"] is not None and r["pid_after"] != r["pid_before"], r
    assert r["pid_after_alive"] and not r["pid_before_alive"], r
    # Both were told, in their webinar room, on the sockets they already had (no reconnect, no reload).
    assert r["resets"] == [r["room"], r["room"]], r
    assert r["sockets_open"] == [True, True], r
    # They published and watched again, the same feed id, and pictures flow again.
    assert r["republish"] == {"type": "stage-answer", "feed": r["feed"], "code": None}, r
    assert r["rewatch"]["type"] == "stage-offer", r
    assert r["sent"] > 0 and r["received"][0] >= DELIVERY * r["sent"], r
