"""The SQL schema. Enums are stored as their string values; times as UTC."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.db.base import Base, SortKey, UTCDateTime

# Tables of their own modules, imported here so that Base.metadata (Alembic's and the checks') holds every table.
from server.db.models_media import RecordingReplayRow, RecordingRow
from server.db.models_teams import (
    TeamActivityRow,
    TeamCorrectionRow,
    TeamMemberRow,
    TeamMissionRow,
    TeamPlanRow,
    TeamRow,
)

__all__ = ["Base", "RecordingReplayRow", "RecordingRow", "SortKey", "TeamActivityRow", "TeamCorrectionRow",
           "TeamMemberRow", "TeamMissionRow", "TeamPlanRow", "TeamRow", "UTCDateTime"]


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    can_create_missions: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ProfileRow(Base):
    __tablename__ = "profiles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(120), default="")
    org_type: Mapped[str] = mapped_column(String(32), index=True)
    job_title: Mapped[str] = mapped_column(String(120), default="")
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str] = mapped_column(String(2), default="", index=True)
    city: Mapped[str] = mapped_column(String(80), default="")
    offers: Mapped[str] = mapped_column(Text, default="")
    seeks: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    # Derived, for search and ordering (see rooms.missions.profile.search_text).
    search_text: Mapped[str] = mapped_column(Text, default="")
    sort_org: Mapped[str] = mapped_column(SortKey(120), default="")
    sort_name: Mapped[str] = mapped_column(SortKey(120), default="")
    # The organisation record (rooms.organisations; migration 0011).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True)

    __table_args__ = (Index("ix_profiles_sort", "sort_org", "sort_name", "user_id"),)


class OrganisationRow(Base):
    """One organisation, shared by every mission (rooms.organisations.records.Organisation)."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(SortKey(120))
    country: Mapped[str] = mapped_column(String(2))
    org_type: Mapped[str] = mapped_column(String(32))
    registration_number: Mapped[str] = mapped_column(String(40))  # '' when unknown
    website: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("country", "name_key", "registration_number", name="uq_organisations_name"),
        Index("uq_organisations_registration", "country", "registration_number", unique=True,
              sqlite_where=text("registration_number <> ''"), postgresql_where=text("registration_number <> ''")),
    )


class ProfileSectorRow(Base):
    __tablename__ = "profile_sectors"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    sector_key: Mapped[str] = mapped_column(SortKey(60), primary_key=True)
    sector: Mapped[str] = mapped_column(SortKey(60))

    __table_args__ = (Index("ix_profile_sectors_key", "sector_key", "user_id"),)


class MissionRow(Base):
    __tablename__ = "missions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(160), index=True)
    destination: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    webinar_max_minutes: Mapped[int] = mapped_column(Integer, default=60)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class MembershipRow(Base):
    __tablename__ = "memberships"
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    side: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_memberships_user", "user_id"), Index("ix_memberships_side", "mission_id", "side"))


class SuspensionRow(Base):
    """A member an organiser suspended: out of `memberships` while suspended; what reinstating gives back."""

    __tablename__ = "suspensions"
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    side: Mapped[str | None] = mapped_column(String(16))
    suspended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_suspensions_user", "user_id"),)


class ItemRow(Base):
    __tablename__ = "programme_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(160))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    track: Mapped[str] = mapped_column(String(60), default="")
    audience: Mapped[str] = mapped_column(String(16), default="all", server_default="all")
    city: Mapped[str] = mapped_column(String(80), default="", server_default=text("''"))
    venue: Mapped[str] = mapped_column(String(160), default="", server_default=text("''"))
    timezone: Mapped[str] = mapped_column(String(64), default="", server_default=text("''"))  # "" = the mission's
    capacity: Mapped[int | None] = mapped_column(Integer)  # places taken by signing up; NULL: no sign-up

    __table_args__ = (Index("ix_programme_items_when", "mission_id", "starts_at", "id"),)


class TrackRow(Base):
    """A track: a sub-delegation with its members, named by programme items for them (docs/programme.md)."""

    __tablename__ = "tracks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(60))  # casefolded: one track per name and mission

    __table_args__ = (UniqueConstraint("mission_id", "name_key", name="uq_tracks_name"),)


