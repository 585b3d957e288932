"""Being written: every view here is replaced by its real implementation."""

from django.http import Http404


def case_report(request, *args, **kwargs):
    raise Http404


def case_report_export(request, *args, **kwargs):
    raise Http404


def breach_report(request, *args, **kwargs):
    raise Http404
