"""Birthday points: the daily job gives ``campaigns.actions.birthday`` points to each customer
whose birthday is the shop's today (and the days a PC that was off missed, once).

Each award is the ``birthday`` action of ``services.awards`` with its key
``action/birthday/<customer>/<year>``: the job, a rerun, a second till and a birthday given by
hand with ``loyalty award`` all meet on that key, so a customer gets a year's birthday points
once.
"""

from __future__ import annotations

from datetime import date

from loyalty.domain.events import PointsAwarded
from loyalty.domain.rules import birthdays
from loyalty.domain.rules import campaigns
from loyalty.domain.shop import Shop
from loyalty.ledger import customers
from loyalty.ledger import entries
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services.awards import give_award


def award_birthdays(shop: Shop, uow: UnitOfWork, *, first: date, today: date
                    ) -> list[PointsAwarded]:
    """Give the birthday points of the birthdays from ``first`` to ``today`` not given yet."""
    rules = shop.settings.campaigns.actions
    if rules.birthday <= 0 or first > today:
        return []
    planned = [
        award
        for customer_id, birthday in customers.birthdays_in_months(
            uow.connection, birthdays.months_between(first, today))
        for day in birthdays.birthdays_between(birthday, first, today)
        for award in campaigns.action_awards("birthday", customer_id, rules, today=day)
    ]
    given = entries.existing_entry_keys(uow.connection, [a.key for a in planned])
    now = shop.now()
    return [give_award(shop, uow, award, today=today, occurred_at=now, actor="system")
            for award in planned if award.key not in given]
