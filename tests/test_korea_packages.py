"""Seed 004's 2023 money on the Korea nation: the Ministry of SMEs and Startups' regional industry plan.

The first Regional Economic Committee of 2023 adopted the 2023 regional industry promotion plan: 286.4 bn KRW of
technology development, commercialisation and other support for the SMEs of the 14 non-metropolitan regions' main
industries (kbiz news, March 2023). Jeonbuk's share, the one region's found: 21.16 bn KRW, of it R&D 12.006 bn,
non-R&D business support 7.318 bn and other 1.84 bn (Jeonbuk Province, 2 March 2023). The package
``korea_key_industries_2023`` is one region's equal share without the "other" part; ``shocksim nation korea
--package R1,R2,...=korea_key_industries_2023`` aims it at the 14 regions.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from sim.inputs.nation import load_nation
from sim.inputs.package import load_package

PLAN_KRW = 286.4e9  # kbiz news (March 2023): the 2023 regional industry promotion plan
JEONBUK_KRW = {"rnd": 12.006e9, "non_rnd": 7.318e9, "other": 1.84e9}  # Jeonbuk Province, 2 March 2023
ROOT = Path(__file__).resolve().parents[1]


def _non_metropolitan() -> list[str]:
    """The 14 regions seed 004 names: every sido outside the capital area (scenarios/national/regions.csv)."""
    with (ROOT / "scenarios" / "national" / "regions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    capital = {"seoul", "incheon", "gyeonggi"}
    names = [row["name_en"].lower() for row in rows]
    assert capital <= set(names)
    return [name for name in names if name not in capital]


def test_the_package_holds_one_regions_equal_share_of_the_2023_plan_split_as_jeonbuks():
    """Per region 286.4 / 14 bn KRW, R&D and non-R&D in Jeonbuk's proportions, the "other" 8.7% left out;
    written for the 14 non-metropolitan regions of the Korea nation and no other scenario."""
    package = load_package("korea_key_industries_2023")
    share = PLAN_KRW / 14
    jeonbuk = sum(JEONBUK_KRW.values())
    budgets = {item.type: item.budget_krw for item in package.interventions}
    assert budgets["future_industry_rnd"] == pytest.approx(share * JEONBUK_KRW["rnd"] / jeonbuk, rel=1e-3)
    assert budgets["commercialisation"] == pytest.approx(share * JEONBUK_KRW["non_rnd"] / jeonbuk, rel=1e-3)
    assert jeonbuk == pytest.approx(share, rel=0.04)  # the equal split's one check: Jeonbuk's own figure
    nation = load_nation("korea")
    regions = _non_metropolitan()
    assert len(regions) == 14
    assert sorted(package.scenarios) == sorted(nation.scenarios[name].scenario.name for name in regions)
    assert not package.written_for("gwangju")


def test_the_plan_aimed_at_the_14_regions_spends_in_each_of_them_and_nowhere_else(tmp_path, capsys):
    """`--package R1,...,R14=PACKAGE` puts the package in each region listed: each of the 14 spends within its
    budget in 2023 (scaled to the sample), the capital area spends nothing, and the nation's spending and job-years
    are the regions' sums."""
    from sim.cli import main

    regions = _non_metropolitan()
    folder = tmp_path / "plan"
    aimed = ",".join(regions) + "=korea_key_industries_2023"
    command = ["nation", "korea", "--scale", "0.01", "--months", "24", "--reps", "2", "--package", aimed]
    assert main([*command, "--out", str(folder), "--quiet"]) == 0
    summary = pd.read_csv(folder / "summary.csv")
    summary = summary[summary["arm"] == "package"].set_index(["region", "metric"])["mean"]
    budget = load_package("korea_key_industries_2023").total_budget_krw
    for region in regions:
        assert 0 < summary[(region, "spend_krw")] <= budget * (1 + 1e-9), region
    for region in ("seoul", "incheon", "gyeonggi"):
        assert summary[(region, "spend_krw")] == 0, region
    everyone = [*regions, "seoul", "incheon", "gyeonggi"]
    for metric in ("spend_krw", "job_years"):
        assert summary[("nation", metric)] == pytest.approx(sum(summary[(r, metric)] for r in everyone), rel=1e-9)
    twice = ["nation", "korea", "--package", "busan,busan=korea_key_industries_2023", "--out", str(tmp_path / "x")]
    assert main(twice) == 2
    assert "a second package for 'busan'" in capsys.readouterr().err
