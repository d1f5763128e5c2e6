"""The whole scenario: every section, the checks across sections, the schema version and the content hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from wfm.scenario.calendar import Calendar
from wfm.scenario.costs import Costs
from wfm.scenario.field import postcode_key
from wfm.scenario.groups import AgentGroup
from wfm.scenario.inbound import Inbound
from wfm.scenario.outbound import Outbound
from wfm.scenario.strategy import ELECTRONIC, Strategy
from wfm.scenario.targets import Targets
from wfm.scenario.units import Model
from wfm.scenario.workforce import Workforce

SCHEMA_VERSION: Final = 1
"""Version of the scenario file format; a file of another version is refused, not guessed at."""


class RunSettings(Model):
    """Defaults for experiments started from this scenario (the CLI and GUI may override)."""

    replications: int = Field(default=5, ge=1, le=10_000)
    seed: int = Field(default=20_260_105, ge=0)


class Scenario(Model):
    """Everything a run needs; a run is a pure function of (scenario, seed)."""

    schema_version: Literal[1] = SCHEMA_VERSION
    name: str = "Untitled scenario"
    description: str = ""
    calendar: Calendar = Calendar()
    inbound: Inbound = Inbound()
    groups: tuple[AgentGroup, ...] = Field(min_length=1)
    workforce: Workforce = Workforce()
    costs: Costs = Costs()
    run: RunSettings = RunSettings()
    outbound: Outbound = Outbound()
    targets: Targets = Targets()
    strategy: Strategy = Strategy()

    @field_validator("groups")
    @classmethod
    def _distinct_group_names(cls, value: tuple[AgentGroup, ...]) -> tuple[AgentGroup, ...]:
        names = [g.name for g in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"group names {dupes} are used twice; give every group its own name")
        return value

    @model_validator(mode="after")
    def _someone_answers_inbound(self) -> Scenario:
        if self.inbound.enabled and not any(g.takes_inbound and g.headcount > 0 for g in self.groups):
            raise ValueError(
                "inbound is enabled but no inbound or blended group has agents;"
                " add headcount to such a group or set inbound.enabled = false"
            )
        return self

    @model_validator(mode="after")
    def _someone_dials(self) -> Scenario:
        if self.outbound.enabled and not any(g.kind != "inbound" and g.headcount > 0 for g in self.groups):
            raise ValueError(
                "outbound is enabled but no outbound or blended group has agents;"
                " add headcount to such a group or set outbound.enabled = false"
            )
        return self

    @model_validator(mode="after")
    def _workforce_names_known_groups(self) -> Scenario:
        sizes = {g.name: g.headcount for g in self.groups}
        for name, target in self.workforce.hiring.target_headcount.items():
            if name not in sizes:
                raise ValueError(
                    f"workforce.hiring.target_headcount names group {name!r}, which does not exist;"
                    f" use one of {sorted(sizes)}"
                )
            if not 0 <= target <= sizes[name]:
                raise ValueError(
                    f"workforce.hiring.target_headcount.{name} = {target} but the group's shift templates have"
                    f" {sizes[name]} slots; use a target between 0 and {sizes[name]} or add headcount to its shifts"
                )
        for name in self.costs.wage_per_hour_by_group:
            if name not in sizes:
                raise ValueError(
                    f"costs.wage_per_hour_by_group names group {name!r}, which does not exist;"
                    f" use one of {sorted(sizes)}"
                )
        return self

    @model_validator(mode="after")
    def _strategy_fits_the_portfolio(self) -> Scenario:
        if not self.strategy.enabled:
            if self.outbound.enabled and self.outbound.selection.priority == "score":
                raise ValueError("outbound.selection.priority = \"score\" ranks by the collection strategy's score;"
                                 " set strategy.enabled = true (with its paths) or choose another priority")
            return self
        if not self.outbound.enabled:
            raise ValueError("strategy.enabled needs outbound.enabled = true: the strategy treats the outbound"
                             " portfolio's accounts, and its phone steps are dialed by the outbound dialer")
        known = {s.name for s in self.outbound.portfolio.segments}
        unknown = sorted(self.strategy.segments_named() - known)
        if unknown:
            raise ValueError(f"strategy names segment(s) {unknown}, which the portfolio does not have; use some of"
                             f" {sorted(known)}")
        self._postcodes_known()
        self._reg_f_opt_out()
        return self

    def _postcodes_known(self) -> None:
        """Every postcode of the imported accounts is in the field teams' zone table (when there are visits)."""
        imported, field = self.outbound.portfolio.imported, self.strategy.field
        if field is None or not imported or not any(imported.postcode_names):
            return
        table = {postcode_key(p.code) for p in field.postcodes}
        for k, code in enumerate(imported.postcode_names):
            if code and postcode_key(code) not in table:
                i = int(np.flatnonzero(imported.postcode == k)[0])
                raise ValueError(f"outbound.portfolio.imported[{i}] (account {imported.account_id[i]}): postcode"
                                 f" {code!r} is not in strategy.field.postcodes; add it to the zone table (code, zone,"
                                 " centre_km) or clear the account's postcode to place it by the zone shares")
    def _reg_f_opt_out(self) -> None:
        """Reg F §1006.6(e): every e-mail and text carries an opt-out, so debtors under it must be able to use it.

        The model draws an opt-out response on every delivered SMS and e-mail; a channel whose
        opt-out share is 0 would claim that no debtor ever opts out of a message that must offer it.
        """
        compliance = self.outbound.compliance
        if not any("reg_f" in presets for presets in (compliance.presets, *compliance.by_country.values())):
            return
        silent = sorted(name for name in self.strategy.channels_used() & ELECTRONIC
                        if self.strategy.channels[name].responses.opt_out <= 0)  # type: ignore[index]
        if silent:
            raise ValueError(f"Reg F (12 CFR 1006.6(e)) puts an opt-out in every e-mail and text, but strategy.channels"
                             f" {silent} have responses.opt_out = 0; give each a share above 0 (e.g. 0.01)")

    @property
    def headcount(self) -> int:
        """Agents rostered over all groups."""
        return sum(g.headcount for g in self.groups)

    def content_hash(self) -> str:
        """A short fingerprint of every input, stored with each result for traceability.

        Imported accounts enter by their table's digest rather than row by row, so a run of a
        50,000-account scenario does not serialise every account to get its hash (a scenario
        without imported accounts hashes as it always has). The KPI `targets` judge results but
        do not shape them: they are left out, so setting one keeps the results' fingerprint. A
        disabled strategy shapes nothing either, so scenarios from before strategies hash as before.
        """
        exclude: dict[str, Any] = {"outbound": {"portfolio": {"imported"}}, "targets": True}
        if not self.strategy.enabled:
            exclude["strategy"] = True
        elif self.strategy.field is None:  # a strategy without home visits hashes as before them
            exclude["strategy"] = {"field"}
        data = self.model_dump(mode="json", exclude=exclude)
        imported = self.outbound.portfolio.imported
        data["outbound"]["portfolio"]["imported"] = f"sha256:{imported.digest}" if imported else []
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]
