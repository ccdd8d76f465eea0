"""Directory search with 5,000 profiles on SQLite and PostgreSQL: latency per kind of query."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from rooms.core.cards import OrgType, Side
from rooms.core.clock import SystemClock
from rooms.missions.profile import DirectoryQuery
from server.db.admin import create_database, drop_database
from server.db.migrate import upgrade
from server.db.store_sql import SqlStore
from server.demo import DEMO_MISSION_TITLES, seed_demo

PARTICIPANTS = 5000
REPEAT = 20  # 60 made `make bench` overrun its 10 minutes once the live scenarios were added
POSTGRES_ADMIN = os.environ.get("ROUNDTABLE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")

QUERIES = {
    "all, first page": DirectoryQuery(),
    "org type sme": DirectoryQuery(org_type=[OrgType.SME]),
    "side partner": DirectoryQuery(side=Side.PARTNER),
    "sector": DirectoryQuery(sector="EV charging"),
    "country US": DirectoryQuery(country="US"),
    "free text 1 term": DirectoryQuery(q="charging"),
    "free text 2 terms": DirectoryQuery(q="software partner"),
    "combined": DirectoryQuery(q="pilot", side=Side.PARTNER, org_type=[OrgType.LOCAL_GOVERNMENT, OrgType.SME]),
    "deep page": DirectoryQuery(page=150, page_size=24),
}


async def _measure(backend: str, url: str) -> None:
    upgrade(url)
    store = await SqlStore.open(url)
    try:
        started = time.perf_counter()
        await seed_demo(store, SystemClock(), participants=PARTICIPANTS)
        seed_s = time.perf_counter() - started
        mission = await store.find_mission_by_title(DEMO_MISSION_TITLES[0])
        assert mission is not None
        for name, query in QUERIES.items():
            timings = []
            total = 0
            for _ in range(REPEAT):
                t0 = time.perf_counter()
                page = await store.search_directory(mission.id, query)
                timings.append((time.perf_counter() - t0) * 1000)
                total = page.total
            timings.sort()
            print(json.dumps({
                "scenario": "directory", "backend": backend, "query": name, "profiles": PARTICIPANTS,
                "matches": total, "p50_ms": round(statistics.median(timings), 2),
                "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2), "seed_s": round(seed_s, 1),
            }), flush=True)
    finally:
        await store.close()


async def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await _measure("sqlite", f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
    name = f"roundtable_bench_{secrets.token_hex(4)}"
    try:
        url = await asyncio.to_thread(create_database, POSTGRES_ADMIN, name)
    except OSError as exc:
        print(json.dumps({"scenario": "directory", "backend": "postgresql", "error": repr(exc)}), flush=True)
        return
    try:
        await _measure("postgresql", url)
    finally:
        await asyncio.to_thread(drop_database, POSTGRES_ADMIN, name)
