"""WhatsApp, Messenger, Telegram and Signal messages through CallMeBot."""
