"""The six colour themes of the Appearance tab, applied to ttk styles and plain Tk widgets.

A theme is a palette; ``apply_theme`` turns it into ttk style settings (on top of the portable
``clam`` theme) and recolours the few classic Tk widgets ttk has no style for (Text, Menu,
Toplevel). Widgets that colour things themselves (row stripes, tags) define
``apply_palette(palette)`` and are called with the new palette.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import font as tkfont
from tkinter import ttk
from typing import Literal

import attrs


@attrs.frozen
class Palette:
    background: str
    """Window background."""
    surface: str
    """Fields, tables and cards."""
    text: str
    muted: str
    """Secondary text: hints, empty states."""
    accent: str
    """Primary buttons, the selected tab, the header bar."""
    accent_text: str
    selection: str
    selection_text: str
    border: str
    stripe: str
    """Every other table row."""
    error: str = "#c0392b"
    success: str = "#1e7e34"
    star: str = "#e0a100"


PALETTES: dict[str, Palette] = {
    "Light": Palette(
        background="#f4f5f7", surface="#ffffff", text="#1f2933", muted="#6b7280",
        accent="#2f6fde", accent_text="#ffffff", selection="#dbe7fb", selection_text="#1f2933",
        border="#d5d9e0", stripe="#f7f9fc",
    ),
    "Dark": Palette(
        background="#1d2027", surface="#272b34", text="#e5e7eb", muted="#9aa3b2",
        accent="#4c8dff", accent_text="#0e1116", selection="#34476b", selection_text="#ffffff",
        border="#3a3f4b", stripe="#2d323c", error="#ff7b72", success="#56d364", star="#f5c542",
    ),
    "Green": Palette(
        background="#eef5f0", surface="#ffffff", text="#17301f", muted="#5c7264",
        accent="#1f8a4c", accent_text="#ffffff", selection="#d3eddc", selection_text="#17301f",
        border="#c9ddd0", stripe="#f5faf7",
    ),
    "Blue": Palette(
        background="#edf2fa", surface="#ffffff", text="#162a46", muted="#5a6b85",
        accent="#1d5fbf", accent_text="#ffffff", selection="#d4e2f7", selection_text="#162a46",
        border="#c8d5ea", stripe="#f4f7fc",
    ),
    "Red": Palette(
        background="#faf0ef", surface="#ffffff", text="#3b1716", muted="#7d5b59",
        accent="#c0392b", accent_text="#ffffff", selection="#f6d8d4", selection_text="#3b1716",
        border="#ead0cd", stripe="#fdf6f5", error="#a8071a",
    ),
    "Purple": Palette(
        background="#f3f0fa", surface="#ffffff", text="#271a45", muted="#6a5f85",
        accent="#6d3fc0", accent_text="#ffffff", selection="#e3d9f6", selection_text="#271a45",
        border="#d9d0ec", stripe="#f8f6fd",
    ),
}


def palette(name: str) -> Palette:
    return PALETTES.get(name, PALETTES["Light"])


def setup_fonts(root: tk.Misc) -> None:
    """One readable base size; bold and large variants for headings and the balance (once
    per window: a window that changes ledgers keeps its fonts)."""
    if hasattr(root, "loyalty_fonts"):
        return
    base = tkfont.nametofont("TkDefaultFont", root=root)
    base.configure(size=10)
    for name in ("TkTextFont", "TkMenuFont", "TkHeadingFont"):
        tkfont.nametofont(name, root=root).configure(family=base.actual("family"), size=10)
    family = base.actual("family")
    # tkinter deletes a named font when its Python object goes: keep them with the window.
    fonts: tuple[tuple[str, int, Literal["normal", "bold"]], ...] = (
        ("LoyaltyTitle", 15, "bold"), ("LoyaltyBig", 20, "bold"),
        ("LoyaltyBold", 10, "bold"), ("LoyaltySmall", 9, "normal"),
    )
    root.loyalty_fonts = [  # type: ignore[attr-defined]
        tkfont.Font(root=root, name=name, family=family, size=size, weight=weight)
        for name, size, weight in fonts
    ]


def apply_theme(root: tk.Misc, name: str) -> Palette:
    """Recolour the whole application, open dialogs included, at once."""
    p = palette(name)
    style = ttk.Style(root)
    if style.theme_use() != "clam":
        style.theme_use("clam")
    linespace = tkfont.nametofont("TkDefaultFont", root=root).metrics("linespace")

    style.configure(".", background=p.background, foreground=p.text, bordercolor=p.border,
                    lightcolor=p.background, darkcolor=p.background, troughcolor=p.background,
                    fieldbackground=p.surface, selectbackground=p.selection,
                    selectforeground=p.selection_text, insertcolor=p.text,
                    focuscolor=p.accent, arrowcolor=p.text)
    style.map(".", foreground=[("disabled", p.muted)])
    style.configure("TFrame", background=p.background)
    style.configure("Card.TFrame", background=p.surface, relief="solid", borderwidth=1)
    style.configure("Header.TFrame", background=p.accent)
    style.configure("TLabel", background=p.background, foreground=p.text)
    style.configure("Card.TLabel", background=p.surface)
    style.configure("Muted.TLabel", foreground=p.muted)
    style.configure("CardMuted.TLabel", background=p.surface, foreground=p.muted)
    style.configure("Error.TLabel", foreground=p.error)
    style.configure("Success.TLabel", foreground=p.success)
    style.configure("Title.TLabel", font="LoyaltyTitle")
    style.configure("Section.TLabel", font="LoyaltyBold")
    style.configure("Big.TLabel", background=p.surface, font="LoyaltyBig")
    style.configure("TierStars.TLabel", foreground=p.star)
    style.configure("Stars.TLabel", background=p.surface, foreground=p.star, font="LoyaltyTitle")
    style.configure("HeaderTitle.TLabel", background=p.accent, foreground=p.accent_text,
                    font="LoyaltyTitle")
    style.configure("HeaderInfo.TLabel", background=p.accent, foreground=p.accent_text)
    style.configure("Banner.TLabel", background=p.selection, foreground=p.selection_text,
                    padding=(10, 6))
    style.configure("Banner.TFrame", background=p.selection)
    style.configure("BannerTitle.TLabel", background=p.selection, foreground=p.selection_text,
                    font="LoyaltyBold")
    style.configure("Horizontal.TProgressbar", background=p.accent, troughcolor=p.surface,
                    bordercolor=p.border, lightcolor=p.accent, darkcolor=p.accent)

    style.configure("TButton", background=p.surface, foreground=p.text, padding=(12, 5),
                    bordercolor=p.border, lightcolor=p.surface, darkcolor=p.surface)
    style.map("TButton", background=[("pressed", p.selection), ("active", p.selection)],
              bordercolor=[("focus", p.accent)])
    style.configure("Accent.TButton", background=p.accent, foreground=p.accent_text,
                    bordercolor=p.accent, lightcolor=p.accent, darkcolor=p.accent,
                    font="LoyaltyBold")
    style.map("Accent.TButton", background=[("disabled", p.border), ("active", p.text)],
              foreground=[("disabled", p.muted), ("active", p.background)],
              lightcolor=[("active", p.text)], darkcolor=[("active", p.text)])
    style.configure("TMenubutton", background=p.surface, foreground=p.text, padding=(8, 3),
                    bordercolor=p.border, arrowcolor=p.text)
    style.map("TMenubutton", background=[("active", p.selection)])

    for widget in ("TEntry", "TCombobox", "TSpinbox"):
        style.configure(widget, fieldbackground=p.surface, foreground=p.text,
                        background=p.surface, bordercolor=p.border, lightcolor=p.surface,
                        darkcolor=p.surface, padding=4, arrowcolor=p.text, arrowsize=13)
        style.map(widget, bordercolor=[("focus", p.accent)], lightcolor=[("focus", p.accent)],
                  fieldbackground=[("readonly", p.surface), ("disabled", p.background)],
                  foreground=[("disabled", p.muted)],
                  selectbackground=[("readonly", p.surface)],
                  selectforeground=[("readonly", p.text)])
    for kind in ("TEntry", "TCombobox"):
        style.configure(f"Invalid.{kind}", bordercolor=p.error, lightcolor=p.error,
                        darkcolor=p.error)
    style.configure("Search.TEntry", padding=6)
    for widget in ("TCheckbutton", "TRadiobutton"):
        style.configure(widget, background=p.background, foreground=p.text,
                        indicatorbackground=p.surface, indicatorforeground=p.accent,
                        upperbordercolor=p.muted, lowerbordercolor=p.muted, indicatorsize=14,
                        indicatormargin=(0, 0, 6, 0))
        style.map(widget, background=[("active", p.background)],
                  indicatorbackground=[("selected", p.surface), ("active", p.selection)])
    style.configure("Card.TRadiobutton", background=p.surface)
    style.map("Card.TRadiobutton", background=[("active", p.surface)])
    style.configure("TLabelframe", background=p.background, bordercolor=p.border,
                    lightcolor=p.background, darkcolor=p.background)
    style.configure("TLabelframe.Label", background=p.background, foreground=p.accent,
                    font="LoyaltyBold")

    style.configure("TNotebook", background=p.background, bordercolor=p.border,
                    tabmargins=(6, 6, 6, 0), lightcolor=p.background, darkcolor=p.background)
    style.configure("TNotebook.Tab", background=p.background, foreground=p.muted,
                    padding=(16, 7), bordercolor=p.border, lightcolor=p.background,
                    darkcolor=p.background)
    style.map("TNotebook.Tab", background=[("selected", p.surface), ("active", p.selection)],
              foreground=[("selected", p.accent), ("active", p.text)],
              lightcolor=[("selected", p.accent)])
    style.configure("Sub.TNotebook.Tab", padding=(12, 5))

    style.configure("Treeview", background=p.surface, fieldbackground=p.surface,
                    foreground=p.text, bordercolor=p.border, rowheight=linespace + 12,
                    lightcolor=p.surface, darkcolor=p.surface)
    style.map("Treeview", background=[("selected", p.selection)],
              foreground=[("selected", p.selection_text)])
    style.configure("Treeview.Heading", background=p.background, foreground=p.muted,
                    font="LoyaltyBold", padding=(8, 6), bordercolor=p.border,
                    lightcolor=p.background, darkcolor=p.background, relief="flat")
    style.map("Treeview.Heading", background=[("active", p.selection)])
    style.configure("Vertical.TScrollbar", background=p.background, troughcolor=p.surface,
                    bordercolor=p.surface, arrowcolor=p.muted, lightcolor=p.background,
                    darkcolor=p.background, gripcount=0)
    style.configure("Horizontal.TScrollbar", background=p.background, troughcolor=p.surface,
                    bordercolor=p.surface, arrowcolor=p.muted, lightcolor=p.background,
                    darkcolor=p.background, gripcount=0)

    root.option_add("*TCombobox*Listbox.background", p.surface)
    root.option_add("*TCombobox*Listbox.foreground", p.text)
    root.option_add("*TCombobox*Listbox.selectBackground", p.selection)
    root.option_add("*TCombobox*Listbox.selectForeground", p.selection_text)
    root.option_add("*Menu.background", p.surface)
    root.option_add("*Menu.foreground", p.text)
    root.option_add("*Menu.activeBackground", p.selection)
    root.option_add("*Menu.activeForeground", p.selection_text)
    recolour(root, p)
    return p


def recolour(widget: tk.Misc, p: Palette) -> None:
    """Classic Tk widgets ignore ttk styles: colour them one by one, and call hooks."""
    if isinstance(widget, tk.Tk | tk.Toplevel):
        widget.configure(background=p.background)
    elif isinstance(widget, tk.Text):
        widget.configure(background=p.surface, foreground=p.text, insertbackground=p.text,
                         selectbackground=p.selection, selectforeground=p.selection_text,
                         highlightbackground=p.border, highlightcolor=p.accent)
    elif isinstance(widget, tk.Menu):
        widget.configure(background=p.surface, foreground=p.text,
                         activebackground=p.selection, activeforeground=p.selection_text)
    hook = getattr(widget, "apply_palette", None)
    if callable(hook):
        hook(p)
    for child in widget.winfo_children():
        recolour(child, p)
