"""Firms as Mesa agents: thin named views onto rows of the region's firm table.

Firms are ``mesa.Agent`` objects so that Mesa's tools (``model.agents``, AgentSet queries)
see them, but their state lives in the :class:`~sim.region.state.FirmTable` columns and the
stages update all firms at once; a Python loop over tens of thousands of firms each month
would dominate the run time. The model makes a firm's agent the first time its agents are read
(``model.firm_agents``, ``model.agents``, ``model.agents_by_type``), since the months never read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.inputs.scenario import PART_TYPES
from sim.mesa_import import import_mesa
from sim.region.state import FIRM_STATUS_NAMES, NO_PART, ROLE_NAMES, FirmTable

if TYPE_CHECKING:
    import mesa
else:
    mesa = import_mesa()  # the same module as ``import mesa``, imported faster (sim/mesa_import.py)


class Firm(mesa.Agent):
    """One firm as a Mesa agent: a named view onto its row of the model's FirmTable."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def _table(self) -> FirmTable:
        return self.model.firms

    @property
    def name(self) -> str:
        return self._table.name[self.index]

    @property
    def sector(self) -> str:
        return self.model.config.sector_names[self._table.sector[self.index]]

    @property
    def role(self) -> str:
        return ROLE_NAMES[self._table.role[self.index]]

    @property
    def part_type(self) -> str | None:
        code = self._table.part_type[self.index]
        return None if code == NO_PART else PART_TYPES[code]

    @property
    def status(self) -> str:
        return FIRM_STATUS_NAMES[self._table.status[self.index]]

    @property
    def employees(self) -> int:
        return int(self._table.employees[self.index])

    @property
    def is_sme(self) -> bool:
        return bool(self._table.is_sme[self.index])

    @property
    def cash_krw(self) -> float:
        return float(self._table.cash[self.index])

    @property
    def debt_krw(self) -> float:
        return float(self._table.debt[self.index])

    def __repr__(self) -> str:
        return (
            f"Firm({self.index}, {self.name!r}, {self.sector}/{self.role}, {self.status}, {self.employees} employees)"
        )
