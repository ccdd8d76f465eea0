"""The capped counts behind the socket and opening-connection limits, and how a client address is counted."""

from __future__ import annotations

import asyncio

from server.ws.limits import Held, PersonSockets, address_key
from server.ws.uvicorn_protocol import HandshakeGuard


def test_a_cap_counts_up_to_its_limit_and_forgets_what_is_given_back() -> None:
    held: Held[int] = Held()
    assert [held.take(7, 2) for _ in range(3)] == [True, True, False]
    assert held.held(7) == 2 and held.take(8, 2)
    held.give_back(7)
    assert held.take(7, 2) and held.held(7) == 2
    held.give_back(8)
    assert held.held(8) == 0


def test_an_ipv6_client_counts_by_its_64_and_ipv4_as_it_is() -> None:
    assert address_key("2001:db8::1") == address_key("2001:db8::ffff:1") == "2001:db8::/64"
    assert address_key("2001:db8:0:1::1") != address_key("2001:db8::1")
    assert address_key("203.0.113.7") == "203.0.113.7"
    assert address_key("testclient") == "testclient"  # not an address: as it is


def test_trusted_proxies_are_exempt_from_the_opening_cap() -> None:
    guard = HandshakeGuard(10, 1, ["127.0.0.1", "10.0.0.0/8", " "])
    assert guard.admit("203.0.113.7") and not guard.admit("203.0.113.7")
    assert all(guard.admit("10.1.2.3") for _ in range(5)) and all(guard.admit("127.0.0.1") for _ in range(5))
    guard.release("203.0.113.7")
    assert guard.admit("203.0.113.7")
    everyone = HandshakeGuard(10, 1, ["*"])
    assert all(everyone.admit("203.0.113.7") for _ in range(5))


async def test_a_socket_over_the_cap_waits_for_a_closing_one_and_no_longer() -> None:
    sockets = PersonSockets()
    assert all([await sockets.take_within(7, 2, 0.5) for _ in range(2)])
    # A reload: the new socket arrives while the old one is still being closed here.
    arriving = asyncio.ensure_future(sockets.take_within(7, 2, 2.0))
    await asyncio.sleep(0.05)
    assert not arriving.done()
    sockets.give_back(7)
    assert await arriving and sockets.held(7) == 2
    # Nothing closes: refused once the grace is over, and nothing counted.
    assert not await sockets.take_within(7, 2, 0.1)
    assert sockets.held(7) == 2 and await sockets.take_within(8, 2, 0.1)
