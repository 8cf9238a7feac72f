"""Secrets never survive redaction, whatever surrounds them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.redaction import redact


keys = st.text(alphabet="0123456789abcdefXYZ-_", min_size=4, max_size=40)
noise = st.text(max_size=60)


@given(key=keys, before=noise, after=noise)
def test_a_known_secret_is_masked_wherever_it_appears(key, before, after):
    assert key not in redact(f"{before}{key}{after}{key}", [key])


@given(key=keys, param=st.sampled_from(["apikey", "APIKEY", "api_key", "token"]))
def test_secret_looking_parameters_are_masked_without_being_told(key, param):
    url = f"https://api.callmebot.com/whatsapp.php?phone=%2B94&{param}={key}&text=Hi"
    assert redact(url) == f"https://api.callmebot.com/whatsapp.php?phone=%2B94&{param}=***&text=Hi"


def test_overlapping_copies_are_masked_too():
    assert "1212" not in redact("121212", ["1212"])


def test_text_without_secrets_is_left_alone():
    assert redact("Message queued. You will receive it in a few seconds.", [None, ""]) == (
        "Message queued. You will receive it in a few seconds.")
