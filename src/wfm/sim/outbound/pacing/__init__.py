"""One pacer per dialer mode behind one small interface; `make_pacer` is the only place that reads the mode.

- `bound.PreviewPacer`, `bound.ProgressivePacer`: one line per free agent, bound to them.
- `power.PowerPacer`: a fixed number of paced lines per free agent.
- `predictive.PredictivePacer`: paced lines for the agents free now and soon, at an adaptive level.
The paced modes are watched by the drop-cap guard (`wfm.sim.outbound.guard`).
"""

from __future__ import annotations

from collections.abc import Sequence

from wfm.scenario.outbound import Outbound
from wfm.sim.outbound.counters import Counters
from wfm.sim.outbound.guard import DropGuard, PackDropGuard
from wfm.sim.outbound.pacing.base import DialPort, Pacer
from wfm.sim.outbound.pacing.bound import PreviewPacer, ProgressivePacer
from wfm.sim.outbound.pacing.estimates import LineStats
from wfm.sim.outbound.pacing.power import PowerPacer
from wfm.sim.outbound.pacing.predictive import PredictivePacer

__all__ = ["DialPort", "Pacer", "PowerPacer", "PredictivePacer", "PreviewPacer", "ProgressivePacer", "make_pacer"]


def make_pacer(spec: Outbound, counters: Counters, stats: LineStats, pack: Sequence[int] = ()) -> Pacer:
    """The pacer of the scenario's dialer mode (a pinned `fixed_level` makes predictive a fixed-ratio dialer).

    `pack`: each account's rule pack; with several packs the guard keeps each pack's window (`PackDropGuard`).
    """
    d = spec.dialer
    rules = [p.rules for p in spec.compliance.packs()]
    if d.mode == "preview":
        return PreviewPacer(d.preview_s)
    if d.mode == "progressive":
        return ProgressivePacer()
    guard = PackDropGuard(spec, counters, pack) if len(rules) > 1 else DropGuard(spec, counters)
    # The highest pick-up chance a line can have: the guard judges the next line at it.
    max_base = min(1.0, max(s.contact for s in spec.portfolio.segments) * max(spec.attempts.live_by_hour))
    if d.mode == "power" or d.fixed_level:
        return PowerPacer(d.fixed_level or d.lines_per_agent, guard, stats, max_base)
    conv = spec.conversation
    return PredictivePacer(d, conv.acw, (conv.rpc_talk, conv.third_party_talk, conv.machine_talk), rules, counters,
                           guard, stats, max_base)
