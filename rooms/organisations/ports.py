"""The organisations' port. `server/db/organisations_sql.py` implements it in SQL, `rooms.organisations.memory`
in memory (tests/contract/test_organisations_contract.py holds both to it).

Guarantees, besides each method's own:
- whatever writes a profile (ProfileStore.save_profile, InvitationStore.accept_invitation,
  MembershipStore.add_members) links it to its organisation in the same transaction, by
  rooms.organisations.records.decide: Profile.organisation_id is never stale;
- in one country, no two organisations share a registration number, nor a name key with the same registration
  number (or both without one);
- an organisation left without people and without a registration number when a profile moves away from it is
  deleted with that move (what a typo fixed leaves behind).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from rooms.organisations.records import Organisation, OrganisationEdit


class OrganisationStore(Protocol):
    async def organisations(self, ids: Collection[int]) -> list[Organisation]:
        """Those of `ids` that exist, by id."""
        ...

    async def update_organisation(self, organisation_id: int, edit: OrganisationEdit) -> Organisation:
        """Replaces name (and its key), type, website and registration number with a validated edit.
        Raises NotFound('organisation-not-found'), Conflict('registration-taken'), Conflict('organisation-exists')."""
        ...

    async def merge_organisations(self, source_id: int, target_id: int) -> Organisation:
        """Atomically: every profile of `source` links to `target`, which fills its blanks from the source
        (rooms.organisations.records.merged), and `source` is deleted. Returns the target.
        Raises NotFound('organisation-not-found') when either does not exist."""
        ...
