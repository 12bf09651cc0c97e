"""Extended unemployment benefits: who is paid, how much, and through which channel.

Korea's Employment Insurance Act extends job-seeking benefits in an employment crisis (the
special extended benefit: up to 60 days at 70% of the daily benefit; Gunsan, Geoje and four
other areas were designated in April 2018, MOEL). scenarios/packages/single_extended_benefits.toml.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import RegionModel
from sim.inputs.package import load_package
from sim.region.state import NEVER, UNEMPLOYED


def _package(total_krw: float = 10e9):
    return load_package("single_extended_benefits").with_total_budget(total_krw)


def test_only_laid_off_workers_past_their_benefit_are_paid_seventy_percent_for_two_months():
    package = _package()
    settings = package.interventions[0]
    model = RegionModel(rng=2, scale=0.1, months=30, package=package)
    paid_at = []
    for month in range(1, 31):
        # The programme pays at the month's policy point, before that month's layoffs.
        workforce = model.workforce
        benefit, ended = workforce.benefit_krw.copy(), workforce.benefit_end_month.copy()
        displaced, unemployed = workforce.displaced_month != NEVER, workforce.status == UNEMPLOYED
        model.step()
        rows = model.ledger().query("intervention == 'extended_benefits' and month == @month")
        workers = rows.recipient.to_numpy()
        assert (displaced[workers] & unemployed[workers]).all()
        np.testing.assert_allclose(rows.amount_krw.to_numpy(), settings.benefit_share * benefit[workers], rtol=1e-12)
        assert ((ended[workers] <= month) & (month < ended[workers] + settings.extra_months)).all()
        paid_at.append(len(workers))
    assert sum(paid_at) > 0


def test_the_payments_reach_household_spending_and_local_services():
    """The channel is income: the extension raises households' disposable income and, with
    their spending adjusting over months (docs/model.md 7.10), their spending. (Measured, seed 1, scale 0.1:
    disposable income 362 million KRW higher over 36 months for 192 million paid; it was 81.6 million lower,
    a strict expected failure, before the start held the steady state's open jobs.)"""
    baseline = RegionModel(rng=1, scale=0.1, months=36).run()
    extended = RegionModel(rng=1, scale=0.1, months=36, package=_package()).run()
    paid = extended.policy_spend_extended_benefits.sum()
    assert paid > 0
    assert extended.household_transfers.sum() == pytest.approx(paid)
    assert (extended.household_spending - baseline.household_spending)[12:].sum() > 0
    assert (extended.disposable_income - baseline.disposable_income).sum() > 0


def test_the_money_sets_how_much_is_paid():
    """A budget that runs out stops the payments: a tenth of the money pays at most a tenth."""
    full = RegionModel(rng=1, scale=0.1, months=36, package=_package(10e9)).run()
    small = RegionModel(rng=1, scale=0.1, months=36, package=_package(0.05e9)).run()
    assert 0 < small.policy_spend_extended_benefits.sum() <= 0.05e9 * 0.1 + 1
    assert small.policy_spend_extended_benefits.sum() < full.policy_spend_extended_benefits.sum()
