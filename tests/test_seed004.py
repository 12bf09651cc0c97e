"""Seed 004's national instruments (issue 16): support by growth stage, R&D for future industries, and
performance-based incentives that move a programme's money between regions.

Stylised facts and their sources (each beside its parameter in the package files):
- R&D grants to SMEs: supported firms' sales 39.3% higher after five years against 24.1% for
  matched unsupported firms (a level 12.2% higher), employment rising from one year after support
  (STEPI for SMBA, PSM, 2010-2014; Etnews 18 Jan 2016). In the model a funded firm's orders are
  12.2% above its twin's in the first month its rise acts, a year after the grant, and not before.
- Start-up support: survival higher than comparable start-ups, no significant sales effect
  (Kim, Kim and Hong, 정부 창업지원의 성과와 과제, PSM 2011-2017): the grant is cash, no sales rise.
- Leading firms: World Class 300 takes firms with annual sales of 40 bn KRW and more.
- High-growth firms: 6.4% of Korean firms with 10 or more regular employees grew both sales and
  employment 10% a year or more over three years (Statistics Korea, 기업생멸행정통계 2017; Nocutnews
  10 Dec 2018).
- Performance-based incentives: the Ministry of Knowledge Economy allotted 5% of the regional
  industry budget by yearly evaluation from 2011 (etnews 4 Oct 2010): the rule moves that share
  of the money towards the region with more jobs per bn KRW, and no won is created or lost.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sim import RegionModel, load_scenario
from sim.errors import ScenarioError
from sim.inputs.nation import load_nation
from sim.inputs.package import load_package
from sim.nation import NationModel
from sim.nation.performance import jobs_per_bn_krw, reallocate
from sim.records import columns_for
from sim.region.state import ACTIVE


def _run(package, seed: int, scale: float, months: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RegionModel("gwangju", rng=seed, scale=scale, months=months, package=package)
        table = model.run()
    return model, table


def _model(package, seed: int, scale: float, months: int) -> RegionModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return RegionModel("gwangju", rng=seed, scale=scale, months=months, package=package)


@pytest.mark.parametrize("name", ["single_growth_stage", "single_future_rnd"])
def test_zero_budget_is_the_baseline_bit_for_bit(name):
    columns = list(columns_for(load_scenario()))
    _, baseline = _run(None, 7, 0.05, 24)
    _, package = _run(load_package(name).with_total_budget(0.0), 7, 0.05, 24)
    pd.testing.assert_frame_equal(baseline[columns], package[columns], check_exact=True)
    assert (package.filter(like="policy_spend") == 0).all().all()


@pytest.mark.parametrize("name", ["single_growth_stage", "single_future_rnd"])
def test_money_is_counted_once_ledger_equals_spending_within_budget(name):
    model, table = _run(name, 2, 0.1, 36)
    ledger = model.ledger()
    for policy in model.desk.policies:
        rows = ledger[ledger["intervention"] == policy.name]
        paid = float(rows["amount_krw"].sum())
        assert paid == pytest.approx(float(table[f"policy_spend_{policy.name}"].sum()), rel=1e-12)
        assert paid == pytest.approx(policy.budget.spent_krw, rel=1e-12)
        assert paid <= policy.budget.total_krw * (1 + 1e-12)
        assert set(rows["kind"]) <= {"grant", "budget_exhausted"}
    assert float(ledger["amount_krw"].sum()) > 0


def test_rnd_grant_raises_orders_by_the_sourced_share_after_a_year_and_not_before():
    package = load_package("single_future_rnd")
    settings = package.interventions[0]
    assert settings.sales_uplift == pytest.approx(1.393 / 1.241 - 1, abs=5e-4)  # STEPI: 39.3% against 24.1%
    assert settings.lag_months == 12
    data = package.to_dict()
    data["interventions"][0].update(end="2021-06", budget_krw=20e9)
    model, twin = _model(data, 3, 0.1, 20), _model(None, 3, 0.1, 20)
    checked = before = 0
    for _ in range(20):
        model.step()
        twin.step()
        supported = model.firms.future_rnd__supported_month
        # The rise acts for the first time in the month after it is set (lag months after the grant).
        first = np.flatnonzero((supported >= 0) & (supported + settings.lag_months == model.steps - 1))
        first = first[(first < twin.firms.count) & (twin.firms.orders[first] > 0)]
        first = first[(model.firms.status[first] == ACTIVE) & (twin.firms.status[first] == ACTIVE)]
        if len(first):
            ratio = model.firms.orders[first] / twin.firms.orders[first]
            np.testing.assert_allclose(ratio, 1 + settings.sales_uplift, rtol=0.02)
            checked += len(first)
        waiting = np.flatnonzero((supported >= 0) & (model.steps < supported + settings.lag_months))
        before += int(np.count_nonzero(model.firms.outside_uplift[waiting] > 0))
    assert checked >= 3, checked
    assert before == 0


def test_rnd_funded_firms_employ_more_than_their_twins_after_the_lag():
    # STEPI/SMBA: funded SMEs' employment rises from a year after support. Funded in 2021-H1, seen at month 36.
    data = load_package("single_future_rnd").to_dict()
    data["interventions"][0].update(end="2021-06", budget_krw=40e9)
    more = total = 0
    for seed in (1, 2, 3):
        model, _ = _run(data, seed, 0.1, 36)
        twin, _ = _run(None, seed, 0.1, 36)
        funded = np.flatnonzero(model.firms.future_rnd__supported_month >= 0)
        funded = funded[funded < twin.firms.count]
        alive = funded[(model.firms.status[funded] == ACTIVE) & (twin.firms.status[funded] == ACTIVE)]
        more += int(model.firms.employees[alive].sum() - twin.firms.employees[alive].sum())
        total += len(alive)
    assert total >= 10, total
    assert more > 0, more


def test_start_up_grant_is_cash_for_young_firms_with_no_sales_rise():
    model, twin = _model("single_growth_stage", 1, 0.1, 60), _model(None, 1, 0.1, 60)
    settings = next(p for p in model.desk.policies if p.name == "growth_starting").settings
    assert settings.max_age_months == 84 and settings.sales_uplift == 0.0  # SME Startup Support Act; Kim, Kim and Hong
    grants = 0
    for _ in range(60):
        model.step()
        twin.step()
        supported = model.firms.growth_starting__supported_month
        now = np.flatnonzero(supported == model.steps)
        for firm in now:
            assert model.firms.entry_month[firm] > 0
            assert model.steps - model.firms.entry_month[firm] < 84
            assert model.firms.outside_uplift[firm] == 0.0
        grants += len(now)
    assert grants >= 1, grants


def test_leading_stage_reaches_only_firms_with_40_bn_krw_of_sales():
    model, _ = _run("single_growth_stage", 1, 0.1, 60)
    supported = np.flatnonzero(model.firms.growth_leading__supported_month >= 0)
    assert len(supported) >= 1
    # Sales are smoothed and move, so check at the start: no small firm could have been one.
    full_scale_start_sales = model.firms.base_output[supported] * 12 / model.firms.size_factor[supported]
    assert (full_scale_start_sales >= 0.5 * 40e9).all()
    small = model.firms.base_output * 12 / model.firms.size_factor < 0.5 * 40e9
    assert not (small & (model.firms.growth_leading__supported_month >= 0)).any()


@pytest.mark.xfail(
    strict=True,
    reason="the model has almost no high-growth firms: measured 0.0% of Gwangju's firms with 10+ full-scale "
    "employees grew employment 10%+ a year over 36 months (seeds 1-2, scale 0.1), against 6.4% in Korea "
    "(Statistics Korea 2017); firms' staffing follows orders, which move with their sector, not with a "
    "firm's own growth path, so the 'growing' stage finds no firm to support. Firms' own demand paths "
    "(markets.firm_growth_sd_per_year 0.25, an assumed level; off by default) give 12.2% (12.8%, 11.6%) and, with "
    "gross churn too, 14.6% (docs/calibration.md)",
)
def test_high_growth_firms_are_as_common_as_in_korea():
    shares = []
    for seed in (1, 2):
        model, _ = _run(None, seed, 0.1, 36)
        firms = model.firms
        start = firms.base_employees / firms.size_factor
        present = (firms.entry_month == 0) & (firms.status == ACTIVE) & (start >= 10) & (firms.base_employees > 0)
        growth = (firms.employees[present] / firms.base_employees[present]) ** (1 / 3) - 1
        shares.append(float(np.mean(growth >= 0.10)))
    assert 0.032 <= np.mean(shares) <= 0.128, shares  # within half to twice Statistics Korea's 6.4%


# ------------------------------------------------------------------ performance-based incentives


def test_the_rule_moves_money_towards_more_jobs_per_bn_krw_and_keeps_the_total():
    totals = {"a": 10e9, "b": 10e9, "c": 5e9}
    spent = {"a": 4e9, "b": 4e9, "c": 1e9}
    scores = {"a": jobs_per_bn_krw(40, 4e9), "b": jobs_per_bn_krw(8, 4e9), "c": jobs_per_bn_krw(-3, 1e9)}
    assert scores == {"a": 10.0, "b": 2.0, "c": 0.0}
    after = reallocate(totals, spent, scores, 0.05)
    assert after["a"] > totals["a"] and after["b"] < totals["b"] and after["c"] < totals["c"]
    assert sum(after.values()) == pytest.approx(sum(totals.values()), rel=1e-14)
    pool = 0.05 * (6e9 + 6e9 + 4e9)
    assert after["a"] - spent["a"] == pytest.approx(0.95 * 6e9 + pool * 10 / 12)
    # Nothing moves without any performance, and spending already made is never taken back.
    assert reallocate(totals, spent, {"a": 0.0, "b": 0.0, "c": 0.0}, 0.05) == totals
    assert all(after[name] >= spent[name] for name in totals)


def _nation(workers: int = 1, seed: int = 2, scale: float = 0.05, months: int = 36) -> NationModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nation = NationModel("example_performance", rng=seed, scale=scale, months=months, workers=workers)
        nation.run()
    return nation


def test_a_nation_moves_the_budget_to_the_region_with_more_jobs_per_bn_krw_through_its_desks():
    nation = _nation(seed=2, scale=0.1, months=60)
    reviews = nation.reviews()
    assert sorted(set(reviews["month"])) == [12, 24, 36, 48]
    for _, review in reviews.groupby("month"):
        before, after = review["budget_before_krw"].sum(), review["budget_after_krw"].sum()
        assert after == pytest.approx(before, rel=1e-13)  # the pool is shared out, no won created or lost
        best = review.loc[review["jobs_per_bn_krw"].idxmax()]
        worst = review.loc[review["jobs_per_bn_krw"].idxmin()]
        if best["jobs_per_bn_krw"] > worst["jobs_per_bn_krw"]:
            assert best["budget_after_krw"] > best["budget_before_krw"]
            assert worst["budget_after_krw"] < worst["budget_before_krw"]
    # Each region's desk holds the budget the rule set, and pays within it, every won in its own ledger.
    last = reviews[reviews["month"] == 48].set_index("region")
    results = nation.results()
    for name, model in nation.regions.items():
        policy = next(p for p in model.desk.policies if p.name == "future_rnd")
        assert policy.budget.total_krw == last.loc[name, "budget_after_krw"]
        ledger = model.ledger()
        paid = float(ledger.loc[ledger["intervention"] == "future_rnd", "amount_krw"].sum())
        assert paid == pytest.approx(float(results.loc[results["region"] == name, "policy_spend_future_rnd"].sum()))
        assert paid <= policy.budget.total_krw * (1 + 1e-12)


def test_the_performance_rule_is_the_same_to_the_bit_across_worker_processes():
    one, two = _nation(workers=1), _nation(workers=2)
    pd.testing.assert_frame_equal(one.reviews(), two.reviews(), check_exact=True)
    pd.testing.assert_frame_equal(one.results(), two.results(), check_exact=True)
    assert len(one.reviews()) > 0


def test_a_bad_performance_share_is_one_line_naming_the_key(tmp_path):
    text = (load_nation("example_performance").folder / "example_performance.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace("performance_share = 0.05", "performance_share = 1.5").replace(
            'scenario = "regions/', f'scenario = "{load_nation("example_performance").folder}/regions/'
        )
    )
    with pytest.raises(ScenarioError) as error:
        load_nation(bad)
    message = str(error.value)
    assert "performance.performance_share" in message and "1.5" in message and "\n" not in message
