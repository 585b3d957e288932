"""The web interface in a real browser: navigation per role, language, RTL, CSP, search.

Headless Chromium (Playwright, sync API) against pytest-django's live server; shared
fixtures and helpers are in `browser.py`. Screenshots of the main pages go to
artifacts/screenshots/ for people to look at.
"""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jdatetime
import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import expect

from hamafza.conftest import PERSONAS
from hamafza.core.tests.browser import (
    PageWatch,
    enrol_two_factor,
    login,
    nav_keys,
    screenshot,
)
from hamafza.persian.text import to_latin_digits

pytestmark = pytest.mark.browser

PUBLIC_NAV = ["home", "cooperatives", "unions", "resolutions", "library", "accountability"]
_MEMBER = ["home", "cooperatives", "unions", "consultations", "proposals", "resolutions", "library"]
_CHAMBER = [
    "home",
    "cooperatives",
    "unions",
    "consultations",
    "proposals",
    "meetings",
    "resolutions",
    "library",
    "accountability",
    "my_actions",
    "followup_board",
]
EXPECTED_NAV = {
    "public": PUBLIC_NAV,
    "coop": [*_MEMBER, "accountability", "my_actions", "cases", "case_create", "my_cooperative"],
    "coop2": [*_MEMBER, "accountability", "my_actions", "cases", "case_create", "my_cooperative"],
    "union": [*_MEMBER, "accountability", "my_actions", "cases", "case_create", "my_union"],
    "staff": [*_CHAMBER, "cases", "case_create", "case_report", "import"],
    "board": [*_CHAMBER, "cases", "case_report"],
    "directorate": [*_CHAMBER, "cases", "case_report"],
    "admin": [*_CHAMBER, "cases", "case_create", "case_report", "import", "audit", "admin"],
}
ENGLISH_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.mo"

SAFFRON = "شرکت تعاونی تولیدی زعفران‌کاران تربت حیدریه"
TURQUOISE = "شرکت تعاونی معدنی فیروزه نیشابور"


def html_attributes(page) -> tuple[str, str]:
    html = page.locator("html")
    return html.get_attribute("lang"), html.get_attribute("dir")


def vazirmatn_loaded(page) -> bool:
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate(
        """[...document.fonts].some(
            f => f.family.replace(/["']/g, "") === "Vazirmatn" && f.status === "loaded")"""
    )


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("persona", PERSONAS)
def test_main_navigation_shows_what_the_role_may_use(persona, world, live_server, browser_page):
    page = browser_page
    with override_settings(REQUIRE_2FA=False):
        assert settings.REQUIRE_2FA is False
        if persona != "public":
            login(page, live_server, persona)
        page.goto(live_server.url + "/")

        assert page.url == live_server.url + "/", "signed in, the person lands on the home page"
        assert nav_keys(page) == EXPECTED_NAV[persona]
        if persona == "public":
            assert page.locator("[data-testid=login-link]").is_visible()
            admin_links = "a[href^='/admin/'], a[href^='/audit/'], a[href*='/import']"
            assert page.locator(admin_links).count() == 0
        else:
            assert page.locator("[data-testid=user-menu]").inner_text().strip() == persona
        if persona in {"coop", "coop2"}:
            coop = world.coop_a if persona == "coop" else world.coop_b
            link = page.locator("[data-testid=main-nav] a[data-nav=my_cooperative]")
            assert link.get_attribute("href") == f"/registry/cooperatives/{coop.pk}/"
        if persona == "union":
            link = page.locator("[data-testid=main-nav] a[data-nav=my_union]")
            assert link.get_attribute("href") == f"/registry/unions/{world.union.pk}/"


