"""Showing a service's refusal to a person: the Persian message of a PermissionDenied,
ValidationError or Conflict, with its numbers in the reader's digits, on a page or on a
form's fields. Every part's views use these two, so a refusal reads the same everywhere."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hamafza.persian.templatetags.persian import fadigits


def refusal(exc: Exception) -> str:
    """The message of a service's refusal, as one line."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            text = " ".join(m for ms in exc.message_dict.values() for m in ms)
        else:
            text = " ".join(exc.messages)
    else:
        text = str(exc) or _("شما اجازه این کار را ندارید.")
    return fadigits(text)


def form_errors(form, exc: ValidationError, aliases: dict | None = None) -> None:
    """Put a service's ValidationError on the form's fields (a field the form does not have,
    or a message without a field, goes on the form itself). ``aliases`` maps the service's
    field names to the form's."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            name = aliases.get(name, name)
            form.add_error(name if name in form.fields else None, [fadigits(e) for e in errors])
    else:
        form.add_error(None, [fadigits(m) for m in exc.messages])
