"""Pure Decimal finance: schedules, Regulation Z APR, deferred interest, insurance cost-sharing.

Import the submodule you need (``ketacost.finance.schedule``, ...): this package imports nothing, so a command
pays only for the arithmetic it uses.
"""
