"""Fixtures shared by every package's tests come from the packages' own testing plugins."""

pytest_plugins = ["loyalty.testing.plugin", "loyalty_pos_aronium.testing"]
