"""Recordings on demand (docs/webinar.md, "Recording"): who may see and play which recording of an item, the
organiser's link or deletion, and the render's bookkeeping for server/recorder.py. The files themselves are the
adapter's: this service says which one, and counts who watched it afterwards."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from urllib.parse import urlsplit

from rooms.core.clock import Clock
from rooms.core.errors import Invalid, NotFound
from rooms.missions.audience import AudienceStore
from rooms.missions.mission import ProgrammeItem
from rooms.missions.people import Membership, Role, User
from rooms.missions.ports import ItemRoleStore, MembershipStore, MissionStore
from rooms.policy import Action, Actor, may_see_recording, require, require_item_visible, webinar_role
from rooms.recordings.ports import RecordingStore
from rooms.recordings.records import Recording, RecordingStatus, RecordingView

# A render that has not finished after this long died with its node: another node may take it over.
STALE_RENDER = dt.timedelta(minutes=30)
MAX_URL = 2000


class RecordingsStore(MissionStore, MembershipStore, ItemRoleStore, AudienceStore, RecordingStore, Protocol):
    """What the recordings use of the store."""


def _not_found() -> NotFound:
    return NotFound(code="recording-not-found", message="Recording not found.")


def clean_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid(code="invalid-url", message="Paste the recording's full address, starting with https://.",
                      field="url")
    return url


class RecordingService:
    def __init__(self, store: RecordingsStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def _item(self, user: User, mission_id: int, item_id: int) -> tuple[ProgrammeItem, Membership]:
        item = await self._store.get_item(item_id)
        membership = await self._store.get_membership(mission_id, user.id)
        if item is None or item.mission_id != mission_id or membership is None:
            raise NotFound(code="item-not-found", message="Programme item not found.")
        require_item_visible(membership, item, await self._store.mission_audience(item.mission_id))
        return item, membership

    async def _may_see(self, user: User, item: ProgrammeItem, membership: Membership, r: Recording) -> bool:
        role = webinar_role(membership, (await self._store.item_roles(item.id)).get(user.id))
        published = r.status in (RecordingStatus.READY, RecordingStatus.LINK)
        return may_see_recording(role, membership.role, rehearsal=r.rehearsal, published=published)

    def _view(self, mission_id: int, r: Recording, organiser: bool, replays: int | None) -> RecordingView:
        # The file's route is the mission's (server/api/recordings.py): /api/missions/{m}/recordings/{id}/file.
        url = f"/api/missions/{mission_id}/recordings/{r.id}/file" if r.status is RecordingStatus.READY else None
        return RecordingView(
            id=r.id, item_id=r.item_id, rehearsal=r.rehearsal, status=r.status, duration_s=r.duration_ms / 1000,
            size=r.size, url=url,
            external_url=r.external_url or None, error=(r.error or None) if organiser else None,
            replays=replays if organiser else None, updated_at=r.updated_at)

    async def list(self, user: User, mission_id: int, item_id: int) -> list[RecordingView]:
        item, membership = await self._item(user, mission_id, item_id)
        organiser = membership.role is Role.ORGANISER
        out = []
        for r in await self._store.recordings(item.id):
            if await self._may_see(user, item, membership, r):
                replays = len(await self._store.replays(r.id)) if organiser else None
                out.append(self._view(mission_id, r, organiser, replays))
        return out

    async def playing(self, user: User, mission_id: int, recording_id: int, *, counts: bool = True) -> Recording:
        """The recording whose file this person may play; a public one counts them as having watched it (once;
        `counts` false for a player's later requests of the same viewing, which need no write)."""
        r = await self._store.get_recording(recording_id)
        if r is None or r.status is not RecordingStatus.READY:
            raise _not_found()
        try:
            item, membership = await self._item(user, mission_id, r.item_id)
        except NotFound:
            raise _not_found() from None
        if not await self._may_see(user, item, membership, r):
            raise _not_found()
        if counts and not r.rehearsal:
            await self._store.add_replay(r.id, user.id, self._clock.now())
        return r

    async def _organising(self, user: User, mission_id: int, item_id: int) -> ProgrammeItem:
        item, membership = await self._item(user, mission_id, item_id)
        require(Actor(user, membership), Action.MANAGE_PROGRAMME)
        if not item.kind.has_stage:
            raise Invalid(code="no-stage", message="Only a webinar, a group session or a roundtable is recorded.")
        return item

    async def set_link(self, user: User, mission_id: int, item_id: int, url: str) -> tuple[RecordingView, str]:
        """The organiser's external link replaces the public recording; returns the file replaced (to delete)."""
        item = await self._organising(user, mission_id, item_id)
        linked, replaced = await self._store.set_link(item.id, clean_url(url), self._clock.now())
        return self._view(mission_id, linked, True, len(await self._store.replays(linked.id))), replaced

    async def delete(self, user: User, mission_id: int, recording_id: int) -> Recording:
        r = await self._store.get_recording(recording_id)
        if r is None:
            raise _not_found()
        try:
            await self._organising(user, mission_id, r.item_id)
        except NotFound:
            raise _not_found() from None
        await self._store.delete_recording(r.id)
        return r

    # -- the render (server/recorder.py) -------------------------------------------------------------------

    async def claim_render(self, item_id: int, rehearsal: bool) -> Recording | None:
        return await self._store.claim_render(item_id, rehearsal, self._clock.now(), STALE_RENDER)

    async def rendered(self, recording_id: int, file: str, duration_ms: int, size: int) -> None:
        await self._store.finish_render(recording_id, file, duration_ms, size, self._clock.now())

    async def render_failed(self, recording_id: int, error: str) -> None:
        await self._store.fail_render(recording_id, error, self._clock.now())