class TrackMemberRow(Base):
    __tablename__ = "track_members"
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class ItemSignupRow(Base):
    """A sign-up for an item with places: the first `capacity` in order hold one, the rest wait (rooms/signups).
    `seq` is the order, given under the item's lock as the row is written: a sign-up is never overtaken by one that
    committed after it, so what a person is told when they sign up stays true."""

    __tablename__ = "item_signups"
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    signed_up_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_item_signups_order", "item_id", "seq"),)


class ItemCheckinRow(Base):
    """Who was there: checked in on site with the item's code, or by an organiser."""

    __tablename__ = "item_checkins"
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    checked_in_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    checked_in_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CheckinCodeRow(Base):
    __tablename__ = "checkin_codes"
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(16))


class ItemInviteeRow(Base):
    """A person on an invite-only item's list."""

    __tablename__ = "item_invitees"
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class InvitationRow(Base):
    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    side: Mapped[str | None] = mapped_column(String(16))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    invited_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    org_type: Mapped[str | None] = mapped_column(String(32))
    sector: Mapped[str] = mapped_column(String(60), default="", server_default=text("''"))
    language: Mapped[str] = mapped_column(String(3), default="", server_default=text("''"))
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class SignInLinkRow(Base):
    __tablename__ = "sign_in_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class SessionRow(Base):
    __tablename__ = "sessions"
    # SHA-256 of the session id: a leaked database does not hand out live sessions.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class RoomSeqRow(Base):
    """The last sequence number given out per room; incremented inside the appending transaction."""

    __tablename__ = "room_seqs"
    room: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)


class RoomEventRow(Base):
    __tablename__ = "room_events"
    room: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    sender_id: Mapped[int | None] = mapped_column(Integer)
    idem_key: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(Text)  # the event body as JSON (one of rooms.catalog.AnyEventBody)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        # Retries with the same key are found, and racing duplicates refused, by this constraint.
        UniqueConstraint("room", "sender_id", "idem_key", name="uq_room_events_idem"),
        Index("ix_room_events_kind", "room", "kind", "seq"),
    )


class RoomStateRow(Base):
    """One aggregate's state (rooms.core.aggregate); its row is the lock that serialises the aggregate's commands."""

    __tablename__ = "room_states"
    aggregate: Mapped[str] = mapped_column(String(60), primary_key=True)
    state: Mapped[bytes | None] = mapped_column(LargeBinary)  # NULL until the first command commits
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ItemRoleRow(Base):
    """A role granted for one programme item (a webinar's host, moderators, speakers)."""

    __tablename__ = "item_roles"
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_item_roles_user", "user_id"),)


# -- matchmaking (docs/matchmaking.md) ----------------------------------------------------------------------------


class MatchmakingRulesRow(Base):
    __tablename__ = "matchmaking_rules"
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    rules: Mapped[str] = mapped_column(Text)  # rooms.matchmaking.records.MatchmakingRules as JSON


class AvailabilityRow(Base):
    __tablename__ = "meeting_availability"
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), primary_key=True)

    __table_args__ = (Index("ix_meeting_availability_slot", "mission_id", "starts_at"),)


class MeetingRequestRow(Base):
    __tablename__ = "meeting_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"))
    from_user: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    to_user: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text, default="")
    slots: Mapped[list[str]] = mapped_column(JSON, default=list)  # proposed starts, ISO 8601 UTC
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    meeting_id: Mapped[int | None] = mapped_column(Integer)  # no FK: meetings point back here
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    counter_of: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_meeting_requests_from", "mission_id", "from_user"),
                      Index("ix_meeting_requests_to", "mission_id", "to_user"))


class MeetingRow(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"))
    a: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    b: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(24))
    booked_by: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_requests.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    a_seconds: Mapped[int] = mapped_column(Integer, default=0)
    b_seconds: Mapped[int] = mapped_column(Integer, default=0)
    both_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # The call's quality (rooms.matchmaking.records.CallQuality): seconds of media both ways, and per side.
    media_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    a_media_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    b_media_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    a_connect_seconds: Mapped[int | None] = mapped_column(Integer)
    b_connect_seconds: Mapped[int | None] = mapped_column(Integer)
    a_reconnects: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    b_reconnects: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (Index("ix_meetings_a", "a", "starts_at"), Index("ix_meetings_b", "b", "starts_at"),
                      Index("ix_meetings_mission", "mission_id", "starts_at"),
                      Index("ix_meetings_starts_at", "starts_at"))  # the meeting clock's windows


