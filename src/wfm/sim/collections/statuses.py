"""The account statuses the strategy's parts read alike, in one place so they cannot drift apart.

The path walk, the identified debtors' calls and the field visits each ask "is this account done?" and
"may it be phoned?"; a status added to `wfm.sim.outbound.accounts` is sorted here once for all of them.
"""

from __future__ import annotations

from wfm.sim.outbound.accounts import DISPUTED, DO_NOT_CALL, LEGAL, PAID, RETURNED, UNREACHABLE

CLOSED = (PAID, DISPUTED, RETURNED, LEGAL)
"""Out of the treatment for good: nothing more is sent, dialed, visited or booked."""
NO_PHONE = (DO_NOT_CALL, UNREACHABLE)
"""Open but not callable: a promise made elsewhere does not make the number callable."""
