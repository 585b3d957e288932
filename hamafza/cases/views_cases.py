"""Being written: every view here is replaced by its real implementation."""

from django.http import Http404


def case_list(request, *args, **kwargs):
    raise Http404


def case_create(request, *args, **kwargs):
    raise Http404


def case_detail(request, *args, **kwargs):
    raise Http404


def message_add(request, *args, **kwargs):
    raise Http404


def attachment(request, *args, **kwargs):
    raise Http404


def case_confirm(request, *args, **kwargs):
    raise Http404


def case_rate(request, *args, **kwargs):
    raise Http404


def case_reopen(request, *args, **kwargs):
    raise Http404
