"""Back-tests: the model against what happened after a real industrial shock.

A case is a folder under ``backtests/`` with

- ``scenario.toml``: the region before the event and the event, every parameter sourced;
- ``observed.csv``: one row per date and measure (``date, measure, region, value, unit,
  source_title, source_locator, ...``), every row with a source;
- ``tolerances.toml``: ``[case]`` (name, title, scenario file, default seeds and scale) and
  ``[[measures]]``, each naming the observed series (``observed`` and ``region``), the model's
  columns summed to match it (``model``, times ``model_factor``), how the two are compared
  (``compare``), the ``base`` date of a change, the ``tolerance`` in the compared unit, and a
  note of what confounds it (``confounders``). Tolerances are written before the case is run.

How a measure is compared (both sides the same way, so like is compared with like):

- ``level``: the value itself;
- ``change``: value at the date minus value at ``base`` (points of a rate);
  in these two, model counts (columns not ending in ``_rate``) are divided by the run's scale;
- ``relative_change``: ``100 * (value / value at base - 1)``, percent;
- ``change_12m``: the observed value is already a year-on-year percent change; the model's is
  ``100 * (value / value 12 months before - 1)``.

Observed dates are ``YYYY-MM`` (or ``YYYY-MM-DD``), ``YYYY-H1`` (the April survey week of the
Local Area Labour Force Survey), ``YYYY-H2`` (October) or ``YYYY-Q1``..``Q4`` (the last month
of the quarter). The model's row dated that month is compared; row 0 (the start state) is
dated the month before the scenario's start. Observations outside the run are left out.

A measure is inside when the median over seeds is within the tolerance of the observed value.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ScenarioError

#: The shipped cases' folder.
BACKTEST_DIR = Path(__file__).resolve().parents[2] / "backtests"
CASE_FILE = "tolerances.toml"
OBSERVED_FILE = "observed.csv"
COMPARES = ("level", "change", "relative_change", "change_12m")
#: Columns every observed.csv must have; ``source_title`` and ``source_locator`` may not be empty.
OBSERVED_COLUMNS = ("date", "measure", "region", "value", "unit", "source_title", "source_locator")
#: Columns of the comparison table, in order.
TABLE_COLUMNS = (
    "measure",
    "date",
    "month",
    "observed",
    "model_median",
    "model_min",
    "model_max",
    "tolerance",
    "inside",
    "unit",
)
_HALF = {"H1": 4, "H2": 10}
_QUARTER = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12}


@dataclass(frozen=True)
class Measure:
    """One observed series and how the model is held to it."""

    name: str
    observed: str
    region: str
    model: tuple[str, ...]
    compare: str
    tolerance: float
    base: str | None = None
    model_factor: float = 1.0
    unit: str = ""
    confounders: str = ""
    dates: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Case:
    """A back-test case: its scenario, observed data and measures."""

    name: str
    title: str
    folder: Path
    scenario_path: Path
    observed: pd.DataFrame
    measures: tuple[Measure, ...]
    seeds: int = 5
    scale: float = 1.0


@dataclass
class BacktestResult:
    """The comparison table, each seed's path of every measure, and what was run."""

    case: Case
    table: pd.DataFrame
    paths: pd.DataFrame
    seeds: list[int]
    scale: float
    months: int
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def all_inside(self) -> bool:
        return bool(self.table["inside"].all())


# ----------------------------------------------------------------------------- reading cases


def list_cases(root: Path = BACKTEST_DIR) -> list[str]:
    """Names of the case folders under ``root`` (those with a ``tolerances.toml``), sorted."""
    if not root.is_dir():
        return []
    return sorted(entry.name for entry in root.iterdir() if (entry / CASE_FILE).is_file())


def resolve_case(name_or_path: str | Path, root: Path = BACKTEST_DIR) -> Path:
    """The folder of a case given by shipped name or by path; one-line error if there is none."""
    path = Path(name_or_path)
    try:
        if (path / CASE_FILE).is_file():
            return path
        if (root / str(name_or_path) / CASE_FILE).is_file() and path.parent == Path("."):
            return root / str(name_or_path)
    except (OSError, ValueError):
        pass
    shipped = ", ".join(list_cases(root)) or "none"
    raise ScenarioError(
        str(name_or_path), "", str(name_or_path), f"allowed: a case folder with a {CASE_FILE}, or one of: {shipped}"
    )


