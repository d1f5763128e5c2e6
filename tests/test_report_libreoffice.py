"""The workbook opens in a real spreadsheet application: LibreOffice converts it to PDF without errors.

LibreOffice (libreoffice-calc-nogui) and poppler-utils (pdfinfo, pdftotext) are part of the
project's set-up: `make test` runs scripts/system-deps.sh, which installs them. A missing tool is
therefore a failure that names the package, never a skip.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from baseline_runs import SEED, more_agents
from wfm.experiment import RunPlan, replicate
from wfm.report import write_report

# The conversion waits tens of seconds on LibreOffice on a busy machine: started with the other long
# runs (conftest.py), it never ends a parallel run alone on one worker.
pytestmark = pytest.mark.slow

TOOLS = {"soffice": "libreoffice-calc-nogui", "pdfinfo": "poppler-utils", "pdftotext": "poppler-utils"}
CONVERT_TIMEOUT_S = 300  # three workbooks in one LibreOffice start, on a busy CI machine


def tool(name: str) -> str:
    """The path of a command-line tool the test needs; fails (not skips) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: install {TOOLS[name]} (scripts/system-deps.sh, run by make test)")
    return path


def pdf_pages(pdf: Path) -> int:
    """Page count from pdfinfo."""
    out = subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_text(pdf: Path) -> str:
    """The PDF's text from pdftotext."""
    return subprocess.run([tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def convert(workbooks: list[Path], folder: Path) -> dict[str, Path]:
    """Convert the workbooks to PDF in one LibreOffice start; the PDFs by workbook stem."""
    # A private profile directory: parallel or leftover LibreOffice instances cannot lock it.
    profile = (folder / "lo-profile").as_uri()
    done = subprocess.run(
        [tool("soffice"), f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), *map(str, workbooks)],
        capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S,
    )
    assert done.returncode == 0, f"LibreOffice failed ({done.returncode}): {done.stdout}\n{done.stderr}"
    assert "Error" not in done.stderr, done.stderr
    pdfs = {}
    for workbook in workbooks:
        pdf = folder / (workbook.stem + ".pdf")
        assert pdf.is_file(), f"no PDF written for {workbook.name}: {done.stdout}\n{done.stderr}"
        assert pdf.read_bytes()[:5] == b"%PDF-"
        pdfs[workbook.stem] = pdf
    return pdfs


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, baseline_2d, baseline_2d_summary, more_agents_2d_summary):
    """A single report, a comparison and a blended one with workforce features, converted together."""
    from test_report_topics import people_scenario

    for name in TOOLS:  # before any simulation: a missing tool fails at once
        tool(name)
    folder = tmp_path_factory.mktemp("libreoffice")
    people = people_scenario()
    other = more_agents(baseline_2d)
    workbooks = [
        write_report(folder / "single.xlsx", [baseline_2d_summary], [baseline_2d]),
        write_report(folder / "compare.xlsx", [baseline_2d_summary, more_agents_2d_summary], [baseline_2d, other]),
        write_report(folder / "people.xlsx", [replicate(people, RunPlan(2, SEED))], [people]),
    ]
    return convert(workbooks, folder), people


def test_single_and_comparison_reports_convert_to_pdf(pdfs):
    converted, _ = pdfs
    for name, sheets in (("single", 10), ("compare", 20)):
        # Every sheet prints on at least one page (one page wide, as tall as needed).
        assert pdf_pages(converted[name]) >= sheets, name


def test_blended_outbound_report_with_workforce_features_converts(pdfs):
    converted, people = pdfs
    assert pdf_pages(converted["people"]) >= 10
    text = pdf_text(converted["people"])
    for title in ("Dialer", "Portfolio", "Workforce", "Costs", "Compliance"):  # every topic sheet, with its title
        assert f"{title} — {people.name}" in text
