"""Recordings on demand (docs/webinar.md, "Recording"): the item's recordings, the file with range requests (so
it seeks), an organiser's external link instead, and deleting. Handlers decode, call rooms.recordings.service,
encode; the files are server/recorder.py's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import msgspec
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from rooms.recordings.records import RecordingView
from server.api.core import Context, Endpoint, services_of
from server.api.errors import ApiError


class RecordingLink(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


def _ids(ctx: Context, name: str) -> tuple[int, int]:
    return ctx.path_id("mission_id"), ctx.path_id(name)


async def listed(ctx: Context, _: Any) -> list[RecordingView]:
    mid, iid = _ids(ctx, "item_id")
    return await ctx.services.recordings.list(await ctx.user_in(mid), mid, iid)


async def link(ctx: Context, body: RecordingLink) -> RecordingView:
    mid, iid = _ids(ctx, "item_id")
    view, replaced = await ctx.services.recordings.set_link(await ctx.user_in(mid), mid, iid, body.url)
    ctx.services.recorder.forget_file(iid, replaced)
    return view


async def delete(ctx: Context, _: Any) -> None:
    mid, rid = _ids(ctx, "recording_id")
    gone = await ctx.services.recordings.delete(await ctx.user_in(mid), mid, rid)
    ctx.services.recorder.forget(gone)


async def playable(ctx: Context, _: Any) -> Path:
    mid, rid = _ids(ctx, "recording_id")
    # A player asks for many ranges while it plays and seeks: the one from the start is the one that counts.
    first = ctx.request.headers.get("range", "bytes=0-").replace(" ", "").startswith("bytes=0-")
    recording = await ctx.services.recordings.playing(await ctx.user_in(mid), mid, rid, counts=first)
    path = ctx.services.recorder.file(recording)
    if not path.is_file():
        raise ApiError(status=404, code="recording-not-found", message="Recording not found.")
    return path


@dataclass(frozen=True)
class FileEndpoint(Endpoint):
    """An endpoint answering a file its handler names: Starlette's FileResponse answers Range requests (206,
    Content-Range), so a player seeks without downloading what lies before."""

    def route(self) -> Route:
        async def endpoint(request: Request) -> Response:
            ctx = Context(request, services_of(request.app))
            path: Path = await self.handler(ctx, None)
            return ctx.apply(FileResponse(path, media_type="video/webm", headers={"cache-control": "private"},
                                          content_disposition_type="inline", filename=path.name))

        return Route(self.path, endpoint, methods=[self.method], name=f"{self.method} {self.path}")


def endpoints() -> list[Endpoint]:
    m = "/api/missions/{mission_id:int}"
    item = m + "/programme/{item_id:int}"
    one = m + "/recordings/{recording_id:int}"
    return [
        Endpoint("GET", item + "/recordings", listed, "The item's recordings this person may see: the public one "
                 "once ready (or the organiser's link); the rehearsal's and unfinished ones for the item's staff and "
                 "organisers", "recordings", returns=list[RecordingView], errors=("item-not-found",)),
        Endpoint("PUT", item + "/recording-link", link, "Replace the public recording by an external link "
                 "(organisers); the rendered file is deleted", "recordings", body=RecordingLink,
                 returns=RecordingView, errors=("invalid-url", "no-stage", "item-not-found")),
        Endpoint("DELETE", one, delete, "Delete a recording and its file (organisers)", "recordings",
                 errors=("recording-not-found",)),
        FileEndpoint("GET", one + "/file", playable, "The recording's file (video/webm), with range requests; "
                     "watching it counts as having watched the item afterwards", "recordings",
                     errors=("recording-not-found",)),
    ]
