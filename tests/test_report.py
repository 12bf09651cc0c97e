"""``shocksim report``: one self-contained HTML file, checked in a real headless browser.

The browser test drives Debian's Chromium (``/usr/bin/chromium``, installed by ``.ci/run``)
with Playwright, never a browser Playwright downloads. Every request the page makes is
intercepted: anything but ``file:`` and ``data:`` URLs fails the test. The page must log no
console error, every figure must load (``naturalWidth > 0``), and it must print to PDF.
A screenshot and the PDF are kept in ``tests/artifacts/`` (ignored by git).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim import compare
from sim.cli import main
from sim.experiment.screen import DEFAULT_PARAMETERS, screen
from sim.viz.screen_figures import save_figures
from tests.browser import ARTIFACTS, CHROMIUM, chromium


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
    for section in ("question", "scenario", "packages", "headline", "figures", "ranking", "method", "sensitivity"):
        assert f'id="{section}"' in html
    assert "Sources" in html and "How the package maps to the programme" in html
    assert "Jobs at the horizon" in html and "Expected cost per job (m KRW)" in html and "bn KRW" in html
    assert "Common random numbers" in html and "Fieller" in html and "Clopper-Pearson" in html
    assert "net fiscal cost" in html and "not modelled yet" in html
    assert "model code hash" in html and "manifest.json SHA-256" in html and "commit" in html
    assert html.count('src="data:image/png;base64,') == 4  # employment, by year, sectors, Morris
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
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    external, errors = [], []
    with chromium(playwright, viewport={"width": 1200, "height": 900}) as context:

        def route(request_route):
            url = request_route.request.url
            if url.startswith(("file:", "data:")):
                request_route.continue_()
            else:
                external.append(url)
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
        page.goto(report.as_uri(), wait_until="load")
        widths = page.eval_on_selector_all("img", "images => images.map(image => image.naturalWidth)")
        assert len(widths) == 4 and all(width > 0 for width in widths), widths
        assert page.title().startswith("Jobs for the money")
        assert page.locator("#headline-table tr").count() == 3  # heading and two packages
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        page.emulate_media(media="print")
        pdf = page.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    assert external == [], f"the report requested {external}"
    assert errors == [], f"console errors: {errors}"
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000
