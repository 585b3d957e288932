"""Two-factor sign-in for staff roles (HAMAFZA_REQUIRE_2FA).

A user whose roles call for a second factor, signed in with a password only, may use the
pages that finish signing in (enrol, verify, sign out, language) and nothing else.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/api/")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.REQUIRE_2FA
            and user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            allowed = {
                reverse("accounts:two_factor_setup"),
                reverse("accounts:two_factor_verify"),
                reverse("accounts:logout"),
            }
            if request.path not in allowed:
                from django_otp import devices_for_user

                target = (
                    "accounts:two_factor_verify"
                    if any(True for _ in devices_for_user(user, confirmed=True))
                    else "accounts:two_factor_setup"
                )
                return redirect(
                    reverse(target) + "?" + urlencode({"next": request.get_full_path()})
                )
        return self.get_response(request)