def test_staff_enrol_two_factor_at_first_sign_in(world, live_server, browser_page):
    page = browser_page
    watch = PageWatch.attach(page)
    with override_settings(REQUIRE_2FA=True):
        login(page, live_server, "staff")
        assert page.url.startswith(live_server.url + "/accounts/two-factor/?next=")
        # Until enrolment is complete every other page leads back to it.
        page.goto(live_server.url + "/registry/cooperatives/")
        assert "/accounts/two-factor/" in page.url
        assert html_attributes(page) == ("fa", "rtl")

        enrol_two_factor(page)

        assert page.locator("#id_token").count() == 0, page.locator("main").inner_text()
        assert page.url == live_server.url + "/registry/cooperatives/"
        page.goto(live_server.url + "/")
        assert page.url == live_server.url + "/"
        assert page.locator("[data-testid=user-menu]").inner_text().strip() == "staff"
        page.goto(live_server.url + "/accounts/profile/")
        assert page.url == live_server.url + "/accounts/profile/"
    assert world.users["staff"].totpdevice_set.filter(confirmed=True).count() == 1
    assert watch.problems() == []


def test_language_switch_turns_the_page_english_and_back(world, live_server, browser_page):
    page = browser_page
    page.goto(live_server.url + "/")
    assert html_attributes(page) == ("fa", "rtl")
    persian_home = page.locator("[data-testid=main-nav] a[data-nav=home]").inner_text()
    assert persian_home == "خانه"

    page.locator("[data-testid=language-switch] button[value=en]").click()
    page.wait_for_load_state("load")

    assert page.url == live_server.url + "/", "the switch keeps the person on the same page"
    assert html_attributes(page) == ("en", "ltr")
    assert page.locator("link[href*='bootstrap.min.css']").count() == 1
    assert page.locator("link[href*='bootstrap.rtl']").count() == 0
    english_home = page.locator("[data-testid=main-nav] a[data-nav=home]").inner_text()
    if ENGLISH_CATALOGUE.exists():
        assert english_home != persian_home

    page.locator("[data-testid=language-switch] button[value=fa]").click()
    page.wait_for_load_state("load")
    assert html_attributes(page) == ("fa", "rtl")
    assert page.locator("[data-testid=main-nav] a[data-nav=home]").inner_text() == persian_home


