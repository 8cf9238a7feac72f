"""Keyboard emulation: type a points payment into whatever field the POS has focused.

Aronium has no API for taking a payment, so, like the original add-on, the amount is typed as
key presses (pynput: SendInput on Windows, XTest on Linux). The cashier focuses the payment
field before confirming; only digits and the decimal point are ever typed.
"""

from __future__ import annotations

import re

from loyalty.domain.errors import LoyaltyError


_AMOUNT = re.compile(r"\d+([.,]\d+)?")


def type_amount(amount_text: str) -> None:
    """Type ``amount_text`` (e.g. ``12.50``) into the focused window."""
    text = amount_text.strip()
    if not _AMOUNT.fullmatch(text):
        raise LoyaltyError(f"Refusing to type {amount_text!r} into the POS: it is not an amount.",
                           hint="Type the amount by hand.")
    try:
        from pynput.keyboard import Controller
    except Exception as exc:  # noqa: BLE001 - pynput raises ImportError subclasses per backend
        raise LoyaltyError(
            f"Keyboard emulation is not available here: {exc}".rstrip(". ") + ".",
            hint="Type the amount by hand, or switch pos.keyboard_emulation off.",
        ) from None
    Controller().type(text)
