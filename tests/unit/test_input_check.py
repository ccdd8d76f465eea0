"""The one check of everything a client sends (server/api/input.py), at its limits; and the log throttle that keeps
refused frames from flooding the log (server/ws/uvicorn_protocol.py). The same against a real server:
tests/system/test_security_input.py."""

from __future__ import annotations

import json
import logging

import pytest

from server.api.errors import ApiError
from server.api.input import MAX_DEPTH, parse
from server.ws.uvicorn_protocol import LogThrottle

pytestmark = pytest.mark.security


def _refusal(data: str) -> tuple[int, str, str | None]:
    with pytest.raises(ApiError) as refused:
        parse(data)
    return refused.value.status, refused.value.code, refused.value.field


def _nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def test_depth_up_to_the_limit_is_read_and_one_more_is_malformed() -> None:
    assert parse(_nested(MAX_DEPTH)) is not None
    assert parse('{"a": ' + _nested(MAX_DEPTH - 1) + "}") is not None
    assert _refusal(_nested(MAX_DEPTH + 1)) == (400, "malformed-json", None)
    assert _refusal('{"a": ' + _nested(MAX_DEPTH) + "}") == (400, "malformed-json", None)
    # Deeper than the decoder itself can go (it raises RecursionError there): the same answer.
    assert _refusal(_nested(100_000)) == (400, "malformed-json", None)
    assert _refusal('{"a": {"b": ' * 5000) == (400, "malformed-json", None)


@pytest.mark.parametrize("char", ["\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u000e", "\u001b", "\u001f",
                                  "\u007f", "\u0080", "\u0085", "\u009f"])
def test_control_characters_are_refused_anywhere_naming_the_top_level_field(char: str) -> None:
    assert _refusal(json.dumps({"bio": f"a{char}b"})) == (422, "control-character", "bio")
    assert _refusal(json.dumps({"signal": {"sdp": char}})) == (422, "control-character", "signal")
    assert _refusal(json.dumps({"options": ["ok", char]})) == (422, "control-character", "options")
    assert _refusal(json.dumps({"rules": {char: 1}})) == (422, "control-character", "rules")
    assert _refusal(json.dumps({char: 1})) == (422, "control-character", None)
    assert _refusal(json.dumps([char])) == (422, "control-character", None)


def test_tabs_line_breaks_and_other_unicode_pass() -> None:
    text = "Line one\r\n\tLine two\n€ ñ 日本 🙂 \u00a0\u200b\u2028"
    assert parse(json.dumps({"text": text}, ensure_ascii=False)) == {"text": text}


def test_not_json_is_malformed() -> None:
    for data in ("{", "", "\"a\u0001\"", '{"a": "\\ud800"}'):
        assert _refusal(data) == (400, "malformed-json", None), data
    with pytest.raises(ApiError) as refused:
        parse(b'{"a": "\xff"}')
    assert refused.value.code == "malformed-json"


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_throttle_logs_a_burst_a_window_then_says_how_many_it_held_back(
        caplog: pytest.LogCaptureFixture) -> None:
    clock = _Clock()
    throttle = LogThrottle(logging.getLogger("test.throttle"), burst=3, per=60.0, clock=clock)
    with caplog.at_level(logging.WARNING, logger="test.throttle"):
        for i in range(100):
            throttle.warning("bad frame %d", i)
        assert [r.getMessage() for r in caplog.records] == ["bad frame 0", "bad frame 1", "bad frame 2"]
        clock.now = 59.9
        throttle.warning("bad frame late")
        assert len(caplog.records) == 3
        clock.now = 60.0
        throttle.warning("bad frame next")
    assert [r.getMessage() for r in caplog.records[3:]] == ["98 more such warnings were not logged",
                                                            "bad frame next"]
    assert all(r.exc_info is None for r in caplog.records)
