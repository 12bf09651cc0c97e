"""Dismissals for a worker's own or a firm's idiosyncratic reasons (docs/model.md 7.5), and what they would do.

Gwangju ships without them (``dismissal_rate_per_month = 0``: scenarios/gwangju.toml gives why); these tests
run the region without shocks (seed 1, scale 0.2) with dismissals at the rate Korea Labor Institute's
employment-insurance records would need, 0.25% of the employed a month, with the quits re-derived to zero,
and check the mechanism: the rate realised, the benefit rights, no displacement record, the voluntary share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from sim import RegionModel
from sim.region.state import EMPLOYED, UNEMPLOYED

NO_SHOCKS = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None}

#: KLI (Hwang, Jeon and Ko 2004): involuntary separations were a third of voluntary ones in 1999-2002 (7.4 of
#: 20.9, 6.9 of 23.1, 8.0 of 23.2, 5.9 of 18.0% a year); a third of MOEL's voluntary 1.54% a month is 0.51%, of
#: which the model's contract ends, layoffs and ageing out give 0.26%: dismissals 0.25%. The dependent
#: parameters re-derived by scenarios/gwangju.toml's formulas: quits 0.25% - 0.14% - 0.25% < 0, so zero;
#: turnover 1.83% - 0.11% + 0.25% = 1.97%; fixed-term hire share with x = 0.0166 - 0.0011 + 0.0025 = 0.018: 0.31.
WITH_DISMISSALS = {
    **NO_SHOCKS,
    "labour_market.dismissal_rate_per_month": 0.0025,
    "labour_market.quit_rate_per_month": 0.0,
    "labour_market.turnover_rate_per_month": 0.0197,
    "labour_market.fixed_term_share_of_hires": 0.31,
}

#: Employment Insurance Act, art. 58: only a voluntary leaving or dismissal for serious fault bars benefit; the
#: model applies the eligible share of the laid-off (NABO 2014: 42.7%) to the dismissed as well.
ELIGIBLE_SHARE = 0.427


@dataclass
class DismissalStudy:
    """Months 13-36: employee-months, the dismissed and the quits (tallies), and what became of the dismissed."""

    employee_months: int
    dismissed: int
    quits: int
    still_unemployed: int  # dismissed and unemployed at the month's end (the others were hired at once)
    with_benefit_rights: int  # of those
    displaced: int


@pytest.fixture(scope="module")
def dismissals() -> DismissalStudy:
    model = RegionModel("gwangju", rng=1, scale=0.2, months=36, overrides=WITH_DISMISSALS)
    employee_months = dismissed = quits = unemployed = benefit = displaced = 0
    for month in range(1, 37):
        workforce = model.workforce
        employed = np.flatnonzero(workforce.status == EMPLOYED)
        leaving = employed[workforce.quit_month[employed] == month]  # with no quits, all of them are dismissed
        model.step()
        workforce = model.workforce
        if month <= 12:
            continue
        employee_months += len(employed)
        dismissed += int(model.region.tally["dismissals"])
        quits += int(model.region.tally["quits"])
        out = leaving[workforce.status[leaving] == UNEMPLOYED]
        unemployed += len(out)
        benefit += int((workforce.benefit_end_month[out] > month).sum())
        displaced += int((workforce.displaced_month[leaving] == month).sum())
    return DismissalStudy(employee_months, dismissed, quits, unemployed, benefit, displaced)


def test_dismissals_happen_at_the_rate_set(dismissals):
    """The dismissed leave at the scenario's 0.25% of the employed a month (months 13-36, within a tenth), and
    with the quit rate at zero the worker's own clock brings no quits."""
    rate = dismissals.dismissed / dismissals.employee_months
    assert 0.00225 <= rate <= 0.00275, rate
    assert dismissals.quits == 0


def test_the_dismissed_draw_benefit_and_are_not_displaced(dismissals):
    """Employment Insurance Act, art. 58: a dismissal is involuntary, so the dismissed draw benefit at the
    eligible share (42.7%, NABO 2014, within five points, among those unemployed at the month's end); they are
    not recorded as displaced (the displacement studies follow mass layoffs, 7.5), apart from the odd one hired
    at once by a firm that lays off later in the month (1 of 8,863 measured)."""
    assert dismissals.still_unemployed >= 500
    assert dismissals.displaced <= 0.001 * dismissals.dismissed, dismissals.displaced
    share = dismissals.with_benefit_rights / dismissals.still_unemployed
    assert abs(share - ELIGIBLE_SHARE) <= 0.05, share
