"""The reminder use cases: a person's preferences, one-click unsubscribe, and what is due (`tick`).

`tick` is run every few seconds by every node (server/reminders.py): it finds what is due now — meetings and
webinars starting within LEAD, digests whose 07:00 has come in the person's zone — and records each reminder
through `ReminderStore.remind`, which writes it and its mail in one transaction, once per ReminderKey whatever
the number of nodes. It reads the meeting or the item as it is now, so a cancelled meeting or a removed item is
simply not found, and a moved one is due at its new time (its key names the new start).

A request received and a meeting booked from a request are mailed right after what caused them
(`request_received` / `meeting_booked`, called by server/api/meetings.py: the fast path), not in the same
transaction. So that a node dying between the two loses nothing, `tick` also sweeps the causes of the last
`SWEEP` that have no reminder yet — requests still pending, meetings booked from a request and still ahead — and
records them through those same two methods: the same key, so the mail goes once whichever comes first. An
organiser's booking (no request) is not swept: its own mail (`meeting-booked`) is queued in its booking's
transaction (rooms/matchmaking/requests.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from rooms.core.clock import Clock
from rooms.core.eventlog import EventLog
from rooms.core.events import EventBody
from rooms.core.refs import inbox
from rooms.core.timezones import zone
from rooms.mail.drafts import sender_name
from rooms.mail.outbox import MailDraft
from rooms.mail.templates import language_for
from rooms.matchmaking.ports import MeetingStore
from rooms.matchmaking.records import Meeting, MeetingRequest, MeetingStatus
from rooms.missions.audience import AudienceStore, MissionAudience
from rooms.missions.mission import ItemKind, Mission, ProgrammeItem
from rooms.missions.people import Membership, User
from rooms.missions.ports import DirectoryStore, MembershipStore, MissionStore, ProfileStore, UserStore
from rooms.missions.profile import DirectoryEntry
from rooms.policy import in_own_schedule
from rooms.reminders import plan
from rooms.reminders.events import DayDigest, WebinarStarting
from rooms.reminders.ports import ReminderStore
from rooms.reminders.records import Channel, Preference, Preferences, ReminderKey, ReminderKind

_WITH = {"en": "Meeting with", "nl": "Gesprek met"}
# How far back `tick` looks for a request or a booking whose mail was never recorded. The fast path records it
# within milliseconds and any live node's clock sweeps within a tick (20 s), so this only matters when every
# node was down: a day covers an outage overnight while keeping the sweep to a day's causes (it runs every tick
# on every node). Older ones are still in the app, in the matchmaking page and the person's digest.
SWEEP = dt.timedelta(hours=24)
_NOTHING = {"en": "Nothing on the programme today.", "nl": "Vandaag staat er niets op het programma."}


class RemindersStore(UserStore, ProfileStore, MissionStore, MembershipStore, DirectoryStore, MeetingStore,
                     ReminderStore, EventLog, AudienceStore, Protocol):
    """What reminders use of the store."""


class ReminderService:
    def __init__(self, store: RemindersStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # -- preferences ---------------------------------------------------------------------------------------

    async def preferences(self, user_id: int) -> Preferences:
        return Preferences.of(await self._store.preferences(user_id))

    async def set_preferences(self, user: User, chosen: list[Preference]) -> Preferences:
        for p in chosen:
            await self._store.set_preference(user.id, p)
        return await self.preferences(user.id)

    async def set_mail(self, user_id: int, kind: ReminderKind, on: bool) -> Preferences:
        """The one-click unsubscribe (on=False) and its undo: idempotent."""
        now = (await self.preferences(user_id)).with_(kind, Channel.MAIL, on)
        await self._store.set_preference(user_id, next(p for p in now.kinds if p.kind is kind))
        return now

    # -- what people do ------------------------------------------------------------------------------------

    async def request_received(self, request: MeetingRequest) -> int:
        """The addressee: a request received. 1 if this call recorded it (0: recorded before, by either path)."""
        mission = await self._store.get_mission(request.mission_id)
        sender = await self._store.get_user(request.from_user)
        if mission is None or sender is None:
            return 0
        key = ReminderKey(ReminderKind.MEETING_REQUEST, request.id, request.to_user, request.created_at)
        params = {"other": sender.name, "message": request.message or "—"}
        return await self._remind(key, mission, f"/m/{mission.id}/matchmaking", params)

    async def meeting_booked(self, meeting: Meeting) -> int:
        """Both members: the meeting is booked (a request accepted). How many this call recorded."""
        mission = await self._store.get_mission(meeting.mission_id)
        if mission is None:
            return 0
        count = 0
        for me in meeting.members():
            other = await self._store.get_user(meeting.other(me))
            key = ReminderKey(ReminderKind.MEETING_ACCEPTED, meeting.id, me, meeting.starts_at)
            count += await self._remind(key, mission, f"/m/{mission.id}/schedule",
                                        {"other": other.name if other else "?"}, meeting.starts_at)
        return count

    # -- what time brings ----------------------------------------------------------------------------------

    async def tick(self) -> int:
        """Records every reminder due now that was not yet; returns how many it recorded."""
        now = self._clock.now()
        done = await self._sweep(now)
        for meeting in await self._store.meetings_starting(now, now + plan.LEAD):
            done += await self._meeting_starting(meeting, now)
        # Every zone's today is within a day of UTC's: the missions on those days are the ones that may be due.
        missions = {m.id: m for m in await self._store.missions_on(now.date())}
        for item in await self._store.items_starting(sorted(missions), now, now + plan.LEAD):
            if item.kind is ItemKind.WEBINAR:
                done += await self._webinar_starting(item, now)
        for mission in missions.values():
            done += await self._digests(mission, now)
        return done

    async def _sweep(self, now: dt.datetime) -> int:
        """The requests and accepted requests of the last SWEEP whose mail the fast path never recorded (its node
        died right after the commit): recorded now, by the fast path's own methods and keys."""
        count = 0
        requests = await self._store.requests_since(now - SWEEP)
        done = await self._store.reminded_of(ReminderKind.MEETING_REQUEST, [r.id for r in requests])
        for request in requests:
            if ReminderKey(ReminderKind.MEETING_REQUEST, request.id, request.to_user, request.created_at) not in done:
                count += await self.request_received(request)
        meetings = await self._store.accepted_since(now - SWEEP, now)
        done = await self._store.reminded_of(ReminderKind.MEETING_ACCEPTED, [m.id for m in meetings])
        for meeting in meetings:
            if any(ReminderKey(ReminderKind.MEETING_ACCEPTED, meeting.id, me, meeting.starts_at) not in done
                   for me in meeting.members()):
                count += await self.meeting_booked(meeting)
        return count

    async def _meeting_starting(self, meeting: Meeting, now: dt.datetime) -> int:
        current = await self._store.get_meeting(meeting.id)  # as it is now: cancelled or moved since?
        if current is None or current.status is not MeetingStatus.BOOKED or not plan.starting_soon(
                current.starts_at, now):
            return 0
        mission = await self._store.get_mission(current.mission_id)
        if mission is None:
            return 0
        done = await self._store.reminded(ReminderKind.MEETING_STARTING, current.id, current.starts_at)
        count = 0
        for me in current.members():
            if me in done:
                continue
            other = await self._store.get_user(current.other(me))
            key = ReminderKey(ReminderKind.MEETING_STARTING, current.id, me, current.starts_at)
            count += await self._remind(key, mission, f"/m/{mission.id}/meeting/{current.id}",
                                        {"other": other.name if other else "?"}, current.starts_at)
        return count

    async def _webinar_starting(self, item: ProgrammeItem, now: dt.datetime) -> int:
        current = await self._store.get_item(item.id)
        if current is None or not plan.starting_soon(current.starts_at, now):
            return 0
        mission = await self._store.get_mission(current.mission_id)
        if mission is None:
            return 0
        done = await self._store.reminded(ReminderKind.WEBINAR_STARTING, current.id, current.starts_at)
        audience = await self._store.mission_audience(mission.id)
        count = 0
        for entry in await self._store.mission_directory(mission.id):
            person = entry.profile.user_id
            if person in done or not in_own_schedule(_member(mission, entry), current, audience):
                continue
            key = ReminderKey(ReminderKind.WEBINAR_STARTING, current.id, person, current.starts_at)
            notice = WebinarStarting(mission.id, current.id, current.title, current.starts_at)
            count += await self._remind(key, mission, f"/m/{mission.id}/webinar/{current.id}",
                                        {"title": current.title}, current.starts_at, notice=notice)
        return count

    async def _digests(self, mission: Mission, now: dt.datetime) -> int:
        rules = await self._store.get_rules(mission.id)
        items: list[ProgrammeItem] | None = None
        audience: MissionAudience | None = None
        count = 0
        for entry in await self._store.mission_directory(mission.id):
            person = entry.profile.user_id
            tz = zone(plan.person_zone(entry.side, mission, rules.delegation_timezone))
            day = plan.digest_day(now, tz, mission)
            if day is None or person in await self._store.reminded(ReminderKind.DIGEST, mission.id,
                                                                   plan.day_key(day)):
                continue
            if items is None or audience is None:
                items = await self._store.programme(mission.id)
                audience = await self._store.mission_audience(mission.id)
            mine = [i for i in items if in_own_schedule(_member(mission, entry), i, audience)]
            meetings = await self._store.meetings_of(mission.id, person)
            others = {m.other(person) for m in meetings}
            names = {e.profile.user_id: e.profile.name
                     for e in await self._store.mission_directory(mission.id, sorted(others))} if others else {}
            lang = language_for(entry.profile.languages)
            lines = plan.agenda(day, tz, mine, meetings, names, person, _WITH[lang]) or [_NOTHING[lang]]
            key = ReminderKey(ReminderKind.DIGEST, mission.id, person, plan.day_key(day))
            notice = DayDigest(mission.id, day, len(lines) if lines[0] != _NOTHING[lang] else 0)
            count += await self._remind(key, mission, f"/m/{mission.id}/schedule",
                                        {"agenda": "\n".join(lines), "day": day.isoformat()}, zone_name=tz.key,
                                        notice=notice)
        return count

    # -- the one way a reminder is written -----------------------------------------------------------------

    async def _remind(self, key: ReminderKey, mission: Mission, path: str, params: dict[str, str],
                      at: dt.datetime | None = None, zone_name: str | None = None,
                      notice: EventBody | None = None) -> int:
        """Records the reminder with its mail (when the person wants it by mail): 1 if this call recorded it.
        Its in-app notice (when wanted) goes to the person's inbox first, under an idempotency key of its own:
        written once however many nodes try, and tried again by the next tick if this one stopped between the
        two writes."""
        prefs = await self.preferences(key.user_id)
        if notice is not None and prefs.allows(key.kind, Channel.APP):
            idem = f"reminder:{key.kind.value}:{key.subject_id}:{key.at.isoformat()}:{key.user_id}"
            await self._store.append([(inbox(key.user_id).name, notice)], 0, idem, self._clock.now())
        mail = await self._mail(key, mission, path, params, at, zone_name) if prefs.allows(
            key.kind, Channel.MAIL) else None
        return int(await self._store.remind(key, mail, self._clock.now()))

    async def _mail(self, key: ReminderKey, mission: Mission, path: str, params: dict[str, str],
                    at: dt.datetime | None, zone_name: str | None) -> MailDraft | None:
        user = await self._store.get_user(key.user_id)
        membership = await self._store.get_membership(mission.id, key.user_id)
        if user is None or membership is None:
            return None
        profile = await self._store.get_profile(key.user_id)
        organiser = await self._store.get_user(mission.created_by)
        if zone_name is None:
            rules = await self._store.get_rules(mission.id)
            zone_name = plan.person_zone(membership.side, mission, rules.delegation_timezone)
        values = {**params, "mission": mission.title, "zone": zone_name, "path": path, "kind": key.kind.value,
                  "user": str(key.user_id)}
        if at is not None:
            local = at.astimezone(zone(zone_name))
            values |= {"time": local.strftime("%H:%M"), "day": local.date().isoformat()}
        return MailDraft(template=key.kind.value, to_addr=user.email, to_name=user.name,
                         lang=language_for(profile.languages if profile else []),
                         sender_name=sender_name(mission, organiser), params=values, mission_id=mission.id)


def _member(mission: Mission, entry: DirectoryEntry) -> Membership:
    return Membership(mission.id, entry.profile.user_id, entry.role, entry.side)
