"""Measure turnover in Gwangju without shocks: separations by route, tenure, job finding by duration.

Usage: PYTHONPATH=. python scripts/turnover_measure.py [seed] [scale] [months]
Also, with ``displaced`` as first argument: the displaced workers' loss in years 3-5 split into
months not employed and pay when employed (the design of tests/test_validation_labour.py).
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

from sim import RegionModel
from sim.region.state import COMMUTING_OUT, EMPLOYED, MOVED_OUT, UNEMPLOYED

NO_SHOCKS = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None}
EXTRA = json.loads(os.environ.get("OVERRIDES", "{}"))  # e.g. '{"labour_market.on_the_job_search_rate_per_month": 0.1}'


def turnover(seed: int, scale: float, months: int) -> None:
    model = RegionModel("gwangju", rng=seed, scale=scale, months=months, overrides={**NO_SHOCKS, **EXTRA})
    routes = dict.fromkeys(
        (
            "job_to_job",
            "quit",
            "contract_end",
            "layoff",
            "retired",
            "moved_out",
            "commuting_out",
            "other_left",
            "other",
        ),
        0,
    )
    employed_months = 0
    spells_found: dict[int, int] = {}
    spells_at_risk: dict[int, int] = {}
    completed = []
    for month in range(1, months + 1):
        w = model.workforce
        employed = np.flatnonzero(w.status == EMPLOYED)
        employer = w.employer[employed].copy()
        quit_due = w.quit_month[employed] == month
        contract_due = w.contract_end_month[employed] == month
        seeking = np.flatnonzero(w.status == UNEMPLOYED)
        since = w.unemployed_since[seeking].copy()
        model.step()
        w = model.workforce
        if month <= 12:
            continue
        employed_months += len(employed)
        status = w.status[employed]
        moved = (status == EMPLOYED) & (w.employer[employed] != employer)
        unemployed = status == UNEMPLOYED
        laid = w.displaced_month[employed] == month
        routes["job_to_job"] += int((moved & ~quit_due).sum())
        routes["quit"] += int((quit_due & (unemployed | moved)).sum())
        routes["layoff"] += int((laid & unemployed).sum())
        routes["contract_end"] += int((contract_due & unemployed & ~laid & ~quit_due).sum())
        gone = (status != EMPLOYED) & ~unemployed
        retired = gone & w.retired[employed]
        routes["retired"] += int(retired.sum())
        routes["moved_out"] += int((gone & ~retired & (status == MOVED_OUT)).sum())
        routes["commuting_out"] += int((gone & ~retired & (status == COMMUTING_OUT)).sum())
        routes["other_left"] += int((gone & ~retired & (status != MOVED_OUT) & (status != COMMUTING_OUT)).sum())
        routes["other"] += int((unemployed & ~laid & ~quit_due & ~contract_due).sum())
        duration = month - since
        found = w.status[seeking] == EMPLOYED
        completed.append(duration[found])
        for d in range(0, 25):
            at = duration == d if d < 24 else duration >= 24
            spells_at_risk[d] = spells_at_risk.get(d, 0) + int(at.sum())
            spells_found[d] = spells_found.get(d, 0) + int((at & found).sum())
    print(f"seed {seed} scale {scale} months 13-{months}; employed-months {employed_months}")
    for k, v in routes.items():
        print(f"  {k:16s} {v / employed_months * 100:.3f}% a month, {v / employed_months * 1200:.2f}% a year")
    total = sum(routes.values())
    print(f"  all separations {total / employed_months * 100:.3f}% a month")
    w = model.workforce
    employed = w.status == EMPLOYED
    tenure = (months - w.hire_month[employed]) / 12
    print(
        f"tenure at month {months}: mean {tenure.mean():.2f} y, median {np.median(tenure):.2f} y; "
        f"<1y {np.mean(tenure < 1):.3f}, 1-3y {np.mean((tenure >= 1) & (tenure < 3)):.3f}, "
        f"3-5y {np.mean((tenure >= 3) & (tenure < 5)):.3f}, 5-10y {np.mean((tenure >= 5) & (tenure < 10)):.3f}, "
        f">=10y {np.mean(tenure >= 10):.3f}"
    )
    spells = np.concatenate(completed)
    print(f"completed spells: mean {spells.mean():.2f} months, median {np.median(spells):.1f}")
    print("job finding by duration (months: rate):")
    print(
        "  "
        + ", ".join(f"{d}: {spells_found[d] / spells_at_risk[d]:.3f}" for d in range(0, 25) if spells_at_risk[d] > 0)
    )
    mobility(seed, scale)


def mobility(seed: int, scale: float) -> None:
    sys.path.insert(0, "tests")
    import test_validation_labour as t

    t.NO_SHOCKS_LABOUR.update(EXTRA)
    m = t.job_mobility.__wrapped__() if hasattr(t.job_mobility, "__wrapped__") else None
    if m is not None:
        moved, paid_less = m.movers / m.employed_both, m.movers_paid_less / m.movers
        print(f"movers between Decembers {moved:.3f}, paid less {paid_less:.3f}")
    gains, ages = t._on_the_job_moves(seed, scale, 36)
    print(f"young movers mean log gain {gains[ages < 30].mean():.4f} (n {int((ages < 30).sum())})")
    u = t.RegionModel("gwangju", rng=seed, scale=scale, months=60, overrides=t.NO_SHOCKS_LABOUR).run()
    yearly = [round(float(u.unemployment_rate[1 + 12 * y : 13 + 12 * y].mean()), 4) for y in range(5)]
    print("unemployment by year", yearly)


def displaced() -> None:
    sys.path.insert(0, "tests")
    from test_validation_labour import DISPLACEMENT_SCALE, DISPLACEMENT_SEEDS, EARNINGS_WINDOW, displacement_study

    studies = [displacement_study(s, DISPLACEMENT_SCALE) for s in DISPLACEMENT_SEEDS]
    paid = paid_cf = months_emp = months_emp_cf = n_months = 0.0
    for study in studies:
        workers = study.sample()
        offsets = np.arange(EARNINGS_WINDOW[0], EARNINGS_WINDOW[1] + 1)
        rows = study.layoff_month[workers][:, None] + offsets[None, :]
        cols = np.broadcast_to(workers[:, None], rows.shape)
        e, c = study.earnings[rows, cols], study.earnings_counterfactual[rows, cols]
        paid += e.sum()
        paid_cf += c.sum()
        months_emp += (e > 0).sum()
        months_emp_cf += (c > 0).sum()
        n_months += e.size
    loss = 1 - paid / paid_cf
    emp, emp_cf = months_emp / n_months, months_emp_cf / n_months
    pay, pay_cf = paid / months_emp, paid_cf / months_emp_cf
    print(f"displaced loss years 3-5: {loss:.3f}")
    print(f"  share of months employed: {emp:.3f} vs twins {emp_cf:.3f} (ratio {emp / emp_cf:.3f})")
    print(f"  pay when employed: {pay / 1e6:.2f} vs twins {pay_cf / 1e6:.2f} M KRW (ratio {pay / pay_cf:.3f})")
    print(f"  loss from months not employed: {1 - emp / emp_cf:.3f}; from pay: {1 - pay / pay_cf:.3f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "displaced":
        displaced()
    else:
        args = sys.argv[1:]
        seed, scale = int(args[0]) if args else 1, float(args[1]) if len(args) > 1 else 0.2
        turnover(seed, scale, int(args[2]) if len(args) > 2 else 60)
