"""Who may do what. Every permission decision in Roundtable is made here.

An Actor is a signed-in user as seen from one mission: their membership there (or none). Non-members learn
nothing about a mission: they get NotFound, as if it did not exist.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from typing import NoReturn

import msgspec

from rooms.core.cards import Side
from rooms.core.errors import Conflict, NotAllowed, NotFound
from rooms.matchmaking.records import MatchmakingRules, VipRequests, WhoMayRequest
from rooms.missions.audience import MissionAudience
from rooms.missions.mission import Audience, ProgrammeItem
from rooms.missions.people import ItemRole, Membership, Role, User


class Action(enum.StrEnum):
    CREATE_MISSION = "create-mission"
    VIEW_MISSION = "view-mission"
    EDIT_MISSION = "edit-mission"
    MANAGE_PROGRAMME = "manage-programme"
    VIEW_DIRECTORY = "view-directory"
    INVITE = "invite"
    MANAGE_MEMBERS = "manage-members"
    JOIN_LOBBY = "join-lobby"
    CHAT = "chat"
    DIRECT_MESSAGE = "direct-message"
    MODERATE_CHAT = "moderate-chat"
    ANNOUNCE = "announce"
    VIEW_MATCHMAKING = "view-matchmaking"
    REQUEST_MEETING = "request-meeting"
    MANAGE_MATCHMAKING = "manage-matchmaking"
    BOOK_FOR_OTHERS = "book-for-others"
    MANAGE_ORGANISATIONS = "manage-organisations"
    VIEW_RESULTS = "view-results"
    MANAGE_REGISTRATIONS = "manage-registrations"  # open public registration, approve or reject registrants


_EVERY_ROLE = frozenset(Role)
_ORGANISERS = frozenset({Role.ORGANISER})
# Who takes part in matchmaking: the companies and organisations of both sides, not the mission's staff.
_MEETERS = frozenset({Role.PARTICIPANT, Role.SPEAKER, Role.VIP})

# Mission-scoped actions and the roles that may take them.
RULES: Mapping[Action, frozenset[Role]] = {
    Action.VIEW_MISSION: _EVERY_ROLE,
    Action.VIEW_DIRECTORY: _EVERY_ROLE,
    Action.EDIT_MISSION: _ORGANISERS,
    Action.MANAGE_PROGRAMME: _ORGANISERS,
    Action.INVITE: _ORGANISERS,
    Action.MANAGE_MEMBERS: _ORGANISERS,
    Action.JOIN_LOBBY: _EVERY_ROLE,
    Action.CHAT: _EVERY_ROLE,
    Action.DIRECT_MESSAGE: _EVERY_ROLE,
    Action.MODERATE_CHAT: frozenset({Role.ORGANISER, Role.HOST, Role.MODERATOR}),
    Action.ANNOUNCE: _ORGANISERS,
    Action.VIEW_MATCHMAKING: _EVERY_ROLE,
    Action.REQUEST_MEETING: _MEETERS,
    Action.MANAGE_MATCHMAKING: _ORGANISERS,
    Action.BOOK_FOR_OTHERS: _ORGANISERS,
    Action.MANAGE_ORGANISATIONS: _ORGANISERS,
    Action.MANAGE_REGISTRATIONS: _ORGANISERS,
    Action.VIEW_RESULTS: _ORGANISERS,
}


class Actor(msgspec.Struct, frozen=True):
    user: User
    membership: Membership | None = None

    @property
    def role(self) -> Role | None:
        return self.membership.role if self.membership else None


def allowed(actor: Actor, action: Action) -> bool:
    if action is Action.CREATE_MISSION:
        return actor.user.can_create_missions
    role = actor.role
    return role is not None and role in RULES[action]


def require(actor: Actor, action: Action) -> None:
    if allowed(actor, action):
        return
    if action is not Action.CREATE_MISSION and actor.membership is None:
        raise NotFound(code="mission-not-found", message="Mission not found.")
    raise _role_refusal(action)


def _role_refusal(action: Action) -> NotAllowed:
    return NotAllowed(code="not-allowed", message=f"Your role may not {action.value.replace('-', ' ')}.")


def require_copy_mission(actor: Actor) -> None:
    """Using a mission as a template for a new one: its organisers (the copy holds what they built), and only those
    of them who may create missions. Non-members learn nothing about the source."""
    require(actor, Action.EDIT_MISSION)
    require(actor, Action.CREATE_MISSION)


# -- the account-level right to create missions ----------------------------------------------------------------


def may_grant_mission_creators(user: User) -> bool:
    """Granting (and withdrawing) the right to create missions is for those who hold it: organisers bring in
    their colleagues, as an operator does with `roundtable grant-organiser`. Nobody else ever sees the list."""
    return user.can_create_missions


def require_grant_mission_creators(user: User) -> None:
    if not may_grant_mission_creators(user):
        raise NotAllowed(code="not-allowed", message="Only people who may create missions may grant that right.")


# How many must still hold the right after a withdrawal.
MIN_MISSION_CREATORS = 1


def require_creators_left(remaining: int) -> None:
    """The right may be withdrawn from anyone, oneself included, but never from the last who holds it: someone must
    always be able to create missions and grant the right (short of an operator at the command line)."""
    if remaining < MIN_MISSION_CREATORS:
        raise NotAllowed(code="last-mission-creator",
                         message="This is the last person who may create missions; grant the right to someone "
                         "else first.")


def require_own_inbox(user: User, inbox: int) -> None:
    """A user's inbox room (their direct messages and notes) is theirs alone."""
    if inbox != user.id:
        raise NotAllowed(code="not-allowed", message="This is someone else's inbox.")


