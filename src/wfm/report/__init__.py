"""Reports written from experiment results (never from widgets), shared by the CLI and the GUI."""

from wfm.report.excel import build_workbook, write_report
from wfm.report.planning_report import write_plan_report
from wfm.report.solver_report import write_pacing_report, write_staffing_report
from wfm.report.target import ReportError, check_report_path

__all__ = [
    "ReportError", "build_workbook", "check_report_path", "write_pacing_report", "write_plan_report", "write_report",
    "write_staffing_report",
]
