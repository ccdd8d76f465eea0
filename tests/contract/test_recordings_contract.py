"""The RecordingStore contract (rooms/recordings/ports.py): memory, SQLite and PostgreSQL render one recording at a
time per item, let a link replace the public one, and count a replay once per person alike."""

from __future__ import annotations

import asyncio
import datetime as dt

from rooms.catalog import Store
from rooms.missions.mission import ItemDraft, ItemKind, MissionDraft
from rooms.recordings.records import RecordingStatus

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
STALE = dt.timedelta(minutes=30)


async def _item(store: Store, who: str = "olga", kind: ItemKind = ItemKind.WEBINAR) -> tuple[int, int]:
    user = await store.create_user(f"{who}@example.org", who.capitalize(), NOW)
    draft = MissionDraft(title=f"{who}'s mission", destination="Rotterdam", timezone="Europe/Amsterdam",
                         start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12)).validated()
    mission = await store.create_mission(draft, user.id, NOW)
    item = await store.add_item(mission.id, ItemDraft(kind=kind, title="Ports",
                                                      starts_at=dt.datetime(2027, 3, 9, 8, tzinfo=dt.UTC),
                                                      ends_at=dt.datetime(2027, 3, 9, 9, tzinfo=dt.UTC)))
    return item.id, user.id


async def test_one_render_at_a_time_then_ready_and_counted_once(store: Store) -> None:
    item, olga = await _item(store)
    assert await store.recordings(item) == []
    claimed = await store.claim_render(item, False, NOW, STALE)
    assert claimed is not None and claimed.status is RecordingStatus.PROCESSING
    assert await store.claim_render(item, False, NOW + dt.timedelta(minutes=1), STALE) is None  # one at a time
    rehearsal = await store.claim_render(item, True, NOW, STALE)  # the rehearsal's is another recording
    assert rehearsal is not None and rehearsal.id != claimed.id
    await store.finish_render(claimed.id, "stage.webm", 61_500, 1234, NOW + dt.timedelta(minutes=2))
    ready = await store.get_recording(claimed.id)
    assert ready is not None and (ready.status, ready.file, ready.duration_ms, ready.size) == (
        RecordingStatus.READY, "stage.webm", 61_500, 1234)
    await store.fail_render(rehearsal.id, "x" * 900, NOW)
    failed = await store.get_recording(rehearsal.id)
    assert failed is not None and failed.status is RecordingStatus.FAILED and len(failed.error) == 500
    assert [r.rehearsal for r in await store.recordings(item)] == [False, True]
    # A render again (the item reopened and ended once more) reuses the row.
    again = await store.claim_render(item, False, NOW + dt.timedelta(hours=1), STALE)
    assert again is not None and again.id == claimed.id
    # A render claimed long ago by a node that died is taken over.
    assert await store.claim_render(item, False, NOW + dt.timedelta(hours=2), STALE) is not None

    # Five requests at once (a player's ranges), committing in any order: once, at the earliest time.
    await asyncio.gather(*(store.add_replay(claimed.id, olga, NOW + dt.timedelta(seconds=i)) for i in (3, 1, 0, 4, 2)))
    assert await store.replays(claimed.id) == {olga: NOW}
    await store.add_replay(claimed.id, olga, NOW + dt.timedelta(hours=1))
    assert await store.replays(claimed.id) == {olga: NOW}
    await store.add_replay(999_999, olga, NOW)  # no such recording: nothing
    await store.delete_recording(claimed.id)
    assert await store.get_recording(claimed.id) is None and await store.replays(claimed.id) == {}


async def test_a_link_replaces_the_public_recording_and_stops_renders(store: Store) -> None:
    item, _ = await _item(store)
    claimed = await store.claim_render(item, False, NOW, STALE)
    assert claimed is not None
    await store.finish_render(claimed.id, "stage.webm", 1000, 10, NOW)
    linked, replaced = await store.set_link(item, "https://video.example/watch?v=1", NOW)
    assert replaced == "stage.webm"
    assert (linked.id, linked.status, linked.file, linked.external_url) == (
        claimed.id, RecordingStatus.LINK, "", "https://video.example/watch?v=1")
    assert await store.claim_render(item, False, NOW + dt.timedelta(days=1), STALE) is None
    again, replaced = await store.set_link(item, "https://video.example/watch?v=2", NOW)
    assert replaced == "" and again.external_url.endswith("v=2")
    other, _ = await _item(store, "piet", ItemKind.GROUP_SESSION)
    fresh, nothing = await store.set_link(other, "https://video.example/x", NOW)
    assert nothing == "" and fresh.status is RecordingStatus.LINK and not fresh.rehearsal