def require_organisation_in_mission(has_people_here: bool) -> None:
    """Organisations are shared by every mission: an organiser (MANAGE_ORGANISATIONS) corrects only those with
    people in their mission; any other is, to them, not found."""
    if not has_people_here:
        raise NotFound(code="organisation-not-found", message="Organisation not found.")


def permissions(actor: Actor) -> list[str]:
    """The actions this actor may take, for clients to show or hide controls (the server still checks)."""
    return sorted(a.value for a in Action if allowed(actor, a))


# -- who sees a programme item (docs/programme.md) -----------------------------------------------------------


def may_see_item(membership: Membership | None, item: ProgrammeItem, audience: MissionAudience) -> bool:
    """Whether this member may see the item and join its room. Organisers see every item and its hosts and
    speakers see theirs; others see items for everyone, for a track they are in, or that invite them."""
    if membership is None or membership.mission_id != item.mission_id:
        return False
    me = membership.user_id
    if membership.role is Role.ORGANISER or me in audience.roles.get(item.id, ()):
        return True
    match item.audience:
        case Audience.ALL:
            return True
        case Audience.TRACK:
            return me in audience.tracks.get(item.track.casefold(), ())
        case Audience.INVITED:
            return me in audience.invitees.get(item.id, ())


def require_item_visible(membership: Membership | None, item: ProgrammeItem, audience: MissionAudience) -> None:
    """An item outside one's audience does not exist, to them: the same NotFound as a wrong id (the webinar and
    the lounge raise their own not-found on `may_see_item`)."""
    if not may_see_item(membership, item, audience):
        raise NotFound(code="item-not-found", message="Programme item not found.")


def in_own_schedule(membership: Membership | None, item: ProgrammeItem, audience: MissionAudience) -> bool:
    """Whether the item belongs in this person's own schedule, calendar feed and reminders: what they may see,
    less the items of tracks they are not in (an item for everyone may carry another sub-delegation's track as a
    label), and the items with places that they hold none of. Organisers run the whole programme and have it
    all."""
    if not may_see_item(membership, item, audience):
        return False
    assert membership is not None
    me = membership.user_id
    if membership.role is Role.ORGANISER or me in audience.roles.get(item.id, ()) or \
            me in audience.invitees.get(item.id, ()):
        return True
    if item.capacity is not None:
        return me in audience.places.get(item.id, ())  # an item with places: when I hold one
    members = audience.tracks.get(item.track.casefold()) if item.track else None
    return members is None or me in members


def require_place_to_check_in(holds_place: bool) -> None:
    """On an item with places, checking oneself in takes a place; an organiser can let anyone in by hand."""
    if not holds_place:
        raise NotAllowed(code="no-place", message="You hold no place on this item; ask the organiser at the door.")


# -- matchmaking ----------------------------------------------------------------------------------------------


