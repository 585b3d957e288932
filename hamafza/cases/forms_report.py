"""Filters of the case report and the breach report (GET forms; every field optional)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.cases.models import Category
from hamafza.cases.reports import Filters, default_period
from hamafza.persian.forms import JalaliDateField, JalaliDateInput
from hamafza.registry.models import County, Sector

# Ten years of cases is the longest period a report covers in one go.
MAX_PERIOD = datetime.timedelta(days=3660)


def _date_input() -> JalaliDateInput:
    # A sample date as placeholder would read as a filter already set.
    return JalaliDateInput(attrs={"placeholder": _("روز/ماه/سال")})


class BreachFilterForm(forms.Form):
    filed_from = JalaliDateField(label=_("ثبت از"), required=False, widget=_date_input())
    filed_to = JalaliDateField(label=_("ثبت تا"), required=False, widget=_date_input())
    category = forms.ModelChoiceField(
        label=_("موضوع"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("همه موضوع‌ها"),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("filed_from"), data.get("filed_to")
        if start and end and start > end:
            self.add_error("filed_to", _("«ثبت تا» نمی‌تواند پیش از «ثبت از» باشد."))
        elif start and end and end - start > MAX_PERIOD:
            self.add_error("filed_from", _("بازه گزارش حداکثر ده سال است."))
        return data

    def filters(self, today: datetime.date | None = None) -> Filters:
        """The filters asked for. Without a start date the list goes back to the first case
        (an old case still open is the worst breach of all); without an end, to today."""
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Filters(
            start=data.get("filed_from"),
            end=data.get("filed_to") or max(today, data.get("filed_from") or today),
            category=data.get("category"),
        )


class ReportFilterForm(BreachFilterForm):
    county = forms.ModelChoiceField(
        label=_("شهرستان"),
        queryset=County.objects.all(),
        required=False,
        empty_label=_("همه شهرستان‌ها"),
    )
    sector = forms.ModelChoiceField(
        label=_("گرایش تعاونی"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("همه گرایش‌ها"),
    )

    def filters(self, today: datetime.date | None = None) -> Filters:
        """The filters asked for; a missing date falls back to the last twelve Jalali months
        (to the twelve months before the end date, when only that is given)."""
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("filed_to") or today
        start = data.get("filed_from") or default_period(end)[0]
        return Filters(
            start=start,
            end=max(start, end),
            category=data.get("category"),
            county=data.get("county"),
            sector=data.get("sector"),
        )
