"""The web client's strings (web/strings/*.js): English and Dutch have the same keys and the same placeholders,
and the Dutch says "je", never "u" or "uw"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STRINGS = Path(__file__).resolve().parents[2] / "web" / "strings"
# One entry a line: 'key': "text", (either quote, a backslash escapes).
ENTRY = re.compile(r"""^\s*(['"])([\w.\-]+)\1\s*:\s*(['"])((?:\\.|(?!\3).)*)\3\s*,?\s*$""")
FORMAL = re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _table(name: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (STRINGS / name).read_text(encoding="utf-8").splitlines():
        m = ENTRY.match(line)
        if m:
            assert m.group(2) not in found, f"{name}: {m.group(2)} twice"
            found[m.group(2)] = m.group(4)
    assert found, f"no strings read from {name}"
    return found


PAIRS = sorted(p.name.replace("en", "", 1) for p in STRINGS.glob("en*.js"))


@pytest.mark.parametrize("suffix", PAIRS)
def test_both_languages_have_the_same_keys_and_placeholders(suffix: str) -> None:
    en, nl = _table(f"en{suffix}"), _table(f"nl{suffix}")
    assert sorted(set(en) - set(nl)) == [], "missing in Dutch"
    assert sorted(set(nl) - set(en)) == [], "missing in English"
    for key, text in en.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(nl[key])), key


@pytest.mark.parametrize("suffix", PAIRS)
def test_dutch_says_je_not_u(suffix: str) -> None:
    formal = {key: text for key, text in _table(f"nl{suffix}").items() if FORMAL.search(text)}
    assert formal == {}
