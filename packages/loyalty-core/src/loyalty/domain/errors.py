"""Errors a shop owner or a calling program can act on.

Every error names the thing that is wrong and says what to do, so the command line can print
it as one line and a frontend can show it next to the field it concerns.
"""

from __future__ import annotations

from loyalty.domain.wording import points_text


class LoyaltyError(Exception):
    """Base class: a user-facing problem, never a bug in the engine."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class SettingsError(LoyaltyError):
    """A setting is malformed; ``field`` is its dotted path (``earning.points_per_unit``)."""

    def __init__(self, field: str, problem: str, *, hint: str | None = None) -> None:
        super().__init__(f"{field}: {problem}", hint=hint)
        self.field = field
        self.problem = problem


class LedgerError(LoyaltyError):
    """The ledger database cannot be opened or used."""


class ReadCancelled(LoyaltyError):
    """A read stopped by its ``ReadCancel``: its answer was no longer wanted (a newer search
    replaced it); nothing was changed."""

    def __init__(self) -> None:
        super().__init__("The read was cancelled.", hint="Read again if the answer is wanted.")


class UnknownCustomer(LoyaltyError):
    def __init__(self, customer_id: int | str) -> None:
        super().__init__(
            f"No customer with id {customer_id}.",
            hint="List customers with 'loyalty customers --search NAME'.",
        )
        self.customer_id = customer_id


class UnknownSale(LoyaltyError):
    """A refund names a sale the ledger has never recorded."""


class InsufficientPoints(LoyaltyError):
    def __init__(self, customer_id: int, asked: int, available: int) -> None:
        super().__init__(
            f"Customer {customer_id} has {points_text(available)}; {asked:,} were asked.",
            hint=f"Redeem at most {points_text(available)}.",
        )
        self.customer_id = customer_id
        self.asked = asked
        self.available = available


class RedemptionRefused(LoyaltyError):
    """A redemption breaks a rule other than the balance (minimum balance, zero points)."""


class UnknownPlugin(LoyaltyError):
    """A setting names a POS adapter, channel or frontend that is not installed."""


class ImportRefused(LoyaltyError):
    """Rows of an import file are bad; ``problems`` has one line per bad row."""

    def __init__(self, source: str, problems: list[str]) -> None:
        rows = "row" if len(problems) == 1 else "rows"
        super().__init__(f"{len(problems)} bad {rows} in {source}; nothing was imported.",
                         hint="Correct them and import the file again.")
        self.problems = problems
