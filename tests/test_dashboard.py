"""The dashboard (``shocksim dashboard``), in a real headless browser with the network cut off.

The server runs as a subprocess on a free port of 127.0.0.1. The browser is Debian's Chromium
(``/usr/bin/chromium``, installed by ``.ci/run``) driven by Playwright, as in test_report.py.
Every request the page makes is intercepted: anything not addressed to the dashboard's own
server is aborted and fails the test, so the page must load from the offline assets
(``solara-assets``). The test runs a tiny comparison through the UI, checks that the charts,
the headline table and the CSV export are there and that the console shows no error, and
that a second browser session has its own state. A screenshot is kept in ``tests/artifacts/``.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.experiment.stats import t_interval
from sim.viz import dashboard
from tests.browser import ARTIFACTS, CHROMIUM, chromium


# ---------------------------------------------------------------------- without a browser
@pytest.fixture(scope="module")
def comparison():
    return dashboard.run_comparison("gwangju", ["gwangju_2021", "single_loans"], seeds=2, scale=0.01, months=12)


def test_package_choices_put_the_scenarios_own_packages_first():
    choices = dashboard.package_choices("gwangju")
    names = [choice.name for choice in choices]
    assert names[0] == "gwangju_2021" and "single_loans" in names
    assert "gwanak_2024" not in names  # written for another region
    assert dashboard.default_packages("gwangju") == ["gwangju_2021"]
    assert dashboard.scenario_choices()[0] == "gwangju"


def test_tables_and_figures_are_in_full_population_units(comparison):
    table = dashboard.headline_table(comparison)
    assert list(table["Package"]) == ["gwangju_2021", "single_loans"]
    assert list(table.columns[2:]) == [*HEADLINE_HEADINGS.values()]
    _check_cells(table.set_index("Package").loc["gwangju_2021"].to_dict(), comparison)
    by_month = dashboard.jobs_csv(comparison).splitlines()
    assert by_month[0] == "package,month,date,mean,ci_low,ci_high,n,scale"
    assert len(by_month) == 1 + 2 * 12 and by_month[1].split(",")[2] == "2021-01-01"
    # the sample's difference divided by the scale, seed by seed
    runs = comparison.runs
    last = runs[runs["month"] == 12].pivot(index="replicate", columns="package", values="employed")
    expected = ((last["gwangju_2021"] - last["baseline"]) / 0.01).mean()
    assert float(by_month[12].split(",")[3]) == pytest.approx(expected)
    _check_headline_csv(dashboard.headline_csv(comparison), comparison)
    for figure in ("jobs_saved", "year_ends", "cost_bases", "jobs_by_year"):
        assert getattr(dashboard, f"{figure}_figure")(comparison).to_png()[:4] == b"\x89PNG"


def test_the_bridge_table_of_a_package_holds_its_lines_in_full_population_units(comparison):
    """The bridge (sim/experiment/bridge.py) as the analyst reads it: the summary's full-population figures."""
    assert dashboard.bridge_packages(comparison) == ["gwangju_2021", "single_loans"]
    table = dashboard.bridge_table(comparison, "gwangju_2021")
    assert list(table.columns) == ["Line", "Unit", "Mean [90% interval]"]
    lines = list(table["Line"])
    assert lines[0].startswith("Gross headcount") and lines[-1].startswith("Net: job-years")
    assert any(line.startswith("less deadweight") for line in lines)
    summary = comparison.bridge()
    net = summary[(summary["package"] == "gwangju_2021") & (summary["metric"] == "job_years")].iloc[0]
    assert table["Mean [90% interval]"].iloc[-1] == (
        f"{net['mean']:,.0f} [{net['ci_low']:,.0f}, {net['ci_high']:,.0f}]"
    )
    figure = dashboard.bridge_figure(comparison, "single_loans")
    assert len([axes for axes in figure.axes if axes.axison]) == 1


