from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from hamafza.persian.text import to_latin_digits


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("نام کاربری یا گذرواژه درست نیست."),
        "inactive": _("این حساب غیرفعال است."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("نام کاربری")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "dir": "ltr"})
        self.fields["password"].label = _("گذرواژه")
        self.fields["password"].widget.attrs.update({"dir": "ltr"})


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("کد شش‌رقمی"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "dir": "ltr",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        value = to_latin_digits(self.cleaned_data["token"]).replace(" ", "")
        if not value.isdigit() or len(value) != 6:
            raise forms.ValidationError(_("کد باید شش رقم باشد."))
        return value
