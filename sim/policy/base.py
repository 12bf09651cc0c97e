"""What every intervention shares: settings, dates, a budget, the hooks the model calls, a registry.

An intervention is a plug-in, as Starsim and Covasim plug interventions into a sim: its
settings (a pydantic class in :mod:`sim.inputs.interventions`, its table in a package
file) and a runtime class with ``start(desk)``, ``step(desk, month)`` and ``finish(desk)``.
The model calls ``step`` at its one policy point of the month: after production and finance
(so firms short of cash are known) and before failures are settled and the labour market
runs. An intervention acts only through the :class:`~sim.policy.desk.PolicyDesk` (pay,
collect, lend, place, set a lever), which reads the region's state for it and records every
won in the ledger. Per-firm state of its own is declared in ``firm_columns`` and grows with
arriving firms like every other column.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from sim.inputs.interventions import SETTINGS, InterventionSettings
from sim.inputs.scenario import month_number
from sim.policy.ledger import Budget, Ledger
from sim.region.state import ACTIVE, Column

if TYPE_CHECKING:
    from sim.policy.desk import PolicyDesk

#: Runtime class of every intervention type, by its ``type`` tag.
REGISTRY: dict[str, type[Intervention]] = {}


def register(cls: type[Intervention]) -> type[Intervention]:
    """Class decorator: make an intervention available to package files by its ``type``."""
    tag = cls.Settings.model_fields["type"].annotation.__args__[0]
    if SETTINGS.get(tag) is not cls.Settings:
        raise TypeError(f"{cls.__name__}.Settings is not the settings class of type {tag!r}")
    cls.type = tag
    REGISTRY[tag] = cls
    return cls


class Intervention:
    """Runtime state of one intervention in one model run."""

    Settings: ClassVar[type[InterventionSettings]]
    type: ClassVar[str]
    #: The gross-to-net bridge (sim/experiment/bridge.py, docs/compare.md). ``bridge_units``: what the
    #: programme supports: "firms" (jobs at the firms it pays or serves are its direct effect),
    #: "workers" (its participants' jobs are; the firms that hire or take them in are where
    #: substitution is looked for) or "none" (no unit of its own: all its effect is spill-over).
    bridge_units: ClassVar[str] = "none"
    #: The output a programme report would claim, as ``gross_<output>`` in job-years, and how it is
    #: counted from the run: ("months", count) - the monthly count is jobs held that month;
    #: ("to_horizon", count) - each counted event claims a job from its month to the horizon;
    #: ("supported_firms", None) - every job at the supported firms from their first month of
    #: support to the horizon; None - the programme claims no jobs (gross 0).
    gross_output: ClassVar[str | None] = None
    gross_rule: ClassVar[tuple[str, str | None] | None] = None
    #: The same claim as a headcount, the "jobs" a programme announces (``gross_headcount``, jobs):
    #: ("peak", count) - the largest monthly count (jobs covered at once); ("events", count) - the
    #: monthly count summed over the run (people hired or placed); ("first_support", None) - the
    #: jobs at each supported firm in the month it was first supported, summed over the firms;
    #: ("spending", column) - the KRW of ``<name>_<column>`` spent over the run times
    #: ``announced_jobs_per_bn_krw`` (jobs per 1 bn KRW: the Bank of Korea's employment inducement
    #: coefficient, as governments announce the jobs of spending programmes);
    #: None - no claim. Set wherever ``gross_rule`` is; a "spending" headcount may stand alone (a
    #: coefficient claim holds indirect and induced jobs, so it is not a gross of the bridge).
    headcount_rule: ClassVar[tuple[str, str | None] | None] = None
    announced_jobs_per_bn_krw: ClassVar[float] = 0.0
    #: Counts that are not whole numbers (besides those named ``*_krw``, ``*_rate``, ``*_share``).
    real_counts: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, settings: InterventionSettings, ledger: Ledger, budget_scale: float) -> None:
        self.settings = settings
        self.name = settings.name
        # A sampled population gets the same share of the money as of the people.
        self.budget = Budget(settings.budget_krw * budget_scale, settings.name, ledger)
        self.budget_scale = budget_scale
        self.counts: dict[str, float] = {}
        self.started = False
        self.finished = False

    # ---------------------------------------------------------------- dates
    def first_month(self, desk: PolicyDesk) -> int:
        """Model month in which the intervention opens."""
        return month_number(self.settings.start) - desk.config.start_month + 1

    def last_month(self, desk: PolicyDesk) -> int:
        """Model month after which it takes no new cases."""
        return month_number(self.settings.end) - desk.config.start_month + 1

    def open_in(self, desk: PolicyDesk, month: int) -> bool:
        return self.first_month(desk) <= month <= self.last_month(desk)

    def monthly_budget_krw(self, desk: PolicyDesk) -> float:
        """The budget spread evenly over the months the intervention is open (KRW of the sample).

        Instruments that buy a volume (seats, grants, placements) buy each month what this
        pays for at their unit cost: the money sets the volume.
        """
        return self.budget.total_krw / max(self.last_month(desk) - self.first_month(desk) + 1, 1)

    def allowance_krw(self, desk: PolicyDesk, month: int) -> float:
        """What the intervention may spend this month, KRW of the sample.

        Its monthly budget for every month it has been open, less what it has spent: money a
        month leaves unspent carries over.
        """
        months_open = month - self.first_month(desk) + 1
        return self.monthly_budget_krw(desk) * months_open - self.budget.spent_krw

    def eligible_in_random_order(self, desk: PolicyDesk, month: int) -> np.ndarray:
        """Ids of the firms the intervention's ``eligible`` mask marks, shuffled by its own stream for the month."""
        candidates = np.flatnonzero(self.eligible(desk))
        order = desk.streams.generator(f"{self.name}/order", month).permutation(len(candidates))
        return candidates[order]

    def units_to_buy(
        self, desk: PolicyDesk, month: int, candidates: np.ndarray, unit_cost_krw: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The candidates, in their order, whose unit costs fit in this month's allowance, and their costs."""
        fits = np.cumsum(unit_cost_krw) <= self.allowance_krw(desk, month) * (1 + 1e-12)
        return candidates[fits], unit_cost_krw[fits]

    # ---------------------------------------------------------------- hooks
    @classmethod
    def firm_columns(cls) -> dict[str, Column]:
        """Per-firm state the intervention keeps (registered as ``<name>__<column>``; see PolicyDesk.own)."""
        return {}

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        """Check the settings against the built region (firms it could reach, ...); raise or warn."""

    def warn(self, source: str, index: int, problem: str) -> None:
        """A one-line warning naming the package file and the intervention."""
        warnings.warn(f"{source}: interventions[{index}] ({self.name}): {problem}", stacklevel=3)

    def start(self, desk: PolicyDesk) -> None:
        """Called once, in the intervention's first month, before its first ``step``."""

    def step(self, desk: PolicyDesk, month: int) -> None:
        """Called every month from the first month on (also after ``end``, to run out commitments)."""

    def finish(self, desk: PolicyDesk) -> None:
        """Called once at the end of the run."""

    # ---------------------------------------------------------------- reporting
    @classmethod
    def count_columns(cls) -> dict[str, str]:
        """Names and meanings of this intervention's monthly counts (prefixed with its name)."""
        return {}

    def month_counts(self) -> dict[str, float]:
        """This month's values of ``count_columns`` (reset by the desk each month)."""
        return {key: self.counts.get(key, 0.0) for key in self.count_columns()}

    def to_dict(self) -> dict[str, Any]:
        """The settings as written in a package file."""
        return self.settings.model_dump(mode="json")


class FirmProgramme(Intervention):
    """An intervention for the active firms of some sectors, SMEs only if ``settings.sme_only``.

    It gives the eligibility mask and the warning when no firm of the scenario qualifies.
    """

    def eligible(self, desk: PolicyDesk) -> np.ndarray:
        """Mask of the active firms the programme may reach."""
        return desk.eligible_firms(self.settings.sectors, self.settings.sme_only)

    def check(self, desk: PolicyDesk, source: str, index: int) -> None:
        if not self.eligible(desk).any():
            self.warn(
                source,
                index,
                f"no firm in the scenario is eligible (sectors {self.settings.sectors}, "
                f"sme_only={self.settings.sme_only})",
            )


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
        return (
            desk.eligible_firms(self.settings.sectors, sme_only) & (supported == NOT_SUPPORTED) & self.stage_mask(desk)
        )

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
