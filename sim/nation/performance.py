"""Performance-based incentives between regions (seed 004): one programme's money follows its measured results.

Seed 004 (Ministry of SMEs and Startups, 2023): "to enhance policy effectiveness through
competition among regions, the scale of differentiated incentives based on evaluations will be
expanded, transitioning to a performance-based policy". Its predecessor set the size of such
incentives: the Ministry of Knowledge Economy allotted 0.6% of the regional industry budget by
evaluation in 2010 and 5% from 2011, the regions graded yearly on their programmes' results
(etnews 4 Oct 2010; Ajunews 2 May 2010); in 2015 the grades moved each region's national money
for its main industries between 11.3 and 15 bn KRW (etnews 16 Jan 2015).

The rule, at each review: every region's programme reports the jobs added at the firms it
supported since their support and the KRW it has spent; its performance is jobs per billion
KRW spent (negative results count as none). Of what the regions have still to spend, the
``performance_share`` is pooled and shared out in proportion to performance; the rest stays
where it is. Sharing in proportion (rather than by the Ministry's grades) is an assumption.
Only budgets move: every won is still paid, and counted, by a region's desk in its own ledger;
the regions' budgets add up to the same total before and after.
"""

from __future__ import annotations

#: KRW in a billion: performance is jobs per bn KRW spent.
BN_KRW = 1e9


def jobs_per_bn_krw(jobs: float, spent_krw: float) -> float:
    """Measured performance: jobs added per billion KRW spent (0 before any spending, at least 0)."""
    return max(jobs, 0.0) / (spent_krw / BN_KRW) if spent_krw > 0 else 0.0


def reallocate(
    totals_krw: dict[str, float], spent_krw: dict[str, float], performance: dict[str, float], share: float
) -> dict[str, float]:
    """New total budgets by region (same order): ``share`` of what is left pooled and shared by ``performance``.

    Regions are taken in the dict's order (the nation file's), so the sums are the same wherever
    the regions run. With no performance anywhere, or nothing left, nothing moves.
    """
    remaining = {name: max(total - spent_krw[name], 0.0) for name, total in totals_krw.items()}
    pool = share * sum(remaining.values())
    scores = sum(performance.values())
    if pool <= 0 or scores <= 0:
        return dict(totals_krw)
    return {
        name: spent_krw[name] + (1.0 - share) * remaining[name] + pool * performance[name] / scores
        for name in totals_krw
    }
