"""Sectors named by the scenario: new chains run end to end, columns grow with arrivals, unknown names are refused.

The shipyard-and-battery scenario below is a test fixture: its numbers are plausible round
values chosen for the test, not sourced.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_model import counted_people

from sim import RegionModel, ScenarioError, load_scenario
from sim.inputs.package import load_package
from sim.inputs.scenario import SCENARIO_DIR
from sim.policy.ledger import LOSS_KINDS
from sim.region.state import ACTIVE, WORKER_STATUS_NAMES, Column

REPO = Path(__file__).resolve().parents[1]
GWANGJU = SCENARIO_DIR / "gwangju.toml"

# Test fixture, not sourced: a shipbuilding chain with a local yard (assembler, tier 1, tier 2)
# and a battery chain with no assembler in the region (tier-1 cell makers sell everything
# outside: export_share = 1), replacing Gwangju's car and appliance chains.
SHIPYARD_AND_CELLS = f"""\
inherits = "{GWANGJU}"
drop_inherited = [
  "chains.auto", "chains.appliance",
  "workforce.auto", "workforce.appliance",
  "shocks.final_demand", "shocks.relocation", "shocks.electric_transition",
]

[scenario]
name = "shipyard_and_cells"

[chains.shipbuilding]
final_demand_unit = "ships per year"

[[chains.shipbuilding.assemblers]]
name = "East Sea yard"
employees = 6_000                         # test fixture
final_demand_units_per_year = 30          # test fixture: 30 ships a year
unit_value_krw = 120_000_000_000          # test fixture: 120 bn KRW a ship
wage_krw_per_month = 6_500_000
input_cost_share = 0.65
operating_margin = 0.03
export_share = 0.90

[chains.shipbuilding.tier1]
employees = 8_000
wage_krw_per_month = 4_200_000
productivity_krw_per_worker_month = 30_000_000
input_cost_share = 0.65
operating_margin = 0.04
export_share = 0.20                       # test fixture: blocks and outfitting sold mostly to the local yard
outside_demand_trend_per_year = 0.0
firm_size_pareto_alpha = 1.1
firm_size_min = 20
firm_size_max = 1_000
customers_max = 1

[chains.shipbuilding.tier2]
employees = 10_000
wage_krw_per_month = 3_200_000
productivity_krw_per_worker_month = 15_000_000
input_cost_share = 0.60
operating_margin = 0.04
export_share = 0.40
outside_demand_trend_per_year = 0.0
firm_size_pareto_alpha = 1.2
firm_size_min = 5
firm_size_max = 300
customers_max = 3

[chains.battery]
final_demand_unit = "cells sold outside the region (index)"
assemblers = []

[chains.battery.tier1]
employees = 5_000
wage_krw_per_month = 4_500_000
productivity_krw_per_worker_month = 40_000_000
input_cost_share = 0.70
operating_margin = 0.05
export_share = 1.0                        # no assembler in the region: cells are all sold outside
outside_demand_trend_per_year = 0.05      # test fixture: cell demand grows
firm_size_pareto_alpha = 1.1
firm_size_min = 50
firm_size_max = 2_000
customers_max = 1

[chains.battery.tier2]
employees = 3_000
wage_krw_per_month = 3_300_000
productivity_krw_per_worker_month = 16_000_000
input_cost_share = 0.60
operating_margin = 0.04
export_share = 0.50
outside_demand_trend_per_year = 0.0
firm_size_pareto_alpha = 1.2
firm_size_min = 5
firm_size_max = 300
customers_max = 2

[industries.other_manufacturing]
size_by_chain_output_share = {{ chain = "shipbuilding", share = 0.30 }}  # test fixture

[workforce.shipbuilding]
skill_mix = [0.30, 0.50, 0.20]
[workforce.shipbuilding.occupation_mix]
mechanical_assembly = 0.55
electrical_electronics = 0.15
engineering = 0.20
ict = 0.02
service = 0.08

