"""The national data (issue 16, items 1-2): the tables in scenarios/national/ load, every row has
a source, shares that must add up do, and the regions add up to the national totals that
Statistics Korea publishes (docs/national-data.md).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.inputs.national_data import (
    CAPITAL_AREA,
    NATIONAL_DIR,
    ROUNDING_UNIT_PERSONS,
    load_national_data,
)

DATA = load_national_data()
TABLES = sorted(path.name for path in NATIONAL_DIR.glob("*.csv"))


def test_every_table_loads_and_korea_has_17_regions_in_15_groups():
    assert TABLES == [
        "commuting.csv",
        "employment_by_industry.csv",
        "growth_by_industry.csv",
        "interregional_trade.csv",
        "investment_origin.csv",
        "key_industries.csv",
        "labour_force.csv",
        "migration.csv",
        "migration_by_sido.csv",
        "national_totals.csv",
        "pensions_by_sido.csv",
        "regions.csv",
    ]
    assert len(DATA.regions) == 17
    # Seoul Metropolitan Area Readjustment Planning Act art. 2: Seoul, Incheon and Gyeonggi
    capital = sorted(code for code, region in DATA.regions.items() if region.capital_area)
    assert [DATA.regions[code].name_en for code in capital] == ["Seoul", "Incheon", "Gyeonggi"]
    # seed 004: the plan covers the 14 non-metropolitan cities and provinces
    assert len(DATA.non_metropolitan()) == 14
    groups = DATA.groups()
    assert len(groups) == 15 and sorted(groups[CAPITAL_AREA]) == capital
    assert sorted(code for codes in groups.values() for code in codes) == sorted(DATA.regions)  # a partition


def test_every_row_names_its_source():
    for name in TABLES:
        with (NATIONAL_DIR / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, name
        for line, row in enumerate(rows, start=2):
            assert row["source_title"].strip() and row["source_locator"].strip(), f"{name} line {line}"


def test_regions_add_up_to_the_national_totals_of_2023():
    """KOSTAT's 2023 annual employment release: 28,416 thousand employed and 787 thousand unemployed
    (kostat.go.kr list_no=429025); the regional cells are rounded to thousands one by one, so their
    sum may differ by up to half a thousand per region."""
    national = DATA.national_totals[2023]
    assert national.employed == 28_416_000 and national.unemployed == 787_000
    regional = DATA.labour_force_in(2023)
    assert sorted(regional) == sorted(DATA.regions)
    slack = len(regional) * ROUNDING_UNIT_PERSONS / 2
    for column in ("population_15plus", "labour_force", "employed", "unemployed"):
        total = sum(getattr(row, column) for row in regional.values())
        assert abs(total - getattr(national, column)) <= slack, column
    assert 28e6 < sum(row.employed for row in regional.values()) < 29e6  # issue 16: about 29 million workers


def test_the_pension_table_by_sido_adds_up_to_the_nation():
    """2022 Pension Statistics (pensions_by_sido.csv): the 17 sido's people aged 65+ and recipients add up to the
    nation's 9,046 and 8,182 thousand (cells rounded to thousands one by one), and each rate is recipients over
    people aged 65+ to the published decimal (within the rounding of the counts)."""
    with (NATIONAL_DIR / "pensions_by_sido.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["year"] == "2022"]
    regions = [row for row in rows if row["region"] != "00"]
    (nation,) = [row for row in rows if row["region"] == "00"]
    assert sorted(row["region"] for row in regions) == sorted(DATA.regions)
    slack = len(regions) * ROUNDING_UNIT_PERSONS / 2
    for column in ("population_65plus", "recipients"):
        assert abs(sum(int(row[column]) for row in regions) - int(nation[column])) <= slack, column
    half = ROUNDING_UNIT_PERSONS / 2
    for row in [*regions, nation]:
        recipients, people = int(row["recipients"]), int(row["population_65plus"])
        rate = recipients / people * 100
        # the published rate's last decimal, and the rounding of both counts
        slack = 0.05 + rate * (half / recipients + half / people)
        assert abs(rate - float(row["recipient_rate_percent"])) <= slack, row["region"]


def test_regional_unemployment_rates_are_those_published():
    """KOSIS DT_1DA7004S 2023 unemployment rates (one decimal): Seoul 2.7, Ulsan 3.4, Gwangju 2.5, Jeju 1.9
    (computed from the rounded counts, so within 0.1 point)."""
    rows = DATA.labour_force_in(2023)
    published = {"11": 2.7, "26": 3.4, "24": 2.5, "39": 1.9}
    for code, rate in published.items():
        assert rows[code].unemployment_rate * 100 == pytest.approx(rate, abs=0.1), code


def test_seed_004_future_industries_are_19_one_per_region_plus_five_shared():
    future = [row for row in DATA.key_industries if row.tier == "future"]
    regional = [row for row in future if row.scope == "regional"]
    cooperative = {row.scope for row in future if row.scope != "regional"}
    assert len(regional) + len(cooperative) == 19  # seed 004: 19 future industries
    assert sorted(row.region for row in regional) == sorted(DATA.non_metropolitan())  # one each
    assert not [row for row in DATA.key_industries if DATA.regions[row.region].capital_area]
    for scope in cooperative:
        assert len({row.region for row in future if row.scope == scope}) >= 2  # shared by regions


def test_shares_that_must_add_up_do():
    # Bank of Korea 2015 regional IO: the supply of the average region is local production,
    # inflow from other regions and imports, 65.9 + 23.4 + 10.7 = 100 (one decimal each)
    supply = {
        row.measure: row.value
        for row in DATA.interregional_trade
        if row.region == "00" and row.year == 2015 and row.measure.startswith("supply_share")
    }
    assert len(supply) == 3 and sum(supply.values()) == pytest.approx(1.0, abs=0.0015)
    # no origin sends more than all its commuters anywhere, per measure and year; and where its share commuting to
    # any other region is given, its sourced destinations add up to no more than that share
    totals: dict[tuple, float] = {}
    anywhere: dict[tuple, float] = {}
    for row in DATA.commuting:
        key = (row.origin, row.year, row.measure)
        if row.destination == "other":
            anywhere[key] = row.share
        else:
            totals[key] = totals.get(key, 0.0) + row.share
    assert max(totals.values()) <= 1.0 and max(anywhere.values()) <= 1.0
    assert all(totals[key] <= anywhere[key] + 1e-9 for key in totals if key in anywhere)
    assert sum(key in anywhere for key in totals) == 6  # Seoul, Incheon, Gyeonggi, Sejong, Ulsan (2023); Busan (2020)
    for row in DATA.employment_by_industry:
        assert 0 < row.share <= 1


def test_where_attracted_investment_comes_from_is_not_invented():
    origin = DATA.investment_origin["share_from_abroad"]
    assert origin.status == "not_found" and origin.value is None


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "national"
    shutil.copytree(NATIONAL_DIR, folder)
    return folder


def _edit(path: Path, line: int, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    rows[line - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("table", "line", "column", "value", "message"),
    [
        (
            "labour_force.csv",
            3,
            "source_title",
            " ",
            "line 3.source_title: got ' '; allowed: every row",
        ),
        (
            "labour_force.csv",
            2,
            "employed",
            "lots",
            "line 2.employed: got 'lots'; allowed: a whole",
        ),
        (
            "labour_force.csv",
            2,
            "unemployed",
            "900000",
            "line 2.labour_force: got 5319000; allowed: employed",
        ),
        (
            "regions.csv",
            2,
            "capital_area",
            "yes",
            "line 2.capital_area: got 'yes'; allowed: one of false",
        ),
        ("commuting.csv", 2, "share", "1.4", "line 2.share: got 1.4; allowed: a number from 0.0 to 1.0"),
        (
            "key_industries.csv",
            2,
            "region",
            "11x",
            "line 2.region: got '11x'; allowed: one of 11, 21",
        ),
        (
            "investment_origin.csv",
            2,
            "value",
            "0.3",
            "line 2.value: got '0.3'; allowed: empty where",
        ),
        ("migration_by_sido.csv", 2, "destination", "11", "line 2.destination: got '11'; allowed: one of 21"),
        (
            "migration_by_sido.csv",
            3,
            "destination",
            "21",
            "line 3.destination: got '21'; allowed: each origin-destination pair once",
        ),
        ("migration_by_sido.csv", 2, "movers", "0", "line 2.movers: got 0; allowed: at least 1"),
        ("growth_by_industry.csv", 2, "value_percent", "400", "line 2.value_percent: got 400.0; allowed: a number"),
        ("growth_by_industry.csv", 2, "measure", "growth", "line 2.measure: got 'growth'; allowed: one of"),
    ],
)
def test_a_bad_cell_is_one_line_naming_file_line_column_value_and_what_is_allowed(
    tmp_path, table, line, column, value, message
):
    folder = _copy(tmp_path)
    _edit(folder / table, line, column, value)
    with pytest.raises(ScenarioError) as caught:
        load_national_data(folder)
    text = str(caught.value)
    assert "\n" not in text and f"{table}: {message}" in text, text


def test_a_missing_table_is_named(tmp_path):
    folder = _copy(tmp_path)
    (folder / "migration.csv").unlink()
    with pytest.raises(ScenarioError, match=r"migration.csv: got 'missing'"):
        load_national_data(folder)


def test_the_movers_between_sido_hold_every_pair_and_balance():
    """Internal Migration Statistics 2023 by sido of origin and destination (KOSIS DT_1B26001,
    migration_by_sido.csv): all 17 x 16 ordered pairs; every move between sido is counted once out of one and once
    into another: 2,142,542 movers between sido in all (the transcription's total)."""
    flows = load_national_data().migration_flows
    assert len(flows) == 17 * 16 and all(flow.year == 2023 for flow in flows.values())
    assert flows[("11", "31")].movers == 279_375 and flows[("31", "11")].movers == 227_540
    assert sum(flow.movers for flow in flows.values()) == 2_142_542


def test_the_productivity_centres_index_is_value_added_over_workers_times_hours():
    """KPC 2024 (growth_by_industry.csv): manufacturing's labour productivity per labour input, +4.2%, is its value
    added (+4.0%, the Bank of Korea's figure) over its workers (+0.5%) times their hours (-0.7%, the KPC release's
    words: 근로자수가 증가(0.5%)하였으나 근로시간이 이보다 더 크게 감소(△0.7%)), to the rounding of one decimal."""
    growth = DATA.growth
    value_added = growth[("manufacturing", 2024, "real_value_added_growth")].value_percent / 100
    workers = growth[("manufacturing", 2024, "workers_growth")].value_percent / 100
    index = growth[("manufacturing", 2024, "labour_productivity_growth")].value_percent / 100
    hours = -0.007
    assert (1 + value_added) / ((1 + workers) * (1 + hours)) - 1 == pytest.approx(index, abs=0.001)
