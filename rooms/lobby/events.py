"""Lobby and inbox events: chat, announcements, removals by a moderator, direct messages."""

from __future__ import annotations

from typing import Annotated

import msgspec

from rooms.core.cards import Author
from rooms.core.events import EventBody

ChatText = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class ChatPosted(EventBody, frozen=True, tag="chat"):
    author: Author
    text: str


class Announced(EventBody, frozen=True, tag="announcement"):
    author: Author
    text: str


class MessageRemoved(EventBody, frozen=True, tag="removed"):
    target_seq: int
    by: int


class DirectMessage(EventBody, frozen=True, tag="dm"):
    author: Author
    to: int
    mission_id: int
    text: str


LobbyEvent = ChatPosted | Announced | MessageRemoved | DirectMessage
