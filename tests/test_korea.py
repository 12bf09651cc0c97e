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

from sim.inputs.nation import Nation, load_nation
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
    manufacturing = sum(ulsan.industries[name].employees for name in MANUFACTURING)
    assert manufacturing == round(572_000 * 180 / 575)
    assert ulsan.industries["motor_vehicles"].employees == round(manufacturing * 54_956 / 165_268)
    assert ulsan.industries["ships"].employees == round(manufacturing * 38_570 / 165_268)
    # A division Statistics Korea suppressed (Gwangju's C31: two establishments) is 0, its workers in the rest.
    assert nation.scenarios["gwangju"].industries["ships"].employees == 0
    for name, scenario in nation.scenarios.items():
        # The file's labour force is its market's (jobs and seekers, workplace basis); its residents are the EAPS's.
        employed, unemployed = _residents(scenario)
        assert employed == pytest.approx(int(LABOUR[name]["employed"]), rel=1e-4), name
        assert unemployed == pytest.approx(int(LABOUR[name]["unemployed"]), rel=1e-3), name
        assert scenario.scenario.start == "2023-01"


def _residents(scenario) -> tuple[float, float]:
    """The residents employed and unemployed a region file builds (full population): of its market's jobs J and
    seekers, in_commuter_share_of_jobs are in-commuters, and out_commuter_share_of_employed of the residents
    employed work outside (sim/region/mobility.py populate_residents)."""
    population, mobility = scenario.population, scenario.mobility
    jobs = population.labour_force * (1 - population.unemployment_rate)
    seekers = population.labour_force * population.unemployment_rate
    inside = 1 - mobility.in_commuter_share_of_jobs
    return jobs * inside / (1 - mobility.out_commuter_share_of_employed), seekers * inside


def test_every_region_is_built_with_its_labour_force_in_the_sourced_proportions(korea):
    """EAPS 2023 (scenarios/national/labour_force.csv): each region's residents employed at 1% scale, within
    sampling error (the survey counts residents; the region's jobs differ by its net commuting, tested below).

    Measured with the bound of the module docstring (so each true z is larger in size): seed 1, the largest
    deviation Chungnam's (z = -1.77), the sum of squares over the 17 regions 12.5 (seed 2: Jeonbuk -2.05, 14.3;
    seed 3: Gyeonggi -1.41, 7.7), against 40.8 allowed. Before the commuting links (jobs = residents employed):
    9.1, 11.9, 10.0.
    """
    start = _start(korea)
    assert list(start.index) == list(REGIONS.values())
    scores = _z_scores(
        start["residents_employed"],
        {name: int(row["labour_force"]) - int(row["unemployed"]) for name, row in LABOUR.items()},
    )
    assert max(abs(z) for z in scores.values()) < 4.0, scores
    assert sum(z * z for z in scores.values()) < CHI2_17_999, scores
    # The market's labour force is its jobs over (1 - the file's unemployment rate): the same proportions.
    nation = load_nation("korea")
    for name in LABOUR:
        rate = nation.scenarios[name].population.unemployment_rate
        assert start.loc[name, "labour_force"] == pytest.approx(start.loc[name, "employed"] / (1 - rate), abs=1.0)


