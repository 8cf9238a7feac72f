"""Messages to customers: templates, and (with the outbox) their durable delivery."""
