"""Registry import: all or nothing, every problem reported, re-import changes nothing."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from hamafza.conftest import make_cooperative, make_national_id
from hamafza.core.models import AuditEvent
from hamafza.registry import importer
from hamafza.registry.models import Cooperative
from hamafza.registry.spreadsheets import SpreadsheetError, read

HEADER = [
    "نام تعاونی",
    "شناسه ملی",
    "شماره ثبت",
    "شهرستان",
    "گروه فعالیت",
    "وضعیت",
    "تاریخ ثبت",
    "تعداد اعضا",
]


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    return "\n".join(",".join(str(v) for v in row) for row in rows).encode(encoding)


GOOD = [
    HEADER,
    [
        "شرکت تعاونی زعفران‌کاران قائن",
        make_national_id(101),
        "1201",
        "تربت حیدریه",
        "کشاورزی",
        "فعال",
        "1398/05/12",
        "25",
    ],
    [
        "شركت تعاوني فيروزه",
        make_national_id(102),
        "۱۲۰۲",
        "نيشابور",
        "معدنی",
        "غیرفعال",
        "۱۴۰۰-۱-۵",
        "۱٬۲۰۰",
    ],
]


def run(data: bytes):
    return importer.apply(read(data), actor=None)


def test_it_imports_a_clean_xlsx_with_persian_and_arabic_forms(db):
    result = run(xlsx(GOOD))
    assert result.ok, result.errors
    assert result.summary() | {} == {
        "total": 2,
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
        "warnings": 0,
    }
    firouzeh = Cooperative.objects.get(national_id=make_national_id(102))
    assert firouzeh.county.name == "نیشابور"
    assert firouzeh.registration_number == "1202"
    assert firouzeh.members == 1200
    assert firouzeh.status == "inactive"
    assert str(firouzeh.registered_on) == "2021-03-25"
    assert AuditEvent.objects.filter(action="registry.import_create").count() == 2


def test_it_changes_nothing_when_the_same_file_comes_again(db):
    run(xlsx(GOOD))
    before = list(Cooperative.objects.values_list("updated_at", flat=True))
    result = run(xlsx(GOOD))
    assert result.summary()["unchanged"] == 2
    assert result.summary()["new"] == result.summary()["updated"] == 0
    assert list(Cooperative.objects.values_list("updated_at", flat=True)) == before


def test_it_updates_changed_fields_keyed_by_national_id_and_audits_them(db):
    run(xlsx(GOOD))
    changed = [row[:] for row in GOOD]
    changed[1][7] = "30"
    result = run(xlsx(changed))
    assert result.summary()["updated"] == 1
    assert Cooperative.objects.get(national_id=make_national_id(101)).members == 30
    event = AuditEvent.objects.get(action="registry.import_update")
    assert event.changes == {"members": [25, 30]}


def test_it_accepts_english_aliases_in_any_order(db):
    rows = [["sector", "county", "national_id", "name", "registration_number"]]
    rows.append(["کشاورزی", "مشهد", make_national_id(103), "شرکت تعاونی مرغداران طرقبه", "77"])
    assert run(csv_bytes(rows)).ok
    assert Cooperative.objects.filter(name="شرکت تعاونی مرغداران طرقبه").exists()


def test_it_reads_csv_saved_by_persian_windows_excel(db):
    # Windows-1256 has no Persian yeh, keheh or Persian digits: Excel writes the Arabic ones.
    arabic = str.maketrans(
        {"ی": "ي", "ک": "ك", **{chr(0x06F0 + i): str(i) for i in range(10)}, "٬": ","}
    )
    rows = [[str(v).translate(arabic) for v in row] for row in GOOD]
    rows[2][7] = "1200"
    assert run(csv_bytes(rows, "cp1256")).ok
    assert Cooperative.objects.count() == 2


def test_it_rejects_the_whole_file_and_reports_every_problem(db):
    make_cooperative(5)
    rows = [
        HEADER,
        GOOD[1],
        ["", "12345", "", "تهران", "کشاورزی", "نامعلوم", "1400/13/01", "-3"],
        GOOD[2],
        [],  # an empty row keeps the numbering as the spreadsheet shows it
        ["شرکت تعاونی تکراری", make_national_id(101), "5", "مشهد", "صنعتی", "", "", "4.5"],
    ]
    result = importer.apply(read(xlsx(rows)), actor=None)
    assert not result.ok
    assert Cooperative.objects.count() == 1  # nothing changed
    problems = {(p.row, p.column) for p in result.errors}
    assert {
        (3, "نام تعاونی"),
        (3, "شناسه ملی"),
        (3, "شماره ثبت"),
        (3, "شهرستان"),
        (3, "وضعیت"),
        (3, "تاریخ ثبت"),
        (3, "تعداد اعضا"),
        (6, "تعداد اعضا"),
    } <= problems
    duplicate = next(p for p in result.errors if p.row == 6 and p.column == "شناسه ملی")
    assert "۲" in duplicate.reason or "2" in duplicate.reason


def test_it_warns_below_the_legal_minimum_of_members(db):
    rows = [HEADER, [*GOOD[1][:7], "5"]]
    result = run(xlsx(rows))
    assert result.ok
    assert [p.row for p in result.warnings] == [2]


def test_it_names_missing_and_unknown_columns(db):
    result = importer.plan(read(csv_bytes([["نام تعاونی", "رنگ"], ["x", "y"]])))
    assert not result.ok
    text = " ".join(result.header_problems)
    assert "شناسه ملی" in text and "رنگ" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "خالی"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "رمزگذاری"),
        (b"%PDF-1.7\x00\x00binary", "صفحه‌گسترده نیست"),
    ],
)
def test_it_refuses_files_that_are_not_spreadsheets(data, message):
    with pytest.raises(SpreadsheetError, match=message):
        read(data)


def test_it_refuses_a_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(SpreadsheetError, match="xlsx"):
        read(buf.getvalue())


def test_it_refuses_a_zip_bomb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    assert len(buf.getvalue()) < 1024 * 1024
    with pytest.raises(SpreadsheetError, match="بزرگ"):
        read(buf.getvalue())


def test_it_refuses_a_file_over_the_size_limit(monkeypatch):
    monkeypatch.setattr("hamafza.registry.spreadsheets.MAX_FILE_BYTES", 100)
    with pytest.raises(SpreadsheetError, match="بزرگ"):
        read(csv_bytes(GOOD))


def test_it_refuses_a_file_with_only_a_header(db):
    result = importer.plan(read(csv_bytes([HEADER])))
    assert not result.ok


def test_the_command_reports_problems_and_exits_non_zero(db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ["x", "123", "1", "مشهد", "کشاورزی", "", "", ""]]))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_registry", str(bad))
    assert exit_info.value.code == 1
    assert "row 2, column شناسه ملی" in capsys.readouterr().err
    assert not Cooperative.objects.exists()


def test_the_command_dry_run_changes_nothing(db, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(GOOD))
    call_command("import_registry", str(good), "--dry-run")
    assert "2 new" in capsys.readouterr().out
    assert not Cooperative.objects.exists()
    call_command("import_registry", str(good))
    assert Cooperative.objects.count() == 2


def test_the_command_refuses_a_missing_file(db):
    with pytest.raises(CommandError):
        call_command("import_registry", "/nonexistent.xlsx")


def test_it_keeps_search_right_after_a_large_import(db, monkeypatch):
    from hamafza.registry.selectors import cooperative_search

    monkeypatch.setattr("hamafza.registry.search_index.BULK_THRESHOLD", 1)
    assert run(xlsx(GOOD)).ok
    assert [c.name for c in cooperative_search(q="فیروزه")] == ["شركت تعاوني فيروزه"]
    make = Cooperative.objects.get(national_id=make_national_id(101))
    make.name = "شرکت تعاونی عناب‌کاران"
    make.save()  # the triggers are back after the bulk write
    assert [c.name for c in cooperative_search(q="عناب")] == ["شرکت تعاونی عناب‌کاران"]