def test_every_regions_participation_is_built_as_sourced(korea):
    """EAPS 2023 (labour_force.csv): the labour force over the population aged 15+, 59.6% in Busan to 70.6% in Jeju
    (Gwangju's profile, which every region had before, gives 64.3%). The region files scale Gwangju's participation
    by age to each region's rate (scripts/build_korea.py), and the population is built as the residents' labour
    force over it. Tolerance one point: the residents' labour force is the market's less its in-commuters, drawn
    by chance (3% of Sejong's 2,100 sampled members of the labour force: four standard errors are 0.37% of it
    each at scale 0.01; Seoul's 31% of 63,000: 0.7%). Measured (seed 1, before the commuting links): at most 0.30
    points apart (Jeju, 70.94% against 70.64%)."""
    start = _start(korea)
    for name, row in LABOUR.items():
        sourced = int(row["labour_force"]) / int(row["population_15plus"])
        built = start.loc[name, "participation_rate_15plus"]
        assert built == pytest.approx(sourced, abs=0.01), name


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
    # The linked seekers a work region holds are the home region's unemployed (test below): counted there only.
    commuters = korea.commuters().groupby("month")
    held = commuters["seekers_in_work_region"].sum().to_numpy()
    for column in ("labour_force", "unemployed"):
        expected = table.groupby("month", sort=True)[column].sum().to_numpy() - held
        np.testing.assert_array_equal(totals[column].to_numpy(), expected, err_msg=column)
    benefits = table.groupby("month", sort=True)["benefit_income"].sum().to_numpy()
    expected = benefits - commuters["seekers_benefits_krw"].sum().to_numpy()  # paid by the home region
    np.testing.assert_allclose(totals["benefit_income"].to_numpy(), expected, rtol=1e-12)
    for column in (
        "population_15plus",
        "employed",
        "residents_employed",
        "jobs_in_region",
        "migrants_in",
        "migrants_out",
        "wage_income",
        "household_spending",
        "output_manufacturing",
    ):
        expected = table.groupby("month", sort=True)[column].sum().to_numpy()
        np.testing.assert_allclose(totals[column].to_numpy(), expected, rtol=1e-12, err_msg=column)
    np.testing.assert_allclose(totals["unemployment_rate"], totals["unemployed"] / totals["labour_force"])


def test_no_person_or_firm_crosses_a_border_without_a_link_and_every_region_counts_its_people(korea):
    """korea.toml links the regions by migration and commuting: migrants go from one region to another along its
    [[migration]] links, commuters only along its [[commuting]] links, no firm crosses a border, and each region's
    population aged 15+ changes by its entrants and in-migrants (from the rest of the country and from the other
    regions) less its out-migrants and those aged out (commuters are their home region's residents)."""
    spec = load_nation("korea").spec
    links = {(link.origin, link.destination) for link in spec.migration}
    assert len(links) == 17 * 16
    flows = korea.flows()
    assert not flows.empty and set(zip(flows["origin"], flows["destination"], strict=True)) <= links
    commuters = korea.commuters()
    commuting = {(link.home, link.work) for link in spec.commuting}
    assert set(zip(commuters["home"], commuters["work"], strict=True)) == commuting
    assert korea.firm_moves().empty
    table = korea.results()
    for name, region in table.groupby("region", sort=False):
        population = region["population_15plus"].to_numpy()
        change = (region["entrants"] + region["migrants_in"] - region["migrants_out"] - region["aged_out"]).to_numpy()
        np.testing.assert_array_equal(np.diff(population), change[1:], err_msg=name)


def test_a_region_runs_in_the_korea_nation_as_it_does_alone_without_the_links():
    """Without links a region's randomness and month are its own: Sejong in the nation with its [[migration]] and
    [[commuting]] links taken out is Sejong alone, to the bit."""
    linked = load_nation("korea", {"scale": SCALE, "months": 4})
    unlinked = Nation(
        linked.spec.model_copy(update={"migration": [], "commuting": []}),
        linked.scenarios,
        linked.source,
        linked.folder,
    )
    table = NationModel(unlinked, rng=3).run()
    mine = table[table["region"] == "sejong"].drop(columns="region").reset_index(drop=True)
    path = ROOT / "scenarios" / "nations" / "regions" / "korea" / "r29_sejong.toml"
    alone = RegionModel(load_scenario(path), rng=region_seed(3, "sejong"), scale=SCALE, months=4).run()
    pd.testing.assert_frame_equal(mine, alone, check_exact=True)


def _flows() -> dict[tuple[str, str], int]:
    """Statistics Korea's 2023 movers between sido by (origin, destination) region name (migration_by_sido.csv)."""
    return {
        (REGIONS[row["origin"]], REGIONS[row["destination"]]): int(row["movers"])
        for row in _csv("migration_by_sido.csv")
        if row["year"] == "2023"
    }


