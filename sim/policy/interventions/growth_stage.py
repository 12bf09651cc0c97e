"""Support for firms by growth stage: starting, growing and leading firms (seed 004).

Seed 004 (Ministry of SMEs and Startups, Asia Economy 16 Feb 2023): "enterprise groups will be
categorized by growth stage, and regions will be supported to autonomously design support
programs". The stages and what each is paid follow the Ministry's programmes:

- **starting** (창업기업): firms founded less than 7 years ago (중소기업창업 지원법, the SME
  Startup Support Act's definition); the start-up packages pay commercialisation money up to
  100 million KRW a firm under 3 years old (초기창업패키지, policywiki.kr) and 70-200 million KRW
  at 3-7 years (창업도약패키지). Only firms that enter during the run have a founding month in
  the model; firms present at the start are taken as older than 7 years (assumption: their
  founding dates are not in the scenario).
- **growing** (scale-up, 고성장기업): the OECD-Eurostat high-growth enterprise: at least 10
  employees at the start and employment growing 20% a year or more over three years
  (Eurostat-OECD Manual on Business Demography Statistics, 2007); measured in the run from the
  firm's employees at the start (or at entry) once ``min_months_observed`` months have passed.
- **leading** (선도기업, 월드클래스): firms with annual sales of 40 billion KRW or more, the
  World Class 300 project's floor (Hankyung dictionary); SMEs and mid-sized firms.

Each stage is one intervention (a package may hold all three). Each firm is supported once, as
the commercialisation instrument (``SupportForSales``): the budget buys ``support_per_firm_krw``
per full-scale firm for eligible firms in a random order. The money is a grant into the firm's
cash (ledger kind ``grant``): it carries the firm through months of losses the banks would not
finance, the survival channel; ``sales_uplift`` raises its sales to buyers outside the region
from ``lag_months`` after support for ``uplift_months``. The effect sizes are comparisons with
unsupported firms where one was found (the package file cites each); the programmes' own
before-after figures are the gross claims the bridge sets against them (jobs at supported firms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import GrowthStageSettings
from sim.policy.base import SupportForSales, register

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk


@register
class GrowthStageSupport(SupportForSales):
    Settings = GrowthStageSettings
    tracks_jobs = True

    def __init__(self, settings: GrowthStageSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: GrowthStageSettings = settings

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_supported": "firms given growth-stage support this month",
            "support_krw": "grants paid to firms this month, KRW",
            "firms_uplifted": "supported firms whose outside sales are raised at the end of the month",
        }

    def stage_mask(self, desk: PolicyDesk) -> np.ndarray | bool:
        """The firms of the settings' stage (see the module's docstring)."""
        settings, firms, month = self.settings, desk.firms, desk.month
        full_scale_start = firms.base_employees / np.maximum(firms.size_factor, 1e-12)
        mask = full_scale_start >= settings.min_employees
        if settings.stage == "starting":
            return mask & (firms.entry_month > 0) & (month - firms.entry_month < settings.max_age_months)
        if settings.stage == "growing":
            observed = month - firms.entry_month
            ratio = firms.employees / np.maximum(firms.base_employees, 1)
            with np.errstate(divide="ignore", invalid="ignore"):
                yearly = np.where(observed > 0, ratio ** (12.0 / np.maximum(observed, 1)) - 1.0, 0.0)
            return (
                mask
                & (firms.base_employees > 0)
                & (observed >= settings.min_months_observed)
                & (yearly >= settings.min_growth_per_year)
            )
        full_scale_sales = firms.annual_sales / np.maximum(firms.size_factor, 1e-12)
        return mask & (full_scale_sales >= settings.min_annual_sales_krw)

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        """Starting and growing firms appear during the run: warn only if no firm of the sectors exists."""
        if self.settings.stage == "leading":
            super().check(desk, source, index)
        elif not desk.eligible_firms(self.settings.sectors, self.settings.sme_only).any():
            self.warn(source, index, f"no firm in the scenario is eligible (firms of {self.settings.sectors})")

    def _pay(self, desk: PolicyDesk, firms: np.ndarray, amounts_krw: np.ndarray) -> np.ndarray:
        """A grant into the firm's cash."""
        return desk.pay_firms(self, firms, amounts_krw, "grant")
