"""Commercialisation support: prototypes, testing and certification, marketing for local SMEs, raising sales outside.

Modelled on the Ministry of SMEs and Startups' part of the 2025 Si/Gun/Gu Local Industry
Development Collaboration Project (seed 001: "commercialization including resolving technical
difficulties, demonstration and prototype production, certification, marketing") and its
forerunner, the Si/Gun/Gu local-industry (연고산업) development project run by the
technoparks: about 0.5 bn KRW of national money a task a year for up to three years (MSS,
Ajunews 19 May 2021), up to 50 million KRW a firm a year for prototypes, testing and
certification, marketing and IP (Jeonnam Technopark's Hampyeong task, Etnews 3 Mar 2024);
its predecessor, the regional leading-firm programme (지역특화선도기업), gave up to 40 million KRW
a firm (MKE and SBC, Etoday 14 Jul 2011).

What the support buys: the firm's products reach buyers they did not reach (certification
opens markets, marketing finds new customers). The effect size is a comparison with
unsupported firms, not the programmes' own before-after figures: Korean SME and mid-sized
exporters in government support programmes (finance, technology, staff, market access) grew
their sales 5.7% more than non-participants, their exports 11.2% more, with the effect still
there one to two years on (KITA Institute for International Trade, 정부지원사업의 수출기업 성과
영향 분석, panel of 2,040 exporters 2018-2022 from Statistics Korea's business register and
customs data; Edaily). The programmes' own figures are gross: supported firms' sales grew
22% a year (regional leading firms, SBC 2011) and 22.3% (SBC's HIT500 marketing support, 557
firms, Newstomato), with no comparison group.

Money buys volume: the budget, spread over the months the programme is open (unspent
allowance carries over), buys support of ``support_per_firm_krw`` per full-scale firm (times
the sampled firm's size factor) for active SMEs of ``sectors`` not yet supported, in a random
order from the programme's own stream; each firm is supported once (assumption: a task
selects its firms once). When the eligible firms run out, more money buys nothing: the
programme's diminishing return. The support is services bought from providers
(technoparks, testing and certification bodies, agencies) the model does not hold: ledger
kind ``commercialisation``, spent for good.

Channel: the desk's sales-uplift lever with every won of the rise from buyers outside the
region (sim/region/orders.py ``outside_uplift``): a supported firm's orders are
``sales_uplift`` higher than they would be for ``uplift_months`` months, and no other local
firm loses (the buyers are outside). Another sales lever set on the same firm would be
overwritten; the instruments that set one (social economy) reach local-services firms, this one
the traded sectors a package names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.interventions import CommercialisationSettings
from sim.policy.base import Intervention, register
from sim.region.state import ACTIVE, Column

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk

#: Month value of a firm the programme has not supported.
NOT_SUPPORTED = -1


class SupportForSales(Intervention):
    """Support bought once per firm that raises its sales to buyers outside the region, after a lag.

    Shared by the instruments whose mechanism is the same (commercialisation; support by growth
    stage and R&D grants for future industries, seed 004): the budget, spread over the months
    the programme is open, buys ``support per full-scale firm x size factor`` for eligible firms
    not yet supported, in a random order from the programme's own stream; each firm once. The
    firm's outside sales are ``sales_uplift`` higher from ``lag_months`` after support for
    ``uplift_months`` months (the desk's sales-uplift lever, all of it from buyers outside).
    Subclasses say who is eligible (``stage_mask``), what a firm costs (``unit_cost_krw``) and how
    the money is paid (``_pay``: services bought for the firm, or a grant into its cash).
    """

    bridge_units = "firms"
    gross_output = "jobs_in_supported_firms"
    gross_rule = ("supported_firms", None)
    headcount_rule = ("first_support", None)
    #: Whether to keep each supported firm's employees at support (for a programme's measured performance).
    tracks_jobs: bool = False

    @classmethod
    def firm_columns(cls) -> dict[str, Column]:
        columns = {
            "supported_month": Column(
                np.int64, NOT_SUPPORTED, "model month the programme supported the firm (-1: never)", cls.type
            )
        }
        if cls.tracks_jobs:
            columns["employees_at_support"] = Column(
                np.int64, 0, "the firm's employees in the month it was supported (sample)", cls.type
            )
        return columns

    @property
    def lag_months(self) -> int:
        return getattr(self.settings, "lag_months", 0)

    def unit_cost_krw(self) -> float:
        """Support per full-scale firm, KRW."""
        return self.settings.support_per_firm_krw

    def stage_mask(self, desk: PolicyDesk) -> np.ndarray | bool:
        """Further conditions on the firms (all firms: True)."""
        return True

    def eligible(self, desk: PolicyDesk) -> np.ndarray:
        """Mask of active SMEs of the programme's sectors not supported yet (and meeting ``stage_mask``)."""
        supported = desk.own(self, "supported_month")
        sme_only = getattr(self.settings, "sme_only", True)
        return desk.eligible_firms(self.settings.sectors, sme_only) & (supported == NOT_SUPPORTED) & self.stage_mask(desk)

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        if not self.eligible(desk).any():
            self.warn(source, index, f"no firm in the scenario is eligible (SMEs of {self.settings.sectors})")

    def step(self, desk: PolicyDesk, month: int) -> None:
        supported = desk.own(self, "supported_month")
        lag, months = self.lag_months, self.settings.uplift_months
        was = supported != NOT_SUPPORTED
        # Uplifts that have run their course end; with a lag, those whose lag is over begin.
        ended = np.flatnonzero(was & (supported + lag + months == month))
        if len(ended):
            desk.set_sales_uplift(ended, 0.0, 0.0)
        if lag > 0 and months > 0:
            begun = np.flatnonzero(was & (supported + lag == month) & (desk.firms.status == ACTIVE))
            if len(begun):
                desk.set_sales_uplift(begun, self.settings.sales_uplift, 1.0)
        if self.open_in(desk, month) and self.budget.total_krw > 0:
            self._support(desk, month, supported)
        live = (supported != NOT_SUPPORTED) & (supported + lag <= month) & (month < supported + lag + months)
        self.counts["firms_uplifted"] = float(np.count_nonzero(live & (desk.firms.status == ACTIVE)))

    def _support(self, desk: PolicyDesk, month: int, supported: np.ndarray) -> None:
        """Buy the support this month's allowance (with what earlier months left unspent) pays for."""
        candidates = self.eligible_in_random_order(desk, month)
        if self.allowance_krw(desk, month) <= 0 or len(candidates) == 0:
            return
        firms = desk.firms
        unit_costs = self.unit_cost_krw() * firms.size_factor[candidates]
        chosen, amounts = self.units_to_buy(desk, month, candidates, unit_costs)
        if len(chosen) == 0:
            return
        paid = self._pay(desk, chosen, amounts)
        chosen, amounts = chosen[paid], amounts[paid]
        supported[chosen] = month
        if self.tracks_jobs:
            desk.own(self, "employees_at_support")[chosen] = firms.employees[chosen]
        if self.lag_months == 0 and self.settings.sales_uplift > 0:
            desk.set_sales_uplift(chosen, self.settings.sales_uplift, 1.0)
        self.counts["firms_supported"] = float(len(chosen))
        self.counts["support_krw"] = float(amounts.sum())

    def _pay(self, desk: PolicyDesk, firms: np.ndarray, amounts_krw: np.ndarray) -> np.ndarray:
        """Services bought for the firms from providers the model does not hold (spent for good)."""
        return desk.pay_for_services(self, "firm", firms, amounts_krw, "commercialisation")

    def jobs_and_spending(self, desk: PolicyDesk) -> tuple[float, float]:
        """The programme's measured performance as a programme report counts it, sample units.

        Jobs added at the supported firms since their support (employees now less employees at
        support, firms that closed counting their loss of every job), and the KRW spent.
        """
        supported = desk.own(self, "supported_month") != NOT_SUPPORTED
        now = np.where(desk.firms.status == ACTIVE, desk.firms.employees, 0)
        jobs = float((now[supported] - desk.own(self, "employees_at_support")[supported]).sum())
        return jobs, self.budget.spent_krw


@register
class Commercialisation(SupportForSales):
    Settings = CommercialisationSettings

    def __init__(self, settings: CommercialisationSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: CommercialisationSettings = settings

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_supported": "firms given commercialisation support this month",
            "support_krw": "support bought for firms this month, KRW",
            "firms_uplifted": "supported firms whose outside sales are raised at the end of the month",
        }
