"""Reactions: emoji bursts, counted per node and sent as one ephemeral frame per room per interval (the gateway
flushes every 500 ms), never one frame per click. Not durable: a missed burst is simply missed."""

from __future__ import annotations

from collections import Counter

from rooms.core.errors import Invalid

EMOJI: frozenset[str] = frozenset({"👏", "👍", "❤️", "😂", "🎉", "🤔"})


def allowed_emoji() -> frozenset[str]:
    return EMOJI


class ReactionAggregator:
    """Counts reactions per room between two drains. One per node; not shared between tasks on other loops."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {}

    def add(self, room: str, emoji: str) -> None:
        if emoji not in EMOJI:
            raise Invalid(code="invalid-choice", message="Pick one of the offered reactions.", field="emoji")
        self._counts.setdefault(room, Counter())[emoji] += 1

    def drain(self) -> dict[str, dict[str, int]]:
        """The counts since the last drain, by room name; rooms without reactions are left out."""
        counts, self._counts = self._counts, {}
        return {room: dict(c) for room, c in counts.items()}
