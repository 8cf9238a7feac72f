"""The built-in currencies, supplied through the same hook any currency plugin uses."""

from __future__ import annotations

from loyalty.plugins.hookspecs import hookimpl
from loyalty.domain.money import Currency


BUILTIN_CURRENCIES = (
    Currency("USD", "$", 2, "US Dollar"),
    Currency("EUR", "€", 2, "Euro"),
    Currency("GBP", "£", 2, "Pound Sterling"),
    Currency("INR", "₹", 2, "Indian Rupee"),
    Currency("LKR", "Rs", 2, "Sri Lankan Rupee"),
    Currency("PKR", "Rs", 2, "Pakistani Rupee"),
    Currency("NPR", "Rs", 2, "Nepalese Rupee"),
    Currency("NGN", "₦", 2, "Nigerian Naira"),
    Currency("BDT", "৳", 2, "Bangladeshi Taka"),
    Currency("KES", "KSh", 2, "Kenyan Shilling"),
    Currency("GHS", "GH₵", 2, "Ghanaian Cedi"),
    Currency("ZAR", "R", 2, "South African Rand"),
    Currency("AED", "AED", 2, "UAE Dirham"),
    Currency("JPY", "¥", 0, "Japanese Yen"),
)


@hookimpl
def loyalty_currencies() -> tuple[Currency, ...]:
    return BUILTIN_CURRENCIES
