"""``shocksim report``: one self-contained HTML file, checked in a real headless browser.

The browser test drives Debian's Chromium (``/usr/bin/chromium``, installed by ``.ci/run``)
with Playwright, never a browser Playwright downloads. Every request the page makes is
intercepted: anything but ``file:`` and ``data:`` URLs fails the test. The page must log no
console error, every figure must load (``naturalWidth > 0``), and it must print to PDF.
A screenshot and the PDF are kept in ``tests/artifacts/`` (ignored by git).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from sim import compare
from sim.cli import main
from sim.experiment.screen import DEFAULT_PARAMETERS, screen
from sim.viz.screen_figures import save_figures
from tests.browser import ARTIFACTS, offline_report


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    compare("gwangju", ["gwangju_2021", "single_loans"], reps=3, scale=0.02, months=18, out=root / "cmp")
    screen(
        "gwangju",
        "gwangju_2021",
        list(DEFAULT_PARAMETERS[:3]),
        trajectories=2,
        scale=0.02,
        months=12,
        out=root / "sens",
        figures=save_figures,
    )
    return root


@pytest.fixture(scope="module")
def report(folders):
    out = folders / "report.html"
    assert main(["report", str(folders / "cmp"), "--out", str(out), "--sensitivity", str(folders / "sens")]) == 0
    return out


def test_report_holds_every_section_and_no_external_reference(report):
    html = report.read_text()
    sections = ("question", "scenario", "packages", "headline", "bridge", "figures", "ranking", "method", "sensitivity")
    for section in sections:
        assert f'id="{section}"' in html
    assert "Sources" in html and "How the package maps to the programme" in html
    assert "Job-years over the run" in html and "Jobs at the end of year 2 (Jun 2022, the horizon)" in html
    assert "Net fiscal cost per net job-year (m KRW)" in html and "bn KRW" in html
    assert "Common random numbers" in html and "Fieller" in html and "Clopper-Pearson" in html
    assert "Net fiscal cost" in html and "From what programmes report to net jobs" in html
    assert "not yet" not in html and "Additionality Guide" in html and "Green Book" in html
    assert "Gross headcount: the jobs the programmes would announce" in html
    assert "model code hash" in html and "manifest.json SHA-256" in html and "commit" in html
    assert html.count('src="data:image/png;base64,') == 6  # employment, year-ends, by year, sectors, bridge, Morris
    # nothing to fetch: no URL of any scheme but data: in attributes, no @import or url() in the CSS
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!data:|#)""", html)
    assert "http://" not in html and "https://" not in html and "@import" not in html and "url(" not in html
    assert "<script" not in html


