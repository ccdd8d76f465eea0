"""`NoStage`: the stage when this installation has no media path (no Janus, and aiortc for the relay is not
installed). Everything but the media works; asking for media is refused with `stage-media-missing`, and what only
ends or lists media finds nothing to do."""

from __future__ import annotations

from pathlib import Path

from signaling.stage import Published, Source, StageMediaMissing


class NoStage:
    name = "none"
    viewer_cap: int | None = None
    can_record = False

    async def open(self, webinar: int) -> None:
        pass

    async def publish(self, webinar: int, user_id: int, source: Source, display: str, offer_sdp: str) -> Published:
        raise StageMediaMissing()

    async def unpublish(self, webinar: int, user_id: int, source: Source) -> None:
        pass

    async def kick(self, webinar: int, feed: int) -> None:
        pass

    async def record(self, webinar: int, user_id: int, source: Source, into: Path | None) -> None:
        if into is not None:
            raise StageMediaMissing()

    async def watch(self, webinar: int, viewer: str, feeds: list[int]) -> str:
        raise StageMediaMissing()

    async def rewatch(self, webinar: int, viewer: str, feeds: list[int]) -> str | None:
        raise StageMediaMissing()

    async def watch_answer(self, webinar: int, viewer: str, answer_sdp: str) -> None:
        raise StageMediaMissing()

    async def present_feeds(self, webinar: int) -> set[int]:
        return set()

    def streams(self, webinar: int, viewer: str) -> dict[str, int]:
        return {}

    async def unwatch(self, webinar: int, viewer: str) -> None:
        pass

    async def close(self, webinar: int) -> None:
        pass

    async def aclose(self) -> None:
        pass
