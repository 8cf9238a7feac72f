"""CallMeBot's HTTP API: where each channel's GET goes, and what its answers mean.

CallMeBot answers with a small HTML page, often with status 200 even when nothing was sent
(a wrong API key, a throttled account). So an answer counts as sent only when it contains the
channel's success text; everything else is a failure, classified as:

* transient (retry later): connection errors, HTTP 5xx and 429, "too many requests" and
  "paused" pages. Throttling pauses that recipient (CallMeBot limits each API key, which is
  each customer's own, and is known to lock a key for 15 minutes after bursts); the
  channel's other customers go on.
* permanent (do not retry): a wrong or unknown key, HTTP 4xx, an answer we do not recognise,
  and a read timeout: the request reached CallMeBot, which may have queued the message, so
  sending again could deliver it twice. The shop sees it as failed and can retry it by hand.

The success texts come from open-source clients (see docs/notifications.md); they are
options in case CallMeBot rewords them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import attrs
import requests

from loyalty.domain.redaction import redact


DEFAULT_BASE_URL = "https://api.callmebot.com"

PATHS = {
    "whatsapp": "/whatsapp.php",
    "signal": "/signal/send.php",
    "messenger": "/facebook/send.php",
    "telegram": "/text.php",
}

SUCCESS_TEXTS = {
    "whatsapp": "Message queued",
    "signal": "Message sent to",
    "messenger": "Message sent",
    "telegram": "Status: Successful",
}

THROTTLED_WORDS = ("too many", "paused", "try again later", "slow down")

FAILURE_WORDS = ("error", "invalid", "wrong", "denied", "blocked", "not ", "unable", "fail",
                 "problem", "expired", "unknown")
"""Words of CallMeBot's failure pages: a page that has them is no success, whatever else it
quotes (an error page can echo "Message queued" from its help text)."""

THROTTLE_PAUSE = 900.0
"""Seconds to leave a throttled channel alone (CallMeBot's observed 15-minute lock)."""

_TAG = re.compile(r"<[^>]+>")
_URL_IN_ERROR = re.compile(r"url: \S+")


@attrs.frozen
class Answer:
    outcome: str
    """``sent``, ``transient`` or ``permanent``."""
    detail: str
    """What CallMeBot said, as plain text without secrets."""
    retry_after: float | None = None


def page_text(body: str, limit: int = 250) -> str:
    """An HTML answer as one short line of text."""
    text = " ".join(html.unescape(_TAG.sub(" ", body)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def classify(
    channel: str, status: int, body: str, *, success_text: str | None = None,
    retry_after_header: str | None = None, throttle_pause: float = THROTTLE_PAUSE,
) -> Answer:
    """What an answer from CallMeBot means for the message."""
    text = page_text(body)
    marker = success_text or SUCCESS_TEXTS[channel]
    lowered = page_text(body, limit=len(body) + 1).lower()
    if 200 <= status < 300 and marker.lower() in lowered and not any(
            word in lowered for word in FAILURE_WORDS + THROTTLED_WORDS):
        return Answer("sent", text)
    said = f"CallMeBot answered HTTP {status}: {text or '(empty page)'}"
    if status == 429 or any(word in lowered for word in THROTTLED_WORDS):
        wait = throttle_pause
        if retry_after_header and retry_after_header.strip().isdigit():
            wait = float(retry_after_header)
        return Answer("transient", said, retry_after=wait)
    if status >= 500:
        return Answer("transient", said)
    # A wrong key, a 4xx, or a page we do not recognise: retrying cannot help, and for an
    # unrecognised page it might send twice.
    return Answer("permanent", said)


def call(
    session: requests.Session,
    url: str,
    channel: str,
    params: Mapping[str, str],
    *,
    timeout: tuple[float, float],
    success_text: str | None = None,
    throttle_pause: float = THROTTLE_PAUSE,
) -> Answer:
    """One GET to CallMeBot; ``params`` are percent-encoded as UTF-8 by requests."""
    secrets = [params.get("apikey"), params.get("phone"), params.get("text")]
    try:
        response = session.get(url, params=dict(params), timeout=timeout)
    except (requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema,
            requests.exceptions.InvalidURL) as exc:  # a setting is wrong: retrying cannot help
        return Answer("permanent", redact(f"the CallMeBot address is not usable: {_reason(exc)}; "
                                          "fix plugins.callmebot.base_url", secrets))
    except requests.ConnectionError as exc:  # includes ConnectTimeout: nothing was sent
        return Answer("transient", redact(f"cannot reach CallMeBot: {_reason(exc)}", secrets))
    except requests.ReadTimeout:
        return Answer("permanent", f"CallMeBot did not answer within {timeout[1]:g} s; the "
                      "message may have been sent, so it is not retried automatically")
    except requests.RequestException as exc:
        return Answer("transient", redact(f"request to CallMeBot failed: {_reason(exc)}", secrets))
    # Mask what the request carried before anything of the page is kept: a server that echoes
    # the URL must not put the key, the phone or the message into the error shown or logged.
    answer = classify(
        channel, response.status_code, redact(response.text, secrets, personal=True),
        success_text=success_text,
        retry_after_header=response.headers.get("Retry-After"), throttle_pause=throttle_pause,
    )
    return attrs.evolve(answer, detail=redact(answer.detail, secrets))


def _reason(exc: Exception) -> str:
    """A requests error as text without its URL, which holds the key."""
    return f"{type(exc).__name__}: " + _URL_IN_ERROR.sub("url (hidden)", str(exc))
