"""A node's background tasks (server/ws/observer.background): a timer re-armed before it ever ran leaves no
coroutine behind that was never awaited (that warning fired when a webinar's time box was armed twice at once)."""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings

from server.ws.observer import background

log = logging.getLogger("test")


async def test_a_task_cancelled_before_its_first_step_closes_its_coroutine() -> None:
    ran: list[str] = []

    async def timer() -> None:
        ran.append("ran")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        task = background(timer(), log, "timer failed")
        task.cancel()  # before the loop ever stepped it
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert task.cancelled()
        del task
        gc.collect()
    assert ran == []
    assert [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)] == []


async def test_a_failure_is_logged_not_raised(caplog: object) -> None:
    async def broken() -> None:
        raise ValueError("boom")

    task = background(broken(), log, "timer %d failed", 7)
    await task  # nothing raised
    assert task.done() and task.exception() is None
