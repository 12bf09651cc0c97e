"""The first months of Gwangju without shocks: vacancies, hires, job-to-job moves, unemployment, fixed-term share.

Usage: PYTHONPATH=. python scripts/transient_measure.py [months] [seed] [scale] [key.path=value ...]
One row a month (rates are shares of the employed at the month's end; the fixed-term share is of employees and
holds short jobs when they are on; short% is the month's hires into short jobs, docs/model.md 7.5);
docs/calibration.md ("A steady-state start") gives the figures before and after the start held its open jobs.
"""

from __future__ import annotations

import sys

from sim import RegionModel
from sim.region.state import EMPLOYED, NEVER, UNEMPLOYED

NO_SHOCKS = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None}


def main(months: int = 36, seed: int = 1, scale: float = 0.2, overrides: dict[str, float] | None = None) -> None:
    model = RegionModel("gwangju", rng=seed, scale=scale, months=months, overrides={**NO_SHOCKS, **(overrides or {})})
    workforce = model.workforce
    print("month employed vacancies vac% hires hires% j2j j2j% quits contract_ends unemployment% fixed_term% short%")
    for month in range(months + 1):
        if month:
            model.step()
        tally = model.region.tally if month else {}
        employed = int((workforce.status == EMPLOYED).sum())
        unemployed = int((workforce.status == UNEMPLOYED).sum())
        fixed = float((workforce.contract_end_month[workforce.status == EMPLOYED] != NEVER).mean())
        vacancies, hires, moves = (tally.get(key, 0.0) for key in ("vacancies", "hires", "job_to_job_moves"))
        print(
            f"{month:3d} {employed:7d} {vacancies:6.0f} {100 * vacancies / employed:5.2f} {hires:6.0f} "
            f"{100 * hires / employed:5.2f} {moves:6.0f} {100 * moves / employed:5.2f} {tally.get('quits', 0):5.0f} "
            f"{tally.get('contract_ends', 0):5.0f} {100 * unemployed / (employed + unemployed):5.2f} "
            f"{100 * fixed:5.2f} {100 * tally.get('short_job_hires', 0) / employed:5.2f}"
        )


if __name__ == "__main__":
    args = sys.argv[1:]
    pairs = {k: float(v) for k, v in (arg.split("=", 1) for arg in args[3:])}
    main(
        int(args[0]) if args else 36,
        int(args[1]) if len(args) > 1 else 1,
        float(args[2]) if len(args) > 2 else 0.2,
        pairs,
    )