def observed_month(text: str) -> str:
    """``YYYY-MM`` of an observed date (see the module doc); ValueError if it is not one."""
    text = str(text).strip()
    if match := re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", text):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := re.fullmatch(r"(\d{4})-(H[12]|Q[1-4])", text):
        year, part = int(match.group(1)), match.group(2)
        month = _HALF.get(part) or _QUARTER[part]
    else:
        raise ValueError(text)
    if not 1 <= month <= 12:
        raise ValueError(text)
    return f"{year:04d}-{month:02d}"


def _months_between(a: str, b: str) -> int:
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])


def read_observed(path: Path) -> pd.DataFrame:
    """``observed.csv`` with every row sourced; one-line error naming the row otherwise."""
    if not path.is_file():
        raise ScenarioError(str(path), "", "missing", "allowed: an observed.csv beside tolerances.toml")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ScenarioError(str(path), "", type(error).__name__, "allowed: a UTF-8 CSV file") from None
    missing = [column for column in OBSERVED_COLUMNS if column not in frame.columns]
    if missing:
        raise ScenarioError(str(path), "columns", missing, f"allowed: a header with {', '.join(OBSERVED_COLUMNS)}")
    for index, row in frame.iterrows():
        line = int(index) + 2  # the header is line 1
        for column in ("source_title", "source_locator"):
            if not row[column].strip():
                raise ScenarioError(str(path), f"line {line}.{column}", row[column], "allowed: every row has a source")
        try:
            float(row["value"])
        except ValueError:
            raise ScenarioError(str(path), f"line {line}.value", row["value"], "allowed: a number") from None
    frame["value"] = frame["value"].astype(float)
    return frame


def _measure(raw: Any, index: int, source: str) -> Measure:
    key = f"measures[{index}]"
    if not isinstance(raw, dict):
        raise ScenarioError(source, key, raw, "allowed: a table")
    known = {
        "name",
        "observed",
        "region",
        "model",
        "compare",
        "tolerance",
        "base",
        "model_factor",
        "unit",
        "confounders",
        "dates",
    }
    for extra in sorted(set(raw) - known):
        raise ScenarioError(source, f"{key}.{extra}", raw[extra], f"allowed keys: {', '.join(sorted(known))}")
    for required in ("name", "observed", "region", "model", "compare", "tolerance", "confounders"):
        if required not in raw:
            raise ScenarioError(source, f"{key}.{required}", "missing", "allowed: every measure states it")
    for text_key in ("name", "observed", "region", "confounders"):
        if not isinstance(raw[text_key], str) or not raw[text_key].strip():
            raise ScenarioError(source, f"{key}.{text_key}", raw[text_key], "allowed: a non-empty string")
    model = raw["model"]
    if isinstance(model, str):
        model = [model]
    if not isinstance(model, list) or not model or not all(isinstance(c, str) and c for c in model):
        raise ScenarioError(source, f"{key}.model", raw["model"], "allowed: a list of monthly-table columns")
    if raw["compare"] not in COMPARES:
        raise ScenarioError(source, f"{key}.compare", raw["compare"], f"allowed: one of {', '.join(COMPARES)}")
    tolerance = raw["tolerance"]
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or not 0 <= tolerance < math.inf:
        raise ScenarioError(source, f"{key}.tolerance", tolerance, "allowed: a non-negative number")
    factor = raw.get("model_factor", 1.0)
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not math.isfinite(factor) or factor == 0:
        raise ScenarioError(source, f"{key}.model_factor", factor, "allowed: a non-zero number")
    base = raw.get("base")
    if raw["compare"] in ("change", "relative_change"):
        if base is None:
            allowed = f"allowed: a base date for compare = {raw['compare']!r}"
            raise ScenarioError(source, f"{key}.base", "missing", allowed)
    elif base is not None:
        raise ScenarioError(source, f"{key}.base", base, f"allowed: no base for compare = {raw['compare']!r}")
    for date in [base] if base is not None else []:
        try:
            observed_month(date)
        except ValueError:
            raise ScenarioError(source, f"{key}.base", date, "allowed: YYYY-MM, YYYY-H1/H2 or YYYY-Q1..Q4") from None
    dates = raw.get("dates")
    if dates is not None:
        if not isinstance(dates, list) or not all(isinstance(d, str) for d in dates):
            raise ScenarioError(source, f"{key}.dates", dates, "allowed: a list of observed dates")
        dates = tuple(dates)
    return Measure(
        name=raw["name"],
        observed=raw["observed"],
        region=raw["region"],
        model=tuple(model),
        compare=raw["compare"],
        tolerance=float(tolerance),
        base=base,
        model_factor=float(factor),
        unit=str(raw.get("unit", "")),
        confounders=raw["confounders"],
        dates=dates,
    )


