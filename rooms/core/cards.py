"""Who someone is, as others see them: the side of a mission they are on, their kind of organisation, and the
name card carried by what they say (chat messages, webinar questions)."""

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


class Author(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str
