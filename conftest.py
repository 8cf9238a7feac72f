"""Fixtures shared by every package's tests come from the packages' own testing plugins.

Hypothesis profiles: ``ci`` (chosen when the ``CI`` environment variable is set) draws the same
examples on every run, so a red build is the code's doing and reproduces anywhere; ``dev`` (the
default for local runs) draws new and many more examples each run, to find what CI cannot.
``HYPOTHESIS_PROFILE=ci|dev`` chooses one explicitly.
"""

from __future__ import annotations

import os

from hypothesis import settings


import os
import tempfile


# Commands run by the tests log to a file of their own, not to the user's log folder.
os.environ.setdefault("LOYALTY_LOG_FILE", os.path.join(tempfile.mkdtemp(), "loyalty.log"))

pytest_plugins = ["loyalty.testing.plugin", "loyalty_pos_aronium.testing"]

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=300)


def _profile() -> str:
    chosen = os.environ.get("HYPOTHESIS_PROFILE")
    if chosen:
        return chosen
    return "ci" if os.environ.get("CI", "").lower() not in ("", "0", "false") else "dev"


settings.load_profile(_profile())
