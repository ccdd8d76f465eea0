"""Who sees a programme item, on screen (docs/programme.md): an organiser adds a track "Health" with Anna on it,
an item for the track's members in Kazan (in Moscow's zone) and an invited-only roundtable with Anna on its invite
list, all through the forms; Anna sees both, with Kazan and the time there beside her own; Mike, on neither, sees
neither. Deleting the track while its item names it says why, and which item.

The server is shared with the other browser tests, so what the test adds is deleted at the end. Screenshots go to
/tmp/rt-shots/aud-*.png.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import DESKTOP, PHONE, SHOTS, Browsers, Server
from tests.browser.organiser_steps import json_of, pick

pytestmark = pytest.mark.browser

ORGANISER = "organiser@roundtable.example"
ANNA = "anna@voltera.example"  # on the track and invited
MIKE = "mike@bayfleet.example"  # on neither
MOSCOW = ZoneInfo("Europe/Moscow")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TRACK = "Health"
KAZAN = "Health briefing at the Kazan IT Park"
ROUNDTABLE = "CEO roundtable with the minister"


def _clean(page: Any, what: str) -> None:
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px too wide"
    page.screenshot(path=str(SHOTS / f"aud-{name}.png"), full_page=True)


def _utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _add_item(page: Any, *, title: str, day: str, start: str, end: str, audience: str, track: str = "",
              zone: str = "", city: str = "", venue: str = "", shot: str = "") -> None:
    """The organiser's "Add programme item" form, filled in and sent."""
    page.get_by_role("button", name="Add programme item").click()
    form = page.locator("form.programme-form")
    form.get_by_label("Kind").select_option("group_session")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Date").fill(day)
    form.get_by_label("Starts").fill(start)
    form.get_by_label("Ends").fill(end)
    if zone:
        form.get_by_label("Time zone of the item").select_option(zone)
        expect(form.locator("legend")).to_have_text(f"When ({zone.split('/')[-1]} time)")
    form.get_by_label("City").fill(city)
    form.get_by_label("Venue").fill(venue)
    form.get_by_label("Who can see this").select_option(audience)
    if track:
        form.get_by_label("Track").select_option(track)
    if shot:
        _clean(page, "the programme item form")
        _shoot(page, shot)
    form.get_by_role("button", name="Add to programme").click()
    expect(page.get_by_role("status").filter(has_text=f"“{title}” was added to the programme.")).to_be_visible()


