"""The domain: what a loyalty programme is, with no I/O.

Events (immutable facts), money, settings (the model and its file), the records the ledger
returns, the contracts a POS or channel plugin fulfils, and the rule engines in ``rules/``:
pure functions that take the clock and randomness as arguments. Nothing here imports the
ledger, the services or the engine.
"""