[workforce.battery]
skill_mix = [0.25, 0.50, 0.25]
[workforce.battery.occupation_mix]
mechanical_assembly = 0.30
electrical_electronics = 0.40
engineering = 0.20
ict = 0.05
service = 0.05
"""

#: Test fixture: the yard's orders fall from 30 to 12 ships a year over the first half of 2021.
YARD_ORDERS_CUT = {
    "shocks.final_demand": [
        {
            "chain": "shipbuilding",
            "points": [{"date": "2021-01", "value": 30.0}, {"date": "2021-06", "value": 12.0}],
        }
    ]
}
# Deeper (orders to a fifth), for the monthly checks with loans: since firms in good standing
# roll their working-capital line over (sim/region/credit.py) they enter a cut with more cash,
# and after YARD_ORDERS_CUT no firm was short of cash within 24 months, so no loan was made.
YARD_ORDERS_COLLAPSE = {
    "shocks.final_demand": [
        {
            "chain": "shipbuilding",
            "points": [{"date": "2021-01", "value": 30.0}, {"date": "2021-06", "value": 6.0}],
        }
    ]
}


@pytest.fixture(scope="module")
def shipyard_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("named") / "shipyard_and_cells.toml"
    path.write_text(SHIPYARD_AND_CELLS)
    return path


def _package_on(name: str, **changes) -> object:
    """A shipped package with its (single) intervention's settings changed."""
    raw = load_package(name).to_dict()
    raw["interventions"][0].update(changes)
    return load_package(raw)


# ----------------------------------------------------------------- columns grow with arrivals


def test_registered_columns_grow_with_arriving_firms_and_workers():
    model = RegionModel(
        rng=11, scale=0.05, months=12, package="single_loans", overrides={"investment.arrivals_per_year": 60}
    )
    firms, workforce = model.firms, model.workforce
    firms.register("test_marker", Column(np.int16, 7, "a test column", "test"))
    workforce.register("test_marker", Column(np.float32, 2.5, "a test column", "test"))
    # Rows present now are set away from the default, so rows holding it afterwards are new ones.
    firms.test_marker = -1
    workforce.test_marker = -1.0
    firms_before, workers_before = firms.count, workforce.count
    assert len(firms.loans__balance) == firms_before

    model.run()
    table = model.results()
    assert table.firms_arrived.sum() > 0 and firms.count > firms_before
    assert table.entrants.sum() > 0 and workforce.count > workers_before
    for table_, before, default in ((firms, firms_before, 7), (workforce, workers_before, 2.5)):
        column = table_.test_marker
        assert len(column) == table_.count
        assert (column[:before] == -1).all()
        assert (column[before:] == default).all()
    # The intervention's own columns, registered by the desk, grow with the firms too.
    for name in ("loans__balance", "loans__months_left"):
        assert name in firms.registry
        assert len(getattr(firms, name)) == firms.count
        assert (getattr(firms, name)[firms_before:] == 0).all()
    assert (firms.loans__balance >= 0).all()


# ----------------------------------------------------------------- a shipyard and battery region


@pytest.fixture(scope="module")
def shipyard_run(shipyard_file):
    """24 months at 5% with collapsed yard orders, loans and foreign workers on the named sectors; checked monthly."""
    loans = _package_on("single_loans", sectors=["shipbuilding", "battery"])
    foreign = _package_on("single_foreign_workforce", sectors=["battery"], hard_to_fill_only=False)
    model = RegionModel(
        shipyard_file, rng=2, scale=0.05, months=24, package=[loans, foreign], overrides=YARD_ORDERS_COLLAPSE
    )
    checks = []
    for _ in range(24):
        cash_before = model.firms.cash.copy()
        active_before = model.firms.status == ACTIVE
        rows_before = model.workforce.count
        model.step()
        old = len(cash_before)
        firms = model.firms
        checks.append(
            {
                "cash_change": firms.cash[:old][active_before] - cash_before[active_before],
                "net_flow": firms.net_flow()[:old][active_before],
                "inactive_cash_change": firms.cash[:old][~active_before] - cash_before[~active_before],
                "status_counts": model.workforce.status_counts(),
                "rows": model.workforce.count,
                "rows_added": model.workforce.count - rows_before,
            }
        )
    return model, checks