def test_a_track_and_an_invite_list_decide_who_sees_an_item(browsers: Browsers, sign_in: Any,
                                                             server: Server) -> None:
    api = f"{server.base}/api/missions/1"
    org = sign_in(browsers.new(), ORGANISER)
    mission = json_of(org.request.get(api))["mission"]
    anna_id = json_of(org.request.get(f"{api}/directory?q=Anna%20de%20Vries"))["entries"][0]["profile"]["user_id"]
    day = (dt.date.fromisoformat(mission["start_date"]) + dt.timedelta(days=1)).isoformat()
    made: list[int] = []
    try:
        # -- a track with Anna on it, made on the tracks page ----------------------------------------------------
        org.goto(f"{server.base}/m/1/organise")
        org.get_by_role("link", name="Tracks").click()
        org.wait_for_url("**/m/1/organise/tracks")
        expect(org.get_by_role("heading", name="Tracks", level=1)).to_be_visible()
        adding = org.locator("form.track-new")
        adding.get_by_label("Name of the track").fill(TRACK)
        adding.get_by_role("button", name="Add track").click()
        expect(org.get_by_text(f"Track “{TRACK}” added. Now add its members.")).to_be_visible()
        expect(org.get_by_label("Add a member")).to_be_focused()
        pick(org, "Add a member", "Anna de Vries")
        org.get_by_role("button", name="Save track").click()
        expect(org.get_by_text(f"Track “{TRACK}” saved.")).to_be_visible()
        track = next(x for x in json_of(org.request.get(f"{api}/tracks")) if x["name"] == TRACK)
        made.append(-track["id"])
        assert [p["user_id"] for p in track["members"]] == [anna_id]
        expect(org.locator(f"#track-{track['id']} .track-size")).to_have_text("1 member")
        # The same name again is refused at the field.
        adding.get_by_label("Name of the track").fill(TRACK.lower())
        adding.get_by_role("button", name="Add track").click()
        expect(adding.locator(".field[data-field=name] .field-error")).to_have_text(
            "There is already a track of that name.")
        adding.get_by_label("Name of the track").fill("")

        # -- an item for the track's members, in Kazan on Moscow's clock; an invited-only roundtable -------------
        org.goto(f"{server.base}/m/1")
        _add_item(org, title=KAZAN, day=day, start="10:00", end="11:30", audience="track", track=TRACK,
                  zone="Europe/Moscow", city="Kazan", venue="IT Park", shot="form-desktop")
        _add_item(org, title=ROUNDTABLE, day=day, start="15:00", end="16:00", audience="invited")
        programme = json_of(org.request.get(f"{api}/programme"))
        kazan = next(i for i in programme if i["title"] == KAZAN)
        made.append(kazan["id"])
        roundtable = next(i for i in programme if i["title"] == ROUNDTABLE)
        made.append(roundtable["id"])
        starts = dt.datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=MOSCOW)
        assert _utc(kazan["starts_at"]) == starts
        assert (kazan["audience"], kazan["track"], kazan["timezone"]) == ("track", TRACK, "Europe/Moscow")
        assert (kazan["city"], kazan["venue"]) == ("Kazan", "IT Park")
        assert roundtable["audience"] == "invited" and roundtable["timezone"] == ""
        card = org.locator(f"#item-{kazan['id']}")
        expect(card.locator(".badge-audience")).to_have_text(f"Track: {TRACK}")
        expect(card.locator(".item-where")).to_contain_text("IT Park, Kazan")
        expect(org.locator(f"#item-{roundtable['id']} .badge-audience")).to_have_text("Invited only")
        expect(card.get_by_role("link", name="Invite list")).to_have_count(0)
        # Edited again, the form shows it in its own zone, for its track.
        card.get_by_role("button", name=f"Edit “{KAZAN}”").click()
        edit = org.locator("form.programme-form")
        expect(edit.get_by_label("Starts")).to_have_value("10:00")
        expect(edit.get_by_label("Time zone of the item")).to_have_value("Europe/Moscow")
        expect(edit.get_by_label("Who can see this")).to_have_value("track")
        expect(edit.get_by_label("Track")).to_have_value(TRACK)
        expect(edit.get_by_label("City")).to_have_value("Kazan")
        edit.get_by_role("button", name="Cancel").click()
        expect(org.locator("form.programme-form")).to_have_count(0)
        _clean(org, "the organiser's programme")

        # -- the roundtable's invite list: Anna ------------------------------------------------------------------
        org.get_by_role("link", name=f"Invite list of {ROUNDTABLE}").click()
        org.wait_for_url(f"**/m/1/organise/items/{roundtable['id']}/invitees")
        expect(org.get_by_role("heading", name=f"Invite list: {ROUNDTABLE}", level=1)).to_be_visible()
        expect(org.get_by_text("Nobody is invited yet.")).to_be_visible()
        pick(org, "Invite a person", "Anna de Vries")
        org.get_by_role("button", name="Save invite list").click()
        expect(org.get_by_text("Saved: 1 person invited.")).to_be_visible()
        invited = json_of(org.request.get(f"{api}/programme/{roundtable['id']}/invitees"))["invitees"]
        assert [p["user_id"] for p in invited] == [anna_id]
        _clean(org, "an invite list")
        _shoot(org, "invitees-desktop")

        # -- the track cannot go while the Kazan item is for its members; the page says which item ---------------
        org.goto(f"{server.base}/m/1/organise/tracks")
        org.get_by_role("button", name=f"Delete {TRACK}").click()
        org.get_by_role("button", name="Delete", exact=True).click()
        refusal = org.locator(f"#track-{track['id']} .track-error")
        expect(refusal).to_contain_text("This track cannot be deleted while an item for its members names it.")
        expect(refusal.get_by_role("link", name=KAZAN)).to_have_attribute("href", f"/m/1#item-{kazan['id']}")
        expect(org.get_by_role("button", name=f"Delete {TRACK}")).to_be_focused()
        _clean(org, "a track that cannot be deleted")
        _shoot(org, "tracks-refused-desktop")
        org.get_by_role("button", name=f"Edit {TRACK}").click()
        expect(org.locator(f"#track-{track['id']} .member-row")).to_have_count(1)
        expect(org.locator(f"#track-{track['id']} .member-row")).to_contain_text("Anna de Vries")
        _clean(org, "the tracks page")
        _shoot(org, "tracks-desktop")
        org.set_viewport_size(PHONE)
        _shoot(org, "tracks-phone")
        org.evaluate("localStorage.setItem('rt.lang', 'nl')")
        org.reload()
        expect(org.get_by_role("heading", name="Sporen", level=1)).to_be_visible()
        expect(org.locator(f"#track-{track['id']} .track-size")).to_have_text("1 lid")
        _clean(org, "the tracks page in Dutch")
        _shoot(org, "tracks-phone-nl")
        org.evaluate("localStorage.setItem('rt.lang', 'en')")
        org.set_viewport_size(DESKTOP)

        # -- Anna (in Amsterdam) sees both: Kazan with its time there beside hers ------------------------------
        anna = sign_in(browsers.new(), ANNA)
        kazan_card = anna.locator(f"#item-{kazan['id']}")
        expect(kazan_card).to_be_visible()
        expect(anna.locator(f"#item-{roundtable['id']}")).to_be_visible()
        mine = starts.astimezone(AMSTERDAM)
        expect(kazan_card.locator(".when-primary time").first).to_have_text(mine.strftime("%H:%M"))
        expect(kazan_card.locator(".when-label")).to_have_text("your time")
        expect(kazan_card.locator(".when-secondary")).to_have_text("10:00 Kazan")
        expect(kazan_card.locator(".item-where")).to_contain_text("Kazan")
        expect(kazan_card.locator(".badge-audience")).to_have_text(f"Track: {TRACK}")
        expect(anna.locator(f"#item-{roundtable['id']} .badge-audience")).to_have_text("Invited only")
        expect(anna.get_by_role("link", name=f"Invite list of {ROUNDTABLE}")).to_have_count(0)
        _clean(anna, "Anna's programme")
        kazan_card.scroll_into_view_if_needed()
        _shoot(anna, "mission-desktop")
        anna.set_viewport_size(PHONE)
        _shoot(anna, "mission-phone")
        # Her schedule has both, the Kazan one with its time there.
        anna.set_viewport_size(DESKTOP)
        anna.goto(f"{server.base}/m/1/schedule")
        entry = anna.locator(".sched-entry.is-item", has_text=KAZAN)
        expect(entry.locator(".sched-theirs")).to_have_text("10:00 Kazan")
        expect(anna.locator(".sched-entry.is-item", has_text=ROUNDTABLE)).to_have_count(1)

        # -- Mike, on neither, sees neither; fetching them is a 404 ----------------------------------------------
        mike = sign_in(browsers.new(), MIKE)
        expect(mike.locator(".programme .item").first).to_be_visible()
        for item in (kazan, roundtable):
            expect(mike.locator(f"#item-{item['id']}")).to_have_count(0)
            assert mike.request.get(f"{server.base}/api/programme/{item['id']}").status == 404
        titles = [i["title"] for i in json_of(mike.request.get(f"{api}/programme"))]
        assert KAZAN not in titles and ROUNDTABLE not in titles
        expect(mike.get_by_text(KAZAN)).to_have_count(0)
        expect(mike.get_by_text(ROUNDTABLE)).to_have_count(0)
    finally:
        # Items first: a track cannot go while an item for its members names it.
        for ref in sorted(made, reverse=True):
            if ref > 0:
                org.request.delete(f"{server.base}/api/programme/{ref}")
        for ref in made:
            if ref < 0:
                org.request.delete(f"{api}/tracks/{-ref}")
