"""The workbook opens in a real spreadsheet application: LibreOffice converts it to PDF without errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from wfm.experiment import replicate
from wfm.report import write_report
from wfm.scenario.io import default_scenario

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui from Debian",
)


def two_scenarios():
    base = default_scenario()
    base = base.model_copy(update={"calendar": base.calendar.model_copy(update={"horizon_days": 2})})
    groups = tuple(
        g.model_copy(update={"shifts": tuple(s.model_copy(update={"headcount": s.headcount + 2}) for s in g.shifts)})
        for g in base.groups
    )
    return base, base.model_copy(update={"name": "More agents", "groups": groups})


def pdf_pages(pdf: Path) -> int | None:
    """Page count from pdfinfo (poppler-utils), or None when it is not installed."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return None
    out = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def convert(workbook: Path, tmp_path: Path) -> Path:
    # A private profile directory: parallel or leftover LibreOffice instances cannot lock it.
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook)],
        capture_output=True, text=True, timeout=240,
    )
    pdf = tmp_path / (workbook.stem + ".pdf")
    assert done.returncode == 0, f"LibreOffice failed ({done.returncode}): {done.stdout}\n{done.stderr}"
    assert "Error" not in done.stderr, done.stderr
    assert pdf.is_file(), f"no PDF written: {done.stdout}\n{done.stderr}"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    return pdf


def test_single_and_comparison_reports_convert_to_pdf(tmp_path):
    base, other = two_scenarios()
    summaries = [replicate(base, 2, 11), replicate(other, 2, 11)]
    single = write_report(tmp_path / "single.xlsx", summaries[:1], [base])
    compare = write_report(tmp_path / "compare.xlsx", summaries, [base, other])
    for workbook, sheets in ((single, 10), (compare, 20)):
        pages = pdf_pages(convert(workbook, tmp_path))
        # Every sheet prints on at least one page (one page wide, as tall as needed).
        assert pages is None or pages >= sheets


def pdf_text(pdf: Path) -> str | None:
    """The PDF's text from pdftotext (poppler-utils), or None when it is not installed."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        return None
    return subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_blended_outbound_report_with_workforce_features_converts(tmp_path):
    from test_report_topics import people_scenario

    scenario = people_scenario()
    workbook = write_report(tmp_path / "people.xlsx", [replicate(scenario, 2, 11)], [scenario])
    pdf = convert(workbook, tmp_path)
    pages = pdf_pages(pdf)
    assert pages is None or pages >= 10
    text = pdf_text(pdf)
    if text is not None:  # every topic sheet printed, with its title
        for title in ("Dialer", "Portfolio", "Workforce", "Costs", "Compliance"):
            assert f"{title} — {scenario.name}" in text
