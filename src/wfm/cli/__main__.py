"""`python -m wfm.cli`: the `wfm` console script."""

import sys

from wfm.cli.main import main

sys.exit(main())
