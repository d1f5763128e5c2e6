"""The desktop application (PySide6 + pyqtgraph); see `wfm.gui.app.main`."""

from wfm.gui._compat import protect_singletons

protect_singletons()
