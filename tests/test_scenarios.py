"""Shipped scenarios and packages: they validate, build, run, conserve workers, and their shocks act.

The three regional scenarios beside Gwangju (seeds 001-003): Gyeongju's parts suppliers of
carmakers outside the region under a US tariff, Gwanak-gu's services economy in a fall of
local consumer demand, a population-declining county. Runs are small (scale 0.1-0.2) and
short; each shock is judged against the same scenario without it, seed for seed.
"""

from __future__ import annotations

import textwrap
import warnings

import numpy as np
import pytest
from test_model import counted_people

from sim import RegionModel, ScenarioError, load_scenario
from sim.cli import main
from sim.inputs.package import load_package, shipped_packages
from sim.inputs.scenario import SCENARIO_DIR, shipped_scenarios, validate_scenario
from sim.region.build import plan_firm_groups
from sim.region.powertrain import COMBUSTION
from sim.region.state import ACTIVE, ASSEMBLER, EMPLOYED, TIER1

#: Sector codes of the shipped scenarios (chains then industries, as Gwangju declares them).
SECTOR_CODE = {
    name: code for code, name in enumerate(("auto", "appliance", "growth", "other_manufacturing", "services"))
}

NEW_SCENARIOS = ("gyeongju", "gwanak", "declining_county")
#: Each new scenario and the package that carries its source's measures.
PACKAGE_OF = {"gyeongju": "gyeongju", "gwanak": "gwanak_2024", "declining_county": "sigungu_collaboration_2025"}


def _write(tmp_path, body: str, parent: str = "gwangju", name: str = "case.toml"):
    path = tmp_path / name
    path.write_text(f'inherits = "{SCENARIO_DIR / parent}.toml"\n' + textwrap.dedent(body))
    return path


# ----------------------------------------------------------------- every shipped file


@pytest.mark.parametrize("name", shipped_scenarios())
def test_every_shipped_scenario_validates_and_sizes_its_industries(name):
    scenario = load_scenario(name)
    assert validate_scenario(scenario.to_dict()).content_hash() == scenario.content_hash()  # round trip
    specs = plan_firm_groups(scenario, np.random.default_rng(0), 1.0)
    assert sum(int(spec.sizes.sum()) for spec in specs) > 0


def test_the_new_scenarios_are_shipped_and_listed(capsys):
    assert set(NEW_SCENARIOS) <= set(shipped_scenarios())
    assert main(["scenarios"]) == 0
    listed = capsys.readouterr().out.split()
    assert set(NEW_SCENARIOS) <= set(listed)
    assert main(["validate", *NEW_SCENARIOS]) == 0


def test_every_shipped_package_validates_and_the_new_totals_match_their_headers():
    for name in shipped_packages():
        load_package(name)
    assert set(PACKAGE_OF.values()) <= set(shipped_packages())
    # The totals stated in each file's header (loans at face value).
    assert load_package("gyeongju").total_budget_krw == pytest.approx(78.2e9)
    assert load_package("gwanak_2024").total_budget_krw == pytest.approx(2.8e9)
    assert load_package("sigungu_collaboration_2025").total_budget_krw == pytest.approx(8.8e9)


@pytest.mark.parametrize(
    ("scenario", "package"), [*PACKAGE_OF.items(), ("gwangju_tariff", "gyeongju")], ids=lambda value: value
)
def test_each_package_applies_to_its_scenario_without_warnings(scenario, package):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an eligibility rule matching nobody would warn
        RegionModel(scenario, rng=1, scale=0.1, months=1, package=package)


def test_gyeongju_package_still_runs_on_gwangju_tariff_through_2026():
    table = RegionModel("gwangju_tariff", rng=1, scale=0.03, package="gyeongju").run()
    in_2026 = table.date.dt.year == 2026
    for name in ("complex_infrastructure_2026", "business_support"):
        assert table.loc[in_2026, f"policy_spend_{name}"].sum() > 0, name
        assert table.loc[~in_2026, f"policy_spend_{name}"].sum() == 0, name


# ----------------------------------------------------------------- build, run, conserve


