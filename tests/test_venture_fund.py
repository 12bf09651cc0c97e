"""Venture funds (issue 12, seed 002): equity for small firms, bought by the budget, acting on the credit constraint.

Stylised facts and their sources:
- Supported start-ups survive longer: 53.1% five-year survival against 28.5% for all
  start-ups (MSS 2019 survey of 22,334 firms); Korea Fund of Funds-backed firms grew faster
  (Kim and Song, 지역산업연구 37(4)). In the model equity is cash no bank rations, so in a credit
  squeeze an invested firm fails less often than the same firm without the stake.
- Gyeongju (seed 002): 2.5 bn KRW of funds for 105 SMEs and ventures, about 24 M KRW each.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from test_policy import CREDIT_SQUEEZE  # the credit squeeze of the loan and retention tests

from sim import RegionModel, load_scenario
from sim.inputs.package import load_package
from sim.records import columns_for
from sim.region.state import ACTIVE


def _run(package, seed: int, scale: float, months: int, overrides=None, scenario: str = "gwangju"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RegionModel(scenario, rng=seed, scale=scale, months=months, package=package, overrides=overrides)
        table = model.run()
    return model, table


def test_zero_budget_venture_fund_is_the_baseline_bit_for_bit():
    columns = list(columns_for(load_scenario()))
    _, baseline = _run(None, 7, 0.05, 24)
    _, package = _run(load_package("single_venture_fund").with_total_budget(0.0), 7, 0.05, 24)
    pd.testing.assert_frame_equal(baseline[columns], package[columns], check_exact=True)
    assert (package.filter(like="venture_fund_") == 0).all().all()


def test_more_money_buys_more_stakes_until_the_eligible_firms_run_out():
    invested = []
    for billions in (10, 20, 40, 10_000):
        _, table = _run(load_package("single_venture_fund").with_total_budget(billions * 1e9), 2, 0.05, 36)
        invested.append(float(table.venture_fund_firms_invested.sum()))
    # 24 M KRW a firm: 10 bn buys about 417 full-scale stakes over five years, 250 in the first three.
    assert 0 < invested[0] < invested[1] < invested[2] < invested[3]
    assert invested[1] == pytest.approx(2 * invested[0], abs=1)
    model, table = _run(load_package("single_venture_fund").with_total_budget(1e13), 2, 0.05, 36)
    # With all the money in the world the fund holds a stake in every eligible firm: the only ones
    # left were born after its last policy point (the entry stage follows the policy point).
    left = np.flatnonzero(model.desk.policies[0].eligible(model.desk))
    assert (model.firms.entry_month[left] == 36).all()
    assert float(table.venture_fund_firms_invested.sum()) == invested[3]


def test_invested_firms_fail_less_in_a_credit_squeeze_than_without_the_stake():
    # Auto demand falls by 77% for a year and banks stop lending after two loss-making months:
    # the fund invests its shipped 24 M KRW per firm in the chains' small SMEs in the first three
    # months; the same firms, in the baseline twin of each seed, fail more often without it.
    # Six seeds: a handful of firms fail per seed. Measured 13 failures with the stake against 19
    # without (seeds 1-6; 10 against 19 before the uplifted sales bought local services, issue 11);
    # seeds 1-3 alone gave 8 against 7 once they did (5 against 7 before): too few to tell.
    data = load_package("single_venture_fund").to_dict()
    data["interventions"][0].update(sectors=["auto", "appliance"], start="2021-01", end="2021-03")
    failed_with, failed_without, invested_total = 0, 0, 0
    for seed in (1, 2, 3, 4, 5, 6):
        model, _ = _run(data, seed, 0.1, 24, CREDIT_SQUEEZE)
        baseline, _ = _run(None, seed, 0.1, 24, CREDIT_SQUEEZE)
        ledger = model.ledger()
        invested = np.unique(ledger[ledger.kind == "equity"].recipient.astype(np.int64))
        invested_total += len(invested)
        failed_with += int((model.firms.status[invested] != ACTIVE).sum())
        failed_without += int((baseline.firms.status[invested] != ACTIVE).sum())
    assert invested_total > 50
    assert failed_with < failed_without, (failed_with, failed_without)


def test_failed_stakes_are_written_off_and_count_in_the_cost():
    data = load_package("single_venture_fund").to_dict()
    data["interventions"][0].update(sectors=["auto", "appliance"], start="2021-01", end="2021-03")
    model, table = _run(data, 1, 0.1, 24, CREDIT_SQUEEZE)
    ledger = model.ledger()
    equity = ledger[ledger.kind == "equity"]
    assert equity.repayable.all() and table.venture_fund_equity_krw.sum() == pytest.approx(equity.amount_krw.sum())
    written = ledger[ledger.kind == "write_off"]
    assert set(written.recipient) <= set(equity.recipient)
    assert table.policy_cost_venture_fund.sum() == pytest.approx(written.amount_krw.sum())
    assert table.policy_spend_venture_fund.sum() == pytest.approx(equity.amount_krw.sum())


def test_gyeongju_package_invests_in_gyeongjus_small_firms():
    # seed 002: 2.5 bn KRW for 105 firms in 2026; at scale 0.1 about 10 sampled stakes.
    _, table = _run("gyeongju", 3, 0.1, 24, scenario="gyeongju")
    invested = float(table.venture_funds_firms_invested.sum())
    assert 5 <= invested <= 11, invested
    assert float(table.venture_funds_equity_krw.sum()) <= 2.5e9 * 0.1 * (1 + 1e-9)


def test_invested_firms_sell_more_in_proportion_to_the_stake_with_no_firm_near_failure():
    """The growth channel: Kim and Song (지역산업연구 37(4)) find Korea Fund of Funds-backed firms' sales about 30%
    above matched firms three years on; SMBA (2017) puts the average VC investment at 2.1 bn KRW a firm. A stake of that
    size buys the 30%, a smaller one a proportional rise, built up over 36 months. Against the same firms in the
    baseline twin (common random numbers: the same demand noise), a firm invested three years ago gets orders
    about 1 + 0.30 x stake / 2.1 bn higher, through its sales outside the region."""
    package = load_package("single_venture_fund").with_total_budget(500e9)
    # Stakes of 420 M KRW (a fifth of the reference), so that the rise (6%) stands clear of price differences;
    # money enough for about a thousand of them over five years.
    settings = package.interventions[0].model_copy(update={"investment_per_firm_krw": 420e6})
    package = package.model_copy(update={"interventions": [settings]})
    model, _ = _run(package, 3, 0.05, 48)
    baseline, _ = _run(None, 3, 0.05, 48)
    policy = model.desk.policies[0]
    invested = np.flatnonzero(model.desk.own(policy, "invested_month") > 0)
    mature = invested[(48 - model.desk.own(policy, "invested_month")[invested] >= 36)]
    mature = mature[model.firms.status[mature] == ACTIVE]
    assert len(mature) >= 10
    expected = 0.30 * 420e6 / 2.1e9
    in_baseline = {key: row for row, key in enumerate(baseline.firms.key[: baseline.firms.count])}
    pairs = [(row, in_baseline[model.firms.key[row]]) for row in mature if model.firms.key[row] in in_baseline]
    pairs = [(mine, theirs) for mine, theirs in pairs if baseline.firms.status[theirs] == ACTIVE]
    ratio = np.array([model.firms.orders[mine] / baseline.firms.orders[theirs] for mine, theirs in pairs])
    assert np.median(ratio) - 1.0 == pytest.approx(expected, rel=0.25)
    # No firm near failure needed: the rise is there for firms with cash to spare in both twins.
    assert (model.firms.cash[[mine for mine, _ in pairs]] > 0).mean() > 0.9
