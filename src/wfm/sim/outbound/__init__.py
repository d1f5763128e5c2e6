"""The outbound model, one job per module.

- `accounts`: the portfolio arrays, and the accounts' live state (status, selection ranking, promises, payments).
- `selection`: the day's priority order walked under the contact rules (which account to dial next).
- `attempts`: the line record, the outcome and talk-time draws, call kinds.
- `pacing`: one pacer per dialer mode behind one interface; `make_pacer` is the only reader of the mode.
- `guard`: the drop-cap guard (fallback to bound lines while the window's cap is at risk).
- `compliance`: the contact rules checked before each dial, and an independent audit.
- `counters`: what the campaign counts as it runs; `result`: the frozen `OutboundSeries`.
- `dialer`: the SimPy callbacks that move lines through the pieces.
"""
