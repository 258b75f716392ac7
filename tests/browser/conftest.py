"""Fixtures shared by the browser tests: the headless Chromium and poppler tools (skipped or failed without them)."""

from tests.browser.test_gfe_browser import tools

__all__ = ["tools"]
