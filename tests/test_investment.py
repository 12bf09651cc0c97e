"""Investment attraction (issue 12, item 2): money buys volume, at any scale, with drawn deadweight.

Stylised facts and their sources:
- Bartik (2018, Upjohn WP 18-289): incentives change 2-25% of incentivised location decisions,
  10-15% for the average incentive, so 85-90% of paid firms would have come anyway.
- MOTIE's 지방투자촉진보조금 recipients: about a fifth are capital-region firms relocating
  (26% and 15% in the two years found), whose jobs move between Korean regions.
- A sampled run is an estimate of the full population (docs/model.md, scale): expected
  attracted firms divided by the scale must not depend on the scale.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sim import RegionModel, load_scenario
from sim.inputs.package import load_package
from sim.records import columns_for

#: Many arrivals (Gwangju's 6 a year raised to 120) so that a few dozen seeds see enough firms.
MANY_ARRIVALS = {"investment.arrivals_per_year": 120}


def _package(budget_krw: float, but_for: float | None = None) -> dict:
    data = load_package("single_investment").to_dict()
    item = data["interventions"][0]
    item["budget_krw"] = budget_krw
    if but_for is not None:
        item.update(but_for_share_min=but_for, but_for_share_mode=but_for, but_for_share_max=but_for)
    return data


def _run(package, seed: int, scale: float, months: int, overrides=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RegionModel("gwangju", rng=seed, scale=scale, months=months, package=package, overrides=overrides)
        table = model.run()
    return model, table


def _totals(package, seeds, scale: float, months: int) -> pd.DataFrame:
    """Per seed: realised and expected attracted firms (full population), deadweight, jobs."""
    rows = []
    for seed in seeds:
        model, table = _run(package, seed, scale, months, MANY_ARRIVALS)
        rows.append(
            {
                "but_for": model.desk.policies[0].but_for_share,
                "attracted": table.investment_firms_attracted.sum() / scale,
                "expected": table.investment_expected_firms_attracted.sum() / scale,
                "deadweight": table.investment_firms_deadweight.sum() / scale,
                "incentivised": table.investment_firms_incentivised.sum() / scale,
                "attracted_jobs": float(table.investment_attracted_jobs.iloc[-1]),
                "other_regions_jobs": float(table.investment_jobs_from_other_regions.iloc[-1]),
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def half_changed():
    """A "but for" share of 0.5 (every other funded firm attracted), 24 months, at scales 0.02 and 0.1."""
    package = _package(600e9, but_for=0.5)
    return {scale: _totals(package, range(1, 31), scale, 24) for scale in (0.02, 0.1)}


def test_expected_attracted_firms_do_not_depend_on_the_scale(half_changed):
    # At scale 0.02 a sampled small firm stands for 50 real ones. Before issue 12 no firm was
    # attracted at scales of 0.1 and below (the sample's budget could not pay one whole firm).
    small, large = half_changed[0.02], half_changed[0.1]
    expected = small["expected"].iloc[0]
    assert expected > 100  # 600 bn over five years buys about 140 firms a year (the pool: 240), half of them attracted
    assert np.allclose(small["expected"], expected) and np.allclose(large["expected"], expected)
    for frame in (small, large):
        error = frame["attracted"].std(ddof=1) / np.sqrt(len(frame))
        assert abs(frame["attracted"].mean() - expected) < 3 * error, (frame["attracted"].mean(), expected, error)
    both = np.hypot(small["attracted"].std(ddof=1), large["attracted"].std(ddof=1)) / np.sqrt(len(small))
    assert abs(small["attracted"].mean() - large["attracted"].mean()) < 3 * both


def test_jobs_from_other_regions_are_the_stated_share_of_attracted_jobs(half_changed):
    # MOTIE's recipients of 지방투자촉진보조금: about a fifth relocate from the capital region
    # (from_other_regions_share = 0.2 in the shipped packages): their jobs are moved, not created.
    share = load_package("single_investment").interventions[0].from_other_regions_share
    frame = half_changed[0.1]
    assert frame["attracted_jobs"].sum() > 1000
    ratios = frame["other_regions_jobs"] / frame["attracted_jobs"]
    error = ratios.std(ddof=1) / np.sqrt(len(ratios))
    pooled = frame["other_regions_jobs"].sum() / frame["attracted_jobs"].sum()
    assert abs(ratios.mean() - share) < 3 * error, (ratios.mean(), pooled, error)
    assert (frame["other_regions_jobs"] <= frame["attracted_jobs"]).all()


def test_deadweight_share_of_paid_firms_lies_in_bartiks_range():
    # Bartik (2018, Upjohn WP 18-289): 10-15% of incentivised decisions changed on average, so
    # 85-90% of the paid firms come anyway. The share is drawn per run (triangular on 2-25%,
    # peak 12.5%); over 40 seeds the paid firms' deadweight share must lie in 85-90%.
    frame = _totals(_package(1e12), range(1, 41), 0.2, 36)
    assert frame["but_for"].nunique() == len(frame)  # drawn per run
    assert frame["but_for"].between(0.02, 0.25).all()
    share = frame["deadweight"].sum() / frame["incentivised"].sum()
    assert 0.85 <= share <= 0.90, (share, frame["but_for"].mean())


def test_more_budget_attracts_more_firms_until_the_pool_of_mobile_projects_runs_out():
    # Gwangju's 6 arrivals a year anyway in the incentive's sectors: with a "but for" share c the
    # pool of mobile projects is 6 / (1 - c) a year, of which 6 c / (1 - c) can be attracted.
    expected = []
    for billions in (10, 20, 40, 80):
        model, table = _run(load_package("single_investment").with_total_budget(billions * 1e9), 3, 0.05, 60)
        policy = model.desk.policies[0]
        expected.append(table.investment_expected_firms_attracted.sum() / 0.05)
    c = policy.but_for_share
    pool = 6 * c / (1 - c) * 5  # five open years
    assert expected[0] > 0
    assert expected[1] == pytest.approx(2 * expected[0])  # money buys volume
    assert expected[2] == pytest.approx(pool)  # 40 bn buys more incentives than the pool has projects
    assert expected[3] == pytest.approx(expected[2])  # more money buys nothing more


def test_zero_budget_investment_attraction_is_the_baseline_bit_for_bit_at_small_scale():
    columns = list(columns_for(load_scenario()))
    _, baseline = _run(None, 5, 0.02, 36)
    _, package = _run(load_package("single_investment").with_total_budget(0.0), 5, 0.02, 36)
    pd.testing.assert_frame_equal(baseline[columns], package[columns], check_exact=True)
    assert (package.filter(like="investment_") == 0).all().all()
