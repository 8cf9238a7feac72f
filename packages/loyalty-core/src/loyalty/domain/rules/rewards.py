"""The reward catalogue seen from one balance: what a customer can take now, and what is next."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from loyalty.domain.settings import Reward


@attrs.frozen
class RewardStanding:
    reward: Reward
    missing: int
    """Points still needed; 0 when the balance pays for it."""

    @property
    def affordable(self) -> bool:
        return self.missing == 0


def find_reward(catalogue: Sequence[Reward], reward_id: str) -> Reward | None:
    return next((r for r in catalogue if r.id == reward_id), None)


def standings(balance: int, catalogue: Sequence[Reward]) -> list[RewardStanding]:
    """Every reward with the points still missing, cheapest first."""
    return [RewardStanding(r, max(0, r.points - balance))
            for r in sorted(catalogue, key=lambda r: (r.points, r.id))]


def within_reach(balance: int, catalogue: Sequence[Reward]) -> list[RewardStanding]:
    """The rewards the balance pays for now, and the next one to save up for."""
    ranked = standings(balance, catalogue)
    affordable = [s for s in ranked if s.affordable]
    upcoming = [s for s in ranked if not s.affordable][:1]
    return affordable + upcoming
