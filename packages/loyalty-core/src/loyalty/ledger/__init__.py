"""The ledger: schema, migrations, the posting unit of work and the queries."""