def may_meet(membership: Membership | None) -> bool:
    """Whether this member takes part in matchmaking: may be asked for, booked into and hold meetings."""
    return membership is not None and membership.role in _MEETERS


def may_request_meetings(membership: Membership) -> bool:
    """REQUEST_MEETING for a member, as rooms.matchmaking.standing asks it of someone already known to belong."""
    return membership.role in RULES[Action.REQUEST_MEETING]


def meeting_pair_refusal(rules: MatchmakingRules, sender: Membership, addressee: Membership) -> str | None:
    """Why the rules keep `sender` from asking `addressee` for a meeting ("not-bookable", "same-side"), or None.
    The sender's own right to request is REQUEST_MEETING."""
    if not may_meet(addressee):
        return "not-bookable"
    if addressee.role is Role.VIP and sender.role is not Role.VIP:
        match rules.vip_requests:
            case VipRequests.ORGANISERS:
                return "vip-by-organiser"
            case VipRequests.DELEGATION:
                # The delegation may ask, whichever side the VIP is on (or none): this rule replaces the sides'.
                return None if sender.side is Side.DELEGATION else "vip-delegation-only"
            case VipRequests.ANYONE:
                pass
    if rules.who_may_request is WhoMayRequest.OTHER_SIDE and (
            sender.side is None or addressee.side is None or sender.side == addressee.side):
        return "same-side"
    return None


def refuse_meeting_request(refusal: str) -> NoReturn:
    """Raises the refusal of a meeting request that policy owns, with the code each reason has always had.
    `refusal` is the Standing (rooms.matchmaking.standing) that found it: "self", "cannot-request" (the sender
    lacks REQUEST_MEETING), or one of meeting_pair_refusal's."""
    match refusal:
        case "self":
            raise NotAllowed(code="to-self", message="You cannot request a meeting with yourself.")
        case "cannot-request":
            raise _role_refusal(Action.REQUEST_MEETING)
        case "not-bookable":
            raise NotAllowed(code="not-bookable", message="This person does not take meetings in this mission.")
        case "same-side":
            raise NotAllowed(code="same-side",
                             message="In this mission meetings are between the delegation and the partners.")
        case "vip-by-organiser":
            raise NotAllowed(code="vip-by-organiser",
                             message="Meetings with this guest are arranged by the organisers: ask them.")
        case "vip-delegation-only":
            raise NotAllowed(code="vip-delegation-only",
                             message="Only the delegation may ask this guest for a meeting.")
    raise ValueError(f"not a refusal policy owns: {refusal!r}")


def require_request_addressee(user: User, addressee: int) -> None:
    """Accepting, declining or countering a meeting request is for the person asked."""
    if user.id != addressee:
        raise NotAllowed(code="not-allowed", message="Only the person asked may answer this request.")


def require_request_sender(user: User, sender: int) -> None:
    """Withdrawing a meeting request is for its sender; the person asked declines it instead."""
    if user.id != sender:
        raise NotAllowed(code="not-allowed", message="Only the sender may withdraw a request; decline it instead.")


def require_organiser_booking(actor: Actor, rules: MatchmakingRules, *, with_vip: bool = False) -> None:
    """Organisers book meetings for others when the rules switch it on; a meeting with a VIP always (the rules
    may leave VIPs to the organisers alone: `vip_requests`)."""
    require(actor, Action.BOOK_FOR_OTHERS)
    if not rules.organiser_booking and not with_vip:
        raise NotAllowed(code="organiser-booking-off",
                         message="Organiser booking is switched off in this mission's matchmaking rules.")


def require_meeting_member(membership: Membership | None, members: tuple[int, int]) -> None:
    """Only a meeting's two members may see it, enter its room or act on it; the rest of the mission is refused,
    outsiders learn nothing."""
    if membership is None:
        raise NotFound(code="meeting-not-found", message="Meeting not found.")
    if membership.user_id not in members:
        raise NotAllowed(code="not-allowed", message="Only the two people meeting may do this.")


def may_manage_meeting(membership: Membership | None, members: tuple[int, int]) -> bool:
    """Cancel a meeting: its members, and the mission's organisers (who may have booked it)."""
    return membership is not None and (membership.user_id in members or membership.role is Role.ORGANISER)


def require_meeting_manager(membership: Membership, members: tuple[int, int]) -> None:
    if not may_manage_meeting(membership, members):
        raise NotAllowed(code="not-allowed",
                         message="Only the two people meeting, or an organiser, may cancel this meeting.")


