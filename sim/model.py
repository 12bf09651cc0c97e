"""RegionModel: one region's economy, stepped a month at a time (a ``mesa.Model``).

The model builds the region (sim.region.build), lays a package's interventions on it
through a policy desk (sim.policy.desk), runs the month's stages in the one order written
in ``STAGES``, and keeps the monthly table (sim.records) and the ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.errors import InputError, ScenarioError, located
from sim.inputs.interventions import check_package_names
from sim.inputs.keypath import get_path
from sim.inputs.package import Package, combine_packages, load_package
from sim.inputs.scenario import (
    DEFAULT_SCENARIO,
    OVERRIDES,
    PART_TYPES,
    Scenario,
    blame_overrides,
    load_scenario,
    resolve_scenario_path,
)
from sim.mesa_import import import_mesa
from sim.policy import interventions as _interventions  # noqa: F401 - registers every instrument
from sim.policy.base import REGISTRY, Intervention
from sim.policy.desk import PolicyDesk
from sim.policy.ledger import Ledger
from sim.records import MonthlyRecords, UnitRecords, columns_for, month_row
from sim.region import (
    arrivals,
    closures,
    demographics,
    entry,
    failures,
    households,
    labour_market,
    orders,
    payroll,
    powertrain,
    prices,
    production,
    rules,
)
from sim.region.agents import Firm
from sim.region.build import build_region
from sim.region.random_streams import RandomStreams
from sim.region.state import FIRM_STATUS_NAMES, NO_PART, ROLE_NAMES, WORKER_STATUS_NAMES

if TYPE_CHECKING:
    import mesa
else:
    mesa = import_mesa()  # the same module as ``import mesa``, imported faster (sim/mesa_import.py)

_MAX_SEED = 2**63
#: The memory a run may need unless told otherwise (``--max-memory``), in bytes.
DEFAULT_MAX_MEMORY = 8 * 2**30
#: Interpreter, libraries and fixed tables, in bytes (measured: about 250 MB before building).
_BASE_BYTES = 300 * 2**20
#: Live arrays per registered column during a month's vectorised passes (copies, masks, temporaries).
_WORKING_COPIES = 4


def estimate_memory_bytes(config: Scenario, package: Package | None = None) -> tuple[int, str]:
    """The memory a run of ``config`` (with ``package``) needs at most, from its sizes; and the key that drives it.

    Counts the workers the workforce is sized for (the labour force at the run's scale, the
    entrants of every month and the foreign workers a package's budget pays to recruit), the firms (at most one
    per ``firm_size_min`` employees), firms an investment incentive plans each month (up to
    c / (1 - c) times the scenario's arrivals, c the largest "but for" share), and the monthly table.
    """
    from sim.region.state import FirmTable, Workforce

    worker_row = sum(np.dtype(column.dtype).itemsize for column in Workforce().registry.values())
    firm_row = sum(np.dtype(column.dtype).itemsize for column in FirmTable().registry.values())
    scale, months = config.scenario.scale, config.scenario.months
    people = config.population.labour_force * scale * 1.1
    entrants = config.population.entry_rate_per_month * people * months * 1.3
    groups = [(chain.tier1.employees, chain.tier1.firm_size_min) for chain in config.chains.values()]
    groups += [(chain.tier2.employees, chain.tier2.firm_size_min) for chain in config.chains.values()]
    smallest = min([size for _, size in groups] + [i.firm_size_min for i in config.industries.values()])
    firms = people / max(smallest, 1)
    arrivals = config.investment.arrivals_per_year * months / 12 if config.investment else 0.0
    if config.entry is not None:  # local births (entry.py), with room for twice the base rate when slack rises
        arrivals += firms * 2.0 * config.entry.birth_rate_per_year * months / 12
    terms = {
        "population.labour_force": people * worker_row * _WORKING_COPIES + firms * firm_row * _WORKING_COPIES,
        "scenario.months": entrants * worker_row * _WORKING_COPIES + months * 2_000 * 8 + arrivals * firm_row,
    }
    for index, item in enumerate(package.interventions if package else []):
        if item.type == "foreign_workforce":
            placements = item.budget_krw * scale / item.recruitment_cost_per_worker_krw
            terms[f"interventions[{index}].budget_krw"] = placements * worker_row * _WORKING_COPIES
        if item.type == "investment_attraction" and config.investment is not None:
            # At most the pool of mobile projects: arrivals * c / (1 - c) attracted at the largest "but for" share c.
            changed = item.but_for_share_max
            planned = config.investment.arrivals_per_year / 12 * changed / (1 - changed)
            terms[f"interventions[{index}].but_for_share_max"] = planned * 64 + planned * months * scale * firm_row
    driver = max(terms, key=terms.__getitem__)
    return int(_BASE_BYTES + sum(terms.values())), driver


def format_bytes(count: float) -> str:
    """``8589934592`` -> ``"8.0 GiB"``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(count) < 1024 or unit == "PiB":
            return f"{count:,.1f} {unit}" if unit != "B" else f"{count:,.0f} B"
        count /= 1024
    return f"{count:.1f} PiB"  # pragma: no cover


def check_memory(
    config: Scenario,
    package: Package | None,
    limit: int | None,
    source: str,
    *,
    at_once: int = 1,
    set_by: Mapping[str, str] | None = None,
) -> int:
    """Refuse, in one line, a run whose estimated memory (times ``at_once`` runs at a time) exceeds ``limit``.

    Returns the estimate of one run, in bytes. ``limit`` None: ``DEFAULT_MAX_MEMORY``. The
    line names ``source`` (the scenario file), or what set the key that drives the estimate
    when ``set_by`` maps that key path (or one containing it) to it, e.g.
    ``{"population.labour_force": "--set"}``.
    """
    limit = DEFAULT_MAX_MEMORY if limit is None else int(limit)
    need, driver = estimate_memory_bytes(config, package)
    if need * at_once > limit:
        source = _set_by(driver, set_by or {}) or source
        runs = f" x {at_once} runs at once" if at_once > 1 else ""
        value = get_path(config.to_dict(), driver) if not driver.startswith("interventions") else None
        shown = f"{value!r}, " if value is not None else ""
        raise InputError(
            f"{source}: {driver}: got {shown}a run needing about {format_bytes(need)}{runs}; allowed: at most "
            f"{format_bytes(limit)} (--max-memory); lower the labour force, months or scale, or raise --max-memory"
        )
    return need


def _set_by(key_path: str, set_by: Mapping[str, str]) -> str | None:
    """What set ``key_path`` (or a table or list containing it), if ``set_by`` says; keys may use ``__`` for dots."""
    for key, who in set_by.items():
        path = key.replace("__", ".")
        if key_path == path or key_path.startswith((path + ".", path + "[")):
            return who
    return None


def seed_from(rng: Any) -> int:
    """A non-negative integer seed from Mesa-style ``rng`` (int, Generator, SeedSequence or None)."""
    if rng is None:
        return int(np.random.SeedSequence().entropy % _MAX_SEED)
    if isinstance(rng, bool):
        raise TypeError("rng must be an integer seed, a numpy Generator or None, not a bool")
    if isinstance(rng, int | np.integer):
        if not 0 <= rng < _MAX_SEED:
            # Refused rather than reduced: 2**70 would otherwise run as seed 0 while recorded as 2**70.
            raise ValueError(f"rng seed must be a non-negative whole number below 2**63, got {rng}")
        return int(rng)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(_MAX_SEED))
    if isinstance(rng, np.random.SeedSequence):
        return int(rng.generate_state(2, np.uint64)[0] % _MAX_SEED)
    raise TypeError(f"rng must be an integer seed, a numpy Generator or None, got {type(rng).__name__}")


