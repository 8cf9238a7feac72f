"""The use cases: recording sales, paying with points, expiry, draws, coupons, memberships...

Each takes a small shop context (settings, currency, clock, business date) and a ledger
unit of work opened by the engine, never the engine itself; the rules they apply come from
``loyalty.domain.rules`` and every statement they run from ``loyalty.ledger``.
"""
