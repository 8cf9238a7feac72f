"""E-mail over SMTP: the example channel plugin of docs/writing-a-channel.md."""