Stage = Callable[["RegionModel", int], None]

#: The order of one month, written once. Each stage is a function of the region's state and
#: the month; the policy point is the only place where interventions act.
STAGES: tuple[tuple[str, Stage], ...] = (
    ("arrivals", lambda model, month: arrivals.inward_investment(model.region, month)),
    ("rules", lambda model, month: rules.apply_rules(model.region, month)),
    ("prices", lambda model, month: prices.set_prices(model.region, month)),
    ("orders", lambda model, month: orders.place_orders(model.region, month)),
    ("production", lambda model, month: production.produce_and_pay(model.region, month)),
    ("policy", lambda model, month: model.desk.act(month)),
    ("closures", lambda model, month: closures.run_closures(model.region, month)),
    ("failures", lambda model, month: failures.settle_failures(model.region, month)),
    ("entry", lambda model, month: entry.run_entry(model.region, month)),
    ("conversion", lambda model, month: powertrain.convert_suppliers(model.region, month)),
    ("labour_market", lambda model, month: labour_market.run_labour_market(model.region, month)),
    ("demographics", lambda model, month: demographics.run_demographics(model.region, month)),
    ("payroll", lambda model, month: payroll.settle_payroll(model.region, month)),
    ("households", lambda model, month: households.settle_income(model.region, month)),
    ("records", lambda model, month: model.record(month)),
)