def load_case(name_or_path: str | Path, root: Path = BACKTEST_DIR) -> Case:
    """Read and check a case: its tolerances file, observed data and the scenario they refer to."""
    from sim.inputs.scenario import load_scenario

    folder = resolve_case(name_or_path, root)
    source = str(folder / CASE_FILE)
    try:
        raw = tomllib.loads((folder / CASE_FILE).read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ScenarioError(source, "", "not UTF-8", "allowed: a UTF-8 TOML file") from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(source, "", str(error), "allowed: valid TOML") from None
    head = raw.get("case")
    if not isinstance(head, dict):
        raise ScenarioError(source, "case", head, "allowed: a [case] table with name, title and scenario")
    for key in ("name", "title", "scenario"):
        if not isinstance(head.get(key), str) or not head[key]:
            raise ScenarioError(source, f"case.{key}", head.get(key, "missing"), "allowed: a non-empty string")
    seeds = head.get("seeds", 5)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or not 1 <= seeds <= 1000:
        raise ScenarioError(source, "case.seeds", seeds, "allowed: a whole number from 1 to 1,000")
    scale = head.get("scale", 1.0)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 1:
        raise ScenarioError(source, "case.scale", scale, "allowed: a number in (0, 1]")
    measures_raw = raw.get("measures")
    if not isinstance(measures_raw, list) or not measures_raw:
        raise ScenarioError(source, "measures", measures_raw, "allowed: one or more [[measures]] tables")
    measures = tuple(_measure(item, i, source) for i, item in enumerate(measures_raw))
    names = [m.name for m in measures]
    for name in names:
        if names.count(name) > 1:
            raise ScenarioError(source, "measures.name", name, "allowed: each measure's name once")
    scenario_path = (folder / head["scenario"]).resolve()
    if not scenario_path.is_file():
        raise ScenarioError(source, "case.scenario", head["scenario"], "allowed: a scenario file in the case folder")
    scenario = load_scenario(scenario_path)  # a bad scenario raises its own one-line error
    observed = read_observed(folder / OBSERVED_FILE)
    case = Case(
        name=head["name"],
        title=head["title"],
        folder=folder,
        scenario_path=scenario_path,
        observed=observed,
        measures=measures,
        seeds=seeds,
        scale=float(scale),
    )
    check_case(case, scenario)
    return case


def check_case(case: Case, scenario: Any) -> None:
    """Every measure names observed rows, model columns the scenario's table has, dates inside the run."""
    from sim.records import columns_for

    source = str(case.folder / CASE_FILE)
    columns = set(columns_for(scenario))
    first = _row0_month(scenario.scenario.start)
    last = _add_months(first, scenario.scenario.months)
    for i, measure in enumerate(case.measures):
        key = f"measures[{i}]"
        for column in measure.model:
            if column not in columns:
                shown = ", ".join(sorted(c for c in columns if c.startswith("employed") or c.endswith("rate")))
                raise ScenarioError(
                    source, f"{key}.model", column, f"allowed: a column of the monthly table (e.g. {shown})"
                )
        try:
            points = observed_points(case, measure)
        except ValueError as error:
            raise ScenarioError(source, key, measure.name, str(error)) from None
        inside = points[(points.month >= first) & (points.month <= last)]
        if inside.empty:
            raise ScenarioError(
                source, f"{key}.observed", measure.observed, f"allowed: observations between {first} and {last}"
            )
        if measure.base is not None and not first <= observed_month(measure.base) <= last:
            raise ScenarioError(source, f"{key}.base", measure.base, f"allowed: a date between {first} and {last}")
        if measure.compare == "change_12m" and (inside.month.map(lambda m: _add_months(m, -12)) < first).any():
            raise ScenarioError(
                source, f"{key}.observed", measure.observed, f"allowed: dates at least 12 months after {first}"
            )


def _row0_month(start: str) -> str:
    return _add_months(start, -1)


def _add_months(month: str, n: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def observed_points(case: Case, measure: Measure) -> pd.DataFrame:
    """The measure's observed points as compared: ``date`` (as written), ``month``, ``observed``.

    Raises ValueError naming what is wrong (no rows, a bad date, a missing base row).
    """
    rows = case.observed[(case.observed.measure == measure.observed) & (case.observed.region == measure.region)]
    if rows.empty:
        raise ValueError(f"allowed: a measure and region of {OBSERVED_FILE} (no rows for {measure.region!r})")
    rows = rows.copy()
    try:
        rows["month"] = rows["date"].map(observed_month)
    except ValueError as error:
        raise ValueError(f"allowed: observed dates YYYY-MM, YYYY-H1/H2 or YYYY-Q1..Q4 (got {error})") from None
    if rows.month.duplicated().any():
        duplicates = sorted(rows.month[rows.month.duplicated()])
        raise ValueError(f"allowed: one observed value per date (duplicates on {duplicates})")
    base_value = None
    if measure.base is not None:
        base_month = observed_month(measure.base)
        base_rows = rows[rows.month == base_month]
        if base_rows.empty:
            raise ValueError(f"allowed: a base date with an observed value (none on {measure.base})")
        base_value = float(base_rows.value.iloc[0])
        rows = rows[rows.month > base_month]
    if measure.dates is not None:
        wanted = {observed_month(d) for d in measure.dates}
        rows = rows[rows.month.isin(wanted)]
    values = rows.value.to_numpy(dtype=float)
    if measure.compare == "change":
        values = values - base_value
    elif measure.compare == "relative_change":
        values = 100.0 * (values / base_value - 1.0)
    points = pd.DataFrame({"date": rows["date"].to_numpy(), "month": rows.month.to_numpy(), "observed": values})
    return points.sort_values("month", kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------------- comparing


def model_path(table: pd.DataFrame, measure: Measure, scale: float = 1.0) -> pd.Series:
    """The model's compared quantity, month by month (index ``YYYY-MM``), from one run's monthly table."""
    raw = table[list(measure.model)].sum(axis=1).astype(float) * measure.model_factor
    if measure.compare in ("level", "change") and not all(c.endswith("_rate") for c in measure.model):
        raw = raw / scale  # counts of the sample, to full-population counts
    raw.index = pd.to_datetime(table["date"]).dt.strftime("%Y-%m").to_numpy()
    if measure.compare == "change":
        return raw - raw[observed_month(measure.base)]
    if measure.compare == "relative_change":
        return 100.0 * (raw / raw[observed_month(measure.base)] - 1.0)
    if measure.compare == "change_12m":
        return 100.0 * (raw / raw.shift(12) - 1.0)
    return raw


def compare(
    case: Case, tables: Sequence[pd.DataFrame], seeds: Sequence[int], scale: float = 1.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The model-against-observed table and every seed's paths, from one monthly table per seed.

    Returns ``(table, paths)``: ``table`` has one row per measure and observed date within
    the run (columns :data:`TABLE_COLUMNS`); ``paths`` has ``measure, seed, month, value``.
    """
    rows, paths = [], []
    for measure in case.measures:
        series = [model_path(t, measure, scale) for t in tables]
        for seed, path in zip(seeds, series, strict=True):
            frame = {"measure": measure.name, "seed": seed, "month": path.index, "value": path.to_numpy()}
            paths.append(pd.DataFrame(frame))
        points = observed_points(case, measure)
        for point in points.itertuples():
            if point.month not in series[0].index:
                continue  # outside the run
            values = np.array([s[point.month] for s in series], dtype=float)
            median = float(np.median(values))
            rows.append(
                {
                    "measure": measure.name,
                    "date": point.date,
                    "month": point.month,
                    "observed": float(point.observed),
                    "model_median": median,
                    "model_min": float(values.min()),
                    "model_max": float(values.max()),
                    "tolerance": measure.tolerance,
                    "inside": bool(abs(median - point.observed) <= measure.tolerance + 1e-9),
                    "unit": measure.unit,
                }
            )
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS)), pd.concat(paths, ignore_index=True)


def run_case(
    case: Case,
    seeds: int | Sequence[int] | None = None,
    scale: float | None = None,
    months: int | None = None,
    on_run: Callable[[int], None] | None = None,
) -> BacktestResult:
    """Run the case's scenario for each seed (1..N by default) and compare it with the observed data."""
    import time

    from sim.model import RegionModel

    if seeds is None:
        seeds = case.seeds
    seed_list = list(range(1, seeds + 1)) if isinstance(seeds, int) else list(seeds)
    scale = case.scale if scale is None else scale
    tables, times = [], []
    for seed in seed_list:
        began = time.perf_counter()
        model = RegionModel(str(case.scenario_path), rng=seed, scale=scale, months=months)
        tables.append(model.run())
        times.append(time.perf_counter() - began)
        if on_run is not None:
            on_run(seed)
    table, paths = compare(case, tables, seed_list, scale)
    run_months = len(tables[0]) - 1
    info = {"seconds_per_run": times}
    return BacktestResult(case, table, paths, seed_list, scale, run_months, info)


# ----------------------------------------------------------------------------- output


def format_table(result: BacktestResult) -> str:
    """The comparison table as text for the terminal."""
    case = result.case
    lines = [
        f"{case.name}: {case.title}",
        f"{len(result.seeds)} seeds, scale {result.scale:g}, {result.months} months; inside when |median - observed|"
        " <= tolerance",
        f"{'measure':36}{'date':>9}{'observed':>10}{'median':>10}{'min':>10}{'max':>10}{'tol':>7}  result",
    ]
    for row in result.table.itertuples():
        lines.append(
            f"{row.measure:36}{row.date:>9}{row.observed:>10.2f}{row.model_median:>10.2f}{row.model_min:>10.2f}"
            f"{row.model_max:>10.2f}{row.tolerance:>7.1f}  {'inside' if row.inside else 'OUTSIDE'}"
        )
    inside = int(result.table.inside.sum())
    lines.append(f"{inside} of {len(result.table)} inside; units per measure in comparison.csv")
    return "\n".join(lines)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_result(result: BacktestResult, folder: Path, figures: Callable[[BacktestResult], dict] | None = None) -> Path:
    """Write ``comparison.csv``, ``paths.csv``, ``figures/<measure>.png`` and ``manifest.json`` atomically."""
    import json

    from sim.experiment.store import environment, new_folder, utc_now

    case = result.case
    with new_folder(folder) as partial:
        result.table.to_csv(partial / "comparison.csv", index=False)
        result.paths.to_csv(partial / "paths.csv", index=False)
        if figures is not None:
            (partial / "figures").mkdir()
            for name, figure in figures(result).items():
                figure.savefig(partial / "figures" / f"{name}.png", dpi=110)
        manifest = {
            "case": case.name,
            "title": case.title,
            "seeds": result.seeds,
            "scale": result.scale,
            "months": result.months,
            "inside": int(result.table.inside.sum()),
            "measured": len(result.table),
            "all_inside": result.all_inside,
            "files": {
                "scenario.toml": _sha256(case.scenario_path),
                "observed.csv": _sha256(case.folder / OBSERVED_FILE),
                "tolerances.toml": _sha256(case.folder / CASE_FILE),
            },
            "seconds_per_run": result.info.get("seconds_per_run"),
            "written": utc_now().isoformat(),
            "environment": environment(),
        }
        (partial / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder
