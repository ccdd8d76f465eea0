"""The in-process fallback relay with real aiortc peers inside a private network namespace: viewers up to the cap
receive the stage, the next one is refused with `stage-full`."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.netns import in_netns

WEBINAR = 7
CAP = 2


async def relay_scenario() -> dict[str, Any]:
    """Runs inside the namespace."""
    from signaling.stage import StageFull
    from signaling.stage_relay import RelayStage
    from tests.support.testpeer import LightViewer, SyntheticPublisher, wait_until

    out: dict[str, Any] = {}
    stage = RelayStage(viewer_cap=CAP)
    publisher = SyntheticPublisher()
    viewers = [LightViewer(f"v{i}") for i in range(CAP)]
    try:
        published = await stage.publish(WEBINAR, 5, "camera", "Speaker", await publisher.offer())
        await publisher.accept(published.answer_sdp)
        for viewer in viewers:
            offer = await stage.watch(WEBINAR, viewer.name, [published.feed])
            await stage.watch_answer(WEBINAR, viewer.name, await viewer.answer(offer))
        await wait_until(lambda: all(v.first_video.is_set() for v in viewers), 30, "every viewer's first frame")
        before = [v.video_frames() for v in viewers]
        await asyncio.sleep(2.0)
        out["growth"] = [v.video_frames() - b for v, b in zip(viewers, before, strict=True)]
        try:
            await stage.watch(WEBINAR, "one-too-many", [published.feed])
            out["third"] = None
        except StageFull as exc:
            out["third"] = {"code": exc.code, "message": exc.message}
        # A viewer who leaves frees a place.
        await stage.unwatch(WEBINAR, viewers[0].name)
        out["after_leave"] = bool(await stage.watch(WEBINAR, "one-too-many", [published.feed]))
        return out
    finally:
        for viewer in viewers:
            await viewer.close()
        await publisher.close()
        await stage.aclose()


def test_relay_serves_up_to_its_cap_then_refuses() -> None:
    result = in_netns(relay_scenario, timeout=180)
    assert all(growth > 0 for growth in result["growth"]), result
    assert result["third"] is not None, "the viewer over the cap was let in"
    assert result["third"]["code"] == "stage-full"
    assert f"at most {CAP} people" in result["third"]["message"]
    assert result["after_leave"] is True
