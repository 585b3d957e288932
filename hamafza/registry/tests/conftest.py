from hamafza.core.tests.browser import browser, browser_page, open_page  # noqa: F401