def test_report_refuses_to_overwrite_and_names_a_bad_folder(folders, report, capsys):
    assert main(["report", str(folders / "cmp"), "--out", str(report)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["report", str(folders / "sens"), "--out", str(folders / "x.html")]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "not a comparison" in error
    sensitivity = ["--sensitivity", str(folders / "sens")]
    assert main(["report", str(folders / "cmp"), "--out", str(report), "--force", *sensitivity]) == 0


def test_report_renders_in_a_headless_browser(report):
    with offline_report(report) as (page, external, errors):
        widths = page.eval_on_selector_all("img", "images => images.map(image => image.naturalWidth)")
        assert len(widths) == 6 and all(width > 0 for width in widths), widths
        assert page.title().startswith("Jobs for the money")
        assert page.locator("#headline-table tr").count() == 3  # heading and two packages
        assert page.locator("#cost-table tr").count() == 3
        assert page.locator('img[alt="Jobs at each year-end"]').evaluate("image => image.naturalWidth") > 0
        shown = {
            (package, metric): page.locator(f'tr[data-package="{package}"] td[data-metric="{metric}"]').inner_text()
            for package in ("gwangju_2021", "single_loans")
            for metric in [*JOB_METRICS, *MONEY_METRICS]
        }
        # The gross-to-net bridge: its section, a cell per line and package, and its figure loaded.
        assert page.locator("#bridge h2").inner_text() == "From what programmes report to net jobs"
        assert page.locator('#bridge-figure img[alt="From gross to net"]').evaluate("image => image.naturalWidth") > 0
        bridge = {
            (package, metric): page.locator(
                f'#bridge-table td[data-package="{package}"][data-metric="{metric}"]'
            ).inner_text()
            for package in ("gwangju_2021", "single_loans")
            for metric in BRIDGE_METRICS
        }
        bridge[("gwangju_2021", "gross__appliance_hiring")] = page.locator(
            '#bridge-table td[data-package="gwangju_2021"][data-metric="gross__appliance_hiring"]'
        ).inner_text()
        bridge[("gwangju_2021", "gross_headcount__auto_retention")] = page.locator(
            '#bridge-table td[data-package="gwangju_2021"][data-metric="gross_headcount__auto_retention"]'
        ).inner_text()
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        page.emulate_media(media="print")
        pdf = page.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    _check_against_summary(shown, report.parent / "cmp" / "summary.csv")
    _check_bridge_against_summary(bridge, report.parent / "cmp" / "summary.csv")
    assert external == [], f"the report requested {external}"
    assert errors == [], f"console errors: {errors}"
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000


#: The cells of the report's jobs table and money table, and the factor from summary.csv's unit to the shown one.
JOB_METRICS = {
    "job_years": 1.0,
    "jobs_year_1": 1.0,
    "jobs_year_2": 1.0,
    "resident_jobs": 1.0,
    "foreign_jobs": 1.0,
    "jobs_from_other_regions": 1.0,
}
MONEY_METRICS = {
    "spend_krw": 1e9,
    "cost_krw": 1e9,
    "benefits_saved_krw": 1e9,
    "taxes_gained_krw": 1e9,
    "net_fiscal_cost_krw": 1e9,
    "spend_per_job_year_krw": 1e6,
    "cost_per_job_year_krw": 1e6,
    "net_fiscal_cost_per_job_year_krw": 1e6,
}


#: The bridge's package-wide lines in the report (full-population job-years, the headcount in jobs).
BRIDGE_METRICS = (
    "gross_headcount",
    "gross",
    "deadweight",
    "substitution",
    "displacement",
    "induced",
    "bridge_residual",
    "job_years",
)


def _check_bridge_against_summary(shown: dict[tuple[str, str], str], path: Path) -> None:
    """Every bridge cell equals summary.csv's full-population mean and interval, to the whole job shown."""
    summary = pd.read_csv(path).set_index(["package", "metric"])
    for (package, metric), text in shown.items():
        row = summary.loc[(package, metric)]
        expected = [row[f"{column}_full_population"] for column in ("mean", "ci_low", "ci_high")]
        values = _shown_numbers(text)
        assert len(values) == 3, (package, metric, text)
        for value, wanted in zip(values, expected, strict=True):
            assert abs(value - wanted) <= 0.5 + 1e-9, (package, metric, text, wanted)
    assert summary.loc[("gwangju_2021", "gross_headcount"), "unit"] == "jobs"


def _shown_numbers(text: str) -> list[float | str]:
    """A cell as the reader sees it ("1,234" then "-5 to 7") as numbers, or the words it shows instead."""
    values: list[float | str] = []
    for part in re.split(r"\n| to ", text.strip()):
        word = part.strip().replace("\u2212", "-").replace(",", "")
        values.append(word if word in ("n/a", "unbounded") else float(word))
    return values


def _check_against_summary(shown: dict[tuple[str, str], str], path: Path) -> None:
    """Every shown mean and interval equals summary.csv's full-population figure, to the digits shown."""
    summary = pd.read_csv(path).set_index(["package", "metric"])
    checked = 0
    for (package, metric), text in shown.items():
        factor = {**JOB_METRICS, **MONEY_METRICS}[metric]
        digits = 0 if factor == 1.0 else (2 if factor == 1e9 else 1)
        if metric == "foreign_jobs":  # jobs less residents' jobs, seed by seed: the means subtract
            expected = [
                summary.loc[(package, "jobs"), "mean_full_population"]
                - summary.loc[(package, "resident_jobs"), "mean_full_population"]
            ]
        else:
            row = summary.loc[(package, metric)]
            expected = [row[f"{column}_full_population"] / factor for column in ("mean", "ci_low", "ci_high")]
        values = _shown_numbers(text)
        for value, wanted in zip(values, expected, strict=False):
            if isinstance(value, str):
                assert (value == "n/a" and math.isnan(wanted)) or (value == "unbounded" and math.isinf(wanted)), (
                    package,
                    metric,
                    text,
                    wanted,
                )
            else:
                assert abs(value - wanted) <= 0.5 * 10**-digits + 1e-9, (package, metric, text, wanted)
                checked += 1
    # gwangju_2021 spends money and moves jobs: its numbers are not all zeros
    assert shown[("gwangju_2021", "spend_krw")] != "0.00" and checked >= 40


def test_method_explains_each_cost_basis_from_the_data(tmp_path):
    """The rate and its source come from the scenario ([fiscal]); the sums from the comparison itself."""
    from sim.viz.report import render_report

    key = "fiscal.tax_and_contributions_per_krw_wage"
    compare("gwangju", ["gwangju_2021"], reps=2, scale=0.02, months=6, out=tmp_path / "cmp", overrides={key: 0.3})
    html = render_report(tmp_path / "cmp")
    assert "0.300 KRW per KRW of gross wage (30.0%)" in html
    assert "set for this comparison with <code>--set</code>" in html
    assert "OECD tax wedge of the Korean" in html and "scenarios/gwangju.toml" in html  # the source beside the key
    summary = pd.read_csv(tmp_path / "cmp" / "summary.csv").set_index(["package", "metric"])

    def bn(metric: str) -> str:
        return f"{summary.loc[('gwangju_2021', metric), 'mean_full_population'] / 1e9:,.2f}".replace("-", "\u2212")

    sums = f"{bn('cost_krw')} &minus; {bn('benefits_saved_krw')} &minus; {bn('taxes_gained_krw')} = "
    assert f"gwangju_2021: {sums}{bn('net_fiscal_cost_krw')} bn KRW" in html
    assert "The run has 1 year(s)" in html and "Jobs at the end of year 1 (Jun 2021, the horizon)" in html
