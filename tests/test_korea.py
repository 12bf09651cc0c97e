"""The shipped Korea nation (scenarios/nations/korea.toml, issue 16): Korea's 17 regions sized to Statistics Korea.

Run at a reduced scale (1% of every region, 30 months: to mid-2025). Sampling error of a region's size at
scale s: firms are sampled whole (``sim.region.build.scale_sizes``: a firm keeps min(size, 50) workers with the
probability that keeps its expected workforce; no firm here is big enough at s = 0.01 to be shrunk instead), so
the variance of the sampled employed is sum(w_i^2 p_i (1 - p_i)) <= 50 s E for E employed at full scale, and the
relative standard error is at most sqrt(50 / (s E)): 0.5% for Gyeonggi, 3.1% for Gwangju, 4.9% for Sejong at
s = 0.01. The labour force is built from the employed (``build.py``: employed / (1 - unemployment rate)), so it has
the same error.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.inputs.nation import load_nation
from sim.inputs.scenario import load_scenario
from sim.model import RegionModel
from sim.nation import NationModel
from sim.nation.model import region_seed
from sim.region.build import WHOLE_FIRM_MAX_EMPLOYEES

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "scenarios" / "national"
SCALE = 0.01
MONTHS = 30
#: 99.9% quantile of the chi-square law with 17 degrees of freedom (one per region).
CHI2_17_999 = 40.79
MANUFACTURING = (
    "motor_vehicles",
    "ships",
    "machinery",
    "electronics",
    "electrical_equipment",
    "chemicals",
    "basic_metals",
    "food",
    "other_manufacturing",
)


def _csv(name: str) -> list[dict[str, str]]:
    with (NATIONAL / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


REGIONS = {row["code"]: row["name_en"].lower() for row in _csv("regions.csv")}
LABOUR = {REGIONS[row["region"]]: row for row in _csv("labour_force.csv") if row["year"] == "2023"}


@pytest.fixture(scope="module")
def korea() -> NationModel:
    nation = NationModel("korea", rng=1, scale=SCALE, months=MONTHS)
    nation.run()
    return nation


def _start(nation: NationModel) -> pd.DataFrame:
    table = nation.results()
    return table[table["month"] == 0].set_index("region")


def _z_scores(observed: pd.Series, expected_full: dict[str, float]) -> dict[str, float]:
    """(observed / scale - expected) over the bound on the standard error of the sampled count (module docstring)."""
    scores = {}
    for name, expected in expected_full.items():
        bound = expected * np.sqrt(WHOLE_FIRM_MAX_EMPLOYEES / (SCALE * expected))
        scores[name] = (observed[name] / SCALE - expected) / bound
    return scores


def test_the_shipped_files_are_what_the_tables_give():
    """scripts/build_korea.py writes korea.toml and the region files from scenarios/national/*.csv (none by hand)."""
    spec = importlib.util.spec_from_file_location("build_korea", ROOT / "scripts" / "build_korea.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.build()
    assert len(files) == 18
    for path, text in files.items():
        assert path.read_text(encoding="utf-8") == text, f"{path}: run python scripts/build_korea.py"


def test_each_region_file_holds_the_sourced_labour_force_and_manufacturing_by_division():
    """Statistics Korea: EAPS 2023 (labour force), EAPS by industry (mining and manufacturing, KOSIS DT_1DA7E33S),
    Mining and Manufacturing Survey 2024 (divisions, KOSIS DT_1FS1101), e.g. Ulsan: 592,000 in the labour force,
    180 of its 575 thousand employed in mining and manufacturing, 54,956 of 165,268 manufacturing employees in motor
    vehicles (C30) and 38,570 in other transport equipment (C31, ships)."""
    nation = load_nation("korea")
    assert [entry.name for entry in nation.spec.regions] == list(REGIONS.values())
    ulsan = nation.scenarios["ulsan"]
    assert ulsan.population.labour_force == 592_000
    assert ulsan.population.unemployment_rate == pytest.approx(20_000 / 592_000, abs=1e-5)
    manufacturing = sum(ulsan.industries[name].employees for name in MANUFACTURING)
    assert manufacturing == round(572_000 * 180 / 575)
    assert ulsan.industries["motor_vehicles"].employees == round(manufacturing * 54_956 / 165_268)
    assert ulsan.industries["ships"].employees == round(manufacturing * 38_570 / 165_268)
    # A division Statistics Korea suppressed (Gwangju's C31: two establishments) is 0, its workers in the rest.
    assert nation.scenarios["gwangju"].industries["ships"].employees == 0
    for name, scenario in nation.scenarios.items():
        assert scenario.population.labour_force == int(LABOUR[name]["labour_force"]), name
        assert scenario.scenario.start == "2023-01"


def test_every_region_is_built_with_its_labour_force_in_the_sourced_proportions(korea):
    """EAPS 2023 (scenarios/national/labour_force.csv): each region's labour force at 1% scale, within sampling error.

    Measured with the bound of the module docstring (so each true z is larger in size): seed 1, the largest
    deviation Busan's, 1,590,500 built against 1,746,000 sourced (z = -1.64), the sum of squares over the 17
    regions 9.1 (seed 2: Seoul -1.44, 11.9; seed 3: Incheon +2.11, 10.0), against 40.8 allowed.
    """
    start = _start(korea)
    assert list(start.index) == list(REGIONS.values())
    scores = _z_scores(
        start["employed"],
        {name: int(row["labour_force"]) - int(row["unemployed"]) for name, row in LABOUR.items()},
    )
    assert max(abs(z) for z in scores.values()) < 4.0, scores
    assert sum(z * z for z in scores.values()) < CHI2_17_999, scores
    # The labour force is the employed over (1 - the region's unemployment rate): the same proportions.
    for name, row in LABOUR.items():
        rate = int(row["unemployed"]) / int(row["labour_force"])
        assert start.loc[name, "labour_force"] == pytest.approx(start.loc[name, "employed"] / (1 - rate), abs=1.0)


def test_every_regions_manufacturing_is_built_as_sourced(korea):
    """EAPS by sido and industry (mining and manufacturing's share of employed, KOSIS DT_1DA7E33S): Ulsan's share is
    Korea's highest (31%) and Jeju's its lowest (3.7%); each region's manufacturing jobs within sampling error.
    Measured (seed 1): the largest deviation Gangwon's, 78,000 built against 58,034 (z = 1.17), sum of squares 7.4
    (seed 2: Jeju 34,000 against 14,926, z = 2.21, 17.9; seed 3: 11.3)."""
    nation = load_nation("korea")
    start = _start(korea)
    expected = {
        name: float(sum(scenario.industries[sector].employees for sector in MANUFACTURING))
        for name, scenario in nation.scenarios.items()
    }
    built = start[[f"employed_{sector}" for sector in MANUFACTURING]].sum(axis=1)
    scores = _z_scores(built, expected)
    assert max(abs(z) for z in scores.values()) < 4.0, scores
    assert sum(z * z for z in scores.values()) < CHI2_17_999, scores
    share = built / start["employed"]
    assert share.idxmax() == "ulsan" and share.idxmin() == "jeju"


def test_every_regions_manufacturing_divisions_are_built_as_sourced(korea):
    """Mining and Manufacturing Survey 2024 (KOSIS DT_1FS1101): each region's jobs in each of the eight divisions and
    the rest of manufacturing (153 cells, the empty ones left out), within sampling error together (chi-square at
    99.9%); a small division at 1% scale is a handful of sampled firms, so single cells are not tested apart.
    Measured: 146 cells, sum of squares 84.8 (seed 1), 100.1 (seed 2), 102.4 (seed 3) against 204.5 allowed."""
    from scipy.stats import chi2

    nation = load_nation("korea")
    start = _start(korea)
    scores = []
    for sector in MANUFACTURING:
        expected = {
            name: float(scenario.industries[sector].employees)
            for name, scenario in nation.scenarios.items()
            if scenario.industries[sector].employees
        }
        scores += list(_z_scores(start[f"employed_{sector}"], expected).values())
    assert sum(z * z for z in scores) < chi2.ppf(0.999, len(scores)), (len(scores), sum(z * z for z in scores))


def test_the_region_files_put_ships_where_the_survey_counts_them():
    """Mining and Manufacturing Survey 2024, other transport equipment (C31): Gyeongnam 83,201, Ulsan 38,570 and
    Jeonnam 28,718 of Korea's 166,704 employees, the three shipbuilding provinces (90%)."""
    nation = load_nation("korea")
    ships = pd.Series({name: scenario.industries["ships"].employees for name, scenario in nation.scenarios.items()})
    top = ships.sort_values(ascending=False)
    assert set(top.index[:3]) == {"gyeongnam", "ulsan", "jeonnam"}
    assert top.iloc[:3].sum() / top.sum() > 0.85


def test_national_totals_are_the_sum_of_the_regions_people_and_money(korea):
    table, totals = korea.results(), korea.totals()
    for column in (
        "population_15plus",
        "labour_force",
        "employed",
        "unemployed",
        "residents_employed",
        "jobs_in_region",
        "migrants_in",
        "migrants_out",
        "wage_income",
        "benefit_income",
        "household_spending",
        "output_manufacturing",
    ):
        expected = table.groupby("month", sort=True)[column].sum().to_numpy()
        np.testing.assert_allclose(totals[column].to_numpy(), expected, rtol=1e-12, err_msg=column)
    np.testing.assert_allclose(totals["unemployment_rate"], totals["unemployed"] / totals["labour_force"])


def test_no_person_or_firm_crosses_a_border_without_a_link_and_every_region_counts_its_people(korea):
    """korea.toml has no links: no migrant, firm or commuter goes from one region of the nation to another, and each
    region's population aged 15+ changes by its entrants and in-migrants less its out-migrants and those aged out."""
    assert korea.flows().empty and korea.firm_moves().empty and korea.commuters().empty
    table = korea.results()
    for name, region in table.groupby("region", sort=False):
        population = region["population_15plus"].to_numpy()
        change = (region["entrants"] + region["migrants_in"] - region["migrants_out"] - region["aged_out"]).to_numpy()
        np.testing.assert_array_equal(np.diff(population), change[1:], err_msg=name)


def test_a_region_runs_in_the_korea_nation_as_it_does_alone():
    """Without links a region's randomness and month are its own: Sejong in the nation is Sejong alone, to the bit."""
    nation = NationModel("korea", rng=3, scale=SCALE, months=4)
    table = nation.run()
    mine = table[table["region"] == "sejong"].drop(columns="region").reset_index(drop=True)
    path = ROOT / "scenarios" / "nations" / "regions" / "korea" / "r29_sejong.toml"
    alone = RegionModel(load_scenario(path), rng=region_seed(3, "sejong"), scale=SCALE, months=4).run()
    pd.testing.assert_frame_equal(mine, alone, check_exact=True)


@pytest.mark.xfail(
    strict=True,
    reason="no origin-destination migration table by sido is in scenarios/national/ (KOSIS DT_1B26001; a public "
    "export was found but not transcribed, docs/national-data.md), so korea.toml has no [[migration]] links: "
    "each region sends its out-migrants to, and receives its in-migrants from, a rest of the country outside "
    "the nation, at Gwangju's rates (net outflow). "
    "Measured with Korean turnover, scale 0.01, 30 months: 14,406 in-migrants against 21,326 out-migrants over "
    "the nation (seed 1); 14,441 against 20,831 (seed 2); 15,279 against 20,536 before (seed 1); "
    "15,166 against 20,142 (seed 2)",
)
def test_internal_migration_nets_to_zero_over_the_nation(korea):
    """Statistics Korea's internal migration statistics count each move between sido once out of one and once into
    another (2024: 6,283,000 movers, scenarios/national/migration.csv), so over all 17 regions moves in equal moves
    out. Tolerance: 5% of the moves out (international moves are not in these counts)."""
    totals = korea.totals()
    moved_in, moved_out = totals["migrants_in"].sum(), totals["migrants_out"].sum()
    assert abs(moved_in - moved_out) < 0.05 * moved_out, (moved_in, moved_out)


@pytest.mark.xfail(
    strict=True,
    reason="the regions' flows are Gwangju's (base_2023.toml): its net out-migration (-0.24% a year, -1.3% in the "
    "twenties) in every region, to a rest of the country outside the nation, and no national growth of demand "
    "(a baseline without trends). Measured with Korean turnover, scale 0.01: residents employed -0.91% from month "
    "6 to month 30 (seeds 1 and 3; -0.89% seed 2; -0.36% before) against +1.24% sourced",
)
def test_the_nations_employment_grows_as_koreas_did_from_2023_to_2025(korea):
    """EAPS: Korea's employed summed over the 17 sido, 28,419 thousand in 2023 (labour_force.csv, KOSIS
    DT_1DA7004S) and 28,771 thousand in 2025 (employment_by_industry.csv rows B+C, KOSIS DT_1DA7E33S): +1.24%. The
    annual figures are the years' averages, so the model's mid-2023 (month 6) against mid-2025 (month 30).
    Tolerance: half a percentage point (assumption: the survey's national estimate is close to exact at this
    size; the model's spread across seeds is 0.04 points)."""
    employed_2023 = sum(int(row["employed"]) for row in LABOUR.values())
    employed_2025 = sum(
        int(row["employed_all_industries"])
        for row in _csv("employment_by_industry.csv")
        if row["year"] == "2025" and row["industry"] == "B+C"
    )
    assert employed_2023 == 28_419_000 and employed_2025 == 28_771_000
    residents = korea.totals()["residents_employed"].to_numpy(dtype=float)
    assert residents[30] / residents[6] - 1 == pytest.approx(employed_2025 / employed_2023 - 1, abs=0.005)


def test_the_command_line_runs_the_korea_nation(tmp_path, capsys):
    from sim.cli import main

    out = tmp_path / "korea"
    assert main(["nation", "korea", "--scale", "0.005", "--months", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "nation korea: 17 regions" in printed and "gyeonggi" in printed
    regions = pd.read_csv(out / "regions.csv")
    assert list(dict.fromkeys(regions["region"])) == list(REGIONS.values())
    totals = pd.read_csv(out / "totals.csv")
    np.testing.assert_array_equal(totals["employed"], regions.groupby("month")["employed"].sum().to_numpy())
