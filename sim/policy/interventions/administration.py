"""Programme administration and governance: money spent evenly over the programme, with no modelled effect.

Packages such as Gwangju's include a governance project (councils, counselling centres,
monitoring) whose effect on jobs the model does not represent. Recording it as spending
keeps the package's total and its cost per job honest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from sim.policy.base import Intervention, InterventionSettings, register

if TYPE_CHECKING:
    from sim.model import RegionModel


class AdministrationSettings(InterventionSettings):
    type: Literal["administration"]


@register
class Administration(Intervention):
    Settings = AdministrationSettings

    def step(self, model: RegionModel, month: int) -> None:
        if not self.open_in(model, month):
            return
        months = self.last_month(model) - self.first_month(model) + 1
        amount = self.budget.total_krw / months
        model.pay_for_services(self, "project", np.array([-1]), np.array([amount]), "administration")
