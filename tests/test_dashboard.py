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
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim.cli import main
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
    assert "Expected cost per job (m KRW)" in table.columns
    by_month = dashboard.jobs_csv(comparison).splitlines()
    assert by_month[0] == "package,month,date,mean,ci_low,ci_high,n,scale"
    assert len(by_month) == 1 + 2 * 12 and by_month[1].split(",")[2] == "2021-01-01"
    # the sample's difference divided by the scale, seed by seed
    runs = comparison.runs
    last = runs[runs["month"] == 12].pivot(index="replicate", columns="package", values="employed")
    expected = ((last["gwangju_2021"] - last["baseline"]) / 0.01).mean()
    assert float(by_month[12].split(",")[3]) == pytest.approx(expected)
    assert dashboard.headline_csv(comparison).startswith("package,metric,label,unit,mean")
    assert dashboard.jobs_saved_figure(comparison).to_png()[:4] == b"\x89PNG"
    assert dashboard.jobs_by_year_figure(comparison).to_png()[:4] == b"\x89PNG"


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


def test_dashboard_runs_a_comparison_offline_in_a_browser(server):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    external, errors = [], []

    def route(request_route):
        url = request_route.request.url
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
        page.locator(".shocksim-results img").nth(1).wait_for(timeout=30_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.shocksim-results img')]"
            ".filter(image => image.naturalWidth > 0).length == 2",
            timeout=10_000,
        )
        assert page.locator(".shocksim-headline tbody tr").count() == 1  # gwangju_2021, chosen at first
        assert "12 months from 2021-01" in page.locator(".shocksim-results").inner_text()
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
    assert errors == [], f"console errors: {errors}"
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 30_000