def test_named_chains_have_their_columns(shipyard_run):
    model, _ = shipyard_run
    assert model.config.chain_names == ("shipbuilding", "battery")
    table = model.results()
    assert len(table) == 25
    for column in (
        "employed_shipbuilding",
        "employed_shipbuilding_assembly",
        "employed_shipbuilding_tier1",
        "employed_shipbuilding_tier2",
        "employed_battery",
        "layoffs_shipbuilding",
        "output_battery",
    ):
        assert column in table.columns
    assert not any("auto" in c or "appliance" in c for c in table.columns)
    start = table.iloc[0]
    assert start.employed_shipbuilding_assembly > 0
    assert start.employed_shipbuilding_tier1 > 0 and start.employed_shipbuilding_tier2 > 0
    assert start.employed_battery_assembly == 0 and start.employed_battery > 0
    assert (table.output_battery > 0).all()
    assert table.layoffs_shipbuilding.sum() > 0  # the cut orders reach the chain


def test_workers_are_conserved_every_month_in_the_named_region(shipyard_run):
    model, checks = shipyard_run
    table = model.results()
    counted = counted_people(table)
    rows = np.array([checks[0]["rows"] - checks[0]["rows_added"]] + [c["rows"] for c in checks])
    np.testing.assert_array_equal(counted.to_numpy(), rows)
    for check in checks:
        assert len(check["status_counts"]) == len(WORKER_STATUS_NAMES)
        assert check["status_counts"].sum() == check["rows"]
    # Rows are only added by entrants, foreign entrants, in-migrants and in-commuters seeking work.
    added = np.array([c["rows_added"] for c in checks])
    np.testing.assert_array_equal(np.diff(counted.to_numpy()), added)
    arrived = table.entrants + table.foreign_entrants + table.migrants_in + table.commuters_in_arrived
    np.testing.assert_array_equal(added, arrived.to_numpy()[1:])
    assert table.foreign_entrants.sum() > 0


def test_money_is_conserved_for_every_firm_and_in_the_ledger(shipyard_run):
    model, checks = shipyard_run
    for month, check in enumerate(checks, start=1):
        np.testing.assert_allclose(
            check["cash_change"], check["net_flow"], rtol=1e-9, atol=1e-3, err_msg=f"month {month}"
        )
        np.testing.assert_array_equal(check["inactive_cash_change"], 0.0)
    table, ledger = model.results(), model.ledger()
    ledger = ledger[~ledger.kind.isin(LOSS_KINDS)]  # losses on money lent are cost, not spending
    payments = ledger.amount_krw[ledger.amount_krw > 0]
    assert (ledger.kind == "loan").any()
    assert payments.sum() > 0
    assert payments.sum() == pytest.approx(table.policy_spend.sum(), rel=1e-9)
    by_month = ledger[ledger.amount_krw > 0].groupby("month").amount_krw.sum()
    np.testing.assert_allclose(table.policy_spend.to_numpy()[by_month.index.to_numpy()], by_month.to_numpy(), rtol=1e-9)


def test_cutting_the_yards_orders_lowers_shipbuilding_tier1_employment(shipyard_file):
    cut = RegionModel(shipyard_file, rng=8, scale=0.05, months=24, overrides=YARD_ORDERS_CUT).run()
    base = RegionModel(shipyard_file, rng=8, scale=0.05, months=24).run()
    assert cut.employed_shipbuilding_tier1.iloc[0] == base.employed_shipbuilding_tier1.iloc[0]
    assert cut.employed_shipbuilding_tier1.iloc[-1] < 0.9 * base.employed_shipbuilding_tier1.iloc[-1]
    assert cut.employed_shipbuilding_assembly.iloc[-1] < base.employed_shipbuilding_assembly.iloc[-1]
    # The battery chain sells outside the region and does not buy from the yard.
    assert abs(cut.employed_battery.iloc[-1] - base.employed_battery.iloc[-1]) <= 0.05 * base.employed_battery.iloc[-1]


# ----------------------------------------------------------------- unknown names