def test_public_home_is_persian_rtl_and_asks_no_other_host(world, live_server, browser_page):
    page = browser_page
    watch = PageWatch.attach(page)
    response = page.goto(live_server.url + "/", wait_until="networkidle")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert html_attributes(page) == ("fa", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert vazirmatn_loaded(page), "the Vazirmatn font is served and used"
    assert watch.requests, "requests are recorded"
    assert watch.foreign_requests(live_server.url) == []
    assert watch.problems() == []


def type_search(page, text: str, *, clear: bool = False) -> None:
    """Type into the directory's search box like a person; wait for the answer to that query."""
    box = page.locator("#f-q")
    if clear:
        box.fill("")
    query = box.input_value() + text

    def answers_query(response) -> bool:
        url = urlsplit(response.url)
        return url.path == "/registry/cooperatives/" and parse_qs(url.query).get("q") == [query]

    with page.expect_response(answers_query):
        box.press_sequentially(text, delay=30)


def test_directory_search_updates_as_you_type(world, live_server, browser_page):
    page = browser_page
    watch = PageWatch.attach(page)
    page.goto(live_server.url + "/registry/cooperatives/")
    count = page.locator("[data-testid=result-count]")
    rows = page.locator("[data-testid=directory-table] tbody tr")
    expect(count).to_have_text("۲ تعاونی")

    type_search(page, "زعفران")
    expect(count).to_have_text("۱ تعاونی")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(SAFFRON)
    expect(page).to_have_url(re.compile(r"[?&]q="))  # the search can be shared as a link

    # Official documents still use Arabic kaf and yeh: «شركت تعاوني» finds «شرکت تعاونی».
    type_search(page, "شركت تعاوني", clear=True)
    expect(count).to_have_text("۲ تعاونی")
    expect(rows.filter(has_text=SAFFRON)).to_have_count(1)
    expect(rows.filter(has_text=TURQUOISE)).to_have_count(1)

    type_search(page, " فيروزه")
    expect(count).to_have_text("۱ تعاونی")
    expect(rows.first).to_contain_text(TURQUOISE)
    assert watch.problems() == []


def test_jalali_date_picker_on_a_date_input(world, live_server, browser_page):
    """Staff pick a registration date with the Jalali picker on the cooperative form."""
    page = browser_page
    watch = PageWatch.attach(page)
    with override_settings(REQUIRE_2FA=False):
        login(page, live_server, "staff")
        page.goto(f"{live_server.url}/registry/cooperatives/{world.coop_a.pk}/edit/")
        page.locator("#id_registered_on").click()
        picker = page.locator("jdp-container")
        expect(picker).to_be_visible()
        picker.locator(".jdp-day", has_text="۱۵").first.click()
        value = page.locator("#id_registered_on").input_value()
        assert to_latin_digits(value).endswith("/15"), value
        screenshot(page, "date-picker-laptop")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(f"**/registry/cooperatives/{world.coop_a.pk}/")
    today = jdatetime.date.today()
    expected = jdatetime.date(today.year, today.month, 15).togregorian()
    world.coop_a.refresh_from_db()
    assert world.coop_a.registered_on == expected
    assert watch.problems() == []


def main_pages(world) -> list[tuple[str, str, str]]:
    """(name, path, who) for each main page; `who` is "public" or "admin"."""
    return [
        ("home", "/", "public"),
        ("login", "/accounts/login/", "public"),
        ("cooperative-list", "/registry/cooperatives/", "public"),
        ("cooperative-detail", f"/registry/cooperatives/{world.coop_a.pk}/", "public"),
        ("union-list", "/registry/unions/", "public"),
        ("union-detail", f"/registry/unions/{world.union.pk}/", "public"),
        ("not-found", "/no-such-page/", "public"),
        ("profile", "/accounts/profile/", "admin"),
        ("audit-log", "/audit/", "admin"),
        ("api-docs", "/api/v1/docs", "admin"),
    ]


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_main_pages_render_cleanly(viewport, world, live_server, open_page):
    """Each main page: right status, Persian RTL, font, no console errors or CSP violations,
    nothing from other hosts; a full-page screenshot is saved for review."""
    page = open_page(viewport)
    watch = PageWatch.attach(page)
    report: dict[str, list[str]] = {}
    signed_in = False
    with override_settings(REQUIRE_2FA=False):
        for name, path, who in main_pages(world):
            if who == "admin" and not signed_in:
                login(page, live_server, "admin")
                signed_in = True
            watch.clear()
            response = page.goto(live_server.url + path)
            if name == "api-docs":  # Swagger UI builds the page from openapi.json.
                page.locator(".swagger-ui .opblock").first.wait_for()
            page.evaluate("document.fonts.ready.then(() => true)")
            problems = []
            expected_status = 404 if name == "not-found" else 200
            if response.status != expected_status:
                problems.append(f"status {response.status}, expected {expected_status}")
            if page.url != live_server.url + path:
                problems.append(f"redirected to {page.url}")
            if name != "api-docs":  # Swagger UI is English and left-to-right by nature.
                if html_attributes(page) != ("fa", "rtl"):
                    problems.append(f"<html lang dir> = {html_attributes(page)}")
                if not vazirmatn_loaded(page):
                    problems.append("Vazirmatn font not loaded")
            problems += watch.problems(
                ignore=lambda message, name=name: name == "not-found" and "404" in message
            )
            problems += [f"other host: {url}" for url in watch.foreign_requests(live_server.url)]
            screenshot(page, f"{name}-{viewport}")
            overflow = horizontal_overflow(page)
            if overflow > 0:
                problems.append(f"page is {overflow}px wider than the {viewport} window")
            if problems:
                report[name] = problems
    assert report == {}
