"""`wfm` command line: the same experiment API as the GUI, headless, with progress and tables.

`main` parses the arguments and dispatches to one command function per sub-command
(`commands`, `solve`); `common` holds what every command needs (loading, the report path,
the backend, progress), `tables` the rich tables they print, `parser` the arguments and help.
"""

from wfm.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from wfm.cli.main import main
from wfm.cli.parser import build_parser

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "build_parser", "main"]
