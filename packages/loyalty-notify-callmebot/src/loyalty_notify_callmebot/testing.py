"""A local HTTP server that answers like CallMeBot, for tests of delivery (this package's, and
any that sends through the real channels: the desktop window's).

The first path segment picks the behaviour, so a test chooses it through the ``base_url``
setting: ``http://127.0.0.1:PORT/ok`` succeeds, ``/bad-key`` answers 200 with CallMeBot's
error text, ``/busy`` says too many requests, ``/slow`` answers after ``SLOW_SECONDS``,
``/broken`` fails with HTTP 500, ``/odd`` answers a page nobody expects, ``/quoting``
answers an error page that quotes the success text, ``/echo`` an error page that echoes the
request's URL and parameters, ``/limited`` answers HTTP 429 to the key
``LIMITED_KEY`` only. Every request is
recorded with its raw query string and the decoded parameters.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import attrs


SLOW_SECONDS = 1.5
LIMITED_KEY = "5550999"

SUCCESS_PAGES = {
    "/whatsapp.php": "<p><b>Message queued.</b> You will receive it in a few seconds.</p>",
    "/signal/send.php": "<p>Message sent to +34600000000</p>",
    "/facebook/send.php": "<p>Message sent to Amara</p>",
    "/text.php": "<html><body>Status: Successful<br>Message sent.</body></html>",
}


@attrs.frozen
class Received:
    path: str
    raw_query: str
    params: dict[str, str]


class CallMeBotLike(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        behaviour, _, endpoint = url.path.lstrip("/").partition("/")
        endpoint = "/" + endpoint
        params = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        self.server.received.append(Received(endpoint, url.query, params))  # type: ignore[attr-defined]
        if endpoint not in SUCCESS_PAGES:
            return self._answer(404, "<p>Not found</p>")
        if behaviour == "ok":
            return self._answer(200, SUCCESS_PAGES[endpoint])
        if behaviour == "bad-key":
            return self._answer(200, "<p><b>APIKey is invalid.</b> Please check that the "
                                f"apikey {params.get('apikey')} is correct.</p>")
        if behaviour == "busy":
            return self._answer(200, "<p>Too many requests: your account is temporarily "
                                "paused.</p>")
        if behaviour == "slow":
            time.sleep(SLOW_SECONDS)
            return self._answer(200, SUCCESS_PAGES[endpoint])
        if behaviour == "echo":
            return self._answer(400, f"<p>Bad request: {self.path} ({params})</p>")
        if behaviour == "quoting":
            return self._answer(200, "<p><b>Error:</b> the apikey is not valid. Once it is, "
                                "you will see <i>Message queued</i> here.</p>")
        if behaviour == "limited":
            if params.get("apikey") == LIMITED_KEY:
                return self._answer(429, "<p>Too many requests</p>")
            return self._answer(200, SUCCESS_PAGES[endpoint])
        if behaviour == "broken":
            return self._answer(500, "<h1>Internal Server Error</h1>")
        return self._answer(200, "<p>Hello! Something changed.</p>")

    def _answer(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads ``received`` instead."""


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (a test's read timeout) is expected: no traceback on stderr,
        where it would land in a later test's captured output."""


@attrs.define
class FakeCallMeBot:
    server: ThreadingHTTPServer

    @property
    def root(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, behaviour: str) -> str:
        return f"{self.root}/{behaviour}"

    @property
    def received(self) -> list[Received]:
        return self.server.received  # type: ignore[attr-defined]


@contextmanager
def fake_callmebot() -> Iterator[FakeCallMeBot]:
    """A fake CallMeBot on a free local port, for the ``with`` block."""
    server = QuietServer(("127.0.0.1", 0), CallMeBotLike)
    server.daemon_threads = True
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield FakeCallMeBot(server)
    finally:
        server.shutdown()
        server.server_close()
