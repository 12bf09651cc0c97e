"""Firm entry that responds to slack, reuse of closed sites, and failed suppliers' orders taken over (entry.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import RegionModel
from sim.region import entry, failures, orders
from sim.region.labour_market import employees_of, lay_off
from sim.region.state import ACTIVE, CLOSED, EMPLOYED, INDEPENDENT, TIER1

SEEDS = (1, 2, 3, 4, 5)


def _model(seed: int, **overrides) -> RegionModel:
    return RegionModel("gwangju", rng=seed, scale=0.05, months=12, overrides=overrides)


def _entrants_next_month(model: RegionModel, month: int) -> int:
    """Run the entry stage once more at ``month`` on a model and count the firms it adds."""
    model.region.tally["firms_entered"] = 0.0
    entry.enter_firms(model.region, month)
    return int(model.region.tally["firms_entered"])


def test_entry_rises_with_slack_seed_by_seed():
    """More unemployed workers, more new firms (Fairlie 2011, IZA DP 5725: higher local unemployment
    raises business starts; the sign in the model is that of ``entry.unemployment_elasticity``).

    Twins of one seed are stepped two months; in one, a tenth of the employed of the services
    industry are laid off. Entry is then drawn for both at month 3 with the same random numbers.
    """
    calm_total = slack_total = 0
    for seed in SEEDS:
        calm, slack = _model(seed), _model(seed)
        for model in (calm, slack):
            model.step()
            model.step()
        workforce = slack.region.workforce
        employed = np.flatnonzero(workforce.status == EMPLOYED)
        chosen = employed[::10]
        lay_off(slack.region, chosen, 2)
        calm_count, slack_count = _entrants_next_month(calm, 3), _entrants_next_month(slack, 3)
        assert slack_count >= calm_count, seed  # common random numbers: inverse-CDF draws are monotone
        calm_total += calm_count
        slack_total += slack_count
    assert slack_total > calm_total
    multiplier = entry.entry_multiplier(slack.region) / entry.entry_multiplier(calm.region)
    assert (multiplier >= 1.0).all()


def test_entrants_arrive_at_about_the_net_birth_rate_at_the_start():
    """Statistics Korea (기업생멸행정통계): births 13.2% and deaths 10.3% of active firms a year in
    2021-2024; at the start's conditions the firms that enter are about the difference."""
    config = _model(1).config
    active = entrants = 0
    for seed in SEEDS:
        model = _model(seed)
        independent = (model.firms.status == ACTIVE) & (model.firms.role == INDEPENDENT)
        active += int(independent.sum())
        table = model.run()
        entrants += int(table.firms_entered.sum())
    expected = active * (config.entry.birth_rate_per_year - config.entry.death_rate_per_year)  # 12 months
    assert 0.5 * expected < entrants < 2.0 * expected, (entrants, expected)


def test_a_freed_site_is_reused():
    """A closed plant's site is taken over by a new firm (GM Korea's Gunsan plant, closed in May 2018,
    was bought by Myoung Shin 13 months later to make electric cars: jjan.kr 2019-06-25, kukinews
    2019-06-28). The reuse share and cost saving are assumptions (scenarios/gwangju.toml [entry])."""
    model = _model(3, **{"entry.site_reuse_share": 1.0, "entry.free_site_semi_elasticity": 50.0})
    model.step()
    firms = model.firms
    services = model.config.sector_code("services")
    closed = np.flatnonzero((firms.status == ACTIVE) & (firms.sector == services))[:20]
    lay_off(model.region, employees_of(model.workforce, np.isin(np.arange(firms.count), closed)), 1)
    firms.status[closed] = CLOSED
    firms.closed_month[closed] = 1
    table = model.run(6)
    assert table.sites_reused.sum() > 0
    reused = np.flatnonzero(model.firms.site_reused_month >= 0)
    assert set(reused) <= set(closed)
    movers = np.flatnonzero(model.firms.site_of >= 0)
    assert len(movers) == len(reused)
    np.testing.assert_array_equal(np.sort(model.firms.site_of[movers]), np.sort(reused))
    # The site saves the mover a share of its overheads against a greenfield entrant of its industry.
    saving = model.config.entry.site_reuse_cost_saving
    share = model.firms.fixed_cost_share
    greenfield = np.flatnonzero((model.firms.entry_month > 0) & (model.firms.site_of < 0) & (firms.sector == services))
    if len(greenfield):
        np.testing.assert_allclose(share[movers].mean(), share[greenfield].mean() * (1 - saving), rtol=1e-9)


