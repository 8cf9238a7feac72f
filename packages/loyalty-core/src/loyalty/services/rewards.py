"""Taking a reward from the catalogue: a redemption of its points price, named in the log."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import PointsRedeemed
from loyalty.domain.rules import rewards
from loyalty.domain.settings import Reward

if TYPE_CHECKING:
    from loyalty.engine import Engine


def reward_by_id(engine: Engine, reward_id: str) -> Reward:
    catalogue = engine.settings.rewards.catalogue
    reward = rewards.find_reward(catalogue, reward_id)
    if reward is None:
        known = ", ".join(r.id for r in catalogue) or "none yet"
        raise LoyaltyError(f"No reward {reward_id!r} in the catalogue (known: {known}).",
                           hint="Add rewards under [[rewards.catalogue]] in the settings file.")
    return reward


def redeem_reward(
    engine: Engine, customer_id: int, reward_id: str, *, key: str | None = None,
    actor: str = "cli",
) -> PointsRedeemed:
    """Spend the reward's price; ``key`` makes a retried click redeem once."""
    reward = reward_by_id(engine, reward_id)
    return engine.redeem(
        customer_id, reward.points, reason=f"Reward: {reward.name}", actor=actor,
        key=key or f"reward/{reward.id}/{uuid.uuid4()}",
    )
