"""Recommendations (rooms/matchmaking/recommend.py): ranking and reasons on crafted profiles, exclusions, and a
5,000-person index built from the demo's generated directory and queried."""

from __future__ import annotations

import time

from rooms.core.cards import OrgType, Side
from rooms.matchmaking.recommend import RecommendationCache, build_index, fingerprint, recommend, stem, terms
from rooms.missions.people import Role
from rooms.missions.profile import DirectoryEntry, Profile
from server.demo import generated_member


def entry(uid: int, side: Side | None, org_type: OrgType = OrgType.OTHER, *, sectors: list[str] | None = None,
          offers: str = "", seeks: str = "", role: Role = Role.PARTICIPANT) -> DirectoryEntry:
    profile = Profile(user_id=uid, name=f"Person {uid}", organisation=f"Org {uid}", org_type=org_type,
                      job_title="", sectors=sectors or [], country="NL", city="", offers=offers, seeks=seeks,
                      languages=[], bio="", website="")
    return DirectoryEntry(profile, role, side)


ME = entry(1, Side.DELEGATION, OrgType.SME, sectors=["EV charging"],
           offers="Fast chargers for depots and a distribution partner programme",
           seeks="A distribution partner on the West Coast and hydrogen pilots")
PERFECT = entry(2, Side.PARTNER, OrgType.LOCAL_GOVERNMENT, sectors=["EV charging"],
                offers="We are distributors for charging hardware in California",
                seeks="Fast chargers for our bus depots")
SECTOR_ONLY = entry(3, Side.PARTNER, OrgType.CONSULTANCY, sectors=["EV charging"])
NOTHING = entry(4, Side.PARTNER, OrgType.OTHER)
SAME_SIDE = entry(5, Side.DELEGATION, OrgType.KNOWLEDGE, sectors=["EV charging"],
                  offers="A distribution partner for hydrogen", seeks="fast chargers")
ORGANISER = entry(6, None, OrgType.NATIONAL_GOVERNMENT, sectors=["EV charging"], role=Role.ORGANISER,
                  offers="distribution partner")
DUTCH = entry(7, Side.PARTNER, OrgType.KNOWLEDGE, offers="Wij bieden waterstof pilots en onderzoek",
              seeks="Een partner voor snelladers")
PEOPLE = [ME, PERFECT, SECTOR_ONLY, NOTHING, SAME_SIDE, ORGANISER, DUTCH]


def test_stems_meet_across_word_forms_and_stop_words_are_dropped() -> None:
    assert stem("distributor") == stem("distributors") == stem("distribution")
    assert stem("chargers") == stem("charger")
    assert set(terms("We are looking for a partner and the best deal")) == {stem("partner"), stem("best"),
                                                                           stem("deal")}
    assert set(terms("Wij zoeken een partner voor de haven")) == {stem("partner"), stem("haven")}


def test_complementary_people_rank_first_with_reasons() -> None:
    ranked = recommend(build_index(PEOPLE), ME.profile.user_id)
    ids = [r.user_id for r in ranked]
    assert ids[0] == PERFECT.profile.user_id
    assert ids.index(SECTOR_ONLY.profile.user_id) < ids.index(NOTHING.profile.user_id)
    assert ranked == sorted(ranked, key=lambda r: -r.score)
    reasons = {r.code: r.params for r in ranked[0].reasons}
    assert reasons["shared-sector"] == {"sector": "EV charging"}
    assert "distribution" in reasons["they-offer-what-you-seek"]["what"]
    assert "fast" in reasons["they-seek-what-you-offer"]["what"]
    assert reasons["org-type-match"] == {"yours": "sme", "theirs": "local_government"}
    assert reasons["other-side"] == {"side": "partner"}
    assert all(r.text for r in ranked[0].reasons)


def test_organisers_me_and_same_side_are_never_recommended_by_default() -> None:
    ids = {r.user_id for r in recommend(build_index(PEOPLE), ME.profile.user_id)}
    assert ids == {2, 3, 4, 7}


def test_anyone_rule_lets_the_same_side_in_but_prefers_the_other() -> None:
    ranked = recommend(build_index(PEOPLE), ME.profile.user_id, other_side_only=False)
    ids = [r.user_id for r in ranked]
    assert 5 in ids and 6 not in ids and 1 not in ids
    assert {r.code for r in ranked[ids.index(5)].reasons} >= {"they-offer-what-you-seek", "shared-sector"}
    assert "other-side" not in {r.code for r in ranked[ids.index(5)].reasons}


def test_exclusions_and_limit() -> None:
    index = build_index(PEOPLE)
    ranked = recommend(index, 1, exclude={2, 3})
    assert [r.user_id for r in ranked][:1] != [2] and {2, 3}.isdisjoint(r.user_id for r in ranked)
    assert len(recommend(index, 1, limit=1)) == 1
    assert recommend(index, 999) == []  # not in the directory: nobody to recommend to


