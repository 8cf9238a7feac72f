"""Message templates: which placeholders each occasion offers, checking and rendering them.

Templates use ``{name}`` placeholders only. Attribute or index access (``{customer.__class__}``,
``{x[0]}``), format specs and conversions are refused, so a template typed into the Settings
tab can never reach into the engine's objects. An unknown placeholder is refused when the
template is saved, with the list of valid ones.
"""

from __future__ import annotations

import string
from collections.abc import Mapping


COMMON = ("customer_name", "shop_name", "balance", "value", "rating", "stars", "currency")

PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "points_earned": (*COMMON, "points_earned", "document"),
    "points_spent": (*COMMON, "points_spent", "spent_value", "document"),
    "tier_raised": (*COMMON, "old_rating", "old_stars"),
    "points_earned_max_level": (*COMMON, "points_earned", "document"),
    "draw_won": (*COMMON, "prize_points"),
    "points_expiring": (*COMMON, "expiring_points", "expiry_date"),
    "tier_lowered": (*COMMON, "old_rating", "old_stars", "recent_points", "months"),
}
"""The placeholders each template may use, by template name (the settings field)."""

CUSTOM = "custom"
"""The template name of a message the shop writes itself, to one customer or a segment; it
offers the placeholders every template does."""

DESCRIPTIONS: dict[str, str] = {
    "customer_name": "the customer's name",
    "shop_name": "your shop's name",
    "balance": "points after the change",
    "value": "what the balance is worth in money",
    "rating": "the star rating, e.g. ★★★☆☆",
    "stars": "the number of stars",
    "currency": "the currency code",
    "points_earned": "points just earned",
    "points_spent": "points just spent",
    "spent_value": "what the spent points paid for",
    "document": "the POS document number",
    "old_rating": "the rating before",
    "old_stars": "the stars before",
    "prize_points": "the points won",
    "expiring_points": "points about to expire",
    "expiry_date": "the day they expire",
    "recent_points": "points earned in the tier review's months",
    "months": "the tier review's months",
}


class TemplateError(ValueError):
    """A template that cannot be saved; the message lists what is allowed."""


def placeholders_in(template: str) -> list[str]:
    """The placeholder names a template uses, in order; raises ``TemplateError`` if malformed."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(
            f"has a stray brace ({exc}); write {{{{ or }}}} for a literal brace"
        ) from None
    names = []
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise TemplateError(
                f"{{{field}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
                " is not a plain placeholder; use names like {customer_name}"
            )
        names.append(field)
    return names


def allowed_placeholders(name: str) -> tuple[str, ...]:
    """The placeholders template ``name`` (a settings field, or ``CUSTOM``) may use."""
    return COMMON if name == CUSTOM else PLACEHOLDERS[name]


def check_template(name: str, template: str) -> None:
    """Refuse a template with placeholders its occasion does not offer."""
    allowed = allowed_placeholders(name)
    unknown = [p for p in placeholders_in(template) if p not in allowed]
    if unknown:
        raise TemplateError(
            f"unknown placeholder {{{unknown[0]}}}; valid ones are "
            + ", ".join(f"{{{p}}}" for p in allowed)
        )


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill a checked template; only plain names are looked up, and only in ``values``."""
    pieces = []
    for literal, field, _, _ in string.Formatter().parse(template):
        pieces.append(literal)
        if field is not None:
            pieces.append(str(values.get(field, "")))
    return "".join(pieces)
