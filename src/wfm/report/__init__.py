"""Reports written from experiment results (never from widgets), shared by the CLI and the GUI."""

from wfm.report.excel import ReportError, build_workbook, write_report

__all__ = ["ReportError", "build_workbook", "write_report"]
