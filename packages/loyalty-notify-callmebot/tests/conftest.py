"""Fixtures of the channel tests: a fake CallMeBot (``loyalty_notify_callmebot.testing``) and
a base URL nothing listens on."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from loyalty_notify_callmebot.testing import FakeCallMeBot
from loyalty_notify_callmebot.testing import fake_callmebot


@pytest.fixture
def callmebot() -> Iterator[FakeCallMeBot]:
    with fake_callmebot() as server:
        yield server


@pytest.fixture
def refused_url() -> str:
    """A base URL on a port nothing listens on: bind a free port, then close it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"

