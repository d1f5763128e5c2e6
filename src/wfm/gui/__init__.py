"""The desktop application (PySide6 + pyqtgraph); see `wfm.gui.app.main`."""