@pytest.fixture(scope="module", params=NEW_SCENARIOS)
def stepped_run(request):
    """Each new scenario at scale 0.1 with its package, stepped to the end, checking the workers every month."""
    model = RegionModel(request.param, rng=2, scale=0.1, package=PACKAGE_OF[request.param])
    initial = model.workforce.count
    arrived = 0
    while model.running:
        model.step()
        for column in ("entrants", "foreign_entrants", "migrants_in", "commuters_in_arrived"):
            arrived += int(model.records.latest(column))
        workforce = model.workforce
        assert workforce.status_counts().sum() == workforce.count == initial + arrived
        employed = workforce.status == EMPLOYED
        assert (model.firms.status[workforce.employer[employed]] == ACTIVE).all()
        np.testing.assert_array_equal(
            model.firms.employees, np.bincount(workforce.employer[employed], minlength=model.firms.count)
        )
    return model, initial


def test_new_scenarios_run_to_the_end_and_conserve_workers(stepped_run):
    model, initial = stepped_run
    table = model.results()
    assert len(table) == model.config.scenario.months + 1
    counted = counted_people(table)
    arrived = (table.entrants + table.foreign_entrants + table.migrants_in + table.commuters_in_arrived).cumsum()
    assert (counted == initial + arrived).all()
    assert (table.labour_force == table.employed + table.unemployed).all()
    assert table.policy_spend.sum() > 0  # the package acted
    # Chains without a local assembler report zero assembly employment, not an error.
    firms = model.firms
    assert not (firms.role == ASSEMBLER).any()
    assert (
        (
            table[
                [
                    c
                    for c in [
                        f"employed_{chain}_{role}"
                        for chain in ("auto", "appliance")
                        for role in ("assembly", "tier1", "tier2")
                    ]
                    if c.endswith("_assembly")
                ]
            ]
            == 0
        )
        .all()
        .all()
    )
    assert (table.employed_appliance == 0).all()


# ----------------------------------------------------------------- the shocks


@pytest.fixture(scope="module")
def gyeongju_pair():
    """Gyeongju with and without the US tariff (seed 1, scale 0.2, 18 months), stepped together."""
    months = 18
    shocked = RegionModel("gyeongju", rng=1, scale=0.2, months=months)
    untaxed = RegionModel("gyeongju", rng=1, scale=0.2, months=months, overrides={"shocks.tariff": []})
    demand_ratio = {}
    for month in range(1, months + 1):
        shocked.step()
        untaxed.step()
        # Local firm entry responds to slack (entry.py), so the twins' entrants may differ; the
        # firms built at the start (every tier-1 supplier among them) are the same rows in both.
        built = min(shocked.firms.count, untaxed.firms.count)
        both = (shocked.firms.status[:built] == ACTIVE) & (untaxed.firms.status[:built] == ACTIVE)
        tier1 = np.flatnonzero(both & (shocked.firms.role[:built] == TIER1))
        demand_ratio[month] = shocked.firms.orders[tier1] / untaxed.firms.orders[tier1]
    return shocked, untaxed, demand_ratio


def test_us_tariff_reaches_gyeongju_tier1_through_its_sales_outside_the_region(gyeongju_pair):
    shocked, _, demand_ratio = gyeongju_pair
    first, second = shocked.config.shocks.tariff
    # Before the tariff (2025-04, month 4) orders are the same; once phased in (June 2025,
    # month 6), every tier-1 supplier has lost exactly the tariff's share of its orders: with
    # no local assembler, all its orders are sales outside the region.
    np.testing.assert_allclose(demand_ratio[3], 1.0, rtol=1e-12)
    np.testing.assert_allclose(demand_ratio[6], 1.0 - first.sales_cut, rtol=1e-9)
    # From November 2025 (month 11) the lower 15% tariff replaces the 25% one.
    np.testing.assert_allclose(demand_ratio[11], 1.0 - second.sales_cut, rtol=1e-9)


def test_us_tariff_lowers_gyeongju_auto_employment(gyeongju_pair):
    shocked, untaxed = (model.results() for model in gyeongju_pair[:2])
    for column in ("employed_auto_tier1", "employed_auto_tier2", "output_auto"):
        assert (shocked[column].iloc[:4] == untaxed[column].iloc[:4]).all(), column  # same world before April 2025
        assert shocked[column].iloc[-1] < untaxed[column].iloc[-1], column
    assert shocked.layoffs_auto.sum() > untaxed.layoffs_auto.sum()


