"""The public accountability page (کارنامه اجرای مصوبات): no sign-in.

Every published resolution with its derived progress and its actions — status and progress
only: no evidence files, reports, descriptions or names of people — and the completion and
on-time rates per responsible body. The same page for everyone, signed in or not.
"""

from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.core.pagination import IdPaginator
from hamafza.followup import selectors
from hamafza.followup.models import Action
from hamafza.followup.services import resolution_progress
from hamafza.persian.templatetags.persian import fadigits
from hamafza.persian.text import to_latin_digits

PAGE_SIZE = 10


class AccountabilityFilterForm(forms.Form):
    q = forms.CharField(label=_("عنوان یا شماره مصوبه"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("وضعیت اقدام"), required=False)
    responsible = forms.TypedChoiceField(
        label=_("نهاد مسئول"), required=False, coerce=int, empty_value=None
    )
    year = forms.TypedChoiceField(
        label=_("سال تصویب"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, *, bodies, years):
        if data is not None:
            data = data.copy()
            for name in ("responsible", "year"):  # «۱۴۰۴» as well as «1404»
                if data.get(name):
                    data[name] = to_latin_digits(data[name]).strip()
        super().__init__(data)
        self.fields["status"].choices = [
            ("", _("همه")),
            *Action.Status.choices,
            (selectors.OVERDUE, _("معوق")),
        ]
        self.fields["responsible"].choices = [("", _("همه نهادها"))] + [
            (b.pk, b.name) for b in bodies
        ]
        self.fields["year"].choices = [("", _("همه سال‌ها"))] + [(y, fadigits(y)) for y in years]

    def filters(self) -> selectors.Filters:
        """The valid filters; a value that is not one of the choices is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.Filters(
            q=(data.get("q") or "").strip(),
            status=data.get("status") or "",
            responsible=data.get("responsible"),
            year=data.get("year"),
        )


def _querystring(filters: selectors.Filters) -> str:
    params = {
        "q": filters.q,
        "status": filters.status,
        "responsible": filters.responsible or "",
        "year": filters.year or "",
    }
    return urlencode({k: v for k, v in params.items() if v})


def accountability(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    bodies = selectors.bodies_with_public_actions()
    years = selectors.resolution_years()
    form = AccountabilityFilterForm(request.GET or None, bodies=bodies, years=years)
    filters = form.filters() if request.GET else selectors.Filters()

    resolutions = selectors.accountability_resolutions(filters, today=today)
    page = IdPaginator(resolutions, PAGE_SIZE, fetch=selectors.with_actions).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "resolution": r,
            "progress": resolution_progress(r),
            "actions": selectors.shown_actions(r, filters, today),
            "total_actions": len(r.actions.all()),
        }
        for r in page.object_list
    ]

    # The headline numbers and the rates cover the chosen year (all years by default).
    year_resolutions = selectors.in_year(selectors.public_resolutions(), filters.year)
    year_actions = selectors.public_actions().filter(resolution__in=year_resolutions.values("pk"))
    rates = selectors.body_rates(year_actions, today=today)
    return render(
        request,
        "followup/accountability.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": rows,
            "rates": rates,
            "totals": selectors.totals(year_resolutions, year_actions, today=today),
            "querystring": _querystring(filters),
            "filtered": filters != selectors.Filters(),
            "today": today,
        },
    )