def test_the_migration_links_are_the_sourced_movers_between_sido():
    """Internal Migration Statistics 2023 (KOSIS DT_1B26001, migration_by_sido.csv): each [[migration]] link's
    share is the origin's movers to the destination over all its movers to other sido, so an origin's shares add up
    to 1 (rounded down to a millionth each). The largest flow, Seoul to Gyeonggi: 279,375 of Seoul's 461,409
    movers to other sido (60.5%); Gyeonggi's largest, to Seoul: 227,540 of 497,498. The table agrees with the
    export's own totals: each region's movers out less movers in is its row to all of Korea (Seoul 31,250 net
    out, Incheon 33,507 net in, ... 12 of the 17 read, docs/national-data.md)."""
    flows = _flows()
    assert len(flows) == 17 * 16
    assert flows[("seoul", "gyeonggi")] == 279_375 and flows[("gyeonggi", "seoul")] == 227_540
    moved_out = {name: sum(n for (o, _), n in flows.items() if o == name) for name in REGIONS.values()}
    moved_in = {name: sum(n for (_, d), n in flows.items() if d == name) for name in REGIONS.values()}
    assert moved_out["seoul"] == 461_409 and moved_out["gyeonggi"] == 497_498
    assert moved_out["seoul"] - moved_in["seoul"] == 31_250 and moved_out["incheon"] - moved_in["incheon"] == -33_507
    assert sum(moved_out.values()) == sum(moved_in.values()) == 2_142_542
    links = load_nation("korea").spec.migration
    for link in links:
        exact = flows[(link.origin, link.destination)] / moved_out[link.origin]
        assert exact - 1e-6 < link.share_of_out_migrants <= exact, (link.origin, link.destination)
    for origin in REGIONS.values():
        total = sum(link.share_of_out_migrants for link in links if link.origin == origin)
        assert 1.0 - 16e-6 < total <= 1.0, origin
    biggest = max(links, key=lambda link: link.share_of_out_migrants * moved_out[link.origin])
    assert (biggest.origin, biggest.destination) == ("seoul", "gyeonggi")
    assert biggest.share_of_out_migrants == pytest.approx(279_375 / 461_409, abs=1e-6)


def test_the_regions_migrate_at_their_sourced_rates_and_the_links_bring_the_nations_in_migrants(korea):
    """The regions' migration rates are Gwangju's scaled by their sourced movers per person aged 15+
    (scripts/build_korea.py; Internal Migration Statistics 2023, labour_force.csv): each region's out-migration
    rate at every age stands to Gwangju's as the sourced movers out per person aged 15+ do (Sejong's about twice
    Gwangju's), to the rates' six decimals. Over the nation the residents' in-migrants a month at the
    start (population by age times in-migration rates) equal what the [[migration]] links are expected to bring
    (sim/nation/hosts.py), so nothing is left to come from a rest of the country. Region by region they differ
    by the sampling of whole firms (population per member of the sourced labour force 1.25 to 1.69 at scale
    0.01); over the nation the difference is the regions' in/out ratios (at most 1.26) weighting that sampling
    error (a few percent): 1% (measured 0.08%, seeds 1 and 2)."""
    flows = _flows()
    moved_out = {name: sum(n for (o, _), n in flows.items() if o == name) for name in REGIONS.values()}
    per_member = {name: moved_out[name] / int(LABOUR[name]["population_15plus"]) for name in REGIONS.values()}
    rate, base_in, linked = {}, 0.0, 0.0
    for name, model in korea.regions.items():
        mobility, tables = model.config.mobility, model.region.mobility
        out_rate = np.asarray(mobility.out_migration_rate_per_year_by_age) / 12.0
        in_rate = out_rate + np.asarray(mobility.net_migration_rate_per_year_by_age) / 12.0
        people = tables.population_by_band_start
        rate[name] = out_rate
        base_in += float(people @ in_rate)
        linked += tables.from_regions_per_month
    for name in REGIONS.values():
        expected = per_member[name] / per_member["gwangju"]
        np.testing.assert_allclose(rate[name] / rate["gwangju"], expected, rtol=1e-3, err_msg=name)
    np.testing.assert_allclose(rate["sejong"] / rate["gwangju"], 2.07, atol=0.01)
    assert linked == pytest.approx(base_in, rel=0.01)


