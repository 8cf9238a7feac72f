"""Fixtures shared by every package's tests come from the packages' own testing plugins."""

import os
import tempfile


# Commands run by the tests log to a file of their own, not to the user's log folder.
os.environ.setdefault("LOYALTY_LOG_FILE", os.path.join(tempfile.mkdtemp(), "loyalty.log"))

pytest_plugins = ["loyalty.testing.plugin", "loyalty_pos_aronium.testing"]
