"""Forms of consultations (نظرخواهی): opening one, answering it, writing its outcome.

The forms only read what was typed; the rules (audience, options, closing time, one answer
per cooperative …) are decisions.services', whose messages the views show on the form.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from hamafza.decisions.models import Consultation, Proposal, Response
from hamafza.persian.forms import JalaliDateTimeField, PersianIntegerField
from hamafza.persian.text import to_latin_digits
from hamafza.registry.models import County, Sector, Union

MAX_OPTIONS = 30


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("عنوان"), max_length=300)
    question = forms.CharField(
        label=_("پرسش یا متن پیشنهاد"), widget=forms.Textarea(attrs={"rows": 4})
    )
    kind = forms.ChoiceField(
        label=_("نوع نظرخواهی"),
        choices=Consultation.Kind.choices,
        initial=Consultation.Kind.PROPOSAL,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    options = forms.CharField(
        label=_("گزینه‌ها"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("هر گزینه در یک سطر؛ برای نوع «موافقت با پیشنهاد» لازم نیست."),
    )
    score_max = PersianIntegerField(
        label=_("بیشترین امتیاز"),
        initial=5,
        min_value=2,
        max_value=10,
        required=False,
        help_text=_("فقط برای نوع امتیازدهی؛ از ۲ تا ۱۰."),
    )
    audience = forms.ChoiceField(
        label=_("مخاطبان"), choices=Consultation.Audience.choices, initial="all"
    )
    audience_sector = forms.ModelChoiceField(
        label=_("گرایش مخاطبان"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("— انتخاب کنید —"),
    )
    audience_county = forms.ModelChoiceField(
        label=_("شهرستان مخاطبان"),
        queryset=County.objects.all(),
        required=False,
        empty_label=_("— انتخاب کنید —"),
    )
    audience_union = forms.ModelChoiceField(
        label=_("اتحادیه مخاطبان"),
        queryset=Union.objects.only("id", "name").order_by("name"),
        required=False,
        empty_label=_("— انتخاب کنید —"),
    )
    opens_at = JalaliDateTimeField(
        label=_("زمان آغاز"),
        required=False,
        help_text=_("خالی بماند تا نظرخواهی همین حالا آغاز شود."),
    )
    closes_at = JalaliDateTimeField(
        label=_("زمان پایان"), help_text=_("تاریخ و ساعت شمسی، مانند ۱۴۰۵/۰۹/۰۶ ۱۴:۳۰")
    )
    anonymous = forms.BooleanField(
        label=_("بی‌نام: نام پاسخ‌دهندگان در نتایج دیده نشود"), required=False
    )
    visibility = forms.ChoiceField(
        label=_("نمایش نتایج به مخاطبان"),
        choices=Consultation.Visibility.choices,
        initial=Consultation.Visibility.AFTER_CLOSE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    proposal = forms.ModelChoiceField(
        label=_("پیشنهاد مرتبط"),
        queryset=Proposal.objects.exclude(state=Proposal.State.DECLINED).only("id", "title"),
        required=False,
        empty_label=_("— بدون پیشنهاد —"),
    )

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_OPTIONS:
            raise ValidationError(_("حداکثر %(n)s گزینه پذیرفته می‌شود."), params={"n": MAX_OPTIONS})
        if any(len(line) > 300 for line in lines):
            raise ValidationError(_("هر گزینه حداکثر ۳۰۰ نویسه باشد."))
        return lines

    def clean(self):
        data = super().clean()
        # Fields the chosen kind does not use are hidden on the page: never refuse them.
        kind = data.get("kind")
        if kind != Consultation.Kind.SCORE:
            self.errors.pop("score_max", None)
            data["score_max"] = 5
        if kind == Consultation.Kind.PROPOSAL:
            self.errors.pop("options", None)
            data["options"] = []
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "question": data["question"].strip(),
            "kind": data["kind"],
            "audience": data["audience"],
            "audience_sector": data["audience_sector"],
            "audience_county": data["audience_county"],
            "audience_union": data["audience_union"],
            "options": data["options"],
            "score_max": data["score_max"] or 5,
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "anonymous": data["anonymous"],
            "visibility": data["visibility"],
            "proposal": data["proposal"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's refusal on the fields it names (the rest on the form)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                if field == NON_FIELD_ERRORS:
                    target = None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("جمع‌بندی"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("پس از انتشار، برای همه مخاطبان نظرخواهی فرستاده می‌شود."),
    )


# --------------------------------------------------------------------------- answers
def _int(value) -> int | None:
    try:
        return int(to_latin_digits(str(value)).strip())
    except (TypeError, ValueError):
        return None


def read_answer(consultation: Consultation, options: list, data) -> tuple[dict, dict]:
    """What the answer form sent, as services.consultation_answer's arguments, and the
    choices to show again on the form (so nothing chosen is lost on a refusal).

    Anything malformed is passed on as missing, so the service refuses it with its message.
    """
    reason = data.get("reason", "")[:4000]
    kind = consultation.kind
    arguments: dict = {"reason": reason}
    chosen: dict = {"reason": reason, "stance": "", "options": set(), "ranks": {}, "scores": {}}
    if kind == Consultation.Kind.PROPOSAL:
        stance = data.get("stance", "")
        arguments["stance"] = stance if stance in Response.Stance.values else ""
        chosen["stance"] = arguments["stance"]
    elif kind in (Consultation.Kind.SINGLE, Consultation.Kind.MULTIPLE):
        ids = [_int(v) for v in data.getlist("option")]
        ids = [i for i in ids if i is not None]
        arguments["option_ids"] = ids
        chosen["options"] = set(ids)
    elif kind == Consultation.Kind.RANKED:
        ranks = {}
        for option in options:
            rank = _int(data.get(f"rank_{option.pk}"))
            if rank is not None:
                ranks[option.pk] = rank
        chosen["ranks"] = ranks
        n = len(options)
        # A valid ranking uses each rank from 1 to n exactly once.
        if len(ranks) == n and sorted(ranks.values()) == list(range(1, n + 1)):
            arguments["ranking"] = sorted(ranks, key=ranks.get)
        else:
            arguments["ranking"] = []
    else:
        scores = {}
        for option in options:
            score = _int(data.get(f"score_{option.pk}"))
            if score is not None:
                scores[option.pk] = score
        chosen["scores"] = scores
        arguments["scores"] = scores
    return arguments, chosen


def chosen_from_response(response: Response | None) -> dict:
    """The current answer in the same shape as read_answer's `chosen`."""
    chosen = {"reason": "", "stance": "", "options": set(), "ranks": {}, "scores": {}}
    if response is None:
        return chosen
    chosen["reason"] = response.reason
    chosen["stance"] = response.stance
    for choice in response.choices.all():
        chosen["options"].add(choice.option_id)
        if choice.rank is not None:
            chosen["ranks"][choice.option_id] = choice.rank
        if choice.score is not None:
            chosen["scores"][choice.option_id] = choice.score
    return chosen
