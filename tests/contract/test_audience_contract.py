"""The AudienceStore contract (rooms/missions/audience.py): memory, SQLite and PostgreSQL keep tracks, their
members and invite lists alike, and read a mission's audience the same way."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from rooms.catalog import Store
from rooms.core.cards import Side
from rooms.core.errors import Conflict, NotFound
from rooms.missions.mission import Audience, ItemDraft, ItemKind, Mission, MissionDraft
from rooms.missions.people import ItemRole, Role, User

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)


async def _mission(store: Store) -> tuple[Mission, User, User, User]:
    olga = await store.create_user("olga@example.org", "Olga", NOW)
    ana = await store.create_user("ana@example.org", "Ana", NOW)
    bo = await store.create_user("bo@example.org", "Bo", NOW)
    draft = MissionDraft(title="Health to Kazan", destination="Russia", timezone="Europe/Moscow",
                         start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12), sectors=["Health"]).validated()
    mission = await store.create_mission(draft, olga.id, NOW)
    for who in (ana, bo):
        await store.set_membership(mission.id, who.id, Role.PARTICIPANT, Side.DELEGATION)
    return mission, olga, ana, bo


def _item(audience: Audience, track: str = "", title: str = "Roundtable") -> ItemDraft:
    return ItemDraft(kind=ItemKind.GROUP_SESSION, title=title, starts_at=dt.datetime(2027, 3, 9, 8, tzinfo=dt.UTC),
                     ends_at=dt.datetime(2027, 3, 9, 9, tzinfo=dt.UTC), audience=audience, track=track,
                     city="Kazan", venue="Kazan Kremlin", timezone="Europe/Moscow")


async def test_tracks_members_and_the_audience_they_make(store: Store) -> None:
    mission, _, ana, bo = await _mission(store)
    health = await store.create_track(mission.id, "Health")
    assert health.members == [] and health.name == "Health"
    with pytest.raises(Conflict) as taken:
        await store.create_track(mission.id, "health")
    assert taken.value.code == "track-exists"
    sport = await store.create_track(mission.id, "Sport")
    assert [t.name for t in await store.tracks(mission.id)] == ["Health", "Sport"]
    changed = await store.update_track(health.id, "Health", {ana.id})
    assert changed.members == [ana.id]
    with pytest.raises(NotFound) as outsider:
        await store.update_track(health.id, "Health", {ana.id, 999_999})
    assert outsider.value.code == "person-not-found"
    assert (await store.get_track(health.id)) == changed  # the refused change left nothing behind
    with pytest.raises(Conflict):
        await store.update_track(sport.id, "HEALTH", set())
    audience = await store.mission_audience(mission.id)
    assert audience.tracks == {"health": frozenset({ana.id}), "sport": frozenset()}
    assert audience.tracks_of(ana.id) == {"health"} and audience.tracks_of(bo.id) == frozenset()


async def test_a_rename_carries_the_items_and_a_named_track_stays(store: Store) -> None:
    mission, _, ana, _ = await _mission(store)
    track = await store.create_track(mission.id, "Health")
    item = await store.add_item(mission.id, _item(Audience.TRACK, "Health"))
    label = await store.add_item(mission.id, _item(Audience.ALL, "Health", "Plenary"))
    renamed = await store.update_track(track.id, "Life sciences", [ana.id])
    assert renamed.name == "Life sciences"
    for it in (item, label):
        found = await store.get_item(it.id)
        assert found is not None and found.track == "Life sciences"
    assert found is not None
    assert (found.city, found.venue, found.timezone) == ("Kazan", "Kazan Kremlin", "Europe/Moscow")
    with pytest.raises(Conflict) as used:
        await store.delete_track(track.id)
    assert used.value.code == "track-in-use"
    await store.delete_item(item.id)
    await store.delete_track(track.id)  # the plenary only carries the name as a label, and loses it
    assert await store.get_track(track.id) is None
    kept = await store.get_item(label.id)
    assert kept is not None and kept.track == ""
    assert await store.tracks(mission.id) == []


async def test_invite_lists_roles_and_lapsed_memberships(store: Store) -> None:
    mission, olga, ana, bo = await _mission(store)
    item = await store.add_item(mission.id, _item(Audience.INVITED))
    await store.set_item_invitees(item.id, {ana.id, bo.id})
    assert await store.item_invitees(item.id) == sorted([ana.id, bo.id])
    with pytest.raises(NotFound) as outsider:
        await store.set_item_invitees(item.id, {ana.id, 999_999})
    assert outsider.value.code == "person-not-found"
    assert await store.item_invitees(item.id) == sorted([ana.id, bo.id])
    await store.set_item_roles(item.id, {olga.id: ItemRole.HOST})
    track = await store.create_track(mission.id, "Health")
    await store.update_track(track.id, "Health", {bo.id})
    await store.remove_membership(mission.id, bo.id)  # a place on a list or a track lapses with the membership
    audience = await store.mission_audience(mission.id)
    assert audience.invitees == {item.id: frozenset({ana.id})}
    assert audience.roles == {item.id: frozenset({olga.id})}
    assert audience.tracks == {"health": frozenset()}
    assert await store.item_invitees(item.id) == [ana.id]
    lapsed = await store.get_track(track.id)
    assert lapsed is not None and lapsed.members == []
    with pytest.raises(NotFound):
        await store.set_item_invitees(item.id + 999, {ana.id})
    await store.delete_item(item.id)
    assert (await store.mission_audience(mission.id)).invitees == {}


async def test_two_organisers_creating_one_track_at_once_make_one(store: Store) -> None:
    mission, _, _, _ = await _mission(store)
    results = await asyncio.gather(store.create_track(mission.id, "Sport"), store.create_track(mission.id, "sport"),
                                   return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Track"]
    assert [t.name.casefold() for t in await store.tracks(mission.id)] == ["sport"]
