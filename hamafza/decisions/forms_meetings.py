"""Forms of meetings, agenda, attendance, voting and minutes. They only clean input; the
rules (who may, when, what follows) live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hamafza.accounts.models import Role, User
from hamafza.decisions.models import Consultation, MeetingKind, Proposal
from hamafza.persian.forms import JalaliDateTimeField

# Roles whose holders are offered as commission members; anyone else is added by username.
COMMISSION_CANDIDATE_ROLES = (Role.BOARD, Role.STAFF, Role.DIRECTORATE, Role.UNION)


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("نوع جلسه"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("عنوان"), max_length=300)
    starts_at = JalaliDateTimeField(
        label=_("تاریخ و ساعت"), help_text=_("به شکل ۱۴۰۵/۰۹/۰۶ ۱۴:۳۰ (به وقت تهران).")
    )
    place = forms.CharField(label=_("مکان"), max_length=300, required=False)
    online_link = forms.URLField(
        label=_("پیوند برگزاری برخط"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr", "placeholder": "https://"}),
    )
    members = UserChoiceField(
        label=_("اعضای دارای رأی کمیسیون"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_(
            "فقط برای جلسه کمیسیون. در جلسه هیئت رئیسه و جلسه مشترک همه اعضای هیئت رئیسه "
            "دعوت می‌شوند و در جلسه مشترک کارشناسان اداره کل مهمان‌اند."
        ),
    )
    other_members = forms.CharField(
        label=_("اعضای دیگر کمیسیون (نام کاربری)"),
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("نام‌های کاربری را با ویرگول یا فاصله جدا کنید."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            User.objects.filter(
                is_active=True, role_assignments__role__in=COMMISSION_CANDIDATE_ROLES
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )

    def clean_other_members(self) -> list[User]:
        raw = self.cleaned_data["other_members"].replace("،", ",").replace(",", " ").split()
        if not raw:
            return []
        found = {u.username: u for u in User.objects.filter(is_active=True, username__in=raw)}
        missing = [name for name in raw if name not in found]
        if missing:
            raise forms.ValidationError(
                _("این نام‌های کاربری پیدا نشد: %(names)s") % {"names": "، ".join(missing)}
            )
        return list(found.values())

    def clean(self):
        data = super().clean()
        if not (data.get("place") or "").strip() and not data.get("online_link"):
            self.add_error("place", _("مکان جلسه یا پیوند برگزاری برخط را بنویسید."))
        if (
            data.get("kind") == MeetingKind.COMMISSION
            and not list(data.get("members") or [])
            and not data.get("other_members")
        ):
            self.add_error("members", _("دست‌کم یک عضو دارای رأی برای کمیسیون انتخاب کنید."))
        return data

    def voting_members(self) -> list[User]:
        if self.cleaned_data["kind"] != MeetingKind.COMMISSION:
            return []
        return list(self.cleaned_data["members"]) + list(self.cleaned_data["other_members"])


class AgendaItemForm(forms.Form):
    """A free item, or one carried over from a proposal or a consultation: empty fields take
    the title, text and legal basis of the chosen origin."""

    SOURCES = [
        ("free", _("متن آزاد")),
        ("proposal", _("از یک پیشنهاد")),
        ("consultation", _("از یک نظرخواهی")),
    ]

    source = forms.ChoiceField(
        label=_("منشأ بند"),
        choices=SOURCES,
        initial="free",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    proposal = forms.ModelChoiceField(
        label=_("پیشنهاد"),
        queryset=Proposal.objects.none(),
        required=False,
        empty_label=_("— انتخاب پیشنهاد —"),
    )
    consultation = forms.ModelChoiceField(
        label=_("نظرخواهی"),
        queryset=Consultation.objects.none(),
        required=False,
        empty_label=_("— انتخاب نظرخواهی —"),
    )
    title = forms.CharField(
        label=_("عنوان"),
        max_length=300,
        required=False,
        help_text=_("اگر خالی بماند، عنوان پیشنهاد یا نظرخواهی برداشته می‌شود."),
    )
    description = forms.CharField(
        label=_("شرح"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    legal_basis = forms.CharField(
        label=_("مستند قانونی"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = Proposal.objects.filter(
            state=Proposal.State.SUBMITTED
        ).order_by("-created_at")
        self.fields["consultation"].queryset = Consultation.objects.order_by("-closes_at")

    def clean(self):
        data = super().clean()
        source = data.get("source")
        proposal = data.get("proposal") if source == "proposal" else None
        consultation = data.get("consultation") if source == "consultation" else None
        if source == "proposal" and proposal is None:
            self.add_error("proposal", _("پیشنهاد را انتخاب کنید."))
        if source == "consultation" and consultation is None:
            self.add_error("consultation", _("نظرخواهی را انتخاب کنید."))
        data["proposal"], data["consultation"] = proposal, consultation
        title = (data.get("title") or "").strip()
        description = (data.get("description") or "").strip()
        legal_basis = (data.get("legal_basis") or "").strip()
        if proposal is not None:
            title = title or proposal.title
            description = description or proposal.text
            if not legal_basis:
                cited = [str(d) for d in proposal.legal_documents.all()]
                legal_basis = "\n".join(filter(None, [proposal.legal_basis, *cited]))
        if consultation is not None:
            title = title or consultation.title
            if not description:
                description = "\n\n".join(
                    filter(None, [consultation.question, consultation.outcome])
                )
            if not legal_basis and consultation.proposal_id:
                legal_basis = consultation.proposal.legal_basis
        if source == "free" and not title:
            self.add_error("title", _("عنوان بند را بنویسید."))
        data.update(title=title, description=description, legal_basis=legal_basis)
        return data


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("حاضران"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.fields["present"].choices = [(str(m.user_id), str(m.user)) for m in self.members]
        if not self.is_bound:
            self.initial["present"] = [str(m.user_id) for m in self.members if m.present]

    def present_ids(self) -> list[int]:
        return [int(i) for i in self.cleaned_data["present"]]


class VotingCloseForm(forms.Form):
    text = forms.CharField(
        label=_("متن مصوبه (اگر تصویب شود)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MinutesForm(forms.Form):
    summary = forms.CharField(
        label=_("خلاصه مذاکرات"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )


class AmendmentForm(forms.Form):
    text = forms.CharField(label=_("متن اصلاحیه"), widget=forms.Textarea(attrs={"rows": 5}))


class ResolutionSearchForm(forms.Form):
    q = forms.CharField(label=_("جستجو در عنوان مصوبات"), required=False, max_length=200)

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""