def _supplier_pair(model: RegionModel) -> tuple[int, int, int]:
    """An assembly plant and two of its tier-1 suppliers that make the same part type."""
    coefficients = model.region.network.input_coefficients.tocsc()
    firms = model.firms
    for buyer in np.flatnonzero(firms.role == 0):
        suppliers = coefficients.indices[coefficients.indptr[buyer] : coefficients.indptr[buyer + 1]]
        suppliers = suppliers[firms.role[suppliers] == TIER1]
        for part in np.unique(firms.part_type[suppliers]):
            same = suppliers[firms.part_type[suppliers] == part]
            if len(same) >= 2:
                return int(buyer), int(same[0]), int(same[1])
    raise AssertionError("no assembly plant with two suppliers of one part")


def test_a_failed_suppliers_orders_go_to_a_rival():
    """When a supplier fails, its buyer re-sources the part from its other suppliers (supplier
    switching; in Geoje the yards' work of failed in-house subcontractors stayed in the yard).
    The share and speed are assumptions (scenarios/gwangju.toml [entry])."""
    model = _model(2)
    model.step()
    buyer, failed, rival = _supplier_pair(model)
    network, firms = model.region.network, model.firms
    same_part = (firms.part_type == firms.part_type[failed]) & (firms.role == TIER1)

    def part_total() -> float:
        return float(network.input_coefficients.tocsc()[:, buyer].toarray().ravel()[same_part].sum())

    total_before = part_total()
    before = network.input_coefficients[rival, buyer]
    lost = network.input_coefficients[failed, buyer]
    lay_off(model.region, employees_of(model.workforce, np.arange(firms.count) == failed), 1)
    firms.status[failed] = CLOSED
    firms.closed_month[failed] = 1
    output = np.where(firms.status == ACTIVE, firms.base_output, 0.0)
    orders_before = network.orders(output)[rival]
    for month in range(2, 60):
        entry.take_over_orders(model.region, month)
    assert network.input_coefficients[rival, buyer] > before
    assert network.orders(output)[rival] > orders_before
    assert network.input_coefficients[failed, buyer] == 0.0
    # The part's surviving suppliers together take over the stated share of the lost orders.
    share = model.config.entry.supplier_takeover_share
    # (Lost orders below entry._TINY, 1e-6 of the buyer's output, are dropped.)
    assert part_total() == pytest.approx(total_before - (1.0 - share) * lost, abs=1e-5)


def test_entry_off_leaves_the_model_as_before():
    """A scenario without [entry] has no entrants, no reused sites and no takeover."""
    model = RegionModel("gwangju", rng=1, scale=0.05, months=6, overrides={"entry": None})
    table = model.run()
    assert table.firms_entered.sum() == 0
    assert table.sites_reused.sum() == 0
    assert table.supplier_orders_taken_over.sum() == 0


def test_an_entrant_takes_the_orders_of_a_part_with_no_surviving_supplier():
    """Where every local supplier of a part has gone, the buyer's orders go to a new supplier of the
    next tier (the brief's rule; its monthly chance is the assumed takeover speed in [entry])."""
    model = _model(2)
    model.step()
    buyer, failed, _rival = _supplier_pair(model)
    firms, network = model.firms, model.region.network
    part = firms.part_type[failed]
    column = network.input_coefficients.tocsc()[:, buyer].toarray().ravel()
    suppliers = np.flatnonzero((column > 0) & (firms.part_type == part) & (firms.role == TIER1))
    lost = column[suppliers].sum()
    gone = np.isin(np.arange(firms.count), suppliers)
    lay_off(model.region, employees_of(model.workforce, gone), 1)
    firms.status[suppliers] = CLOSED
    firms.closed_month[suppliers] = 1
    before = firms.count
    for month in range(2, 40):
        entry.take_over_orders(model.region, month)
    new = np.arange(before, model.firms.count)
    assert len(new) == 1
    assert model.firms.role[new[0]] == TIER1 and model.firms.part_type[new[0]] == part
    share = model.config.entry.supplier_takeover_share
    assert network.input_coefficients[new[0], buyer] == pytest.approx(share * lost, rel=1e-9)


#: Statistics Korea, 기업생멸행정통계 (first release, 27 Dec 2012, reported by Seoul Economic Daily and
#: Yonhap): of new firms with at least one regular employee, 76.9% survive one year and 53.9% three
#: years (all new firms: 62.5% and 41.2%; 64.8% after one year in the 2020 release).
EMPLOYER_FIRM_SURVIVAL = {12: 0.769, 36: 0.539}


