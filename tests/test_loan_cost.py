"""Loans valued honestly: what is lent and not expected back is a cost.

Issue 12 measured policy loans at 0.16 million KRW per job-year against 6-25 million for the
other instruments, because interest a borrower could not pay was forgiven and principal
still owed at the horizon cost nothing. Subsidy cost is valued as under the US Federal
Credit Reform Act of 1990 (present value of what is lent less what is expected back) and
the EU's gross grant equivalent: interest subsidies, write-offs, and a provision for the
expected loss on what is still owed at the horizon, at no less than the published default
rate of guaranteed Korean SMEs (KOTEC 5.20% in 2025, Chosun Biz, 19 Jan 2026).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import RegionModel
from sim.inputs.package import load_package
from tests.test_policy import CREDIT_SQUEEZE


def _squeeze_with_loans(months: int) -> RegionModel:
    loans = load_package("single_loans").with_total_budget(100e9)
    return RegionModel(rng=1, scale=0.1, months=months, overrides=CREDIT_SQUEEZE, package=loans)


def test_loans_still_owed_at_the_horizon_are_provisioned_at_their_expected_loss():
    model = _squeeze_with_loans(months=30)
    table = model.run()
    policy = model.policies[0]
    balance, months_left = model.desk.own(policy, "balance"), model.desk.own(policy, "months_left")
    owing = balance > 0
    assert owing.sum() >= 3 and table.loans_loans_outstanding_krw.iloc[-1] > 0
    rate = policy.default_rate_annual()
    assert rate >= 0.052
    expected = (balance[owing] * (1 - (1 - rate) ** (months_left[owing] / 12))).sum()
    provisions = model.ledger().query("kind == 'provision'")
    assert provisions.month.unique().tolist() == [model.months]
    assert provisions.amount_krw.sum() == pytest.approx(expected)
    assert table.loans_provision_krw.iloc[-1] == pytest.approx(expected)
    # Nothing is provisioned before the horizon, and the cost now exceeds subsidies and write-offs.
    assert table.loans_provision_krw.iloc[:-1].sum() == 0
    ledger = model.ledger()
    lost = ledger[ledger.kind.isin(["interest_subsidy", "write_off"])].amount_krw.sum()
    assert table.policy_cost_loans.sum() == pytest.approx(lost + expected)
    assert table.policy_cost_loans.sum() > 0  # the test: subsidy cost above zero with subsidies


def test_interest_a_borrower_cannot_pay_is_owed_not_forgiven(monkeypatch):
    model = _squeeze_with_loans(months=30)
    while model.records.latest("loans_loans_outstanding_krw") == 0 and model.steps < 29:
        model.step()
    policy = model.policies[0]
    balance = model.desk.own(policy, "balance")
    months_left = model.desk.own(policy, "months_left")
    owing = np.flatnonzero(balance > 0)
    assert len(owing) > 0
    before = balance[owing].copy()
    # The borrowers' cash is gone at the next policy point: nothing is collected.
    monkeypatch.setattr(model.desk, "collect_from_firms", lambda policy, firms, due, kind: np.zeros(len(firms)))
    model.step()
    still = model.firms.status[owing] == 0  # ACTIVE
    rate = policy.settings.loan_rate_annual
    np.testing.assert_allclose(balance[owing][still], before[still] * (1 + rate / 12), rtol=1e-12)
    assert model.records.latest("loans_arrears_krw") == pytest.approx((before[still] * rate / 12).sum())
    assert (months_left[owing][still] >= 1).all()


def test_expected_cost_per_krw_lent_is_at_least_the_published_default_rate_over_the_remaining_term():
    """The horizon's provision alone makes a loan cost at least its expected loss: not 'almost free'."""
    model = _squeeze_with_loans(months=30)
    table = model.run()
    ledger = model.ledger()
    lent = ledger.query("kind == 'loan'").amount_krw.sum()
    outstanding = table.loans_loans_outstanding_krw.iloc[-1]
    policy = model.policies[0]
    owing = model.desk.own(policy, "balance") > 0
    shortest_term_left = model.desk.own(policy, "months_left")[owing].min()
    floor = outstanding * (1 - (1 - 0.052) ** (shortest_term_left / 12))
    assert lent > 0
    assert table.policy_cost_loans.sum() >= floor
