"""E-mail over SMTP: the example channel plugin built in docs/writing-a-channel.md.

A customer whose platform is ``email`` gets their messages at the address in their
messaging key. The SMTP server is set in ``[plugins.email]`` of the shop's settings.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formataddr

import attrs

from loyalty.domain.channels import DeliveryFailed
from loyalty.domain.channels import Recipient
from loyalty.plugins.hookspecs import hookimpl
from loyalty.plugins.options import plugin_options
from loyalty.domain.settings import Settings


@attrs.frozen
class SmtpOptions:
    host: str = "localhost"
    port: int = 25
    sender: str = "shop@localhost"
    """The From address."""
    subject: str = "A message from your shop"
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    """Never shown: ``repr=False`` keeps it out of logs and tracebacks."""
    starttls: bool = False
    timeout: float = 10.0


@attrs.frozen
class EmailChannel:
    options: SmtpOptions
    name: str = "email"
    title: str = "E-mail"

    def send(self, recipient: Recipient, text: str) -> None:
        address = (recipient.key or "").strip()
        if "@" not in address:
            raise DeliveryFailed(f"{address!r} is not an e-mail address", permanent=True)
        message = EmailMessage()
        message["From"] = self.options.sender
        message["To"] = formataddr((recipient.name, address))
        message["Subject"] = self.options.subject
        message.set_content(text)  # UTF-8: names and emoji arrive as typed
        try:
            with smtplib.SMTP(self.options.host, self.options.port,
                              timeout=self.options.timeout) as smtp:
                if self.options.starttls:
                    smtp.starttls()
                if self.options.username:
                    smtp.login(self.options.username, self.options.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryFailed(f"the mail server refused {address}: {exc.recipients}",
                                 permanent=True) from None
        except smtplib.SMTPResponseException as exc:
            # 5xx: the server will never take it; 4xx: try again later.
            raise DeliveryFailed(f"the mail server said {exc.smtp_code} {exc.smtp_error!r}",
                                 permanent=exc.smtp_code >= 500) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"cannot reach the mail server {self.options.host}:"
                                 f"{self.options.port}: {exc}") from None


@hookimpl
def loyalty_channels(settings: Settings | None) -> list[EmailChannel]:
    """The channel, configured from ``[plugins.email]``; wrong options are refused by name."""
    return [EmailChannel(plugin_options(SmtpOptions, settings, "email"))]
