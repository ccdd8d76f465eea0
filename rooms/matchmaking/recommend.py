"""Whom to meet: a pure score over the mission's directory (docs/matchmaking.md, "Recommendations").

An index is built once per mission — per person the stemmed word sets of what they offer and seek, their sectors,
and inverted maps from word and sector to people — so answering one person walks only the people who share
something with them. `RecommendationCache` keeps one index per mission and rebuilds it when the directory's
fingerprint (a hash over everything the score reads) changes.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import msgspec

from rooms.core.cards import OrgType, Side
from rooms.missions.people import Role
from rooms.missions.profile import DirectoryEntry

# Words that carry no interest in an offer or a need, in English and Dutch.
_STOP_TEXT = """
a about above after again all also am an and any are as at be because been before being below between both but
by can could did do does doing down during each few for from further had has have having he her here hers him his
how i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out
over own same she should so some such than that the their theirs them then there these they this those through
to too under until up very was we were what when where which while who whom why will with would you your yours
looking look seek seeking seeks offer offers offering want wants need needs interested interest new us etc
aan al alle als alsof andere ben bij dan dat de deze die dit doen door dus een eens en er ge geen geweest haar
had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon kunnen maar me meer men met mij
mijn moet na naar niet niets nog nu of om omdat onder ons onze ook op over reeds te tegen toch toen tot u uit uw
van veel voor want waren was wat we wel werd wezen wie wij wil worden wordt zal ze zelf zich zij zijn zo zonder
zou zoeken zoekt zoek bieden biedt bied aanbod graag nieuwe
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# A clause ends at a sentence's punctuation; a point or comma inside a number or a version (6,000; 2.0.1) does not
# end one.
_CLAUSE = re.compile(r"(?:[^.,;:\n•!?()]|[.,](?=\S))+")
MAX_PHRASE = 80
# Words that begin a new part of a clause: a quoted phrase ends before one, never inside a part.
_BOUNDARY_TEXT = """
that which who whom whose where when while because so but and or to than
die dat wat waar wanneer omdat zodat maar en of om dan
"""
_BOUNDARY = frozenset(_BOUNDARY_TEXT.split())
# Words a quoted phrase does not begin with ("and a utility…" quotes "a utility…", "that spreads…" "spreads…").
_LEADING_TEXT = "and or but also so that which who en of maar ook die dat"
_LEADING = frozenset(_LEADING_TEXT.split())

# Longest first: the first suffix that leaves a stem of at least 3 letters is cut (English and Dutch endings).
_SUFFIXES = sorted((
    "ations", "ation", "ings", "ing", "ities", "ity", "ness", "ments", "ment", "ers", "er", "ies", "ied", "es",
    "ed", "ly", "s", "ingen", "heden", "heid", "lijk", "lijke", "isch", "ische", "en", "e",
), key=len, reverse=True)


def stem(word: str) -> str:
    """A crude suffix-stripping stem: enough to make "distributor", "distributors" and "distribution" meet
    each other as "distribut"."""
    w = word.casefold()
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    for tail in ("or", "ion"):  # distributor/distribution → distribut
        if w.endswith(tail) and len(w) - len(tail) >= 4:
            return w[: -len(tail)]
    return w


def _parts(tokens: list[str]) -> list[list[str]]:
    """A clause's words in parts, a new part at each boundary word."""
    parts: list[list[str]] = [[]]
    for i, token in enumerate(tokens):
        if i and token.casefold().strip("\"'“”‘’") in _BOUNDARY:
            parts.append([])
        parts[-1].append(token)
    return parts


def _phrase(clause: str, at: int) -> str:
    """What a reason quotes for the word at character `at` of `clause`: whole parts of the clause around it, at
    most MAX_PHRASE characters (or the one part holding the word, however long): never a phrase cut off inside.
    Spaces tidied, a leading "and" dropped, sentence case dropped."""
    tokens = clause.split()
    word = len(clause[:at].split())  # the index of the token holding the word
    parts = _parts(tokens)
    ends = [sum(len(p) for p in parts[: k + 1]) for k in range(len(parts))]
    holding = next((k for k, end in enumerate(ends) if word < end), len(parts) - 1)

    def text(first: int, last: int) -> str:
        words = [t for p in parts[first: last + 1] for t in p]
        while len(words) > 1 and words[0].casefold() in _LEADING:
            words = words[1:]
        return " ".join(words)

    # From the clause's start when that reaches the word within the limit, else from the word's own part; then
    # as many whole parts after it as fit.
    first = 0 if len(text(0, holding)) <= MAX_PHRASE else holding
    last = holding
    while last + 1 < len(parts) and len(text(first, last + 1)) <= MAX_PHRASE:
        last += 1
    phrase = text(first, last)
    if len(phrase) > 1 and phrase[0].isupper() and phrase[1].islower():
        phrase = phrase[0].lower() + phrase[1:]
    return phrase