#: The headline table's columns after the package and budget (12 months from 2021-01: one year, ending at the horizon).
HEADLINE_HEADINGS = {
    "job_years": "Job-years over the run",
    "jobs_year_1": "Jobs at the end of year 1 (Dec 2021, the horizon)",
    "resident_jobs": "Residents' jobs at the horizon",
    "foreign_jobs": "Foreign visa holders' jobs at the horizon",
    "cost_krw": "Expected cost (bn KRW)",
    "net_fiscal_cost_krw": "Net fiscal cost (bn KRW)",
    "spend_per_job_year_krw": "Face value per net job-year (m KRW)",
    "cost_per_job_year_krw": "Expected cost per net job-year (m KRW)",
    "net_fiscal_cost_per_job_year_krw": "Net fiscal cost per net job-year (m KRW)",
}


def _expected(comparison, metric: str, package: str = "gwangju_2021") -> list[float]:
    """Mean, low, high of a headline metric computed from the comparison's own summary (full population)."""
    summary = comparison.summary.set_index(["package", "metric"])
    if metric == "foreign_jobs":  # jobs less residents' jobs, seed by seed
        effects = comparison.effects[comparison.effects["package"] == package]
        values = (effects["jobs"] - effects["resident_jobs"]).to_numpy() / comparison.scale
        mean, low, high, _ = t_interval(values)
        return [mean, low, high]
    row = summary.loc[(package, metric)]
    if row["kind"] == "ratio":  # money per job: the same at any scale, shown in m KRW
        return [row[column] / 1e6 for column in ("mean", "ci_low", "ci_high")]
    divisor = comparison.scale * (1e9 if metric.endswith("_krw") else 1.0)
    return [row[column] / divisor for column in ("mean", "ci_low", "ci_high")]


def _check_cells(cells: dict[str, str], comparison) -> None:
    """Each shown cell ``mean [low, high]`` equals the comparison's statistics to the digits shown."""
    for metric, heading in HEADLINE_HEADINGS.items():
        text = cells[heading]
        digits = 2 if heading.endswith("KRW)") else 0
        expected = _expected(comparison, metric)
        if "[unbounded]" in text:
            assert math.isinf(expected[1]) or math.isinf(expected[2]), (heading, text)
            expected, text = expected[:1], text.removesuffix(" [unbounded]")
        if text.startswith("n/a"):
            assert math.isnan(expected[0]), (heading, text)
            continue
        shown = [float(part.replace(",", "")) for part in re.findall(r"-?\d[\d,]*(?:\.\d+)?", text)]
        assert len(shown) == len(expected), (heading, text)
        for value, wanted in zip(shown, expected, strict=True):
            assert abs(value - wanted) <= 0.5 * 10**-digits + 1e-9, (heading, text, wanted)


def _check_headline_csv(text: str, comparison) -> None:
    """The CSV export holds every headline figure, in full-population units, equal to the statistics."""
    table = pd.read_csv(io.StringIO(text)).set_index(["package", "metric"])
    assert list(table.columns[:4]) == ["label", "unit", "mean", "ci_low"]
    for metric in [*HEADLINE_HEADINGS, "jobs", "spend_krw", "benefits_saved_krw", "taxes_gained_krw"]:
        row = table.loc[("gwangju_2021", metric)]
        assert [row["mean"], row["ci_low"], row["ci_high"]] == pytest.approx(
            _expected(comparison, metric), nan_ok=True
        ), metric


def test_a_budget_rescales_every_package():
    result = dashboard.run_comparison(
        "gwangju", ["gwangju_2021", "single_loans"], budget_bn_krw=40.0, seeds=2, scale=0.01, months=3
    )
    assert result.equal_budget_krw == 40e9
    assert [package.total_budget_krw for package in result.packages.values()] == pytest.approx([40e9, 40e9])
    assert "rescaled to 40.00 bn KRW" in dashboard.describe(result)


def test_the_command_refuses_bad_defaults(capsys):
    assert main(["dashboard", "--scale", "2"]) == 2
    assert "--scale" in capsys.readouterr().err


