"""Start the wfm desktop application on the default scenario (or a scenario given as argument)."""

import sys

from wfm.gui.app import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
