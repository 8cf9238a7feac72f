"""The plugin system: hook specifications, the typed manager, plugin options, built-in plugins."""
