"""Being written: every view here is replaced by its real implementation."""

from django.http import Http404


def desk_context(request, case) -> dict:
    """What the desk panel (cases/_desk_panel.html) on the case page needs, for staff."""
    return {}


def cases_agenda(request, *args, **kwargs):
    raise Http404


def case_triage(request, *args, **kwargs):
    raise Http404


def case_assign(request, *args, **kwargs):
    raise Http404


def case_refer(request, *args, **kwargs):
    raise Http404


def referral_letter(request, *args, **kwargs):
    raise Http404


def case_start(request, *args, **kwargs):
    raise Http404


def case_resolve(request, *args, **kwargs):
    raise Http404


def case_reject(request, *args, **kwargs):
    raise Http404