UNKNOWN_NAME_CASES = {
    "tariff": (
        """
        [[shocks.tariff]]
        sectors = ["growth", "shipbuilding"]
        start = "2021-06"
        sales_cut = 0.1
        phase_in_months = 3
        """,
        "shocks.tariff[0].sectors[1]",
        ("auto", "appliance", "growth", "other_manufacturing"),
    ),
    "final_demand": (
        """
        [[shocks.final_demand]]
        chain = "shipbuilding"
        points = [{ date = "2021-01", value = 1.0 }]
        """,
        "shocks.final_demand[0].chain",
        ("auto", "appliance"),
    ),
    "investment": (
        """
        [investment]
        sectors = ["growth", "shipbuilding"]
        """,
        "investment.sectors[1]",
        ("growth", "other_manufacturing", "services"),
    ),
    "workforce": (
        """
        [workforce.shipbuilding]
        skill_mix = [0.35, 0.45, 0.20]
        [workforce.shipbuilding.occupation_mix]
        mechanical_assembly = 0.6
        electrical_electronics = 0.15
        engineering = 0.15
        ict = 0.02
        service = 0.08
        """,
        "workforce.shipbuilding",
        ("auto", "appliance", "growth", "other_manufacturing", "services"),
    ),
}


def _assert_names_everything(message: str, source: Path | str, key_path: str, declared: tuple[str, ...]) -> None:
    assert "\n" not in message.strip()
    assert str(source) in message
    assert f": {key_path}: " in message
    assert "'shipbuilding'" in message  # the value
    assert str(list(declared)) in message  # the declared names, in order


@pytest.mark.parametrize("case", list(UNKNOWN_NAME_CASES))
def test_unknown_sector_names_in_a_scenario_are_one_line_errors(case, write_scenario, scenario_error):
    body, key_path, declared = UNKNOWN_NAME_CASES[case]
    path = write_scenario(body)
    _assert_names_everything(scenario_error(path), path, key_path, declared)


@pytest.fixture
def package_on_unknown_sector(tmp_path) -> Path:
    raw = (SCENARIO_DIR / "packages" / "single_loans.toml").read_text()
    changed = raw.replace('sectors = ["auto", "appliance"]', 'sectors = ["auto", "shipbuilding"]')
    assert changed != raw
    path = tmp_path / "loans_on_ships.toml"
    path.write_text(changed)
    return path


def test_a_package_naming_an_unknown_sector_is_a_one_line_error(package_on_unknown_sector):
    with pytest.raises(ScenarioError) as caught:
        RegionModel(rng=1, scale=0.01, months=1, package=package_on_unknown_sector)
    _assert_names_everything(
        str(caught.value),
        package_on_unknown_sector,
        "interventions[0].sectors[1]",
        load_scenario().sector_names,
    )


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args], check=False, cwd=REPO, capture_output=True, text=True, timeout=120
    )


def _assert_cli_refuses(result: subprocess.CompletedProcess, source: Path, key_path: str, declared) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("shocksim: error: ")
    assert "Traceback" not in result.stderr
    _assert_names_everything(lines[0], source, key_path, declared)


@pytest.mark.parametrize("case", list(UNKNOWN_NAME_CASES))
def test_cli_validate_and_run_refuse_unknown_sector_names(case, write_scenario, tmp_path):
    body, key_path, declared = UNKNOWN_NAME_CASES[case]
    path = write_scenario(body)
    _assert_cli_refuses(_cli("validate", str(path)), path, key_path, declared)
    out = tmp_path / "out"
    _assert_cli_refuses(
        _cli("run", str(path), "--scale", "0.01", "--months", "2", "--out", str(out)), path, key_path, declared
    )
    assert not out.exists()


def test_cli_run_refuses_a_package_naming_an_unknown_sector(package_on_unknown_sector, tmp_path):
    out = tmp_path / "out"
    result = _cli(
        "run", "--package", str(package_on_unknown_sector), "--scale", "0.01", "--months", "2", "--out", str(out)
    )
    _assert_cli_refuses(result, package_on_unknown_sector, "interventions[0].sectors[1]", load_scenario().sector_names)
    assert not out.exists()


