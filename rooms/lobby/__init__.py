"""The lobby: a mission's chat, announcements and moderation, direct messages between members, and who may be
in which room."""