def test_electric_transition_reaches_tier1_without_a_local_assembler():
    model = RegionModel("gyeongju", rng=1, scale=0.2, months=24, overrides={"shocks.tariff": []})
    firms = model.firms
    tier1 = firms.role == TIER1
    combustion = np.flatnonzero(tier1 & (firms.part_type == COMBUSTION))
    assert len(combustion)
    base = firms.base_output.copy()
    model.run()
    # Tier-1 orders are all sales outside the region, times the electric-transition multiplier.
    month = model.steps
    region = model.region
    factor = region.parts_demand.multiplier(region.shocks.electric_share(month))
    suppliers = np.flatnonzero((firms.role == TIER1) & (firms.status == ACTIVE))  # firms have arrived meanwhile
    expected = model.firms.base_outside_sales[suppliers] * np.exp(firms.demand_noise[suppliers]) * factor[suppliers]
    np.testing.assert_allclose(model.firms.orders[suppliers], expected, rtol=1e-9)
    still_combustion = combustion[firms.part_type[combustion] == COMBUSTION]
    assert factor[still_combustion].max() < 1.0
    assert model.firms.output[still_combustion].sum() / base[still_combustion].sum() < 0.97


def test_local_demand_fall_lowers_services_employment_in_gwanak():
    shocked_model = RegionModel("gwanak", rng=1, scale=0.1, months=24)
    steady_model = RegionModel("gwanak", rng=1, scale=0.1, months=24, overrides={"shocks.local_demand": []})
    shocked, steady = shocked_model.run(), steady_model.run()
    index = shocked_model.region.shocks.local_demand_index
    path = shocked_model.config.shocks.local_demand[0].points
    assert index(1) == pytest.approx(path[0].value)
    assert index(12) == pytest.approx(path[1].value)  # 2024-12
    assert steady_model.region.shocks.local_demand_index(12) == 1.0
    assert (shocked.output_services.iloc[2:] < steady.output_services.iloc[2:]).all()
    assert shocked.employed_services.iloc[-1] < steady.employed_services.iloc[-1]
    assert shocked.unemployment_rate.iloc[-1] > steady.unemployment_rate.iloc[-1]
    # Manufacturing and the start-ups sell outside the district: the shock reaches them only through hiring.
    assert shocked.output_growth.iloc[-1] == pytest.approx(steady.output_growth.iloc[-1], rel=0.05)


def test_local_demand_paths_multiply(tmp_path):
    path = _write(
        tmp_path,
        """
        [[shocks.local_demand]]
        points = [{ date = "2021-01", value = 1.0 }, { date = "2021-11", value = 0.9 }]

        [[shocks.local_demand]]
        points = [{ date = "2021-06", value = 0.8 }]
        """,
    )
    model = RegionModel(path, rng=1, scale=0.02, months=1)
    assert model.region.shocks.local_demand_index(1) == pytest.approx(0.8)
    assert model.region.shocks.local_demand_index(6) == pytest.approx(0.95 * 0.8)
    assert model.region.shocks.local_demand_index(30) == pytest.approx(0.9 * 0.8)


def test_declining_county_labour_force_shrinks_and_vacancies_go_unfilled():
    # Seed 001 (local extinction): the young leave for the cities. The counterfactual keeps them (no net migration).
    bands = len(load_scenario("declining_county").mobility.age_bands_years)
    declining = RegionModel("declining_county", rng=1, scale=0.2).run()
    replaced = RegionModel(
        "declining_county", rng=1, scale=0.2, overrides={"mobility.net_migration_rate_per_year_by_age": [0.0] * bands}
    ).run()
    assert declining.labour_force.iloc[-1] < 0.97 * declining.labour_force.iloc[0]
    assert declining.labour_force.iloc[-1] < replaced.labour_force.iloc[-1]
    assert declining.migrants_out.sum() > declining.migrants_in.sum()
    last_year = slice(len(declining) - 12, None)
    assert declining.vacancies.iloc[last_year].sum() > replaced.vacancies.iloc[last_year].sum()
    assert declining.unemployment_rate.iloc[-1] < replaced.unemployment_rate.iloc[-1]


# ----------------------------------------------------------------- schema errors


def test_relocation_in_a_region_without_assembly_plants_is_refused(tmp_path, scenario_error):
    path = _write(
        tmp_path,
        """
        [[shocks.relocation]]
        assembler = "Kia Gwangju plant"
        date = "2025-03"
        share = 0.5
        phase_in_months = 2
        """,
        parent="gyeongju",
    )
    message = scenario_error(path)
    assert "shocks.relocation[0].assembler: got 'Kia Gwangju plant'" in message
    assert "assembly plants; allowed: one it declares: none" in message