def terms(text: str) -> dict[str, str]:
    """The stems of a free text after stop words, each with the phrase it first came from: a reason quotes
    "a distribution partner in California", not the stem "distribut"."""
    found: dict[str, str] = {}
    for fragment in _CLAUSE.finditer(text):
        clause = fragment.group(0)
        for match in _WORD.finditer(clause):
            folded = match.group(0).casefold()
            if folded in STOP_WORDS or stem(folded) in found:
                continue
            found[stem(folded)] = _phrase(clause, match.start())
    return found


# Which kinds of organisation usually have business with which: symmetric by construction.
_PAIRS: tuple[tuple[OrgType, OrgType], ...] = (
    (OrgType.SME, OrgType.KNOWLEDGE), (OrgType.SME, OrgType.LOCAL_GOVERNMENT), (OrgType.SME, OrgType.CORPORATE),
    (OrgType.SME, OrgType.INVESTOR), (OrgType.SME, OrgType.TRADE_BODY), (OrgType.STARTUP, OrgType.INVESTOR),
    (OrgType.STARTUP, OrgType.CORPORATE), (OrgType.STARTUP, OrgType.KNOWLEDGE),
    (OrgType.STARTUP, OrgType.LOCAL_GOVERNMENT), (OrgType.CORPORATE, OrgType.KNOWLEDGE),
    (OrgType.CORPORATE, OrgType.LOCAL_GOVERNMENT), (OrgType.CONSULTANCY, OrgType.SME),
    (OrgType.CONSULTANCY, OrgType.NATIONAL_GOVERNMENT), (OrgType.KNOWLEDGE, OrgType.LOCAL_GOVERNMENT),
)
COMPLEMENTARY: frozenset[tuple[OrgType, OrgType]] = frozenset(_PAIRS) | frozenset((b, a) for a, b in _PAIRS)

# Weights: a need met is worth most, then shared sectors, then the kind of organisation and the side.
W_WORD = 1.0  # per matched word, scaled by its rarity in the mission
W_SECTOR_IN_TEXT = 2.0
W_SHARED_SECTOR = 1.5
W_ORG_TYPE = 1.0
W_OTHER_SIDE = 0.5
MAX_WORDS = 5  # matched words counted per direction: a long text does not win by length alone
MAX_SHARED_SECTORS = 3
MAX_WHAT = 2  # clauses quoted in a reason


class Reason(msgspec.Struct, frozen=True):
    """Why someone is recommended: a stable code and its parameters (the client words it), and English text."""

    code: str
    params: dict[str, str]
    text: str


class Scored(msgspec.Struct, frozen=True):
    user_id: int
    score: float
    reasons: list[Reason]


@dataclass(frozen=True)
class _Person:
    user_id: int
    role: Role
    side: Side | None
    org_type: OrgType
    sectors: dict[str, str]  # folded → as written
    offers: dict[str, str]  # stem → word
    seeks: dict[str, str]
    offers_sectors: frozenset[str]  # folded sector names mentioned in the text
    seeks_sectors: frozenset[str]


@dataclass
class RecommendIndex:
    people: dict[int, _Person]
    by_offer: dict[str, list[int]] = field(default_factory=dict)
    by_seek: dict[str, list[int]] = field(default_factory=dict)
    by_sector: dict[str, list[int]] = field(default_factory=dict)  # profile sectors
    by_offer_sector: dict[str, list[int]] = field(default_factory=dict)
    by_seek_sector: dict[str, list[int]] = field(default_factory=dict)
    weight: dict[str, float] = field(default_factory=dict)  # stem → rarity weight
    sector_names: dict[str, str] = field(default_factory=dict)


def _sectors_in(text: str, names: Iterable[str]) -> frozenset[str]:
    folded = f" {' '.join(_WORD.findall(text.casefold()))} "
    return frozenset(n for n in names if f" {' '.join(_WORD.findall(n))} " in folded)


