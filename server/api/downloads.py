"""Endpoints that answer a file to save (CSV, XLSX, vCard) rather than JSON."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.core import Context, Endpoint, services_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


class Download(msgspec.Struct, frozen=True):
    body: bytes
    media_type: str
    filename: str
    inline: bool = False  # shown in place (an image) rather than saved


@dataclass(frozen=True)
class DownloadEndpoint(Endpoint):
    """An endpoint answering a file to save (Content-Disposition: attachment); its handler returns a Download."""

    def route(self) -> Route:
        async def endpoint(request: Request) -> Response:
            ctx = Context(request, services_of(request.app))
            found: Download = await self.handler(ctx, None)
            return ctx.apply(Response(found.body, media_type=found.media_type, headers={
                "content-disposition": f'{"inline" if found.inline else "attachment"}; filename="{found.filename}"',
                "cache-control": "no-store"}))

        return Route(self.path, endpoint, methods=[self.method], name=f"{self.method} {self.path}")
