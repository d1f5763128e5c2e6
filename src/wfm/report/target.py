"""Where a report goes, checked before anything is simulated: a wrong name must not cost a run.

A planner who types `-o results.csv`, points at a folder, or at a drive they may not write to
should hear so at once, not after an hour of simulation (issue 15, items 14-15). The check
tries what the writer will do (create a file in the target's folder), because permission bits
say nothing about a read-only file system, an immutable folder or a root user.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook


class ReportError(Exception):
    """The report could not be written; the message names the file and what to do about it."""


def fix_for(path: Path) -> str:
    """The advice when a report cannot be written: what usually stands in the way."""
    return (f"close {path.name} if it is open in Excel or another program, check that you may write to "
            f"{path.parent}, or choose another file name")


def _reason(exc: OSError) -> str:
    """Why a file could not be created, in a planner's words."""
    if exc.errno == errno.EROFS:
        return "the drive is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOSPC:
        return "the drive is full"
    return exc.strerror or str(exc)


def cannot_write(target: Path, exc: OSError) -> str:
    """The one-line message for a report that cannot be written because of `exc`."""
    return f"cannot write {target}: {_reason(exc)}; {fix_for(target)}"


def _existing_ancestor(folder: Path) -> Path:
    """The nearest folder (or file in the way) of `folder` that exists: where new folders would be created."""
    current = folder.absolute()
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def check_report_path(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """The report path if a workbook can be written there; raises `ReportError` naming the fix if not.

    Checks, in the order a planner would fix them: a folder given instead of a file, the
    extension, an existing file without `overwrite`, a file standing where a folder must be
    created, and whether a new file can be created in the folder (read-only drive, no
    permission, full drive). Nothing is left behind.
    """
    target = Path(path)
    if target.is_dir():
        raise ReportError(
            f"{target} is a folder, not a file; choose a file name such as {target / 'report.xlsx'}"
        )
    if target.suffix.lower() != ".xlsx":
        raise ReportError(
            f"{target}: a report must be an .xlsx file; use a name ending in .xlsx, e.g. {target.with_suffix('.xlsx')}"
        )
    if target.exists() and not overwrite:
        raise ReportError(
            f"{target} already exists; pass --force (or confirm overwriting) to replace it, or choose another name"
        )
    folder = _existing_ancestor(target.parent)
    if not folder.is_dir():
        raise ReportError(
            f"cannot create the folder {target.parent} for {target.name}: {folder} is a file; "
            "choose a folder you may write to"
        )
    probe = folder / f".~wfm-check.{secrets.token_hex(4)}.tmp"
    try:
        with open(probe, "xb"):
            pass
    except OSError as exc:
        raise ReportError(cannot_write(target, exc)) from None
    with contextlib.suppress(OSError):
        probe.unlink()
    return target


def save_workbook(path: str | os.PathLike[str], build: Callable[[], Workbook], *, overwrite: bool = False) -> Path:
    """Check the path, build the workbook, and write it safely; returns the path.

    The workbook goes to a temporary file in the target's folder and replaces the target with
    `os.replace` only once complete, so a failure (file open in Excel, read-only folder) leaves
    an earlier report intact.

    Raises:
        ReportError: the path is refused (`check_report_path`), `build` raises ValueError, or
            the file cannot be written; the message names the file and the fix.
    """
    target = check_report_path(path, overwrite=overwrite)
    try:
        workbook = build()
    except ValueError as exc:
        raise ReportError(f"{target}: {exc}") from exc
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(
            f"cannot create the folder {target.parent} for {target.name} ({exc.strerror or exc}); "
            "choose a folder you may write to"
        ) from exc
    tmp: Path | None = None
    try:
        # Not tempfile.mkstemp: its 0600 mode would make the report private to its writer; a
        # random name opened exclusively gets the usual permissions from the umask.
        tmp = target.parent / f".~{target.stem}.{secrets.token_hex(4)}.xlsx.tmp"
        with open(tmp, "xb") as handle:
            workbook.save(handle)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise ReportError(cannot_write(target, exc)) from exc
    finally:
        if tmp is not None:
            # On a read-only drive even removing a file that was never created fails (EROFS):
            # that must not replace the message saying why the report was not written.
            with contextlib.suppress(OSError):
                tmp.unlink()
    return target
