import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamafza.accounts import services
from hamafza.accounts.forms import SignInForm, TokenForm
from hamafza.accounts.permissions import signin_required


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """django-axes calls this when an address and username have failed too often."""
    return render(request, "accounts/locked_out.html", status=429)


@signin_required
def profile(request: HttpRequest) -> HttpResponse:
    assignments = request.user.role_assignments.select_related("cooperative", "union")
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    return render(
        request,
        "accounts/profile.html",
        {"assignments": assignments, "has_device": has_device},
    )


@signin_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_verified() and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        # Replacing an enrolled authenticator needs that authenticator's code first;
        # otherwise a stolen password alone would be enough to take over the second factor.
        return redirect(
            reverse("accounts:two_factor_verify") + "?" + urlencode({"next": request.path})
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    form = TokenForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.two_factor_confirm(user=user, device=device)
            otp_login(request, device)
            messages.success(request, _("ورود دومرحله‌ای برای حساب شما فعال شد."))
            return redirect(_safe_next(request))
        form.add_error("token", _("کد درست نیست؛ دوباره از برنامه بخوانید و وارد کنید."))
    if device is None or request.method == "GET":
        device = services.two_factor_start(user=user)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": _base32(device), "next": _safe_next(request)},
    )


def _base32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode()


@signin_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request))
        form.add_error("token", _("کد درست نیست یا زمانش گذشته است."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("گذرواژه شما تغییر کرد."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