def _cohort_survival(overrides: dict | None = None, months: int = 48) -> dict[int, tuple[int, int]]:
    """Per age in months (12, 36): firms born in months 1-12 (every origin) counted at that age, and alive."""
    model = RegionModel("gwangju", rng=1, scale=0.1, months=months, overrides=overrides)
    alive_at: dict[int, tuple[int, int]] = {}
    for month in range(1, months + 1):
        model.step()
        for age in EMPLOYER_FIRM_SURVIVAL:
            cohort = month - age
            if 1 <= cohort <= 12:
                born = np.flatnonzero(model.firms.entry_month == cohort)
                counted, alive = alive_at.get(age, (0, 0))
                alive_at[age] = (counted + len(born), alive + int((model.firms.status[born] == ACTIVE).sum()))
    return alive_at


@pytest.mark.xfail(
    strict=True,
    reason="measured 1.00 after one year and 1.00 after three (Gwangju with its shocks, seed 1, scale 0.1, firms "
    "born in months 1-12): entry adds the births beyond the death rate and firms exit only when they run out of "
    "cash or credit; a new firm starts with a year of costs in cash and small fixed costs, so none fails. With "
    "firms' demand paths and gross churn on (scenarios/gwangju.toml: off by default, docs/calibration.md), 0.625 "
    "and 0.455: the death rate fed in is Statistics Korea's for all firms, most of them one-person firms, so the "
    "cohort survives like all new firms (test below), not like employer firms (docs/model.md 8)",
)
def test_new_firms_survive_like_korean_start_ups():
    """Statistics Korea (기업생멸행정통계, 2012 release): 76.9% of new employer firms survive a year and
    53.9% three years. The firms born in the run's first year (every origin) must survive within 8 points
    of each (the all-firm one-year rate moved by 5.5 points between the 2012 and 2016 releases)."""
    for age, (counted, alive) in _cohort_survival().items():
        expected = EMPLOYER_FIRM_SURVIVAL[age]
        assert counted >= 100, (age, counted)
        assert abs(alive / counted - expected) <= 0.08, (age, alive / counted)


# ------------------------------------------------------------------ firms' own demand paths and gross churn

#: The shipped parameters of firms' demand paths and churn (scenarios/gwangju.toml [markets], [entry]), set
#: explicitly so these tests hold whatever the default.
GROWTH_AND_CHURN = {
    "markets.firm_growth_sd_per_year": 0.25,
    "markets.firm_growth_size_elasticity": 0.2,
    "markets.firm_growth_young_multiplier": 2.0,
    "markets.firm_growth_young_years": 5.0,
    "entry.churn": True,
}


def _independent_weights(model: RegionModel) -> tuple[np.ndarray, np.ndarray]:
    firms = model.firms
    ids = np.flatnonzero((firms.status == ACTIVE) & (firms.role == INDEPENDENT))
    return ids, firms.demand_weight[ids]


def test_demand_paths_move_orders_between_firms_and_keep_each_industrys_total():
    """Firms take orders from each other (design, docs/model.md 7.13): after each month's step of the demand
    weights, each industry's base sales weighted by exp(weight) sum to its base sales, and the chains' firms
    (assembly plants, suppliers) keep weight 1: their orders follow their buyers."""
    model = RegionModel("gwangju", rng=4, scale=0.05, months=12, overrides=GROWTH_AND_CHURN)
    for month in range(1, 7):
        model.step()
        weight = orders.move_demand_weights(model.region, month + 100)  # one more step, as the orders stage takes
        firms = model.firms
        moving = (firms.status == ACTIVE) & (firms.role == INDEPENDENT)
        base = firms.base_outside_sales + firms.base_local_sales
        for code in np.unique(firms.sector[moving]):
            group = moving & (firms.sector == code)
            assert float((base * weight)[group].sum()) == pytest.approx(float(base[group].sum()), rel=1e-12)
        assert (weight[~moving] == 1.0).all()
    assert np.std(firms.demand_weight[moving]) > 0.05