def test_internal_migration_nets_to_zero_over_the_nation(korea):
    """Statistics Korea's internal migration statistics count each move between sido once out of one and once into
    another (2024: 6,283,000 movers, scenarios/national/migration.csv), so over all 17 regions moves in equal moves
    out. Tolerance: 5% of the moves out: international moves are not in these counts, and a migrant arrives the month
    after leaving, so a 30-month run counts one month of departures (about 3%) whose arrivals fall after it.
    Measured (scale 0.01, 30 months): 18,791 in against 19,096 out (seed 1), -1.6%."""
    totals = korea.totals()
    moved_in, moved_out = totals["migrants_in"].sum(), totals["migrants_out"].sum()
    assert abs(moved_in - moved_out) < 0.05 * moved_out, (moved_in, moved_out)


@pytest.mark.xfail(
    strict=True,
    reason="with the sourced 2024 growth (every region: manufacturing's outside sales +4.0% a year and output per "
    "worker +3.48%, services' outside sales and autonomous demand +1.6% and output per worker +1.07%; Bank of Korea, "
    "Korea Productivity Center, growth_by_industry.csv), the commuting links and pensions (Pension Statistics by "
    "sido, +3.8% a year real per person aged 65+, pensions_by_sido.csv) residents employed grow +0.59% from month "
    "6 to month 30 (scale 0.01, seed 1; +0.60% seed 2, +0.59% seed 3) against +1.24% sourced: jobs +0.73%, "
    "services' +0.53% (seed 1), as households' part of services demand grows with jobs and pensions only (pay "
    "does not follow productivity: real wages -1.1% in 2023) while households' real consumption grew 1.8% and 1.1% "
    "(2023, 2024). Pensions are 6.5% of households' income at the start and grow 7.7% a year (0.5% of "
    "income a year to spend), and services are short of staff for part of their orders (docs/model.md 7.10). "
    "Before pensions: +0.52%, +0.53%, +0.52% (seeds 1-3; services' +0.45%, seed 1); without the trend: -0.07% "
    "(seed 1), -0.07%, -0.09% (before the links); links alone: -0.01%, -0.04%, -0.07%",
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


def _pensions_2023() -> tuple[float, float]:
    """Statistics Korea, 2023 Pension Statistics (pensions_by_sido.csv, national rows): pensions paid a month to those
    aged 65+ in 2023 (recipients x mean, KRW) and their real growth from 2022 (recipients +5.6% and mean +6.9% in
    the release; here from the rows, deflated by consumer prices +3.6% in 2023, Statistics Korea 2023-12-29)."""
    rows = {row["year"]: row for row in _csv("pensions_by_sido.csv") if row["region"] == "00"}
    paid = {year: int(rows[year]["recipients"]) * int(rows[year]["mean_pension_krw"]) for year in ("2022", "2023")}
    return paid["2023"], paid["2023"] / paid["2022"] / 1.036 - 1


@pytest.mark.xfail(
    strict=True,
    reason="the nation's pensions at the start are 4.51 trillion KRW a month (month 0, scale 0.01, seed 1, over the "
    "scale) against 6.00 trillion: 24.9% short. The mean per person aged 65+ is sourced by region, so the gap is the "
    "number aged 65+: every region has Gwangju's age shares (65+ are 16% of those aged 15+, Gwangju's 2020 Census "
    "share) where Korea's 9.50 million aged 65+ were 20.9% of its 45.5 million aged 15+ in 2023 (Pension Statistics; "
    "labour_force.csv), and the model has nobody over 85",
)
def test_the_nations_pensions_are_what_koreas_65_and_over_received_in_2023(korea):
    """2023 Pension Statistics: 8,636,000 people aged 65+ received a mean 695,000 KRW a month of public and private
    pensions, 6.00 trillion KRW a month. The model pays each resident aged 65+ the region's mean per person aged 65+
    (scenarios/gwangju.toml [households], the region files), so its total checks how many of them it holds.
    Tolerance: 15% below, none above (assumption: the model ages people out at 85, and those aged 85+ are under a
    tenth of those aged 65+ in Korea, with smaller pensions: recipients 80+ get 548,000 KRW against 695,000)."""
    paid, _ = _pensions_2023()
    model = float(korea.totals()["pension_income"].iloc[0]) / SCALE
    assert 0.85 * paid <= model <= paid, model / paid


@pytest.mark.xfail(
    strict=True,
    reason="the nation's pensions grow +7.7% in the first year (month 0 to 12, scale 0.01, seed 1; +8.0% seed 2, "
    "+7.8% seed 3) against +8.9% sourced: the mean per person aged 65+ grows at the sourced +3.8% (its own input), "
    "the number aged 65+ by 3.7% against 5.0% (9,046 to 9,501 thousand in 2022-2023): the model's ages are uniform "
    "within Gwangju's 10-year bands (60-69: 13% of those aged 15+), so the large cohorts born 1955-1963 reaching 65 "
    "are not held",
)
def test_the_nations_pensions_grow_as_koreas_did_in_2023(korea):
    """2023 Pension Statistics: pensions paid to those aged 65+ grew from 8,182,000 x 650,000 KRW (2022) to 8,636,000
    x 695,000 (2023), +12.9% nominal, +8.9% real (consumer prices +3.6%). The model holds pensions' real growth per
    person aged 65+ (3.8%, from the same rows) and ages its residents, so its first year checks the ageing.
    Tolerance: one percentage point (assumption: the growth of Korea's 65+ population was 4.9-5.0% a year in
    2021-2023, Pension Statistics 2021-2023, and the mean's growth varies with the year's price indexation)."""
    _, growth = _pensions_2023()
    assert growth == pytest.approx(0.0893, abs=0.0005)
    paid = korea.totals()["pension_income"].to_numpy(dtype=float)
    assert paid[12] / paid[0] - 1 == pytest.approx(growth, abs=0.01)


def test_each_regions_job_finding_rate_holds_its_sourced_unemployment_steady():
    """EAPS 2023 (labour_force.csv): each region's job-finding rate f is derived so that its sourced unemployment
    rate u is the steady state of its flows, f u = s (1 - u) + e + m - o u a month (scripts/build_korea.py
    job_finding_rate): s and e Gwangju's separations into unemployment and entry (scenarios/gwangju.toml, which
    derives s from its 3.5% unemployment and KLI's 1/8), m and o the region's own in-migrants joining the labour
    force and unemployed moving out (its [mobility] rates, from Internal Migration Statistics 2023). Every sido's
    2023 rate is below Gwangju's scenario's 3.5%, so every f is above 1/8; Ulsan's (3.38%, Korea's highest) is the
    lowest and Sejong's (1.89%, lowest, with the highest migration) the highest."""
    nation = load_nation("korea")
    gwangju = load_scenario("gwangju")
    shares = np.asarray(gwangju.mobility.population_share_by_age)
    u_g, entry = gwangju.population.unemployment_rate, gwangju.population.entry_rate_per_month
    inflow = (gwangju.labour_market.job_finding_rate_per_month * u_g - entry) / (1 - u_g)
    rates = {}
    for name, scenario in nation.scenarios.items():
        weights = shares * np.asarray(scenario.mobility.participation_rate_by_age)
        row = LABOUR[name]
        u = int(row["unemployed"]) / int(row["labour_force"])
        out_rate = np.asarray(scenario.mobility.out_migration_rate_per_year_by_age)
        in_rate = out_rate + np.asarray(scenario.mobility.net_migration_rate_per_year_by_age)
        arriving = float(weights @ in_rate) / weights.sum() / 12
        leaving = float(weights @ out_rate) / weights.sum() / 12
        f = scenario.labour_market.job_finding_rate_per_month
        rates[name] = f
        # The file's rate has four decimals (5e-5) and the [mobility] rates six (up to 3e-5 of f for Sejong's u).
        assert f == pytest.approx((inflow * (1 - u) + entry + arriving - leaving * u) / u, abs=1e-4), name
    assert min(rates.values()) > 0.125
    assert min(rates, key=rates.get) == "ulsan" and max(rates, key=rates.get) == "sejong"


@pytest.mark.xfail(
    strict=True,
    reason="the regions whose labour force grows fastest by migration have jobs that grow less (the sourced growth "
    "of demand and of output per worker is the same in every region, no GRDP by sido and industry being in "
    "scenarios/national/): at month 12 (scale 0.01, seed 1) Sejong 3.45% against 1.89% sourced (z = +4.8; its 2023 "
    "movers in were 1.05 of its movers out and 16% of its labour force), chi-square 53.0 against 40.8 allowed "
    "(seed 2: 32.7, Gwangju +2.9; seed 3: 19.7, Gyeonggi +2.0). Before the growth trends: Sejong 3.50% (z = +5.0), "
    "chi-square 63.3 (seed 1), 30.2 (seed 2), 26.8 (seed 3); with Gwangju's 1/8 job finding in every region: 413 "
    "(seed 1), 332 (seed 2). With the commuting links as well (the residents' rate, as the survey's): 76.7 (seed 1: "
    "Sejong 3.25%, z = +4.9; Incheon 3.79%, z = +4.7, 31% of its employed working in Seoul and Gyeonggi), 78.6 "
    "(seed 2: Sejong +5.9), 38.3 (seed 3: Sejong +4.2); links alone: 80.3, 76.9, 39.0. With pensions as well: "
    "78.9 (seed 1: Sejong 3.29%, z = +5.0; Incheon 3.78%, z = +4.6), 81.7 (seed 2: Sejong +6.2), 34.8 (seed 3: "
    "Sejong +4.0)",
)
def test_each_regions_unemployment_stays_at_its_sourced_rate_a_year_on(korea):
    """EAPS 2023 annual (labour_force.csv, KOSIS DT_1DA7004S): each sido's unemployment rate, 1.9% (Sejong) to 3.4%
    (Ulsan). In a baseline with no shock the rates are a steady state (the job-finding rates are derived so,
    scripts/build_korea.py), so a year on (month 12) each region's residents' rate (the survey's) should still be
    its 2023 one. Tolerance: sampling error only, the binomial standard error sqrt(u (1 - u) / L) of a rate u among
    the L members of the sampled residents' labour force (a lower bound: firms' layoffs come in groups), each |z| < 4
    and the sum of squares over the 17 regions below the chi-square's 99.9% quantile."""
    month = korea.results()
    month = month[month["month"] == 12].set_index("region")
    scores = {}
    for name, row in LABOUR.items():
        rate = int(row["unemployed"]) / int(row["labour_force"])
        built = month.loc[name, "resident_unemployment_rate"]  # the survey's: residents, by where they live
        residents = month.loc[name, "residents_employed"] / (1 - built)
        error = np.sqrt(rate * (1 - rate) / residents)
        scores[name] = (built - rate) / error
    assert max(abs(z) for z in scores.values()) < 4.0, scores
    assert sum(z * z for z in scores.values()) < CHI2_17_999, scores


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


# ------------------------------------------------------------------ commuting between the regions


def _commuting_rows() -> list[dict[str, str]]:
    return _csv("commuting.csv")


def test_the_commuting_links_are_the_sourced_flows_between_sido():
    """scenarios/national/commuting.csv: the share of a sido's commuting workers working in another sido (Statistics
    Korea-SK Telecom experimental statistics, June 2023: Gyeonggi's 21.5% to Seoul, Incheon's 13.6%; Southeast
    Regional Statistics Office 2020: Busan-Gyeongnam; 2015 Census: Jeonnam to Gwangju) times the home region's 2023
    employed (EAPS) is the link's flow; each [[commuting]] link's share is its flow over the work region's
    in-commuters (its jobs x in_commuter_share_of_jobs, the region file), rounded down to a millionth. The largest
    flow, Gyeonggi to Seoul: 0.215 x 7,653,000 = 1,645,395 of Seoul's 1,870,475 in-commuters (with Incheon's
    0.136 x 1,655,000); in the capital area the links are all of a region's in-commuters (docs/national.md)."""
    nation = load_nation("korea")
    links = nation.spec.commuting
    pairs = {
        (REGIONS[row["origin"]], REGIONS[row["destination"]]): float(row["share"])
        for row in sorted(_commuting_rows(), key=lambda row: int(row["year"]))
        if "+" not in row["origin"] and row["destination"] != "other"
    }
    assert {(link.home, link.work) for link in links} == set(pairs) and len(links) == 13
    flows = {pair: share * int(LABOUR[pair[0]]["employed"]) for pair, share in pairs.items()}
    for link in links:
        work = nation.scenarios[link.work]
        jobs = work.population.labour_force * (1 - work.population.unemployment_rate)
        in_commuters = jobs * work.mobility.in_commuter_share_of_jobs
        # The file's labour force is rounded to a person and its unemployment rate to 5 decimals (2e-5 of jobs).
        exact = flows[(link.home, link.work)] / in_commuters
        assert link.share_of_in_commuters == pytest.approx(exact, rel=2e-5, abs=2e-6), (link.home, link.work)
        if link.work in ("seoul", "incheon", "gyeonggi"):  # the links' only
            linked = sum(flow for (_, to), flow in flows.items() if to == link.work)
            exact = flows[(link.home, link.work)] / linked
            assert exact - 2e-6 < link.share_of_in_commuters <= exact, (link.home, link.work)
    biggest = max(links, key=lambda link: flows[(link.home, link.work)])
    assert (biggest.home, biggest.work) == ("gyeonggi", "seoul")
    assert flows[("gyeonggi", "seoul")] == pytest.approx(1_645_395)
    assert biggest.share_of_in_commuters == pytest.approx(1_645_395 / (1_645_395 + 0.136 * 1_655_000), abs=1e-6)
    for work in ("seoul", "incheon", "gyeonggi"):
        total = sum(link.share_of_in_commuters for link in links if link.work == work)
        assert 1 - 1e-5 < total <= 1, work
    # A home region's sourced share commuting anywhere holds its links (Incheon: 31.3% against 17.6% + 13.6%).
    assert nation.scenarios["incheon"].mobility.out_commuter_share_of_employed == 0.313
    assert nation.scenarios["seoul"].mobility.out_commuter_share_of_employed == 0.186


def test_commuters_are_counted_once_in_the_nations_totals(korea):
    """docs/national.md (Commuting): a linked commuter is one person, a resident of the home region (its residents
    employed) holding a job of the work region (its jobs). At the start each link's commuters (home region's count)
    are the jobs it holds (work region's); afterwards they differ only by the month's news not yet delivered: at
    most the link's hires, jobs lost and people lost at home of that month and the month before. The nation's
    residents employed are its regions' (each commuter counted at home) and its jobs its regions' (each at work),
    and its unemployed count a linked commuter searching in the work region once, at home."""
    commuters = korea.commuters()
    start = commuters[commuters["month"] == 0]
    assert (start["commuters"] == start["jobs_held"]).all()
    assert start["commuters"].sum() > 0.01 * korea.totals()["residents_employed"].iloc[0]  # Seoul's alone: 31%
    for _, link in commuters.groupby(["home", "work"], sort=False):
        news = (link["hired"] + link["jobs_lost"] + link["left_home_region"]).to_numpy()
        bound = news + np.concatenate([[0], news[:-1]])
        assert (np.abs(link["commuters"] - link["jobs_held"]).to_numpy() <= bound).all()
    # The nation's unemployed: the linked seekers the work region holds are the home region's unemployed residents,
    # counted there only (NationModel.totals).
    table, totals = korea.results(), korea.totals()
    held = commuters.groupby("month")["seekers_in_work_region"].sum().to_numpy()
    assert held.max() > 0
    summed = table.groupby("month")["unemployed"].sum().to_numpy()
    np.testing.assert_array_equal(totals["unemployed"].to_numpy(), summed - held)


def _net_commuting_scores(korea: NationModel, month: int) -> dict[str, float]:
    """z of each region's jobs less residents employed against its sourced net commuting (region files, full
    population J - E), over an upper bound on the sampling error of the difference of the sampled in-commuters C
    (drawn at in_commuter_share_of_jobs s_in among jobs sampled as whole firms of up to 50: Var <= C (1 + 50 s_in))
    and out-commuters O (o / (1 - o) of the residents employed at home: Var <= o / (1 - o) 50 O), taken as fully
    correlated (both from the region's own firms): sd <= sd_C + sd_O."""
    nation = load_nation("korea")
    table = korea.results()
    row = table[table["month"] == month].set_index("region")
    scores = {}
    for name, scenario in nation.scenarios.items():
        mobility = scenario.mobility
        jobs = scenario.population.labour_force * (1 - scenario.population.unemployment_rate)
        employed, _ = _residents(scenario)
        expected = (jobs - employed) * SCALE
        measured = row.loc[name, "jobs_in_region"] - row.loc[name, "residents_employed"]
        s_in, o = mobility.in_commuter_share_of_jobs, mobility.out_commuter_share_of_employed
        sd_in = np.sqrt(row.loc[name, "commuters_in"] * (1 + WHOLE_FIRM_MAX_EMPLOYEES * s_in))
        sd_out = np.sqrt(o / (1 - o) * WHOLE_FIRM_MAX_EMPLOYEES * row.loc[name, "commuters_out"]) if o < 1 else 0.0
        scores[name] = (measured - expected) / (sd_in + sd_out)
    return scores


def test_each_regions_jobs_less_residents_employed_is_its_sourced_net_commuting(korea):
    """scenarios/national/commuting.csv and EAPS 2023: each region's jobs (workplace) less its residents employed
    is its in-commuters less its out-commuters, as sourced: Seoul +908,000 (1.87 million in from Gyeonggi and
    Incheon, 18.6% of its 5.17 million employed out), Gyeonggi -802,000, Incheon -228,000, Sejong -86,000 (43.2%
    of its employed work in another sido), Busan -44,000, Gyeongnam -39,000, Jeonnam -25,000. Sign and size at the
    start and 30 months on (the links keep the flows). Tolerance: sampling error (_net_commuting_scores, an upper
    bound), each |z| < 4 and the sum of squares over the 17 regions below the chi-square's 99.9% quantile; the
    sign must be the sourced one wherever the sourced net is above four standard errors. Measured (seed 1):
    Seoul +8,863 at 1% against +9,081 at the start and +9,178 at month 30; Gyeonggi -7,826 and -7,604 against
    -8,016; Sejong -972 and -886 against -862."""
    nation = load_nation("korea")
    table = korea.results()
    for month in (0, MONTHS):
        scores = _net_commuting_scores(korea, month)
        assert max(abs(z) for z in scores.values()) < 4.0, (month, scores)
        assert sum(z * z for z in scores.values()) < CHI2_17_999, (month, scores)
        row = table[table["month"] == month].set_index("region")
        measured = row["jobs_in_region"] - row["residents_employed"]
        for name in ("seoul", "gyeonggi", "incheon", "sejong"):
            scenario = nation.scenarios[name]
            jobs = scenario.population.labour_force * (1 - scenario.population.unemployment_rate)
            expected = jobs - _residents(scenario)[0]
            assert np.sign(measured[name]) == np.sign(expected), (month, name)
