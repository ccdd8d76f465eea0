"""Who someone is, as others see them: the side of a mission they are on, their kind of organisation, their person
card, and the name card carried by what they say (chat messages, webinar questions)."""

from __future__ import annotations

import enum

import msgspec


class Side(enum.StrEnum):
    DELEGATION = "delegation"  # the travelling companies
    PARTNER = "partner"  # host-country organisations


class OrgType(enum.StrEnum):
    SME = "sme"
    STARTUP = "startup"
    CORPORATE = "corporate"
    CONSULTANCY = "consultancy"
    KNOWLEDGE = "knowledge_institution"
    LOCAL_GOVERNMENT = "local_government"
    NATIONAL_GOVERNMENT = "national_government"
    TRADE_BODY = "trade_body"
    INVESTOR = "investor"
    OTHER = "other"


class PersonCard(msgspec.Struct, frozen=True):
    """Who someone is, wherever a page shows a person (a meeting, a request, presence, the lounge, attendance).
    Cards that carry more subclass it: their own fields come after these, so their JSON keeps its order."""

    user_id: int
    name: str
    organisation: str
    org_type: OrgType
    side: Side | None
    country: str


class Author(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str
