"""Who gets a free agent: the inbound queue or the dialer (DESIGN §3 and §4).

Inbound-only agents never dial and outbound-only agents never take inbound calls. A blended
agent who becomes free serves a waiting caller first; otherwise, unless needed for the idle
reserve kept for inbound, the agent is offered to the dialer. In power and predictive modes
such an agent stays on the ACD's idle list too, so an arriving call takes them before the
dialer connects them (inbound first); in preview and progressive modes the agent is bound to
a dialed line and is not pulled back: a call arriving then waits for the next free agent.
"""

from __future__ import annotations

from wfm.scenario import Scenario
from wfm.sim.agents import Agent
from wfm.sim.inbound import InboundACD
from wfm.sim.outbound.dialer import Dialer


class BlendingRouter:
    """The `Floor.on_free` callback of a run with outbound."""

    def __init__(self, scenario: Scenario, acd: InboundACD, dialer: Dialer) -> None:
        self.acd = acd
        self.dialer = dialer
        self.inbound = scenario.inbound.enabled
        self.reserve = scenario.outbound.blending.inbound_reserve
        # By group, not by agent: hires arrive during the run with new agent ids.
        self.dialing_groups = frozenset(i for i, g in enumerate(scenario.groups) if g.kind != "inbound")

    def agent_free(self, agent: Agent) -> None:
        """Route an agent who just became available."""
        if agent.entry.group_index not in self.dialing_groups:
            self.acd.agent_free(agent)
            return
        if not agent.takes_inbound:
            self.dialer.agent_free(agent)
            return
        if self.inbound and self.acd.serve_waiting(agent):
            return
        self.acd.park(agent)
        if self.reserve and self._reserve_short():
            return
        self.dialer.agent_free(agent)

    def _reserve_short(self) -> bool:
        """Whether fewer than `reserve` idle agents are kept away from the dialer (this one included)."""
        kept = sum(1 for a in self.acd.idle_agents() if not self.dialer.is_pooled(a))
        return kept <= self.reserve