def test_a_moment_of_chains_the_scenario_lacks_is_a_one_line_error(shipyard_file, tmp_path):
    from sim.experiment.calibrate import load_targets

    targets = tmp_path / "targets.toml"
    targets.write_text(
        '[[moments]]\nname = "unemployment_rate"\ntarget = 0.035\n'
        '[[moments]]\nname = "appliance_layoffs_first_year"\ntarget = 750\n'
        '[[parameters]]\nkey = "labour_market.quit_rate_per_month"\nlow = 0.002\nhigh = 0.003\n'
    )
    load_targets(targets, load_scenario())  # Gwangju has an appliance chain
    with pytest.raises(ScenarioError) as caught:
        load_targets(targets, load_scenario(shipyard_file))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{targets}: moments[1].name: got 'appliance_layoffs_first_year'; needs")
    assert "['shipbuilding', 'battery']" in message


# ----------------------------------------------------------------- sector groups in packages


def test_a_group_stands_for_the_scenarios_sectors_of_its_kind_and_runs_as_if_they_were_listed():
    """``chains`` on Gwangju is its two chains, so the interest-subsidy package written with the group runs to
    the bit as the shipped one that lists them; ``traded`` adds the traded industries (growth, other
    manufacturing)."""
    from sim.inputs.interventions import check_package_names

    gwangju = load_scenario()
    grouped = _package_on("single_interest_subsidy", sectors=["chains"])
    assert check_package_names(grouped.interventions, gwangju, "test")[0].sectors == ["auto", "appliance"]
    traded = _package_on("single_interest_subsidy", sectors=["traded", "auto"])
    assert check_package_names(traded.interventions, gwangju, "test")[0].sectors == list(gwangju.traded_names)
    assert gwangju.traded_names == ("auto", "appliance", "growth", "other_manufacturing")
    listed = RegionModel(rng=3, scale=0.02, months=12, package="single_interest_subsidy")
    by_group = RegionModel(rng=3, scale=0.02, months=12, package=grouped)
    listed.run()
    by_group.run()
    assert listed.results().equals(by_group.results())
    assert listed.results().policy_spend_interest_subsidy.sum() > 0  # the comparison is not between two idle packages


def test_a_group_fits_a_korea_region_whose_sectors_differ_from_gwangju():
    """A package written for Gwangju's chains does not fit a Korea region (its sectors are KSIC divisions:
    docs/national.md); written with ``traded`` it supports the region's manufacturers and spends."""
    busan = SCENARIO_DIR / "nations" / "regions" / "korea" / "r21_busan.toml"
    with pytest.raises(ScenarioError, match="not one of the scenario's sectors"):
        RegionModel(busan, rng=1, scale=0.01, months=1, package="single_interest_subsidy")
    package = _package_on("single_interest_subsidy", sectors=["traded"])
    model = RegionModel(busan, rng=1, scale=0.01, months=12, package=package)
    sectors = model.desk.policies[0].settings.sectors
    assert sectors == list(load_scenario(busan).traded_names)
    assert "ships" in sectors and "services" not in sectors
    model.run()
    assert model.results().policy_spend_interest_subsidy.sum() > 0


def test_a_group_that_holds_nothing_of_its_kind_and_a_sector_named_like_a_group_are_one_line_errors(
    shipyard_file, tmp_path
):
    investment = _package_on("single_investment", sectors=["chains"])  # the instrument names industries only
    with pytest.raises(ScenarioError) as caught:
        RegionModel(rng=1, scale=0.01, months=1, package=investment)
    message = str(caught.value)
    assert "\n" not in message and ": interventions[0].sectors[0]: got 'chains'; the group holds no industry" in message
    unknown = _package_on("single_loans", sectors=["shipbuilding"])
    with pytest.raises(ScenarioError, match=r"allowed: one it declares: \[.*\], or a group: traded, chains"):
        RegionModel(rng=1, scale=0.01, months=1, package=unknown)
    clash = tmp_path / "clash.toml"
    clash.write_text(shipyard_file.read_text().replace("battery", "traded"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(clash)
    message = str(caught.value)
    assert "\n" not in message and "chains.traded: got 'traded'; a sector may not take a group's name" in message