def test_relocation_must_name_a_plant_of_a_chain_that_has_one(tmp_path, scenario_error):
    path = _write(
        tmp_path,
        """
        [chains.appliance]
        assemblers = []

        [chains.appliance.tier1]
        export_share = 1.0
        """,
    )
    message = scenario_error(path)  # gwangju relocates its appliance plant, which is gone here
    assert "shocks.relocation[0].assembler: got 'Gwangju appliance plant'" in message
    assert "not one of the scenario's assembly plants; allowed: one it declares: ['Kia Gwangju plant']" in message


def test_final_demand_path_for_a_chain_without_assemblers_is_refused(tmp_path, scenario_error):
    path = _write(
        tmp_path,
        """
        [[shocks.final_demand]]
        chain = "auto"
        points = [{ date = "2025-01", value = 1.0 }]
        """,
        parent="gyeongju",
    )
    message = scenario_error(path)
    assert "shocks.final_demand[0]" in message
    assert "no assemblers" in message


def test_tier1_without_local_buyers_must_sell_everything_outside(tmp_path, scenario_error):
    message = scenario_error(_write(tmp_path, "[chains.auto.tier1]\nexport_share = 0.9\n", parent="gyeongju"))
    assert "chains.auto" in message
    assert "tier1.export_share must be 1" in message


def test_an_industry_gives_at_most_one_sizing_key(tmp_path, scenario_error):
    message = scenario_error(_write(tmp_path, "[industries.other_manufacturing]\nemployees = 5000\n"))
    assert "industries.other_manufacturing.employees: got 5000" in message
    assert "give at most one of employees and size_by_chain_output_share" in message


def test_exactly_one_industry_takes_the_rest_of_the_labour_force(tmp_path, scenario_error):
    body = 'drop_inherited = ["industries.other_manufacturing.size_by_chain_output_share"]\n'
    message = scenario_error(_write(tmp_path, body))
    assert "industries: got ['other_manufacturing', 'services']" in message
    assert "exactly one industry gives neither employees nor size_by_chain_output_share" in message


def test_other_manufacturing_employees_are_taken_as_given():
    scenario = load_scenario("gyeongju")
    specs = plan_firm_groups(scenario, np.random.default_rng(0), 1.0)
    other = next(spec for spec in specs if spec.sector == "other_manufacturing")
    assert int(other.sizes.sum()) == scenario.industries["other_manufacturing"].employees


def test_dropping_a_key_the_parent_lacks_is_refused(tmp_path, scenario_error):
    message = scenario_error(_write(tmp_path, 'drop_inherited = ["shocks.no_such_shock"]\n'))
    assert "drop_inherited[0]" in message
    assert "not a key of the inherited scenario" in message


def test_household_spending_beyond_local_sales_is_refused(tmp_path):
    """Households cannot spend more on local services than the local services industries sell:
    the autonomous part (visitors, public and business buyers) would be negative."""
    path = _write(
        tmp_path,
        """
        [households]
        local_share_of_spending = 1.0
        propensity_to_consume = 1.0

        [markets]
        local_services_per_krw_traded_sales = 0.9
        """,
    )
    with pytest.raises(ScenarioError, match=r"households\.local_share_of_spending.*exceeds the local services"):
        RegionModel(path, rng=1, scale=0.02, months=1)


def test_the_removed_local_multiplier_key_says_where_the_multiplier_went(tmp_path, scenario_error):
    message = scenario_error(_write(tmp_path, "[industries.services]\nlocal_multiplier = 1.6\n"))
    assert "industries.services" in message
    assert "derived from household spending" in message


def test_local_demand_points_out_of_order_are_refused(tmp_path, scenario_error):
    path = _write(
        tmp_path,
        """
        [[shocks.local_demand]]
        points = [{ date = "2021-06", value = 1.0 }, { date = "2021-01", value = 0.9 }]
        """,
    )
    message = scenario_error(path)
    assert "shocks.local_demand[0]" in message
    assert "increasing date order" in message


def test_gwanak_firms_are_all_outside_the_chains():
    model = RegionModel("gwanak", rng=1, scale=0.1, months=1)
    firms = model.firms
    assert not np.isin(firms.sector, [SECTOR_CODE["auto"], SECTOR_CODE["appliance"]]).any()
    assert firms.social_enterprise.any()
