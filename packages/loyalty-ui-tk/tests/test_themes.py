"""Every theme recolours the window at once: ttk styles, text areas and open dialogs."""

from __future__ import annotations

from tkinter import ttk

import pytest

from loyalty.domain.settings import THEMES
from loyalty_ui_tk.themes import PALETTES


def test_there_is_a_palette_for_every_theme_the_settings_allow():
    assert set(PALETTES) == set(THEMES)


@pytest.mark.parametrize("theme", THEMES)
def test_choosing_a_theme_applies_it_at_once(app, theme):
    dialog = app.open_pay(3)
    app.settings.theme_chosen(theme)
    palette = PALETTES[theme]
    style = ttk.Style(app.root)
    assert style.lookup("TFrame", "background") == palette.background
    assert style.lookup("Treeview", "background") == palette.surface
    assert style.lookup("Accent.TButton", "background") == palette.accent
    assert style.lookup("Header.TFrame", "background") == palette.accent
    assert str(app.root.cget("background")) == palette.background
    assert str(dialog.cget("background")) == palette.background
    assert str(app.settings.template_texts["points_earned"].cget("background")) == palette.surface
    assert str(app.customers.tree.tag_configure("odd", "background")) == palette.stripe


def test_each_theme_looks_different():
    backgrounds = {(p.background, p.accent) for p in PALETTES.values()}
    assert len(backgrounds) == len(PALETTES)


def test_the_saved_theme_is_used_when_the_window_opens(demo, make_app):
    from loyalty.domain.settings import with_setting

    demo.update_settings(with_setting(demo.settings, "appearance.theme", "Dark"))
    app = make_app(demo)
    assert ttk.Style(app.root).lookup("TFrame", "background") == PALETTES["Dark"].background
