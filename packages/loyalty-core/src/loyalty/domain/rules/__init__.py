"""Rule engines: pure functions of settings and history, no I/O, no clock, no randomness.

The ledger and the engine call them; tests call them directly. Anything that depends on time
or chance takes it as an argument.
"""