def require_meeting_signal(members: Collection[int], sender: int) -> None:
    """A meeting's call carries signals between its two members only: from one of them, to the one other."""
    if sender not in members:
        raise NotAllowed(code="not-allowed", message="Only the two people meeting may signal in this meeting.")
    if sum(1 for p in members if p != sender) != 1:
        # A meeting with oneself (or a group) has no single other party: nothing to route, refuse it.
        raise NotAllowed(code="not-allowed", message="This meeting has no other member to signal to.")


# -- webinars: roles per programme item ------------------------------------------------------------------------


class WebinarRole(enum.StrEnum):
    HOST = "host"
    MODERATOR = "moderator"
    SPEAKER = "speaker"
    ATTENDEE = "attendee"


class WebinarAction(enum.StrEnum):
    WATCH = "watch"
    ASK = "ask"
    VOTE_QUESTION = "vote-question"
    RAISE_HAND = "raise-hand"
    VOTE_POLL = "vote-poll"
    REACT = "react"
    PUBLISH = "publish"
    MODERATE_QA = "moderate-qa"
    LOWER_HANDS = "lower-hands"
    INVITE_TO_STAGE = "invite-to-stage"
    END_GUEST = "end-guest"
    MANAGE_POLLS = "manage-polls"
    GREET = "greet"
    CONSOLE = "console"
    START = "start"
    END = "end"
    REOPEN = "reopen"
    GIVE_FLOOR = "give-floor"  # group rooms: the chair gives the floor and takes it back
    MUTE = "mute"  # group rooms: the chair mutes a microphone
    RECORD = "record"  # switch the stage's recording on or off (anyone may decline to be recorded)


_EVERY_WEBINAR_ROLE = frozenset(WebinarRole)
_WEBINAR_STAFF = frozenset({WebinarRole.HOST, WebinarRole.MODERATOR})

WEBINAR_RULES: Mapping[WebinarAction, frozenset[WebinarRole]] = {
    WebinarAction.WATCH: _EVERY_WEBINAR_ROLE,
    WebinarAction.ASK: _EVERY_WEBINAR_ROLE,
    WebinarAction.VOTE_QUESTION: _EVERY_WEBINAR_ROLE,
    WebinarAction.RAISE_HAND: _EVERY_WEBINAR_ROLE,
    WebinarAction.VOTE_POLL: _EVERY_WEBINAR_ROLE,
    WebinarAction.REACT: _EVERY_WEBINAR_ROLE,
    WebinarAction.PUBLISH: frozenset({WebinarRole.HOST, WebinarRole.SPEAKER}),
    WebinarAction.MODERATE_QA: _WEBINAR_STAFF,
    WebinarAction.LOWER_HANDS: _WEBINAR_STAFF,
    WebinarAction.INVITE_TO_STAGE: _WEBINAR_STAFF,
    WebinarAction.END_GUEST: _WEBINAR_STAFF,
    WebinarAction.MANAGE_POLLS: _WEBINAR_STAFF,
    WebinarAction.GREET: _WEBINAR_STAFF,
    WebinarAction.CONSOLE: _WEBINAR_STAFF,
    WebinarAction.START: _WEBINAR_STAFF,
    WebinarAction.END: _WEBINAR_STAFF,
    # Undoing an end is the host's call: the one person who answers for the session.
    WebinarAction.REOPEN: frozenset({WebinarRole.HOST}),
    # The chair of a group room: its host, and the moderators (the mission's organisers by default).
    WebinarAction.GIVE_FLOOR: _WEBINAR_STAFF,
    WebinarAction.MUTE: _WEBINAR_STAFF,
    WebinarAction.RECORD: _WEBINAR_STAFF,
}

# In a group room (a group session, a roundtable) everyone may turn their camera on; a webinar has no floor.
_GROUP_EXTRA = frozenset({WebinarAction.PUBLISH})
_GROUP_ONLY = frozenset({WebinarAction.GIVE_FLOOR, WebinarAction.MUTE})

# Host, moderators and speakers: the green room before the start, and not attendees in the figures.
_GREEN_ROOM = frozenset({WebinarRole.HOST, WebinarRole.MODERATOR, WebinarRole.SPEAKER})