def test_sector_names_in_free_text_count() -> None:
    seeker = entry(10, Side.PARTNER, seeks="We want to talk to anyone in EV charging")
    offerer = entry(11, Side.DELEGATION, sectors=["EV charging"])
    stranger = entry(12, Side.DELEGATION)
    ranked = recommend(build_index([seeker, offerer, stranger]), 10)
    assert [r.user_id for r in ranked] == [11, 12]
    first = ranked[0].reasons[0]
    assert (first.code, first.params["what"]) == ("they-offer-what-you-seek", "EV charging")


def test_dutch_texts_match_english_stems() -> None:
    seeker = entry(20, Side.DELEGATION, seeks="hydrogen and waterstof pilots")
    ranked = recommend(build_index([seeker, DUTCH, NOTHING]), 20)
    assert ranked[0].user_id == DUTCH.profile.user_id
    assert "waterstof" in ranked[0].reasons[0].params["what"]


def test_cache_rebuilds_only_when_a_profile_changes() -> None:
    cache = RecommendationCache()
    first = cache.index(1, PEOPLE)
    assert cache.index(1, list(reversed(PEOPLE))) is first
    changed = [*PEOPLE[:3], entry(4, Side.PARTNER, OrgType.OTHER, seeks="fast chargers for depots"), *PEOPLE[4:]]
    assert fingerprint(changed) != fingerprint(PEOPLE)
    second = cache.index(1, changed)
    assert second is not first
    before = {r.user_id: r.score for r in recommend(first, 1)}
    after = {r.user_id: r.score for r in recommend(second, 1)}
    assert after[4] > before[4]


def test_five_thousand_people_index_and_query() -> None:
    entries = []
    for i in range(1, 5001):
        member = generated_member(i)
        p = member.profile
        entries.append(DirectoryEntry(Profile(
            user_id=i, name=p.name, organisation=p.organisation, org_type=p.org_type, job_title=p.job_title,
            sectors=p.sectors, country=p.country, city=p.city, offers=p.offers, seeks=p.seeks,
            languages=p.languages, bio=p.bio, website=p.website), member.role, member.side))
    t0 = time.perf_counter()
    cache = RecommendationCache()
    index = cache.index(1, entries)
    t1 = time.perf_counter()
    assert cache.index(1, entries) is index
    t2 = time.perf_counter()
    results = {uid: recommend(index, uid) for uid in (1, 2500, 4999)}
    t3 = time.perf_counter()
    for uid, ranked in results.items():
        assert len(ranked) == 20
        me = entries[uid - 1]
        assert all(entries[r.user_id - 1].side not in (me.side, None) for r in ranked)
        assert ranked[0].reasons and ranked[0].score >= ranked[-1].score
    # Timings are reported, not asserted (the machine is shared).
    print(f"\n5000 people: build {1000 * (t1 - t0):.0f} ms, cached lookup incl. fingerprint "
          f"{1000 * (t2 - t1):.1f} ms, query {1000 * (t3 - t2) / 3:.1f} ms each")


TOM = entry(20, Side.DELEGATION, OrgType.SME, sectors=["EV charging"],
            offers="Smart-charging software (OCPP 2.0.1, ISO 15118) that spreads charging sessions over the grid "
                   "capacity that is available and the cheapest hours. Runs 6,000 public and depot charge points in "
                   "the Netherlands.",
            seeks="US charge-point installers and operators to bring our software to their sites, and a utility "
                  "that wants to pilot managed charging in California.")
INSTALLER = entry(21, Side.PARTNER, OrgType.SME, offers="We are charge-point installers for utility depots",
                  seeks="Smart charging software and grid capacity management for 6,000 sites")


def test_reasons_quote_whole_phrases() -> None:
    """A reason quotes whole parts of what someone wrote: never cut off with "…", never a number split at its
    thousands separator, never starting with "and"."""
    for text in (TOM.profile.offers, TOM.profile.seeks, INSTALLER.profile.offers, INSTALLER.profile.seeks):
        for phrase in terms(text).values():
            assert "…" not in phrase and not phrase.startswith(("and ", "that ", "000")), phrase
            assert phrase.casefold() in " ".join(text.split()).casefold(), phrase
            assert len(phrase) <= 80, phrase
    assert terms(TOM.profile.seeks)[stem("utility")] == "a utility that wants to pilot managed charging in California"
    assert terms(TOM.profile.offers)[stem("public")] == "runs 6,000 public and depot charge points in the Netherlands"
    ranked = recommend(build_index([TOM, INSTALLER]), TOM.profile.user_id)
    quoted = {r.code: r.params["what"] for r in ranked[0].reasons if "what" in r.params}
    assert quoted["they-offer-what-you-seek"].startswith("US charge-point installers and operators"), quoted
    assert "…" not in "".join(quoted.values()), quoted
