"""Uploaded files: limited in type and size, recognised by content, served only by views
that checked permission first."""

from dataclasses import dataclass

from django import forms
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str
    magic: tuple[bytes, ...]


KINDS = [
    Kind("pdf", "application/pdf", (b"%PDF-",)),
    Kind("jpg", "image/jpeg", (b"\xff\xd8\xff",)),
    Kind("png", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    Kind(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    Kind(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
]
ALLOWED_EXTENSIONS = {k.extension for k in KINDS} | {"jpeg"}


def detect(uploaded) -> Kind:
    """The kind of an uploaded file from its name and first bytes; ValidationError otherwise."""
    name = uploaded.name.lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    extension = "jpg" if extension == "jpeg" else extension
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("حجم فایل بیش از ۱۰ مگابایت است."))
    if uploaded.size == 0:
        raise forms.ValidationError(_("فایل خالی است."))
    head = uploaded.read(16)
    uploaded.seek(0)
    for kind in KINDS:
        if kind.extension == extension and head.startswith(kind.magic):
            return kind
    raise forms.ValidationError(
        _("این نوع فایل پذیرفته نیست؛ فقط PDF، تصویر JPG یا PNG، Word (docx) و Excel (xlsx).")
    )


def serve(field_file, *, content_type: str, download_name: str) -> FileResponse:
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
