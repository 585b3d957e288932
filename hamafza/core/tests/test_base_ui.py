import os
import re
import subprocess
import sys

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from hamafza.core import views

PAGES = ["/", "/registry/cooperatives/", "/registry/unions/", "/accounts/login/"]


@pytest.mark.parametrize("path", PAGES)
def test_it_serves_right_to_left_persian_with_no_outside_host(world, path):
    response = Client().get(path)
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    hosts = set(re.findall(r"""(?:src|href|action)=["'](?:https?:)?//([^/"']+)""", html))
    assert not hosts, hosts
    # No inline script: every <script> has a src (the CSP forbids inline code).
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag


def test_it_sends_a_strict_content_security_policy(world):
    policy = Client().get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_it_switches_language_with_the_switch(world):
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "bootstrap.min.css" in html and "bootstrap.rtl.min.css" not in html


def test_it_ignores_the_browser_language_header(world):
    html = Client().get("/", headers={"Accept-Language": "en-US,en"}).content.decode()
    assert 'lang="fa"' in html


def test_it_answers_404_in_persian(world):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "صفحه‌ای که می‌خواستید پیدا نشد" in response.content.decode()


def test_it_answers_500_in_persian(world):
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "خطایی در سامانه رخ داد" in response.content.decode()


def test_it_answers_403_in_persian(world, client_for):
    response = client_for("coop").get(reverse("core:audit_log"))
    assert response.status_code == 403
    assert "به این صفحه دسترسی ندارید" in response.content.decode()


def test_it_shows_each_role_its_navigation(world, client_for):
    def nav(persona: str) -> set[str]:
        html = client_for(persona).get("/").content.decode()
        return set(re.findall(r'data-nav="([a-z_]+)"', html))

    base = {"home", "cooperatives", "unions", "resolutions", "library", "accountability"}
    member = base | {"consultations", "proposals", "my_actions", "cases"}
    chamber = member | {"meetings", "followup_board", "case_report"}
    assert nav("public") == base
    assert nav("coop") == member | {"my_cooperative", "case_create"}
    assert nav("union") == member | {"my_union", "case_create"}
    assert nav("staff") == chamber | {"import", "case_create"}
    assert nav("board") == chamber
    assert nav("directorate") == chamber
    assert nav("admin") == chamber | {"import", "audit", "admin", "case_create"}


def test_it_shows_province_figures_on_the_home_page(world):
    html = Client().get("/").content.decode()
    assert "۲" in html  # two active cooperatives, in Persian digits


def test_it_passes_the_deployment_checks_with_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "HAMAFZA_DEMO",
            "HAMAFZA_TESTING",
            "DATABASE_URL",
            "PYTEST_CURRENT_TEST",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests in this process
        }
    }
    env |= {
        "SECRET_KEY": "a" * 20 + "-production-secret-key-with-enough-entropy-9f8e7d6c5b4a",
        "ALLOWED_HOSTS": "hamafza.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HAMAFZA_TESTING": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "hamafza", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HAMAFZA_DEMO", "SECRET_KEY"}}
    env |= {"HAMAFZA_TESTING": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "hamafza", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