def build_index(entries: Sequence[DirectoryEntry], sectors: Iterable[str] = ()) -> RecommendIndex:
    """Indexes the mission's directory; `sectors` are extra sector names to look for in texts (the mission's)."""
    names: dict[str, str] = {s.casefold(): s for s in sectors}
    for e in entries:
        for s in e.profile.sectors:
            names.setdefault(s.casefold(), s)
    # Sector names of one letter-word ("IT") would match too much free text; they count as profile sectors only.
    text_names = [n for n in names if len(n) >= 3]
    index = RecommendIndex(people={}, sector_names=names)
    df: dict[str, int] = defaultdict(int)
    for e in entries:
        p = e.profile
        person = _Person(
            user_id=p.user_id, role=e.role, side=e.side, org_type=p.org_type,
            sectors={s.casefold(): s for s in p.sectors}, offers=terms(p.offers), seeks=terms(p.seeks),
            offers_sectors=_sectors_in(p.offers, text_names) if p.offers else frozenset(),
            seeks_sectors=_sectors_in(p.seeks, text_names) if p.seeks else frozenset(),
        )
        index.people[p.user_id] = person
        for s in person.offers:
            index.by_offer.setdefault(s, []).append(p.user_id)
        for s in person.seeks:
            index.by_seek.setdefault(s, []).append(p.user_id)
        for s in set(person.offers) | set(person.seeks):
            df[s] += 1
        for s in person.sectors:
            index.by_sector.setdefault(s, []).append(p.user_id)
        for s in person.offers_sectors:
            index.by_offer_sector.setdefault(s, []).append(p.user_id)
        for s in person.seeks_sectors:
            index.by_seek_sector.setdefault(s, []).append(p.user_id)
    n = max(len(entries), 1)
    # Rarer words say more: "hydrogen" matching beats "partner" matching.
    index.weight = {s: W_WORD * (0.5 + math.log((n + 1) / (c + 0.5)) / math.log(n + 2)) for s, c in df.items()}
    return index


def fingerprint(entries: Sequence[DirectoryEntry]) -> str:
    """Changes whenever anything the score reads changes (membership, role, side, organisation type, sectors,
    offers, seeks)."""
    h = hashlib.blake2b(digest_size=16)
    for e in sorted(entries, key=lambda e: e.profile.user_id):
        p = e.profile
        h.update(msgspec.msgpack.encode((p.user_id, e.role, e.side, p.org_type, p.sectors, p.offers, p.seeks)))
    return h.hexdigest()


@dataclass
class _Tally:
    they_offer: dict[str, float] = field(default_factory=dict)  # my seek stem → weight
    they_seek: dict[str, float] = field(default_factory=dict)
    offer_sectors: set[str] = field(default_factory=set)  # sectors I seek that they offer
    seek_sectors: set[str] = field(default_factory=set)
    shared: set[str] = field(default_factory=set)


def _eligible(me: _Person, other: _Person, other_side_only: bool) -> bool:
    if other.role is Role.ORGANISER:
        return False
    if other_side_only:
        return me.side is not None and other.side is not None and other.side is not me.side
    return True


def _tally(index: RecommendIndex, me: _Person) -> dict[int, _Tally]:
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for s in me.seeks:
        for uid in index.by_offer.get(s, ()):
            tallies[uid].they_offer[s] = index.weight[s]
    for s in me.offers:
        for uid in index.by_seek.get(s, ()):
            tallies[uid].they_seek[s] = index.weight[s]
    for s in me.seeks_sectors:
        for uid in (*index.by_offer_sector.get(s, ()), *index.by_sector.get(s, ())):
            tallies[uid].offer_sectors.add(s)
    for s in me.offers_sectors:
        for uid in index.by_seek_sector.get(s, ()):
            tallies[uid].seek_sectors.add(s)
    for s in me.sectors:
        for uid in index.by_sector.get(s, ()):
            tallies[uid].shared.add(s)
    return tallies


def _text_score(t: _Tally) -> float:
    words = sum(sorted(t.they_offer.values(), reverse=True)[:MAX_WORDS])
    words += sum(sorted(t.they_seek.values(), reverse=True)[:MAX_WORDS])
    return (words + W_SECTOR_IN_TEXT * (len(t.offer_sectors) + len(t.seek_sectors))
            + W_SHARED_SECTOR * min(len(t.shared), MAX_SHARED_SECTORS))


