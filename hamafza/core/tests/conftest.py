"""Browser fixtures (hamafza/core/tests/browser.py) for the core tests."""

from hamafza.core.tests.browser import browser, browser_page, open_page  # noqa: F401