# ---------------------------------------------------------------------- in a browser
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    command = [sys.executable, "-m", "sim.cli", "dashboard", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--scale", "0.01", "--seeds", "2"]
    log_path = tmp_path_factory.mktemp("dashboard") / "server.log"
    # a proxy variable would not matter (the server fetches nothing) but must not be needed either
    environment = {key: value for key, value in os.environ.items() if not key.lower().endswith("_proxy")}
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/readyz", timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not start: {log_path.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    # the command became the server (exec): stopping it leaves nothing listening
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_dashboard_runs_a_comparison_offline_in_a_browser(server, comparison):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    external, errors, asked_for = [], [], []

    def route(request_route):
        url = request_route.request.url
        asked_for.append(url)
        if url.startswith((server + "/", "data:", "blob:")) or url == server:
            request_route.continue_()
        else:
            external.append(url)
            request_route.abort()

    def watch(page):
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
        page.on(
            "websocket",
            lambda socket: None if socket.url.startswith(server.replace("http", "ws")) else external.append(socket.url),
        )

    with chromium(playwright, viewport={"width": 1400, "height": 1000}, accept_downloads=True) as context:
        context.route("**/*", route)
        page = context.new_page()
        watch(page)
        page.goto(server + "/", wait_until="load")
        button = page.locator(".shocksim-run")
        button.wait_for(timeout=20_000)
        months = page.get_by_label("Months")
        months.fill("12")
        months.press("Enter")
        button.click()
        page.locator(".shocksim-results img").nth(4).wait_for(timeout=30_000)
        # jobs saved by month, jobs at each year-end, money per net job-year on three bases, job-years by year,
        # the gross-to-net bridge of the chosen package
        page.wait_for_function(
            "() => [...document.querySelectorAll('.shocksim-results img')]"
            ".filter(image => image.naturalWidth > 0).length == 5",
            timeout=10_000,
        )
        # the bridge of gwangju_2021: its lines from the gross headcount to the net, the net as the statistics say
        bridge = page.locator(".shocksim-bridge tbody tr")
        assert bridge.first.locator("td").first.inner_text().startswith("Gross headcount")
        assert bridge.last.locator("td").first.inner_text().startswith("Net: job-years")
        expected = dashboard.bridge_table(comparison, "gwangju_2021")
        assert bridge.count() == len(expected)
        assert bridge.last.locator("td").last.inner_text() == expected["Mean [90% interval]"].iloc[-1]
        assert page.locator(".shocksim-headline tbody tr").count() == 1  # gwangju_2021, chosen at first
        results = page.locator(".shocksim-results").inner_text()
        assert "12 months from 2021-01" in results and "0.257 KRW per KRW of gross wage" in results
        # the headline as the analyst reads it: the same numbers as the statistics of the same comparison
        # (same scenario, seeds, scale and months; the other package of the fixture does not change them)
        headings = page.locator(".shocksim-headline thead th").all_inner_texts()
        cells = page.locator(".shocksim-headline tbody tr").first.locator("td").all_inner_texts()
        shown = dict(zip(headings, cells, strict=True))
        assert shown["Package"] == "gwangju_2021"
        _check_cells(shown, comparison)
        with page.expect_download() as download:
            page.get_by_text("Headline (CSV)").click()
        _check_headline_csv(Path(download.value.path()).read_text(), comparison)
        with page.expect_download() as download:
            page.get_by_text("Jobs by month (CSV)").click()
        text = Path(download.value.path()).read_text()
        assert text.startswith("package,month,date,mean") and len(text.splitlines()) == 13
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

        # another session starts afresh: nothing of the first one's comparison
        other = context.new_page()
        watch(other)
        other.goto(server + "/", wait_until="load")
        other.locator(".shocksim-run").wait_for(timeout=20_000)
        other.get_by_text("then press Compare with the baseline").wait_for(timeout=10_000)
        assert other.locator(".shocksim-results").count() == 0
    assert external == [], f"the dashboard requested {external}"
    # No Markdown component: it would fetch KaTeX, which the offline assets do not ship (404 under load).
    assert not [url for url in asked_for if "katex" in url], [url for url in asked_for if "katex" in url]
    assert errors == [], f"console errors: {errors}"
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 30_000