def test_growth_is_more_volatile_for_small_and_young_firms():
    """Gibrat's law fails in the variance: the s.d. of growth rates falls with size as size ** -0.2
    (Riccaboni et al. 2008, PNAS 105(50)); young firms' growth is far more dispersed ('up or out':
    Haltiwanger, Jarmin and Miranda 2013). Measured on the change of firms' demand weights over a year."""
    model = RegionModel("gwangju", rng=5, scale=0.1, months=24, overrides=GROWTH_AND_CHURN)
    model.run(12)
    ids, start = _independent_weights(model)
    firms = model.firms
    full_scale = firms.employees[ids] / firms.size_factor[ids]
    young = firms.entry_month[ids] > 0
    model.run(12)
    alive = model.firms.status[ids] == ACTIVE
    change = model.firms.demand_weight[ids] - start
    small = alive & ~young & (full_scale >= 1) & (full_scale < 5)
    large = alive & ~young & (full_scale >= 50)
    old_small = alive & ~young & (full_scale < 3)
    young_small = alive & young & (full_scale < 3)
    assert small.sum() >= 50 and large.sum() >= 30 and young_small.sum() >= 20, (small.sum(), large.sum())
    assert np.std(change[small]) > 1.3 * np.std(change[large])
    assert np.std(change[young_small]) > 1.3 * np.std(change[old_small])


def test_churn_exits_are_the_worst_performers_at_the_death_rate():
    """Statistics Korea (기업생멸행정통계): deaths are 10.3% of active firms a year; with gross churn the firms that
    exit are those doing worst (Hopenhayn 1992: exit below a threshold of the firm's own state), not a random
    pick: exits (failures out of cash included) run at about the death rate, their staff are laid off, and the
    churn exits of a month have demand weights below every other candidate of their industry."""
    model = RegionModel("gwangju", rng=6, scale=0.1, months=24, overrides=GROWTH_AND_CHURN)
    model.run(6)
    firms = model.firms
    independent = (firms.status == ACTIVE) & (firms.role == INDEPENDENT)
    active_start = int(independent.sum())
    exited = 0
    for month in range(7, 19):
        before_ids, _ = _independent_weights(model)
        model.step()
        firms = model.firms
        gone = before_ids[(firms.status[before_ids] != ACTIVE) & (firms.closed_month[before_ids] == month)]
        exited += len(gone)
        assert (firms.employees[gone] == 0).all()
        assert not np.isin(model.workforce.employer, gone).any()
    rate = exited / active_start
    death_rate = model.config.entry.death_rate_per_year
    assert 0.6 * death_rate < rate < 1.4 * death_rate, rate
    # The rule itself: this month's churn exits against the other candidates of their industry.
    candidates = firms.status == ACTIVE
    no_failures = np.zeros(firms.count, dtype=bool)
    exits = failures.churn_exits(model.region, 19, candidates, no_failures)
    assert exits.any()
    for code in np.unique(firms.sector[exits]):
        others = candidates & ~exits & (firms.sector == code) & (firms.role == INDEPENDENT)
        assert firms.demand_weight[exits & (firms.sector == code)].max() <= firms.demand_weight[others].min()


def test_a_traded_firms_exit_passes_its_sales_to_its_industrys_survivors():
    """Orders are conserved at an exit (design, docs/model.md 7.13): the base sales outside the region of a
    traded industry's active firms are the same before and after churn exits."""
    model = RegionModel("gwangju", rng=7, scale=0.1, months=12, overrides=GROWTH_AND_CHURN)
    model.run(3)
    firms, config = model.firms, model.config
    traded = [config.sector_code(name) for name in config.industries if name not in config.local_services_names]
    independent = (firms.status == ACTIVE) & (firms.role == INDEPENDENT) & np.isin(firms.sector, traded)
    total = float(firms.base_outside_sales[independent].sum())
    candidates = firms.status == ACTIVE
    exits = np.zeros(firms.count, dtype=bool)
    month = 4
    while not (exits & independent).any():
        exits = failures.churn_exits(model.region, month, candidates, np.zeros(firms.count, dtype=bool))
        month += 1
    after = float(firms.base_outside_sales[independent & ~exits].sum())
    assert after == pytest.approx(total, rel=1e-12)


#: Statistics Korea, 기업생멸행정통계 (first release, 27 Dec 2012): of all new firms, with or without employees,
#: 62.5% survive one year and 41.2% three years.
ALL_FIRM_SURVIVAL = {12: 0.625, 36: 0.412}


def test_with_churn_new_firms_survive_like_all_korean_start_ups():
    """With gross churn, firms die at Statistics Korea's death rate for all active firms (10.3% a year; 82.3% of
    active firms were one-person firms in 2013: joongdo 2014-12-24), the worst performers first, so the firms
    born in the run's first year should survive like all new firms: within 8 points of 62.5% after one year and
    41.2% after three (as the employer-firm test above). Measured 0.625 and 0.455 (seed 1, scale 0.1)."""
    for age, (counted, alive) in _cohort_survival(GROWTH_AND_CHURN).items():
        assert counted >= 100, (age, counted)
        assert abs(alive / counted - ALL_FIRM_SURVIVAL[age]) <= 0.08, (age, alive / counted)
