"""The capped counts behind the socket and opening-connection limits, and how a client address is counted."""

from __future__ import annotations

from server.ws.limits import Held, address_key
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
