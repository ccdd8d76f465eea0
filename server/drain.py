"""SIGTERM drains the node (docs/operations.md, "Stopping a node"): /readyz turns 503 and new sockets are refused
(the load balancer sends people elsewhere), every open socket is closed with 1012 spread over
`ROUNDTABLE_DRAIN_SECONDS` — each after the request it is handling — so that their reconnections reach the other
nodes as a trickle, not a herd; then uvicorn's own graceful shutdown finishes the HTTP requests in flight, and the
lifespan closes the services (pending writes, the broker, the store). A second signal stops at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from types import FrameType

import uvicorn
from starlette.applications import Starlette

from server.composition import Root

log = logging.getLogger("roundtable.drain")

EXTRA = 5.0  # beyond the spread: the slowest socket's request, its close handshake


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: Starlette, spread: float) -> None:
        super().__init__(config)
        self._app = app
        self._spread = spread
        self._requested = False
        self._draining: asyncio.Task[None] | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if sig == signal.SIGTERM and not self._requested and not self.should_exit:
            self._requested = True  # on_tick starts the drain in the event loop
            return
        super().handle_exit(sig, frame)

    async def on_tick(self, counter: int) -> bool:
        if self._requested and self._draining is None:
            self._draining = asyncio.get_running_loop().create_task(self._drain(), name="drain")
        if self._draining is not None and self._draining.done() and not self.should_exit:
            self.should_exit = True
        return await super().on_tick(counter)

    async def _drain(self) -> None:
        root = getattr(self._app.state, "root", None)  # made by the lifespan: absent if startup failed
        if not isinstance(root, Root):
            return
        root.draining = True
        log.info("draining: closing this node's sockets over %.1f s", self._spread)
        try:
            closed = await asyncio.wait_for(root.live.drain(self._spread), self._spread + EXTRA)
            log.info("drained: %d sockets closed", closed)
        except TimeoutError:
            log.warning("draining took longer than %.1f s: stopping anyway", self._spread + EXTRA)
