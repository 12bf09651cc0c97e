"""Programme administration and governance: money spent evenly over the programme, with no modelled effect.

Packages such as Gwangju's include a governance project (councils, counselling centres,
monitoring) whose effect on jobs the model does not represent. Recording it as spending
keeps the package's total and its cost per job honest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import AdministrationSettings
from sim.policy.base import Intervention, register

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class Administration(Intervention):
    Settings = AdministrationSettings

    def step(self, desk: PolicyDesk, month: int) -> None:
        if not self.open_in(desk, month):
            return
        months = self.last_month(desk) - self.first_month(desk) + 1
        amount = self.budget.total_krw / months
        desk.pay_for_services(self, "project", np.array([-1]), np.array([amount]), "administration")