# A granted guest (an attendee who accepted a stage invitation) may publish while the grant lasts.
_GUEST_EXTRA = frozenset({WebinarAction.PUBLISH})

_FROM_GRANT: Mapping[ItemRole, WebinarRole] = {
    ItemRole.HOST: WebinarRole.HOST,
    ItemRole.MODERATOR: WebinarRole.MODERATOR,
    ItemRole.SPEAKER: WebinarRole.SPEAKER,
}


def webinar_role(membership: Membership | None, grant: ItemRole | None) -> WebinarRole:
    """The role in one webinar: the item's grant, else moderator for the mission's organisers, else attendee.
    Non-members of the mission get NotFound, as for the mission itself."""
    if membership is None:
        raise NotFound(code="webinar-not-found", message="Webinar not found.")
    if grant is not None:
        return _FROM_GRANT[grant]
    return WebinarRole.MODERATOR if membership.role is Role.ORGANISER else WebinarRole.ATTENDEE


def webinar_allowed(role: WebinarRole, action: WebinarAction, *, guest: bool = False, group: bool = False) -> bool:
    if action in _GROUP_ONLY and not group:
        return False
    return (role in WEBINAR_RULES[action] or (guest and action in _GUEST_EXTRA)
            or (group and action in _GROUP_EXTRA))


def require_webinar(role: WebinarRole, action: WebinarAction, *, guest: bool = False, group: bool = False) -> None:
    if webinar_allowed(role, action, guest=guest, group=group):
        return
    if action is WebinarAction.PUBLISH:
        # Its own code: the client turns it into "you are not (or no longer) on stage".
        raise NotAllowed(code="not-on-stage",
                         message="Only the host, speakers and invited guests on stage may publish.")
    raise NotAllowed(code="not-allowed",
                     message=f"In this webinar you are {_article(role)} {role.value}, who may not "
                     f"{action.value.replace('-', ' ')}.")


def require_webinar_console(role: WebinarRole, mission_role: Role) -> None:
    """The staff room and the attendance list: the webinar's host and moderators, and the mission's organisers
    whatever their grant for this item."""
    if mission_role is Role.ORGANISER:
        return
    require_webinar(role, WebinarAction.CONSOLE)


def is_webinar_staff(role: WebinarRole) -> bool:
    """Host, moderators and speakers: they are in the green room before the start, what they try there is a
    rehearsal, and they are not counted as attendees."""
    return role in _GREEN_ROOM


def may_see_stage(role: WebinarRole, *, live: bool, guest: bool = False) -> bool:
    """Stage media: everyone while the webinar is live; before the start (the green room) and after the end
    only the staff, who rehearse there unseen by attendees."""
    return live or guest or is_webinar_staff(role)


def require_stage_view(role: WebinarRole, *, live: bool, guest: bool = False) -> None:
    if not may_see_stage(role, live=live, guest=guest):
        raise NotAllowed(code="not-started", message="The stage opens to attendees when the webinar starts.")


def require_stage_invitation(user_id: int, invited: Collection[int]) -> None:
    """Only someone invited to the stage may accept or decline the invitation."""
    if user_id not in invited:
        raise NotAllowed(code="not-invited", message="You have not been invited to the stage.")


def require_not_own_question(voter: int, asker: int) -> None:
    """An upvote says "others want this answered": the asker's own would count them twice, and (were votes ever
    seen with their voter) tie an anonymous question to its asker."""
    if voter == asker:
        raise NotAllowed(code="own-question", message="You cannot upvote your own question.")


def webinar_permissions(role: WebinarRole, *, guest: bool = False, group: bool = False) -> list[str]:
    """The webinar actions this role may take, for clients to show or hide controls (the server still checks)."""
    return sorted(a.value for a in WebinarAction if webinar_allowed(role, a, guest=guest, group=group))


def may_see_recording(role: WebinarRole, mission_role: Role, *, rehearsal: bool, published: bool) -> bool:
    """A recording of an item one may see: the public one once published (ready, or an organiser's link) for every
    member; a rehearsal's only for the item's staff and the mission's organisers, never published; one still
    rendering or failed only for those too (they can act on it)."""
    insider = mission_role is Role.ORGANISER or is_webinar_staff(role)
    return insider or (published and not rehearsal)


