"""Who sees and plays which recording (rooms/recordings/service.py, docs/webinar.md "Recording"): the public one
once published, for everyone who may see the item; a rehearsal's, or one still rendering, for the item's staff and
the organisers only; an organiser's link or deletion; a replay counted once per person."""

from __future__ import annotations

import datetime as dt

import pytest

from rooms.core.errors import Invalid, NotAllowed, NotFound
from rooms.missions.mission import ItemDraft, ItemKind
from rooms.recordings.records import RecordingStatus
from rooms.recordings.service import STALE_RENDER, RecordingService
from tests.unit.test_webinar_domain import NOW, STARTS, Webinar, make_webinar

pytestmark = pytest.mark.security


async def _ready(w: Webinar, rehearsal: bool = False) -> int:
    claimed = await w.store.claim_render(w.item, rehearsal, NOW, STALE_RENDER)
    assert claimed is not None
    await w.store.finish_render(claimed.id, "stage.webm", 61_000, 4096, NOW)
    return claimed.id


async def test_the_public_recording_is_everyones_the_rehearsal_the_staffs() -> None:
    w = await make_webinar()
    svc = RecordingService(w.store, w.clock)
    mission = await w.svc.mission_of(w.item)
    public, rehearsal = await _ready(w), await _ready(w, rehearsal=True)

    seen = await svc.list(w.users["anna"], mission, w.item)
    url = f"/api/missions/{mission}/recordings/{public}/file"
    assert [(v.id, v.url, v.replays, v.error) for v in seen] == [(public, url, None, None)]
    for staff in ("host", "speaker0", "organiser"):
        assert {v.id for v in await svc.list(w.users[staff], mission, w.item)} == {public, rehearsal}
    with pytest.raises(NotFound) as gone:
        await svc.list(w.users["outsider"], mission, w.item)
    assert gone.value.code == "item-not-found"

    # Playing: the public one counts a replay, once; the rehearsal's does not exist for an attendee.
    for _ in range(3):
        assert (await svc.playing(w.users["anna"], mission, public)).id == public
    assert set(await w.store.replays(public)) == {w.users["anna"].id}
    # A player's later range requests of the same viewing count nothing (and write nothing).
    await svc.playing(w.users["ben"], mission, public, counts=False)
    assert set(await w.store.replays(public)) == {w.users["anna"].id}
    assert [v.replays for v in await svc.list(w.users["organiser"], mission, w.item)] == [1, 0]
    for who, rid in (("anna", rehearsal), ("outsider", public), ("anna", 999_999)):
        with pytest.raises(NotFound) as exc:
            await svc.playing(w.users[who], mission, rid)
        assert exc.value.code == "recording-not-found"
    await svc.playing(w.users["host"], mission, rehearsal)  # the staff watch their rehearsal ...
    assert await w.store.replays(rehearsal) == {}  # ... which is no replay of the item

    statuses = await w.svc.statuses(w.users["anna"], mission)
    assert [s.recorded for s in statuses if s.item_id == w.item] == [True]


async def test_unfinished_recordings_are_for_those_who_can_act_on_them() -> None:
    w = await make_webinar()
    svc = RecordingService(w.store, w.clock)
    mission = await w.svc.mission_of(w.item)
    claimed = await w.store.claim_render(w.item, False, NOW, STALE_RENDER)
    assert claimed is not None
    assert await svc.list(w.users["anna"], mission, w.item) == []
    await w.store.fail_render(claimed.id, "janus-pp-rec is not installed", NOW)
    assert await svc.list(w.users["anna"], mission, w.item) == []
    [failed] = await svc.list(w.users["organiser"], mission, w.item)
    assert (failed.status, failed.error) == (RecordingStatus.FAILED, "janus-pp-rec is not installed")
    with pytest.raises(NotFound):
        await svc.playing(w.users["organiser"], mission, claimed.id)  # nothing to play


async def test_the_organiser_links_or_deletes() -> None:
    w = await make_webinar()
    svc = RecordingService(w.store, w.clock)
    mission = await w.svc.mission_of(w.item)
    public = await _ready(w)
    with pytest.raises(NotAllowed):
        await svc.set_link(w.users["host"], mission, w.item, "https://video.example/x")
    for bad in ("video.example/x", "javascript:alert(1)", "https://", "https://v.example/" + "x" * 2000):
        with pytest.raises(Invalid) as exc:
            await svc.set_link(w.users["organiser"], mission, w.item, bad)
        assert exc.value.code == "invalid-url"
    view, replaced = await svc.set_link(w.users["organiser"], mission, w.item, " https://video.example/x ")
    assert (view.id, view.status, view.url, view.external_url, replaced) == (
        public, RecordingStatus.LINK, None, "https://video.example/x", "stage.webm")
    [seen] = await svc.list(w.users["anna"], mission, w.item)
    assert seen.external_url == "https://video.example/x"
    block = await w.store.add_item(mission, ItemDraft(kind=ItemKind.MATCHMAKING, title="Block", starts_at=STARTS,
                                                      ends_at=STARTS + dt.timedelta(hours=1)))
    with pytest.raises(Invalid) as no_stage:
        await svc.set_link(w.users["organiser"], mission, block.id, "https://video.example/y")
    assert no_stage.value.code == "no-stage"
    with pytest.raises(NotAllowed):
        await svc.delete(w.users["anna"], mission, public)
    assert (await svc.delete(w.users["organiser"], mission, public)).id == public
    assert await svc.list(w.users["organiser"], mission, w.item) == []
    with pytest.raises(NotFound):
        await svc.delete(w.users["organiser"], mission, public)
