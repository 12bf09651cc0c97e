"""The population from age 15: participation by age, commuting and migration (docs/model.md 7.14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import RegionModel
from sim.region.state import MOVED_OUT

SCALE = 0.05


@pytest.fixture(scope="module")
def baseline_and_shock() -> tuple[pd.DataFrame, pd.DataFrame, RegionModel]:
    """Gwangju without shocks and with its shipped shocks plus a local demand fall, same seed."""
    baseline = RegionModel("gwangju", rng=5, scale=SCALE, months=36, overrides={"shocks": {}}).run()
    shocked_model = RegionModel("gwangju", rng=5, scale=SCALE, months=36)
    return baseline, shocked_model.run(), shocked_model


@pytest.mark.xfail(
    strict=True,
    reason="measured 62.0% employment and 64.2% participation at the start (scale 0.1, seed 1) against Gwangju's "
    "58.7% and 61.0% (2020): the participation rates by age are national (2017 and 2023 survey years) and Gwangju's "
    "by age were not found; the age shares are an assumption",
)
def test_start_rates_match_the_regional_survey():
    """Statistics Korea, Economically Active Population Survey, Gwangju 2020 (Honam Statistics Office annual
    release, research/workers.md 6): employment rate 58.7%, participation 61.0% of the population aged 15+.
    Tolerance: 2 percentage points (the survey's year-to-year movement, 58.7% in 2020 to 58.2% in 2021, plus
    the approximations of the age structure)."""
    start = RegionModel("gwangju", rng=1, scale=0.1, months=1).run().iloc[0]
    assert start["employment_rate_15plus"] == pytest.approx(0.587, abs=0.02)
    assert start["participation_rate_15plus"] == pytest.approx(0.610, abs=0.02)


def test_people_are_conserved_with_commuters_and_migrants(baseline_and_shock):
    """Every resident is counted once: the population changes only by cohorts, migrants and ageing out; jobs in
    the region are residents' jobs inside plus in-commuters (identities, no source needed)."""
    _, shocked, _ = baseline_and_shock
    change = shocked["population_15plus"].diff().iloc[1:]
    flows = (shocked["entrants"] + shocked["migrants_in"] - shocked["migrants_out"] - shocked["aged_out"]).iloc[1:]
    np.testing.assert_array_equal(change.to_numpy(), flows.to_numpy())
    np.testing.assert_array_equal(
        shocked["jobs_in_region"], shocked["residents_employed"] - shocked["commuters_out"] + shocked["commuters_in"]
    )
    np.testing.assert_array_equal(shocked["jobs_in_region"], shocked["employed"])
    assert (shocked["commuters_in"] > 0).all() and (shocked["commuters_out"] > 0).all()


def test_migration_responds_to_the_shock_with_the_sourced_size(baseline_and_shock):
    """'Labor Mobility and Unemployment over the Business Cycle' (US; research/workers.md 5c): 100 more
    unemployed in an area go with about 47 net out-migrants (a year). Blanchard and Katz (1992): an adverse
    shock is absorbed mostly by people leaving. Sign: more net out-migration; size: within a factor of two of
    0.47 a year per extra unemployed resident (the responses of participation and commuting also move the
    unemployed count, so only the rough size is checked)."""
    baseline, shocked, _ = baseline_and_shock
    extra_unemployed = (
        shocked["resident_unemployment_rate"]
        * shocked["residents_employed"]
        / (1 - shocked["resident_unemployment_rate"])
    ) - (
        baseline["resident_unemployment_rate"]
        * baseline["residents_employed"]
        / (1 - baseline["resident_unemployment_rate"])
    )
    net_out = (shocked["migrants_out"] - shocked["migrants_in"]) - (baseline["migrants_out"] - baseline["migrants_in"])
    # Migration in month t answers last month's unemployment.
    per_unemployed_year = 12 * net_out.iloc[1:].sum() / extra_unemployed.iloc[:-1].sum()
    assert extra_unemployed.iloc[:-1].sum() > 0
    assert 0.47 / 2 <= per_unemployed_year <= 0.47 * 2, per_unemployed_year


def test_movers_are_younger_than_residents(baseline_and_shock):
    """KOSIS internal migration by age (and Honam Statistics Office 2020: the twenties lead Gwangju's net
    outflow): those who move out are younger on average than the population aged 15+."""
    _, _, model = baseline_and_shock
    workforce = model.workforce
    moved = (workforce.status == MOVED_OUT) & ~workforce.lives_outside
    present = (workforce.status != MOVED_OUT) & ~workforce.lives_outside
    age = workforce.age_years(model.months)
    young_movers = moved & (age < 80)  # leave out those who aged out at the top
    assert age[young_movers].mean() < age[present].mean() - 3


def test_participation_falls_when_unemployment_rises(baseline_and_shock):
    """Discouraged-worker effect (Statistics Korea's 구직단념자 series rises in downturns; elasticity an
    assumption): with the shock, the participation rate ends below the baseline's."""
    baseline, shocked, _ = baseline_and_shock
    assert (
        shocked["resident_unemployment_rate"].iloc[-12:].mean()
        > baseline["resident_unemployment_rate"].iloc[-12:].mean()
    )
    assert shocked["participation_rate_15plus"].iloc[-1] < baseline["participation_rate_15plus"].iloc[-1]


def test_mobility_runs_are_reproducible_bit_for_bit():
    """Design rule: one seed makes a run reproducible to the bit (here a commuting district, Gwanak)."""
    first = RegionModel("gwanak", rng=3, scale=0.1, months=12).run()
    second = RegionModel("gwanak", rng=3, scale=0.1, months=12).run()
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_retirement_is_a_participation_decision_by_age():
    """Participation by age (Statistics Korea, Economically Active Population Survey): people over 60 stay in
    the population and some keep working, rather than all leaving at 60."""
    model = RegionModel("gwangju", rng=2, scale=0.05, months=3)
    model.run()
    workforce = model.workforce
    age = workforce.age_years(model.months)
    over_60 = (age >= 60) & (workforce.status != MOVED_OUT) & ~workforce.lives_outside
    working = over_60 & (workforce.status == 0)
    assert over_60.sum() > 0 and 0.2 < working.sum() / over_60.sum() < 0.6