def _bonus(me: _Person, other: _Person) -> float:
    score = W_ORG_TYPE if (me.org_type, other.org_type) in COMPLEMENTARY else 0.0
    if me.side is not None and other.side is not None and other.side is not me.side:
        score += W_OTHER_SIDE
    return score


def recommend(index: RecommendIndex, me: int, exclude: Iterable[int] = (), *, other_side_only: bool = True,
              limit: int = 20) -> list[Scored]:
    """The best `limit` people for `me`, best first (ties by user id). Never me, anyone in `exclude`,
    organisers, and — with `other_side_only` — anyone not on the other side. Someone with nothing in common
    is still listed (after everyone who has something), so a short list means a small mission."""
    mine = index.people.get(me)
    if mine is None or limit <= 0:
        return []
    skip = set(exclude) | {me}
    tallies = _tally(index, mine)
    empty = _Tally()
    scored: list[tuple[float, int]] = []
    for uid, other in index.people.items():
        if uid in skip or not _eligible(mine, other, other_side_only):
            continue
        tally = tallies.get(uid)
        score = _bonus(mine, other) + (_text_score(tally) if tally is not None else 0.0)
        scored.append((score, uid))
    best = heapq.nsmallest(limit, scored, key=lambda su: (-su[0], su[1]))
    return [Scored(uid, round(score, 3), _reasons(index, mine, index.people[uid], tallies.get(uid, empty)))
            for score, uid in best]


def _what(words: Mapping[str, float], source: Mapping[str, str]) -> str:
    ranked = sorted(words, key=lambda s: (-words[s], s))
    # The clauses the best-matching words came from, each once, at most MAX_WHAT of them.
    return ", ".join(list(dict.fromkeys(source[s] for s in ranked))[:MAX_WHAT])


def _reasons(index: RecommendIndex, me: _Person, other: _Person, t: _Tally) -> list[Reason]:
    reasons: list[Reason] = []
    for sector in sorted(t.shared)[:MAX_SHARED_SECTORS]:
        name = index.sector_names.get(sector, sector)
        reasons.append(Reason("shared-sector", {"sector": name}, f"both in {name}"))
    seek_what = ", ".join(index.sector_names.get(s, s) for s in sorted(t.offer_sectors - t.shared))
    if t.they_offer or seek_what:
        what = ", ".join(w for w in (seek_what, _what(t.they_offer, me.seeks)) if w)
        reasons.append(Reason("they-offer-what-you-seek", {"what": what}, f"they offer what you seek: {what}"))
    offer_what = ", ".join(index.sector_names.get(s, s) for s in sorted(t.seek_sectors))
    if t.they_seek or offer_what:
        what = ", ".join(w for w in (offer_what, _what(t.they_seek, me.offers)) if w)
        reasons.append(Reason("they-seek-what-you-offer", {"what": what}, f"they seek what you offer: {what}"))
    if (me.org_type, other.org_type) in COMPLEMENTARY:
        reasons.append(Reason("org-type-match", {"yours": me.org_type.value, "theirs": other.org_type.value},
                              f"{other.org_type.value.replace('_', ' ')} meets {me.org_type.value.replace('_', ' ')}"))
    if me.side is not None and other.side is not None and other.side is not me.side:
        reasons.append(Reason("other-side", {"side": other.side.value}, f"from the {other.side.value} side"))
    return reasons


class RecommendationCache:
    """One index per mission, rebuilt when the directory's fingerprint changes. Owned by whoever serves
    recommendations (one per app), never a module global."""

    def __init__(self, max_missions: int = 16) -> None:
        self._max = max_missions
        self._by_mission: dict[int, tuple[str, RecommendIndex]] = {}

    def index(self, mission_id: int, entries: Sequence[DirectoryEntry], sectors: Iterable[str] = ()
              ) -> RecommendIndex:
        key = fingerprint(entries) + "|" + "|".join(sorted(s.casefold() for s in sectors))
        cached = self._by_mission.get(mission_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        built = build_index(entries, sectors)
        self._by_mission.pop(mission_id, None)
        if len(self._by_mission) >= self._max:
            self._by_mission.pop(next(iter(self._by_mission)))
        self._by_mission[mission_id] = (key, built)
        return built
