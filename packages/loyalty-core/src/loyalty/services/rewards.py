"""Taking a reward from the catalogue: a redemption of its points price, named in the log."""

from __future__ import annotations

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import PointsRedeemed
from loyalty.domain.rules import rewards
from loyalty.domain.settings import Reward
from loyalty.domain.shop import Shop
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services import redemption


def reward_by_id(shop: Shop, reward_id: str) -> Reward:
    """The catalogue's reward ``reward_id``; refuses one the catalogue does not have."""
    catalogue = shop.settings.rewards.catalogue
    reward = rewards.find_reward(catalogue, reward_id)
    if reward is None:
        known = ", ".join(r.id for r in catalogue) or "none yet"
        raise LoyaltyError(f"No reward {reward_id!r} in the catalogue (known: {known}).",
                           hint="Add rewards under [[rewards.catalogue]] in the settings file.")
    return reward


def claim_reward(
    shop: Shop, uow: UnitOfWork, customer_id: int, reward_id: str, *, key: str,
    actor: str = "cli",
) -> PointsRedeemed:
    """Spend the reward's price; a key claimed before returns that redemption instead."""
    reward = reward_by_id(shop, reward_id)
    return redemption.redeem(shop, uow, customer_id, reward.points,
                             reason=f"Reward: {reward.name}", actor=actor, key=key)
