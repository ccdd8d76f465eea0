"""The stage's recorder on this node (docs/webinar.md, "Recording"): turns the webinar aggregate's recording state
into the stage media's per-feed recording (only people who did not decline, into the public or the rehearsal
directory), and after the item renders the files into one watchable file (signaling/recording.py).

Directories: <var>/recordings/<item>/stage and …/rehearsal hold the SFU's raw files; …/files the rendered ones that
the API serves. In a deployment with several nodes they must be one shared directory (the SFU writes where the
rendering node reads).
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from rooms.recordings.records import Recording
from rooms.recordings.service import RecordingService
from rooms.webinar.events import Feed
from rooms.webinar.service import WebinarService
from signaling.recording import render_stage
from signaling.stage import Source, StageMedia

log = logging.getLogger("roundtable.recorder")


class Recorder:
    def __init__(self, var_dir: Path, stage: StageMedia, webinars: WebinarService,
                 recordings: RecordingService) -> None:
        self._root = var_dir / "recordings"
        self._stage = stage
        self._webinars = webinars
        self._recordings = recordings

    @property
    def available(self) -> bool:
        return self._stage.can_record

    def raw_directory(self, item: int, rehearsal: bool) -> Path:
        return self._root / str(item) / ("rehearsal" if rehearsal else "stage")

    def file(self, recording: Recording) -> Path:
        return self._root / str(recording.item_id) / "files" / recording.file

    async def apply(self, item: int, feeds: list[Feed]) -> None:
        """Brings the SFU's recording of every live feed in line with the aggregate (idempotent)."""
        if not self._stage.can_record:
            return
        plan = await self._webinars.recording_plan(item)
        for f in feeds:
            await self._one(item, f.user_id, f.source.value, plan.records(f.user_id), plan.rehearsal)

    async def before_publish(self, item: int, user_id: int, source: Source) -> None:
        """Set before the feed exists, so that a recorded feed is written from its first packet and a declined
        one never is."""
        if not self._stage.can_record:
            return
        plan = await self._webinars.recording_plan(item)
        await self._one(item, user_id, source, plan.records(user_id), plan.rehearsal)

    async def _one(self, item: int, user_id: int, source: Source, record: bool, rehearsal: bool) -> None:
        into = self.raw_directory(item, rehearsal) if record else None
        if into is not None:
            into.mkdir(parents=True, exist_ok=True)
        await self._stage.record(item, user_id, source, into)

    async def render(self, item: int, rehearsal: bool) -> None:
        """One file of the item's stage (or rehearsal), if anything was recorded; one node renders (the claim)."""
        raw = self.raw_directory(item, rehearsal)
        if not raw.is_dir() or not any(raw.iterdir()):
            return
        claimed = await self._recordings.claim_render(item, rehearsal)
        if claimed is None:
            return
        files = self._root / str(item) / "files"
        files.mkdir(parents=True, exist_ok=True)
        name = f"{'rehearsal' if rehearsal else 'stage'}-{claimed.id}-{int(time.time())}.webm"
        try:
            made = await render_stage(raw, files / name)
        except Exception as exc:
            log.exception("rendering the recording of item %d failed", item)
            await self._recordings.render_failed(claimed.id, str(exc) or type(exc).__name__)
            return
        if claimed.file and claimed.file != name:
            (files / claimed.file).unlink(missing_ok=True)  # an earlier render of the same recording
        await self._recordings.rendered(claimed.id, name, int(made.duration * 1000), made.size)
        log.info("recording of item %d ready: %s (%.1f s, %d bytes)", item, name, made.duration, made.size)

    def forget(self, recording: Recording) -> None:
        """A deleted recording's file (and, for the public one, its raw files) leave the disk."""
        if recording.file:
            self.file(recording).unlink(missing_ok=True)
        shutil.rmtree(self.raw_directory(recording.item_id, recording.rehearsal), ignore_errors=True)

    def forget_file(self, item: int, name: str) -> None:
        if name:
            (self._root / str(item) / "files" / name).unlink(missing_ok=True)
