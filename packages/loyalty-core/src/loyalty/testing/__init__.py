"""Helpers for tests and demonstrations: the pytest plugin, fakes, the multi-till harness.

Only ``loyalty.testing.plugin`` needs pytest (``pip install loyalty-core[testing]``).
"""