class MeetingNotesRow(Base):
    __tablename__ = "meeting_notes"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LeadRow(Base):
    __tablename__ = "leads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"))
    owner: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # NULL: a lead added by hand who is not on the platform (0013).
    person: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    # meeting_id or 0: NULLs never collide in a unique constraint, and lounge leads have none.
    meeting_key: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The owner's workspace (rooms/leads, 0013): pipeline status, next step, notes, what they wrote down.
    status: Mapped[str] = mapped_column(String(16), server_default=text("'new'"))
    next_step_on: Mapped[dt.date | None] = mapped_column(Date)
    next_step_note: Mapped[str] = mapped_column(String(200), server_default=text("''"))
    notes: Mapped[str] = mapped_column(Text, server_default=text("''"))
    contact_name: Mapped[str] = mapped_column(String(200), server_default=text("''"))
    contact_organisation: Mapped[str] = mapped_column(String(200), server_default=text("''"))
    contact_email: Mapped[str] = mapped_column(String(200), server_default=text("''"))
    contact_phone: Mapped[str] = mapped_column(String(60), server_default=text("''"))
    origin: Mapped[str | None] = mapped_column(String(16))
    reminded_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("owner", "person", "source", "meeting_key", name="uq_leads_once"),
                      Index("ix_leads_owner", "mission_id", "owner", "created_at"),
                      Index("ix_leads_due", "next_step_on"))


class LeadStatusChangeRow(Base):
    """Each change of a lead's status, with its time (0013)."""

    __tablename__ = "lead_status_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LeadTargetRow(Base):
    """A person's own lead target for one mission (absent: the default, 30) (0013)."""

    __tablename__ = "lead_targets"
    owner: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    target: Mapped[int] = mapped_column(Integer)


class CalendarFeedRow(Base):
    __tablename__ = "calendar_feeds"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the feed token
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OutboxRow(Base):
    """A mail to send (rooms.mail.outbox): queued in the transaction that caused it, claimed by one sender."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"))
    template: Mapped[str] = mapped_column(String(40))
    to_addr: Mapped[str] = mapped_column(String(320))
    to_name: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(8))
    sender_name: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict[str, str]] = mapped_column(JSON)
    ref_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    claim: Mapped[str | None] = mapped_column(String(80))
    last_answer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        # What a sender looks for: open mails whose time has come.
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # The organisers' outbox screen: one mission's mails, newest first.
        Index("ix_outbox_mission", "mission_id", "id"),
    )


class RegistrationSettingsRow(Base):
    """A mission's public registration (rooms.registration): switched on, and until which day."""

    __tablename__ = "registration_settings"
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    open: Mapped[bool] = mapped_column(Boolean)
    closes_on: Mapped[dt.date | None] = mapped_column(Date)


class RegistrationRow(Base):
    """Someone's registration for a mission from the public page: their intake, then the organiser's decision."""

    __tablename__ = "registrations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(120))
    side: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(3))
    org_type: Mapped[str] = mapped_column(String(32))
    registration_number: Mapped[str] = mapped_column(String(40))
    website: Mapped[str] = mapped_column(String(200))
    sectors: Mapped[list[str]] = mapped_column(JSON)
    offers: Mapped[str] = mapped_column(Text)
    seeks: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))

    __table_args__ = (
        # One registration per address per mission: the second is answered alike but writes nothing.
        UniqueConstraint("mission_id", "email", name="uq_registrations_mission_email"),
    )


# -- reminders (migration 0012) ------------------------------------------------------------------------------


class ReminderPreferenceRow(Base):
    """A person's choice for one kind of reminder (rooms/reminders); a kind without a row is on."""

    __tablename__ = "reminder_preferences"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    mail: Mapped[bool] = mapped_column(Boolean)
    app: Mapped[bool] = mapped_column(Boolean)


class ReminderRow(Base):
    """A reminder recorded (its mail queued with it): unique per kind, subject, person and moment, so that of
    racing nodes one writes it and the others write nothing."""

    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("kind", "subject_id", "at", "user_id", name="uq_reminders_key"),)
