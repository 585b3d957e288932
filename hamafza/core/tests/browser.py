"""Shared helpers and fixtures for browser tests (pytest + Playwright, headless Chromium).

Browser tests drive pytest-django's `live_server` with Debian's Chromium (Playwright's own
browser download is not used). Mark them `@pytest.mark.browser`; they skip when Chromium is
missing. To use the fixtures from another app, add to that app's `tests/conftest.py`:

    from hamafza.core.tests.browser import browser, browser_page, open_page  # noqa: F401

and in a test:

    page = browser_page                      # laptop viewport, fresh context
    watch = PageWatch.attach(page)           # console errors, page errors, requests
    login(page, live_server, "coop")         # the real sign-in form
    page.goto(live_server.url + "/registry/cooperatives/")
    screenshot(page, "cooperative-list-laptop")
    assert watch.problems() == []

Sign-in: staff, board, directorate and admin need a second factor unless the test wraps its
work in `override_settings(REQUIRE_2FA=False)`; `enrol_two_factor(page)` completes the setup
page for them.
"""

import base64
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

PASSWORD = "correct-horse-battery"

__all__ = [
    "CHROMIUM_ARGS",
    "SCREENSHOT_DIR",
    "VIEWPORTS",
    "PageWatch",
    "browser",
    "browser_page",
    "chromium_path",
    "enrol_two_factor",
    "login",
    "nav_keys",
    "open_page",
    "screenshot",
    "totp_code",
]

PROJECT_DIR = Path(__file__).resolve().parents[3]
SCREENSHOT_DIR = PROJECT_DIR / "artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORTS = {
    "laptop": {"width": 1366, "height": 768},
    "phone": {"width": 390, "height": 844},
}

# Short timeouts: everything is local, so a wait that long means something is wrong.
TIMEOUT_MS = 5_000


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium not installed: apt install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        pytest.skip("Playwright not installed: pip install -e '.[dev]'")
    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # database work from the test (the live server itself runs in its own thread).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser) -> Iterator[Callable]:
    """Factory: `open_page("phone")` gives a page in a fresh browser context (own cookies).

    Contexts are closed when the test ends. The browser's locale is English on purpose:
    Hamafza must stay Persian unless the person uses the language switch.
    """
    contexts = []

    def make(viewport: str = "laptop", **options):
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale="en-US", timezone_id="Asia/Tehran", **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS * 2)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(open_page):
    """A page at laptop size in a fresh context."""
    return open_page("laptop")


@dataclass
class PageWatch:
    """Everything a page reported: console errors, uncaught exceptions, requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page) -> "PageWatch":
        watch = cls()
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and watch.console_errors.append(f"{msg.text} @ {msg.location.get('url', '')}")
            ),
        )
        page.on("pageerror", lambda exc: watch.page_errors.append(str(exc)))
        page.on("request", lambda request: watch.requests.append(request.url))
        page.on(
            "requestfailed",
            lambda request: watch.failed_requests.append(f"{request.url}: {request.failure}"),
        )
        return watch

    def clear(self) -> None:
        for found in (self.console_errors, self.page_errors, self.requests, self.failed_requests):
            found.clear()

    def csp_violations(self) -> list[str]:
        return [m for m in self.console_errors if "Content Security Policy" in m]

    def foreign_requests(self, base_url: str) -> list[str]:
        """Requests to any origin other than base_url (data: and blob: URLs aside)."""
        origin = urlsplit(base_url)
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob"}
            and (urlsplit(url).scheme, urlsplit(url).netloc) != (origin.scheme, origin.netloc)
        ]

    def problems(self, *, ignore: Callable[[str], bool] = lambda message: False) -> list[str]:
        found = [f"console: {m}" for m in self.console_errors if not ignore(m)]
        found += [f"page error: {m}" for m in self.page_errors]
        # A request cut short by leaving the page (net::ERR_ABORTED) is no fault of the page.
        found += [
            f"request failed: {m}"
            for m in self.failed_requests
            if "net::ERR_ABORTED" not in m and not ignore(m)
        ]
        return found


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in with the real form at /accounts/login/; waits until the form is left behind."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form[data-testid=login-form] button[type=submit]").click()
    try:
        page.wait_for_url(lambda url: not urlsplit(url).path.startswith("/accounts/login/"))
    except Exception as error:
        raise AssertionError(
            f"sign-in as {username!r} failed: {page.locator('main').inner_text()}"
        ) from error
    page.wait_for_load_state("load")


def nav_keys(page) -> list[str]:
    """The `data-nav` keys of the main navigation, in order."""
    return page.locator("[data-testid=main-nav] a[data-nav]").evaluate_all(
        "links => links.map(a => a.dataset.nav)"
    )


def totp_code(secret: str, when: float | None = None) -> str:
    """The six-digit code an authenticator app shows for a base32 secret (django_otp's TOTP)."""
    from django_otp.oath import TOTP

    totp = TOTP(base64.b32decode(secret))
    if when is not None:
        totp.time = when
    return f"{totp.token():06d}"


def enrol_two_factor(page) -> str:
    """On the two-factor setup page: read the secret, answer the code, submit. Returns it."""
    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()
    page.fill("#id_token", totp_code(secret))
    page.locator("form:has(#id_token) button[type=submit]").click()
    page.wait_for_load_state("load")
    return secret


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG to artifacts/screenshots/<name>.png once the fonts have loaded."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.fonts.ready.then(() => true)")
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def click_nav(page, key: str) -> None:
    """Follow a main-navigation link, opening its menu group first when it sits in one
    (on a phone, the collapsed menu is opened too)."""
    link = page.locator(f"[data-testid=main-nav] a[data-nav={key}]")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and not page.locator("#hz-nav").is_visible():
        toggler.click()
    if not link.is_visible():
        group = link.locator("xpath=ancestor::li[contains(@class, 'dropdown')]/a[@data-nav-group]")
        group.click()
    link.click()
