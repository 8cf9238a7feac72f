"""Who a custom message goes to: one customer, or the customers a segment describes.

A segment's conditions all hold at once (inactive for 60 days *and* at least 2 stars); with
none, it is everyone who takes messages. Whether a customer takes messages at all (a channel,
a key, not removed) is the ledger's question, asked before these rules see them.

"Inactive for N days" means what the report's inactive list means: no sale in the last N
business days (a customer who never bought counts as inactive).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from datetime import date
from datetime import timedelta

import attrs

from loyalty.domain.rules.memberships import Held
from loyalty.domain.rules.memberships import active
from loyalty.domain.settings import MembershipLevel


ANY_LEVEL = "*"
"""``Audience.membership`` for members of any level (level ids are slugs, never ``*``)."""


@attrs.frozen
class Audience:
    """One customer (``customer_id``) or a segment; a segment's set fields must all match."""

    customer_id: int | None = None
    inactive_days: int | None = None
    """No sale in this many days (or never)."""
    min_stars: int | None = None
    """At least this many stars."""
    stars: int | None = None
    """Exactly this many stars (a star level)."""
    membership: str | None = None
    """A running membership of this level id, or of any level (``ANY_LEVEL``)."""

    @property
    def is_segment(self) -> bool:
        return self.customer_id is None

    def conditions(self) -> list[str]:
        """The segment's conditions in words, for previews and the command line."""
        said = []
        if self.inactive_days is not None:
            said.append(f"no sale in {self.inactive_days} days")
        if self.stars is not None:
            said.append(f"exactly {self.stars} star{'s' * (self.stars != 1)}")
        if self.min_stars is not None:
            said.append(f"at least {self.min_stars} star{'s' * (self.min_stars != 1)}")
        if self.membership == ANY_LEVEL:
            said.append("a membership")
        elif self.membership is not None:
            said.append(f"a {self.membership} membership")
        return said

    def describe(self) -> str:
        """``customer 12``, or ``customers who take messages with no sale in 60 days``."""
        if self.customer_id is not None:
            return f"customer {self.customer_id}"
        conditions = self.conditions()
        return "everyone who takes messages" + (
            " with " + " and ".join(conditions) if conditions else "")


@attrs.frozen
class Candidate:
    """A customer who takes messages, with what the segments look at."""

    customer_id: int
    stars: int
    last_sale: date | None
    """The business day of their last sale; None if they never bought."""
    memberships: tuple[Held, ...] = ()


def problems(audience: Audience, max_stars: int,
             levels: Sequence[MembershipLevel]) -> list[tuple[str, str]]:
    """What is wrong with an audience, as (what, how to fix it); empty when it can be used."""
    found = []
    if audience.customer_id is not None and any(
            value is not None for value in (audience.inactive_days, audience.min_stars,
                                            audience.stars, audience.membership)):
        found.append(("One customer or a segment, not both.",
                      "Give a customer, or the segment's conditions."))
    if audience.inactive_days is not None and audience.inactive_days < 1:
        found.append((f"{audience.inactive_days} days inactive is not a number of days.",
                      "Give 1 or more days."))
    for stars in (audience.stars, audience.min_stars):
        if stars is not None and not 0 <= stars <= max_stars:
            found.append((f"{stars} stars is not a star level of this shop.",
                          f"Give 0 to {max_stars} stars."))
    ids = [level.id for level in levels]
    if audience.membership not in (None, ANY_LEVEL, *ids):
        found.append((f"No membership level {audience.membership!r}.",
                      f"Use one of {', '.join(ids)}." if ids
                      else "Set up membership levels first (Settings › Memberships)."))
    return found


def is_inactive(last_sale: date | None, today: date, days: int) -> bool:
    """No sale in the ``days`` up to ``today`` (the report's inactive list, too)."""
    return (last_sale or date.min) <= today - timedelta(days=days)


def matches(audience: Audience, candidate: Candidate, today: date,
            levels: Sequence[MembershipLevel]) -> bool:
    """Whether ``candidate`` is in the audience on business day ``today``."""
    if audience.customer_id is not None:
        return candidate.customer_id == audience.customer_id
    if audience.inactive_days is not None and not is_inactive(
            candidate.last_sale, today, audience.inactive_days):
        return False
    if audience.stars is not None and candidate.stars != audience.stars:
        return False
    if audience.min_stars is not None and candidate.stars < audience.min_stars:
        return False
    if audience.membership is not None:
        held = active(candidate.memberships, today, levels)
        if held is None or audience.membership not in (ANY_LEVEL, held.level_id):
            return False
    return True


def select(audience: Audience, candidates: Iterable[Candidate], today: date,
           levels: Sequence[MembershipLevel]) -> list[int]:
    """The ids of the candidates in the audience, in the order given."""
    return [c.customer_id for c in candidates if matches(audience, c, today, levels)]

