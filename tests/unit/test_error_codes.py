"""Every error code the server can send is documented: docs/protocol.md or a document it links names it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.error_codes import CONTRACT, documented_codes, documents, server_codes


def test_every_error_code_the_server_sends_is_documented() -> None:
    found = server_codes()
    documented = documented_codes()
    missing = {code: where for code, where in found.codes.items() if code not in documented}
    assert not missing, "error codes no document names (add them to docs/errors.md):\n" + "\n".join(
        f"  {code}: built at {', '.join(where)}" for code, where in sorted(missing.items()))
    shapeless = {p: where for p, where in found.patterns.items() if not any(re.fullmatch(p, c) for c in documented)}
    assert not shapeless, f"codes built from templates that no document names an instance of: {shapeless}"


def test_the_extraction_sees_every_way_the_server_builds_an_error() -> None:
    found = server_codes()
    assert found.unresolved == [], "codes the extraction cannot read; teach tests/support/error_codes.py the new form"
    expected = {
        "not-allowed",  # the default of NotAllowed's `code`
        "stage-full",  # super().__init__ in a subclass of a subclass of DomainError
        "token-expired",  # the same, in server/
        "rate-limited",  # the WebSocket Error frame, code=
        "required",  # assigned to `code` from msgspec's message
        "http-error",  # the default of a .get on the *_CODES mapping
        "method-not-allowed",  # a *_CODES value, and error_response
        "subprotocol-required",  # the handshake's Refused
        "internal",  # the gateway's _error
    }
    assert expected <= set(found.codes), expected - set(found.codes)
    assert {"poll-already-open", "poll-already-closed"} <= set(found.codes)  # either side of a conditional
    # Names that carry something else in a `code`: Janus's numbers, a recommendation's reasons.
    assert not {"0", "shared-sector", "other-side"} & set(found.codes)


def test_the_extraction_follows_names_not_module_paths(tmp_path: Path) -> None:
    # rooms/ is being split into packages: a subclass two directories away from its base still counts.
    (tmp_path / "rooms" / "core").mkdir(parents=True)
    (tmp_path / "rooms" / "webinar" / "qa").mkdir(parents=True)
    (tmp_path / "server").mkdir()
    (tmp_path / "signaling").mkdir()
    (tmp_path / "rooms" / "core" / "errors.py").write_text(
        "class DomainError(Exception):\n"
        "    def __init__(self, code: str, message: str) -> None: ...\n"
        "class Conflict(DomainError):\n    pass\n")
    (tmp_path / "rooms" / "webinar" / "qa" / "decide.py").write_text(
        "from rooms.core.errors import Conflict\n"
        "class Closed(Conflict):\n"
        "    def __init__(self) -> None:\n        super().__init__('qa-closed', 'Closed.')\n"
        "def f() -> None:\n    raise Conflict(code='qa-full', message='Full.')\n")
    assert set(server_codes(tmp_path).codes) == {"qa-closed", "qa-full"}


def test_the_documents_are_the_contract_and_what_it_links() -> None:
    names = {doc.name for doc in documents()}
    assert CONTRACT.name in names
    assert {"errors.md", "webinar.md", "lounge.md", "matchmaking.md"} <= names


def test_every_code_an_endpoint_declares_is_one_the_server_sends() -> None:
    from server.app import all_endpoints

    sent = set(server_codes().codes)
    declared = {code for endpoint in all_endpoints() for code in endpoint.errors}
    assert declared <= sent, f"endpoints declare codes nothing sends: {sorted(declared - sent)}"
