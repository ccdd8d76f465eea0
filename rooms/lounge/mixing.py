"""Placement for a lounge's mixing round (docs/lounge.md, "Placement"): pure and deterministic for a seed.

Goals, in order: nobody in two groups (by construction); no pair that already met, when avoidable; each group
mixes delegation and partners where the population allows; shared sectors preferred; table sectors matched.
The goals are weights of one cost, each weight larger than anything the goals below it can add up to in a group,
so a lower goal never buys a higher one. A seeded greedy pass builds groups of the chosen sizes, a bounded
local search swaps people between groups while that lowers the cost, and a few seeded restarts run while
repeated pairs remain; the cheapest placement wins.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Collection, Sequence
from typing import NamedTuple

from rooms.core.cards import OrgType, Side
from rooms.lounge.events import Group

MIN_GROUP, MAX_GROUP = 3, 5
MAX_TABLE = 8
RESTARTS = 12  # kicks of the local search (times 8) while a placement still repeats a pair
MAX_EXTRA_GROUPS = 3  # more groups than the fewest tried while pairs repeat
SWAP_BUDGET = 400_000  # swap evaluations per attempt: keeps a round start bounded for large lounges

# Per group. A repeat outweighs any side/sector/type combination of a group of at most MAX_TABLE (28 pairs).
W_REPEAT = 100_000
W_ONE_SIDED = 1_000
W_SHARED_SECTOR = 10
W_SAME_TYPE = 1


class Mixer(NamedTuple):
    """Who is placed: what mixing looks at."""

    user_id: int
    side: Side | None
    org_type: OrgType
    sectors: frozenset[str]  # casefolded


class Seats(NamedTuple):
    table: int
    free: int  # seats a round may fill (those of people who stay put are not free)
    sector: str | None


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def seed_for(item_id: int, number: int) -> int:
    """hash(lounge, round number), the same on every node and in every process (unlike `hash` of a str)."""
    return zlib.crc32(f"lounge:{item_id}:round:{number}".encode())


def sizes(n: int, tables: Sequence[Seats], extra: int = 0) -> list[tuple[Seats, int]]:
    """Which tables a round fills and with how many people: the fewest groups of MIN_GROUP to MAX_GROUP (groups
    up to the tables' capacity only when there are too few tables), as even as the tables allow, largest tables
    first. Fewer seats than people: every usable table full (the rest are not placed this round). `extra` asks
    for that many more groups than the fewest (people who all met each other need as many groups as they are):
    none when the tables or the people do not allow it."""
    least = MIN_GROUP if n >= MIN_GROUP else 2
    usable = sorted((t for t in tables if t.free >= least), key=lambda t: (-t.free, t.table))
    if n < 2 or not usable:
        return []
    if n < MIN_GROUP:
        return [(usable[0], n)]
    for limit in (MAX_GROUP, MAX_TABLE):
        for k in range(math.ceil(n / limit), len(usable) + 1):
            caps = [min(t.free, limit) for t in usable[:k]]
            if MIN_GROUP * k <= n <= sum(caps):
                k += extra
                if extra and (k > len(usable) or MIN_GROUP * k > n):
                    return []
                caps = [min(t.free, limit) for t in usable[:k]]
                return list(zip(usable[:k], _even(n, caps), strict=True))
    return [] if extra else [(t, t.free) for t in usable]


def _even(n: int, caps: list[int]) -> list[int]:
    out = [MIN_GROUP] * len(caps)
    left = n - sum(out)
    while left:
        for i, cap in enumerate(caps):
            if left and out[i] < cap:
                out[i] += 1
                left -= 1
    return out


class _Search:
    """Cost bookkeeping for one placement: `pc[i][j]` is what putting people i and j in one group costs, and
    `near[g][i]` what person i adds to group g through its members, so a swap is judged in constant time."""

    def __init__(self, people: Sequence[Mixer], met: Collection[tuple[int, int]], target: list[int]) -> None:
        n = len(people)
        index = {p.user_id: i for i, p in enumerate(people)}
        bits: dict[str, int] = {}
        for p in people:
            for sector in sorted(p.sectors):
                bits.setdefault(sector, 1 << len(bits))
        sec = [sum(bits[x] for x in p.sectors) for p in people]
        met_ = met if isinstance(met, (set, frozenset)) else set(met)
        self.pc = [[0] * n for _ in range(n)]
        for i in range(n):
            row, a = self.pc[i], people[i]
            for j in range(i + 1, n):
                b = people[j]
                c = (W_SAME_TYPE if a.org_type is b.org_type else 0) - (W_SHARED_SECTOR if sec[i] & sec[j] else 0)
                row[j] = c
                self.pc[j][i] = c
        for a_id, b_id in met_:
            x, y = index.get(a_id), index.get(b_id)
            if x is not None and y is not None and x != y:
                self.pc[x][y] += W_REPEAT
                self.pc[y][x] += W_REPEAT
        self.side = [1 if p.side is Side.DELEGATION else 2 if p.side is Side.PARTNER else 0 for p in people]
        self.mix = 1 in self.side and 2 in self.side
        self.target = target
        self.n = n
        self.reset()

    def reset(self) -> None:
        self.groups: list[list[int]] = [[] for _ in self.target]
        self.near = [[0] * self.n for _ in self.target]
        self.count = [[0, 0, 0] for _ in self.target]  # people of no side, delegation, partner

    def one_sided(self, count: list[int]) -> int:
        return W_ONE_SIDED if self.mix and (count[1] == 0 or count[2] == 0) else 0

    def add(self, g: int, i: int) -> None:
        self.groups[g].append(i)
        self.count[g][self.side[i]] += 1
        row = self.pc[i]
        self.near[g] = [x + y for x, y in zip(self.near[g], row, strict=True)]

    def cost(self) -> int:
        total = 0
        for g, members in enumerate(self.groups):
            total += self.one_sided(self.count[g]) + sum(self.near[g][i] for i in members) // 2
        return total

    def repeats(self) -> list[int]:
        """People who sit with someone they met (fewer is better; zero only without repeats)."""
        return [i for members in self.groups for i in members
                if any(self.pc[i][j] >= W_REPEAT // 2 for j in members if j != i)]

    def swap_delta(self, ga: int, ia: int, gb: int, ib: int) -> int:
        a, b = self.groups[ga][ia], self.groups[gb][ib]
        na, nb = self.near[ga], self.near[gb]
        d = nb[a] - na[a] + na[b] - nb[b] - 2 * self.pc[a][b]
        sa, sb = self.side[a], self.side[b]
        if sa != sb and self.mix:
            ca, cb = list(self.count[ga]), list(self.count[gb])
            before = self.one_sided(ca) + self.one_sided(cb)
            ca[sa] -= 1
            ca[sb] += 1
            cb[sb] -= 1
            cb[sa] += 1
            d += self.one_sided(ca) + self.one_sided(cb) - before
        return d

    def swap(self, ga: int, ia: int, gb: int, ib: int) -> None:
        a, b = self.groups[ga][ia], self.groups[gb][ib]
        ra, rb = self.pc[a], self.pc[b]
        self.groups[ga][ia], self.groups[gb][ib] = b, a
        self.near[ga] = [x - y + z for x, y, z in zip(self.near[ga], ra, rb, strict=True)]
        self.near[gb] = [x - y + z for x, y, z in zip(self.near[gb], rb, ra, strict=True)]
        self.count[ga][self.side[a]] -= 1
        self.count[ga][self.side[b]] += 1
        self.count[gb][self.side[b]] -= 1
        self.count[gb][self.side[a]] += 1


def place(people: Sequence[Mixer], met: Collection[tuple[int, int]], tables: Sequence[Seats],
          seed: int) -> list[Group]:
    """Groups for one round, by table id. `people` may come in any order (they are sorted by user id first)."""
    people = sorted(people, key=lambda p: p.user_id)
    met = met if isinstance(met, (set, frozenset)) else set(met)
    budget = [SWAP_BUDGET]
    best: tuple[int, int, list[list[int]], list[Seats]] | None = None
    # Repeats outrank the fewest groups: when pairs still repeat, a few more (smaller) groups may avoid them.
    for extra in range(MAX_EXTRA_GROUPS + 1):
        plan = sizes(len(people), tables, extra)
        if not plan:
            break
        repeats, cost, groups = _search(people, met, [size for _, size in plan], random.Random(seed + extra),
                                        budget)
        if best is None or (repeats, cost) < best[:2]:
            best = (repeats, cost, groups, [t for t, _ in plan])
        if repeats == 0 or budget[0] <= 0:
            break
    if best is None:
        return []
    return _seat(people, best[2], best[3])


def _search(people: Sequence[Mixer], met: Collection[tuple[int, int]], target: list[int], rng: random.Random,
            budget: list[int]) -> tuple[int, int, list[list[int]]]:
    """(pairs repeated, cost, groups) of the cheapest placement found for groups of the `target` sizes."""
    search = _Search(people, met, target)
    _greedy(search, rng)
    _improve(search, budget)
    best, best_cost = [list(g) for g in search.groups], search.cost()
    # Iterated local search while pairs repeat: kick the people in a repeat into random other groups and descend
    # again from there, keeping the cheapest placement. Bounded by the evaluation budget, so deterministic.
    for _ in range(RESTARTS * 8):
        bad = search.repeats()
        if not bad or budget[0] <= 0 or len(search.groups) < 2:
            break
        for i in rng.sample(bad, min(len(bad), 3)):
            ga = next(g for g, members in enumerate(search.groups) if i in members)
            gb = rng.choice([g for g in range(len(search.groups)) if g != ga])
            search.swap(ga, search.groups[ga].index(i), gb, rng.randrange(len(search.groups[gb])))
        _improve(search, budget)
        cost = search.cost()
        if cost < best_cost:
            best, best_cost = [list(g) for g in search.groups], cost
        elif cost > best_cost:  # go on from the best so far
            search.reset()
            for g, members in enumerate(best):
                for i in members:
                    search.add(g, i)
    search.reset()
    for g, members in enumerate(best):
        for i in members:
            search.add(g, i)
    return len(search.repeats()), best_cost, best


def _greedy(search: _Search, rng: random.Random) -> None:
    order = list(range(search.n))
    rng.shuffle(order)
    target = search.target
    for i in order[:sum(target)]:
        def added(g: int, i: int = i) -> tuple[int, float, int]:
            # Cheapest first; among equals the emptiest group, so people spread over the tables.
            count = list(search.count[g])
            before = search.one_sided(count)
            count[search.side[i]] += 1
            extra = search.near[g][i] + search.one_sided(count) - before
            return (extra, len(search.groups[g]) / target[g], g)

        open_groups = [g for g in range(len(target)) if len(search.groups[g]) < target[g]]
        search.add(min(open_groups, key=added), i)


def _improve(search: _Search, budget: list[int]) -> None:
    """Swaps between groups while one lowers the cost (first improvement), within the evaluation budget."""
    groups = search.groups
    improved = True
    while improved and budget[0] > 0:
        improved = False
        for ga in range(len(groups)):
            for gb in range(ga + 1, len(groups)):
                for ia in range(len(groups[ga])):
                    for ib in range(len(groups[gb])):
                        if search.swap_delta(ga, ia, gb, ib) < 0:
                            search.swap(ga, ia, gb, ib)
                            improved = True
                budget[0] -= len(groups[ga]) * len(groups[gb])
                if budget[0] <= 0:
                    return


def _seat(people: Sequence[Mixer], groups: list[list[int]], tables: list[Seats]) -> list[Group]:
    """Each group at a table with enough seats, preferring a table whose sector its members share. Largest groups
    choose first: any table that fits a group fits every smaller one, so everyone still gets a table."""
    free = list(tables)
    out: list[Group] = []
    for members in sorted(groups, key=lambda g: (-len(g), min(g))):
        ids = sorted(people[i].user_id for i in members)

        def fit(t: Seats, members: list[int] = members) -> tuple[int, int, int]:
            sector = t.sector.casefold() if t.sector else None
            matches = sum(1 for i in members if sector is not None and sector in people[i].sectors)
            return (-matches, -t.free, t.table)

        chosen = min((t for t in free if t.free >= len(members)), key=fit)
        free.remove(chosen)
        out.append(Group(table=chosen.table, members=ids))
    return sorted(out, key=lambda g: g.table)
