"""Reading and writing spreadsheets safely (xlsx and csv).

A file is judged by its content, not its name. Anything that is not a spreadsheet, is
encrypted, is empty, is too large or unpacks to far more than it weighs (a zip bomb) is
refused with a Persian message before any row is read.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 150
MAX_ROWS = 200_000
MAX_COLUMNS = 100

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class SpreadsheetError(Exception):
    """The file cannot be read as a spreadsheet; the message is for the person."""


@dataclass
class Sheet:
    kind: str  # "xlsx" or "csv"
    header: list[str]
    rows: list[list[Any]]  # data rows; rows[0] is spreadsheet row 2


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetError(_("فایل خراب است یا فایل اکسل نیست.")) from None
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(_("این فایل فشرده است ولی کتاب کار اکسل (xlsx) نیست."))
    unpacked = 0
    for info in archive.infolist():
        unpacked += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if unpacked > MAX_UNPACKED_BYTES or (info.file_size > 10_000_000 and ratio > MAX_RATIO):
            raise SpreadsheetError(
                _("فایل پس از باز شدن بسیار بزرگ می‌شود و برای امنیت سامانه پذیرفته نشد.")
            )


def _decode_csv(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(_("این فایل صفحه‌گسترده نیست؛ فایل xlsx یا csv بفرستید."))
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("نویسه‌های فایل csv خوانا نیست؛ آن را با رمزگذاری UTF-8 ذخیره کنید."))


def _trim(row: list[Any]) -> list[Any]:
    while row and (row[-1] is None or row[-1] == ""):
        row = row[:-1]
    return row


def read(data: bytes) -> Sheet:
    """Read the first sheet of an xlsx or a csv file given as bytes."""
    if not data or not data.strip():
        raise SpreadsheetError(_("فایل خالی است."))
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError(
            _("فایل بزرگ‌تر از حد مجاز (۵۰ مگابایت) است؛ آن را در چند فایل بفرستید.")
        )
    if data.startswith(OLE_MAGIC):
        raise SpreadsheetError(
            _(
                "فایل رمزگذاری شده است یا قالب قدیمی xls دارد. رمز را بردارید و فایل را با قالب xlsx ذخیره کنید."
            )
        )
    if data.startswith(b"PK\x03\x04"):
        _check_zip(data)
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            if not workbook.sheet_names:
                raise SpreadsheetError(_("کتاب کار هیچ برگه‌ای ندارد."))
            raw = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except SpreadsheetError:
            raise
        except Exception:
            raise SpreadsheetError(_("فایل اکسل خراب است و خوانده نشد.")) from None
        rows = [_trim(list(r)) for r in raw]
        kind = "xlsx"
    else:
        text = _decode_csv(data)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = [_trim(r) for r in csv.reader(io.StringIO(text), dialect)]
        kind = "csv"
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        raise SpreadsheetError(_("فایل خالی است."))
    if len(rows) - 1 > MAX_ROWS:
        raise SpreadsheetError(
            _("فایل بیش از %(n)s ردیف دارد؛ آن را در چند فایل بفرستید.") % {"n": f"{MAX_ROWS:,}"}
        )
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    if len(header) > MAX_COLUMNS:
        raise SpreadsheetError(_("فایل ستون‌های بسیار زیادی دارد."))
    if not any(header):
        raise SpreadsheetError(_("ردیف اول فایل باید سرستون‌ها باشد، ولی خالی است."))
    return Sheet(kind=kind, header=header, rows=rows[1:])


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_xlsx(header: list[str], rows: Iterator[list[Any]], *, title: str = "Sheet") -> bytes:
    """An xlsx file (right-to-left sheet) with formula-like text neutralised."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.sheet_view.rightToLeft = True
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(header: list[str], rows: Iterator[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
