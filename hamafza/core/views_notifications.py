"""A person's notifications: the inbox, marking read, and how each kind reaches them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hamafza.accounts.permissions import signin_required
from hamafza.core import audit
from hamafza.core.models import Notification, NotificationPreference
from hamafza.core.notify import CHANNELS, DEFAULTS, KIND_DEFAULTS, KINDS, internal_path
from hamafza.persian.identifiers import normalize_mobile

PER_PAGE = 20
CHANNEL_LABELS = {
    "in_app": gettext_lazy("در سامانه"),
    "email": gettext_lazy("رایانامه"),
    "sms": gettext_lazy("پیامک"),
}


# --------------------------------------------------------------------------- inbox
@signin_required
def notifications(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(user=request.user)
    unread_only = request.GET.get("unread") == "1"
    shown = mine.filter(read_at__isnull=True) if unread_only else mine
    page = Paginator(shown.order_by("-created_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    for n in page:
        n.link = internal_path(n.url)
        n.kind_label = KINDS.get(n.kind, KINDS["general"])
    return render(
        request,
        "core/notifications.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_total": mine.filter(read_at__isnull=True).count(),
            "querystring": "unread=1" if unread_only else "",
        },
    )


@signin_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`id`) or all of them (`all`) read; then go back to the inbox or
    to `next`, when it is a path on this site (the notification's own link)."""
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True)
    if request.POST.get("all"):
        count = unread.update(read_at=timezone.now())
        if count:
            messages.success(request, _("همه اعلان‌ها خوانده‌شده علامت خورد."))
    else:
        try:
            pk = int(request.POST.get("id", ""))
        except ValueError:
            raise Http404 from None
        # Someone else's notification is, for this person, one that does not exist.
        if not Notification.objects.filter(user=request.user, pk=pk).exists():
            raise Http404
        unread.filter(pk=pk).update(read_at=timezone.now())
    target = internal_path(request.POST.get("next", ""))
    if target:
        return redirect(target)
    url = reverse("core:notifications")
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


# --------------------------------------------------------------------------- preferences
def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per kind and channel, and the mobile number SMS goes to."""

    mobile = forms.CharField(
        label=gettext_lazy("تلفن همراه"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("برای دریافت پیامک؛ مثلاً ۰۹۱۲۳۴۵۶۷۸۹. خالی یعنی پیامک نفرستید."),
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr", "class": "hz-ltr"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.sms_offered = bool(user.mobile)
        for kind, label in KINDS.items():
            for channel in CHANNELS:
                self.fields[field_name(kind, channel)] = forms.BooleanField(
                    label=f"{label} — {CHANNEL_LABELS[channel]}",
                    required=False,
                    disabled=channel == "sms" and not self.sms_offered,
                )

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"].strip()
        if not value:
            return ""
        try:
            return normalize_mobile(value)
        except ValidationError:
            raise ValidationError(
                _("شماره تلفن همراه درست نیست؛ آن را به شکل ۰۹۱۲۳۴۵۶۷۸۹ بنویسید."),
                code="mobile_invalid",
            ) from None

    def clean(self):
        data = super().clean()
        wants_sms = any(data.get(field_name(kind, "sms")) for kind in KINDS)
        if wants_sms and not data.get("mobile") and "mobile" not in self.errors:
            self.add_error(
                "mobile",
                _(
                    "برای دریافت پیامک شماره تلفن همراه لازم است؛ شماره را بنویسید "
                    "یا پیامک را برای همه اعلان‌ها بردارید."
                ),
            )
        return data

    def rows(self):
        """The table: each kind with its three bound checkboxes."""
        return [
            {
                "kind": kind,
                "label": label,
                "fields": [self[field_name(kind, channel)] for channel in CHANNELS],
            }
            for kind, label in KINDS.items()
        ]


def current_choices(user) -> dict[str, dict[str, bool]]:
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    choices = {}
    for kind in KINDS:
        pref = stored.get(kind)
        choices[kind] = (
            {c: getattr(pref, c) for c in CHANNELS}
            if pref
            else dict(KIND_DEFAULTS.get(kind, DEFAULTS))
        )
    return choices


@transaction.atomic
def preferences_save(*, actor, choices: dict[str, dict[str, bool]], mobile: str) -> dict:
    """Store every kind's channels and the mobile number; audited, only what changed."""
    before = current_choices(actor)
    changes = {}
    for kind, channels in choices.items():
        NotificationPreference.objects.update_or_create(user=actor, kind=kind, defaults=channels)
        for channel in CHANNELS:
            if before[kind][channel] != channels[channel]:
                changes[f"{kind}.{channel}"] = [before[kind][channel], channels[channel]]
    if mobile != actor.mobile:
        changes["mobile"] = [actor.mobile, mobile]
        actor.mobile = mobile
        actor.save(update_fields=["mobile"])
    if changes:
        audit.record(
            actor=actor, action="core.notification_preferences", target=actor, changes=changes
        )
    return changes


@signin_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    choices = current_choices(user)
    initial = {"mobile": user.mobile}
    for kind, channels in choices.items():
        for channel, on in channels.items():
            # Without a mobile number SMS cannot reach them, whatever was stored before.
            initial[field_name(kind, channel)] = on and (channel != "sms" or bool(user.mobile))
    form = PreferencesForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        new = {
            kind: {
                channel: bool(form.cleaned_data[field_name(kind, channel)]) for channel in CHANNELS
            }
            for kind in KINDS
        }
        if not mobile:  # no number, no SMS
            for channels in new.values():
                channels["sms"] = False
        preferences_save(actor=user, choices=new, mobile=mobile)
        messages.success(request, _("انتخاب‌های شما برای اعلان‌ها ذخیره شد."))
        return redirect("core:notification_preferences")
    return render(
        request,
        "core/notification_preferences.html",
        {"form": form, "channels": [CHANNEL_LABELS[c] for c in CHANNELS]},
    )
