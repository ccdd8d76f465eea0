"""When two spellings name one organisation: the matching key of a name and of a registration number.

"Acme B.V.", "ACME bv" and "acme" are one key; the country is kept apart from it (rooms.organisations.records), so
"Acme" in NL and "Acme" in US stay two organisations. Migration 0011 backfilled the organisations of existing
profiles with these rules: change them and existing records keep their keys (a profile keeps its link while its own
organisation name and country are unchanged, rooms.organisations.records.keeps_link).
"""

from __future__ import annotations

import unicodedata

# Legal forms, written as their letters once punctuation is gone ("B.V." → "bv", "S.A.R.L." → "sarl"). Only a
# trailing one is dropped (repeatedly: "Acme Holding B.V. i.o." → "acme holding"), never one inside the name.
LEGAL_FORMS: frozenset[str] = frozenset({
    "bv", "nv", "vof", "cv", "io", "ltd", "limited", "plc", "llp", "llc", "inc", "incorporated", "corp",
    "corporation", "co", "gmbh", "ag", "kg", "ohg", "ug", "ev", "sa", "sas", "sarl", "sl", "srl", "spa", "oy",
    "ab", "as", "aps", "bvba", "sprl", "pty", "pte", "kk", "lp",
})
# Joining words that spellings differ in: "&" goes with the punctuation, "and", "en", "und" and "the" go here.
_FILLERS: frozenset[str] = frozenset({"and", "en", "und", "the"})
MAX_KEY = 120
MAX_REGISTRATION = 40


def _letters(text: str) -> str:
    """Case-folded, accents gone, every run of punctuation or space one space; dots vanish so B.V. → bv."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    out: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) or ch == ".":
            continue
        out.append(ch if ch.isalnum() else " ")
    return "".join(out)


def name_key(name: str) -> str:
    """The key two spellings of one organisation share: '' when the name is blank or only a legal form."""
    words = _letters(name).split()
    # A name that is only a legal form ("B.V.", "B. V.") keeps nothing to match on.
    if "".join(words) in LEGAL_FORMS:
        return ""
    dropped = True
    while dropped:
        dropped = False
        for size in (3, 2, 1):  # "B. V." is two words once the dots are gone, "S. A. S." three
            if len(words) > size and "".join(words[-size:]) in LEGAL_FORMS:
                del words[-size:]
                dropped = True
                break
    kept = [w for w in words if w not in _FILLERS] or words
    return "".join(kept)[:MAX_KEY]


def registration_key(number: str) -> str:
    """A registration number (Chamber of Commerce, company number) as its letters and digits, upper case, a
    leading "KvK" / "KvK-nr" label dropped: "KvK 1234.5678", "kvk-nr: 12345678" and "12345678" are one number."""
    text = "".join(ch for ch in number.upper() if ch.isalnum())
    for label in ("KVKNR", "KVK"):
        if text.startswith(label) and text[len(label):].isdigit():
            text = text[len(label):]
            break
    return text[:MAX_REGISTRATION]
