"""Tidy tables in full-population units: the monthly table, sectors, a comparison's headline and years."""

from __future__ import annotations

import numpy as np
import pytest

from sim import compare
from sim.experiment.tables import beats, employment_by_sector, full_population, full_population_summary


@pytest.fixture(scope="module")
def small_comparison():
    return compare("gwangju", ["single_retention"], reps=3, scale=0.02, months=15)


def test_full_population_divides_counts_and_money_not_rates(small_default_run):
    table = small_default_run.results()
    full = full_population(table, small_default_run.scale)
    assert full.attrs["scale"] == 0.05
    assert np.allclose(full["employed"], table["employed"] / 0.05)
    assert np.allclose(full["wage_income"], table["wage_income"] / 0.05)
    assert np.array_equal(full["unemployment_rate"], table["unemployment_rate"])
    assert np.array_equal(full["mean_wage"], table["mean_wage"])
    assert (full["month"] == table["month"]).all() and (full["date"] == table["date"]).all()


def test_employment_by_sector_is_long_and_adds_up(small_default_run):
    model = small_default_run
    table = model.results()
    sectors = employment_by_sector(table, model.config, model.scale)
    assert list(sectors.columns) == ["date", "sector", "employed", "scale"]
    assert list(sectors["sector"].cat.categories) == list(model.config.sector_names)
    total = sectors.groupby("date")["employed"].sum().to_numpy()
    assert np.allclose(total, table["employed"].to_numpy() / model.scale)


def test_headline_is_the_summary_in_full_population_units(small_comparison):
    result = small_comparison
    headline = result.headline()
    jobs = headline.set_index(["package", "metric"]).loc[("single_retention", "jobs")]
    summary = result.metric("jobs").loc["single_retention"]
    assert jobs["mean"] == pytest.approx(summary["mean"] / 0.02)
    assert jobs["ci_low"] == pytest.approx(summary["ci_low"] / 0.02) and jobs["unit"] == "jobs"
    cost = headline.set_index(["package", "metric"]).loc[("single_retention", "cost_krw")]
    assert cost["unit"] == "bn KRW"
    assert cost["mean"] == pytest.approx(result.metric("cost_krw").loc["single_retention", "mean"] / 0.02 / 1e9)
    per_job = full_population_summary(result.summary, 0.02).set_index(["package", "metric"])
    assert per_job.loc[("single_retention", "cost_per_job_krw"), "mean"] == pytest.approx(
        result.metric("cost_per_job_krw").loc["single_retention", "mean"], nan_ok=True
    )


def test_jobs_by_year_add_up_to_the_job_years(small_comparison):
    result = small_comparison
    years = result.jobs_by_year()
    job_years = years[years["measure"] == "job_years"]
    assert list(job_years["year"]) == [2021, 2022] and list(job_years["months"]) == [12, 3]
    total = result.metric("job_years").loc["single_retention", "mean"] / 0.02
    assert job_years["mean"].sum() == pytest.approx(total)
    last = years[(years["measure"] == "jobs_year_end") & (years["year"] == 2022)].iloc[0]
    assert last["mean"] == pytest.approx(result.metric("jobs").loc["single_retention", "mean"] / 0.02)


def test_comparison_repr_is_short_and_in_full_population_units(small_comparison):
    text = repr(small_comparison)
    assert text.startswith("Comparison of 1 package(s) on 'gwangju': 15 months from 2021-01, scale 0.02")
    assert len(text.splitlines()) <= 6 and "single_retention: 10.00 bn KRW" in text
    assert "full population" in text
    html = small_comparison._repr_html_()
    assert "<table" in html and "single_retention" in html and "jobs saved or created at the horizon" in html
    assert list(beats(small_comparison).columns) == ["baseline", "single_retention"]