class RegionModel(mesa.Model):
    """A regional economy hit by industrial shocks, in monthly steps.

    Build it from a scenario (a :class:`~sim.inputs.scenario.Scenario`, a TOML path, a
    shipped scenario's name, or ``None`` for the default Gwangju scenario)::

        model = RegionModel("gwangju", rng=42, scale=0.1, months=24)
        table = model.run()

    Keyword overrides set scenario parameters by key path, with ``__`` for the dots:
    ``RegionModel(labour_market__quit_rate_per_month=0.004)``. The validated scenario is
    ``model.config``; ``model.scenario`` is Mesa's own experimental Scenario object.

    Before building, the memory the run needs is estimated from its sizes
    (:func:`estimate_memory_bytes`); above ``max_memory`` bytes (default
    ``DEFAULT_MAX_MEMORY``, 8 GiB; ``False``: no check) it is refused with an InputError.

    ``unit_records=True`` also keeps who worked where (``model.units()``, for the gross-to-net
    bridge of a comparison); it reads the state only and changes nothing.

    ``package`` lays one or more policy packages on the scenario (a Package, a path, a
    shipped package's name, or a list of them); ``None`` is the baseline. Budgets are
    multiplied by ``scale``: a 10% sample gets 10% of the money.

    The region's state is ``model.region`` (firms in ``model.firms``, a column table, and
    workers in ``model.workforce``); firms are also ``Firm`` agents in ``model.agents``.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        *,
        rng: Any = None,
        scale: float | None = None,
        months: int | None = None,
        package: Package | str | Path | list[Package | str | Path] | None = None,
        overrides: dict[str, Any] | None = None,
        max_memory: int | bool | None = None,
        unit_records: bool = False,
        **parameter_overrides: Any,
    ) -> None:
        all_overrides = {**(overrides or {}), **parameter_overrides}
        if scale is not None:
            all_overrides["scenario.scale"] = float(scale)
        if months is not None:
            all_overrides["scenario.months"] = int(months)
        config = load_scenario(scenario, all_overrides)
        self.seed = seed_from(rng)
        super().__init__(rng=self.seed)
        self.config = config
        self.months = config.scenario.months
        self.scale = config.scenario.scale
        self.package, self.package_sources = _load_packages(package, config)
        if max_memory is not False:
            set_by = dict.fromkeys({**(overrides or {}), **parameter_overrides}, OVERRIDES)
            if months is not None:
                set_by["scenario.months"] = "--months"
            check_memory(config, self.package, max_memory, _source_of(scenario), set_by=set_by)
        settings = self.package.interventions if self.package else []
        self.ledger_book = Ledger()
        self.policies: list[Intervention] = [
            REGISTRY[item.type](item, self.ledger_book, self.scale) for item in settings
        ]
        try:
            self.region = build_region(config, RandomStreams(self.seed), self.scale, self.months)
        except ScenarioError as error:
            raise blame_overrides(located(error, _source_of(scenario)), all_overrides) from None
        if config.entry is not None:
            entry.record_baseline(self.region)
        self.desk = PolicyDesk(self.region, self.ledger_book, self.policies)
        self._firm_agents: list[Firm] = []  # made when first asked for (``firm_agents``, Mesa's ``agents``)
        for index, policy in enumerate(self.policies):
            policy.check(self.desk, self.package_sources.get(policy.name, "<package>"), index)
        self.records = MonthlyRecords(self.months, config.start_month, {**columns_for(config), **self.desk.columns()})
        self.unit_records = UnitRecords() if unit_records else None
        self.datacollector = mesa.DataCollector(
            model_reporters={name: [self.records.latest, [name]] for name in self.records.columns}
        )
        self.record(0)

    # ------------------------------------------------------------------ views of the state
    @property
    def firms(self):  # noqa: ANN201 - the region's FirmTable
        return self.region.firms

    @property
    def workforce(self):  # noqa: ANN201 - the region's Workforce
        return self.region.workforce

    @property
    def streams(self) -> RandomStreams:
        return self.region.streams

    # Firms' Mesa agents are made when they, or Mesa's views of the agents, are read: the months never read
    # them, and making 47,000 agents one by one at build cost about 0.1 s of a full-scale run. Each firm gets
    # its agent, in the order of the firm ids, the first time any of these is read after it was added.
    @property
    def firm_agents(self) -> list[Firm]:
        """One ``Firm`` agent per firm, in the order of the firm ids (index = firm id)."""
        self._add_firm_agents()
        return self._firm_agents

    @property
    def agents(self):  # noqa: ANN201 - Mesa's AgentSet of every agent
        self._add_firm_agents()
        return super().agents

    @agents.setter
    def agents(self, agents: Any) -> None:
        mesa.Model.agents.fset(self, agents)  # Mesa refuses it

    @property
    def agent_types(self) -> list[type]:
        self._add_firm_agents()
        return super().agent_types

    @property
    def agents_by_type(self):  # noqa: ANN201 - Mesa's AgentSets by agent type
        self._add_firm_agents()
        return super().agents_by_type

    def _add_firm_agents(self) -> None:
        """Mesa agents for firms that have no agent yet (built or arrived)."""
        made = self.__dict__.get("_firm_agents")
        if made is None or "region" not in self.__dict__:  # Mesa's own set-up, before the region is built
            return
        made.extend(Firm(self, index) for index in range(len(made), self.firms.count))

    # ------------------------------------------------------------------ one month
    def step(self) -> None:
        """Advance one month, in the order of ``STAGES``.

        1. arrivals: the month's event counts start at zero; new firms arrive without
           incentives (the scenario's inward investment);
        2. rules: national rules of the month (a new bank rate, a new minimum wage);
        2a. prices: each firm's price moves towards its unit cost (constant markup);
        3. orders: final demand (paths, tariffs, relocations, closures), supplier orders (last
           month's buyer output through the supply network, electric transition), out-of-region
           sales (sector paths), local services demand (autonomous part times the local-demand
           index, plus last month's local income times the spending coefficient), policy levers;
        4. production: output, wages, inputs, fixed costs, interest, repayments, bank
           borrowing; firms that can neither pay nor borrow are in distress;
        5. policy: the policy desk clears last month's levers and each intervention acts
           (none in a baseline run): pay, lend, collect, place, set levers;
        6. closures: announced closures, production stops (transfers, unpaid leave, dismissals
           with severance) and plants closing;
        7. failures: firms still short of cash fail and lay off everyone; plants that have
           moved abroad entirely close;
        7a. entry: failed suppliers' orders pass to surviving suppliers of the same part; new local
            firms enter at the birth rate, scaled by slack, wages, free sites and margins; some
            take over closed firms' sites;
        8. conversion: combustion-only suppliers start and finish converting to electric parts;
        9. labour market: quits; expected orders and capacity; layoffs and vacancies from
           each firm's workforce plan; matching of job seekers to vacancies;
        10. demographics: retirement, visas ending, leaving the labour force or the region,
           returning, entrants;
        11. payroll: each firm's wage bill for next month, its payroll now (employee counts
            and payrolls are kept as workers join and leave);
        12. households: the month's wages, benefits, allowances, transfers and severance
            spent; next month's local income;
        13. records: the month's row of the monthly table.
        """
        month = self.steps
        for _name, stage in STAGES:
            stage(self, month)
        if month >= self.months:
            self.running = False
            self.desk.finish()

    def record(self, month: int) -> None:
        """Write the month's row of the monthly table (reads the state; changes nothing)."""
        self.records.write(month, month_row(self.region, month, self.desk.month_values()))
        if self.unit_records is not None:
            self.unit_records.add_month(self.region, month, self.desk.first_touch_firms)
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ running and results
    def run(self, months: int | None = None) -> pd.DataFrame:
        """Step to the end of the scenario (or ``months`` more months) and return the monthly table."""
        steps = self.months - self.steps if months is None else months
        for _ in range(steps):
            if not self.running:
                break
            self.step()
        return self.results()

    def results(self) -> pd.DataFrame:
        """The monthly table so far: one row per month (row 0 is the start state)."""
        return self.records.to_frame()

    def workers(self) -> pd.DataFrame:
        """Every worker now, one row each (a copy, for notebooks)."""
        workforce, month = self.workforce, self.steps
        frame = pd.DataFrame({name: getattr(workforce, name).copy() for name in workforce.columns})
        frame["status"] = pd.Categorical.from_codes(frame["status"], WORKER_STATUS_NAMES)
        frame["age_years"] = workforce.age_years(month)
        frame["tenure_months"] = workforce.tenure_months(month)
        frame["months_unemployed"] = workforce.months_unemployed(month)
        frame["benefit_months_left"] = workforce.benefit_months_left(month)
        return frame

    def firm_frame(self) -> pd.DataFrame:
        """Every firm now, one row each (a copy, for notebooks); money in KRW."""
        firms = self.firms
        return pd.DataFrame(
            {
                "name": firms.name,
                "region": firms.region,
                "sector": pd.Categorical.from_codes(firms.sector, self.config.sector_names),
                "role": pd.Categorical.from_codes(firms.role, ROLE_NAMES),
                "part_type": [None if p == NO_PART else PART_TYPES[p] for p in firms.part_type],
                "status": pd.Categorical.from_codes(firms.status, FIRM_STATUS_NAMES),
                "is_sme": firms.is_sme,
                "employees": firms.employees,
                "base_employees": firms.base_employees,
                "output_krw": firms.output,
                "capacity_krw": firms.capacity,
                "productivity_krw": firms.productivity,
                "wage_level_krw": firms.wage_level,
                "cash_krw": firms.cash,
                "debt_krw": firms.debt,
                "export_share": firms.export_share,
                "loss_months": firms.loss_months,
            }
        )

    def units(self) -> dict[str, np.ndarray] | None:
        """Who worked where over the run and whom the policies touched (``unit_records=True``; else None).

        Job-months by (worker key, firm key), the firms' sectors, and per intervention the firms
        and workers it touched (see :class:`~sim.records.UnitRecords`); for the gross-to-net bridge.
        """
        if self.unit_records is None:
            return None
        return self.unit_records.finish(self.region, self.desk.first_touch_firms, self.desk.first_touch_workers)

    def ledger(self) -> pd.DataFrame:
        """Every policy payment so far, one row each (empty without policies)."""
        return self.ledger_book.to_frame()


def _source_of(scenario: Scenario | str | Path | None) -> str:
    """The file a scenario came from, for messages (its name when it was given as an object)."""
    if isinstance(scenario, Scenario):
        return f"scenario {scenario.scenario.name!r}"
    return str(resolve_scenario_path(scenario if scenario is not None else DEFAULT_SCENARIO))


def _load_packages(
    package: Package | str | Path | list[Package | str | Path] | None, config: Scenario
) -> tuple[Package | None, dict[str, str]]:
    """One combined package (or None) and, per intervention, the file it came from.

    Each package's sector names are checked against the scenario, naming its own file, and its sector
    groups replaced by the scenario's sectors.
    """
    if package is None:
        return None, {}
    items = package if isinstance(package, list) else [package]
    loaded = []
    sources = {}
    for item in items:
        pack = load_package(item)
        source = str(item) if isinstance(item, str | Path) else pack.name
        pack = pack.model_copy(update={"interventions": check_package_names(pack.interventions, config, source)})
        loaded.append(pack)
        for intervention in pack.interventions:
            sources[intervention.name] = source
    try:
        combined = combine_packages(loaded)
    except ScenarioError as error:
        raise ScenarioError(" + ".join(sources.values()), "interventions", error.value, error.allowed) from None
    return combined, sources