def _article(role: WebinarRole) -> str:
    return "an" if role is WebinarRole.ATTENDEE else "a"


# -- the networking lounge ---------------------------------------------------------------------------------------


class LoungeAction(enum.StrEnum):
    JOIN = "join"
    SIT = "sit"
    MIX = "mix"  # opt in or out of mixing rounds (one's own)
    WORD = "word"
    CONNECT = "connect"
    MANAGE_TABLES = "manage-tables"
    MANAGE_ROUNDS = "manage-rounds"


LOUNGE_RULES: Mapping[LoungeAction, frozenset[Role]] = {
    LoungeAction.JOIN: _EVERY_ROLE,
    LoungeAction.SIT: _EVERY_ROLE,
    LoungeAction.MIX: _EVERY_ROLE,
    LoungeAction.WORD: _EVERY_ROLE,
    LoungeAction.CONNECT: _EVERY_ROLE,
    LoungeAction.MANAGE_TABLES: _ORGANISERS,
    LoungeAction.MANAGE_ROUNDS: _ORGANISERS,
}


def lounge_allowed(membership: Membership | None, action: LoungeAction) -> bool:
    return membership is not None and membership.role in LOUNGE_RULES[action]


def require_lounge(membership: Membership | None, action: LoungeAction) -> None:
    """Non-members of the mission learn nothing about its lounge."""
    if membership is None:
        raise NotFound(code="lounge-not-found", message="Lounge not found.")
    if not lounge_allowed(membership, action):
        raise NotAllowed(code="not-allowed",
                         message=f"Only the mission's organisers may {action.value.replace('-', ' ')}.")


def mixes_only_by_choice(role: Role) -> bool:
    """Whether mixing rounds leave this member where they are unless they opted in: the organisers, who open the
    lounge to run it, are not seated in front of a live camera by a round they started; nor are VIPs, whose
    conversations are arranged."""
    return role in LOUNGE_RULES[LoungeAction.MANAGE_ROUNDS] or role is Role.VIP


def require_table_member(membership: Membership | None, seated_at: int | None, table: int) -> None:
    """A table's room (its video signalling) is for the people seated at that table now, nobody else."""
    require_lounge(membership, LoungeAction.JOIN)
    if seated_at != table:
        raise NotAllowed(code="not-seated", message="Only the people seated at this table may join it.")


def require_table_signal(seated: bool) -> None:
    """A table's signals go only between people seated at that table now, both sender and recipient: seats change
    under the room (a round moves people), so every signal is checked again, and refused alike however it fails."""
    if not seated:
        raise NotAllowed(code="not-allowed", message="Signals are only between people seated at this table.")


def lounge_permissions(membership: Membership | None) -> list[str]:
    """The lounge actions this member may take, for clients to show or hide controls (the server still checks)."""
    return sorted(a.value for a in LoungeAction if lounge_allowed(membership, a))


# -- the leads workspace (rooms/leads) --------------------------------------------------------------------------


def require_lead_owner(user: User, owner: int) -> None:
    """A lead, its notes and its next step are its owner's alone: anyone else learns nothing, not even that it
    exists (the same answer as an unknown id)."""
    if owner != user.id:
        raise NotFound(code="lead-not-found", message="Lead not found.")


# -- teams and their KPI ledger (docs/ledger.md) --------------------------------------------------------------

MIN_TEAM_MEMBERS = 1


def require_create_team(user: User) -> None:
    """A team (an agency, a regional development team) is started by someone who runs missions."""
    if not user.can_create_missions:
        raise NotAllowed(code="not-allowed", message="Only people who may create missions may start a team.")


def require_team_member(is_member: bool) -> None:
    """A team's ledger, plans, activities and missions are its members' alone; to anyone else the team does not
    exist (the same answer as an unknown id)."""
    if not is_member:
        raise NotFound(code="team-not-found", message="Team not found.")


def require_link_mission(actor: Actor) -> None:
    """A team counts a mission in its ledger when one of its members organises that mission: nobody claims
    another's mission. Unlinking is any team member's (it changes only the team's own figures)."""
    require(actor, Action.EDIT_MISSION)


def require_team_members_left(removed: bool, was_member: bool) -> None:
    if was_member and not removed:
        raise Conflict(code="last-team-member",
                       message="This is the team's last member; add a colleague before leaving.")
