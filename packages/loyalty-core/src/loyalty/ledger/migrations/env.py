"""Alembic environment: the ledger runs migrations on a connection it opened itself."""

from alembic import context

from loyalty.ledger.schema import metadata


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite alters tables by copying them; batch mode does that for us
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
