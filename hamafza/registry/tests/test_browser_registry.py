"""The registry issue's story, walked end to end as chamber staff would.

In the browser: upload a messy spreadsheet, read the rejection report, fix the named rows,
preview and confirm, re-import to see nothing change, find a cooperative by any spelling
and export exactly the filtered directory. Then the same on the command line.
Screenshots go to artifacts/screenshots/registry-walk-NN-<step>.png.
"""

import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from hamafza.conftest import make_national_id
from hamafza.core.tests.browser import PageWatch, click_nav, login, screenshot
from hamafza.persian.text import to_persian_digits
from hamafza.registry.importer import COLUMNS
from hamafza.registry.models import Cooperative

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# A messy header: a different order than the import's, English aliases mixed in, stray spaces.
HEADER = [
    ("national_id", " شناسه ملی "),
    ("name", "name"),
    ("county", "شهرستان"),
    ("sector", "sector"),
    ("registration_number", "شماره ثبت"),
    ("status", "وضعیت"),
    ("registered_on", "registered_on"),
    ("members", "تعداد اعضا"),
    ("employees", "employees"),
    ("capital_rial", "سرمایه (ریال)"),
    ("ceo_name", "مدیرعامل"),
    ("mobile", "mobile"),
]

# Written as official documents still are: Arabic yeh and kaf.
SAFFRON_QAEN = "شركت تعاوني زعفران‌كاران قاين"
BAD_CHECK_DIGIT = make_national_id(203)[:-1] + str((int(make_national_id(203)[-1]) + 1) % 10)


def messy_rows(coop_b) -> list[dict | None]:
    """Spreadsheet rows 2 onwards (None: a blank row); rows 6 to 11 are each wrong once."""
    return [
        {  # row 2: new, Arabic letters, Persian and Arabic-Indic digits, Jalali date
            "national_id": to_persian_digits(make_national_id(201)),
            "name": SAFFRON_QAEN,
            "county": "تربت حيدريه",
            "sector": "كشاورزي",
            "registration_number": "۷۲۰۱",
            "status": " فعال ",
            "registered_on": "۱۴۰۰/۰۵/۱۲",
            "members": "۱٬۲۰۰",
            "employees": "35".translate(ARABIC_INDIC),
            "capital_rial": "2,500,000,000".translate(ARABIC_INDIC).replace(",", "٬"),
            "ceo_name": "علي رضايي",
            "mobile": "۰۹۱۵۱۲۳۴۵۶۷",
        },
        {  # row 3: new, Latin digits, numeric cells, a dashed date
            "national_id": make_national_id(202),
            "name": "شرکت تعاونی فرش دستباف گلبافان کاشمر",
            "county": "کاشمر",
            "sector": "فرش دستباف",
            "registration_number": 7202,
            "status": "غیرفعال",
            "registered_on": "1399-3-7",
            "members": 45,
            "employees": 12,
        },
        {  # row 4: an existing cooperative of the world, its member count changed
            "national_id": coop_b.national_id,
            "name": coop_b.name,
            "county": "نيشابور",
            "sector": "كشاورزی",
            "registration_number": coop_b.registration_number,
            "members": to_persian_digits(str(coop_b.members + 28)),
        },
        None,  # row 5: blank, as real files have
        {  # row 6: national ID with a wrong check digit
            "national_id": BAD_CHECK_DIGIT,
            "name": "شرکت تعاونی مرغداران سبزوار",
            "county": "سبزوار",
            "sector": "کشاورزی",
            "registration_number": "7203",
            "members": 30,
        },
        {  # row 7: a county outside the province
            "national_id": make_national_id(204),
            "name": "شرکت تعاونی صنایع غذایی توس",
            "county": "تهران",
            "sector": "صنعتی",
            "registration_number": "7204",
        },
        {  # row 8: an unknown status
            "national_id": make_national_id(205),
            "name": "شرکت تعاونی مسکن فرهنگیان قوچان",
            "county": "قوچان",
            "sector": "مسکن",
            "registration_number": "7205",
            "status": "نامعلوم",
        },
        {  # row 9: a thirteenth month
            "national_id": make_national_id(206),
            "name": "شرکت تعاونی حمل و نقل جاده ابریشم سرخس",
            "county": "سرخس",
            "sector": "حمل و نقل",
            "registration_number": "7206",
            "registered_on": "1400/13/01",
        },
        {  # row 10: the national ID of row 2 again (there in Persian digits)
            "national_id": make_national_id(201),
            "name": "شرکت تعاونی زرشک‌کاران تربت حیدریه",
            "county": "تربت حیدریه",
            "sector": "کشاورزی",
            "registration_number": "7208",
        },
        {  # row 11: the registration number missing
            "national_id": make_national_id(207),
            "name": "شرکت تعاونی معدنی فیروزه‌کاوان",
            "county": "فیروزه",
            "sector": "معدنی",
            "registration_number": "",
        },
    ]


# (row as the spreadsheet shows it, column) of each problem, and the fix the report asks for.
PROBLEMS = {
    (6, "شناسه ملی"): {"national_id": make_national_id(203)},
    (7, "شهرستان"): {"county": "تربت حیدریه"},
    (8, "وضعیت"): {"status": "در حال تصفیه"},
    (9, "تاریخ ثبت"): {"registered_on": "1400/12/01"},
    (10, "شناسه ملی"): {"national_id": make_national_id(208)},
    (11, "شماره ثبت"): {"registration_number": "۷۲۰۷"},
}
NEW_IDS = {make_national_id(n) for n in (201, 202, 203, 204, 205, 206, 207, 208)}
DATA_ROWS = 9  # rows with content in the file


def fixed_rows(coop_b) -> list[dict | None]:
    rows = messy_rows(coop_b)
    for (rownum, _column), fix in PROBLEMS.items():
        rows[rownum - 2] = rows[rownum - 2] | fix
    return rows


def write_xlsx(path: Path, rows: list[dict | None]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.sheet_view.rightToLeft = True
    sheet.append([title for _field, title in HEADER])
    for row in rows:
        sheet.append([(row or {}).get(field) for field, _title in HEADER] if row else [])
    workbook.save(path)
    return path


def upload(page, path: Path) -> None:
    page.locator("[data-testid=import-form] input[name=file]").set_input_files(str(path))
    page.locator("[data-testid=import-form] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/registry/import/\d+/$"))
    page.wait_for_load_state("load")


def problem_cells(page) -> list[tuple[str, str]]:
    """(row, column) as the problems table shows them."""
    cells = page.locator("[data-testid=import-problems] tbody tr").evaluate_all(
        "rows => rows.map(r => [r.cells[0].innerText.trim(), r.cells[1].innerText.trim()])"
    )
    return [tuple(pair) for pair in cells]


def search(page, text: str) -> None:
    """Clear the directory's search box, type like a person, wait for that query's answer."""
    box = page.locator("#f-q")
    box.fill("")

    def answers(response) -> bool:
        url = urlsplit(response.url)
        return url.path == "/registry/cooperatives/" and parse_qs(url.query).get("q") == [text]

    with page.expect_response(answers):
        box.press_sequentially(text, delay=15)


def choose(page, select: str, label: str, param: str) -> None:
    def answers(response) -> bool:
        url = urlsplit(response.url)
        return url.path == "/registry/cooperatives/" and param in parse_qs(url.query)

    with page.expect_response(answers):
        page.select_option(select, label=label)


@pytest.mark.browser
def test_staff_import_fix_reimport_search_and_export(world, live_server, browser_page, tmp_path):
    page = browser_page
    watch = PageWatch.attach(page)
    shots = iter(range(1, 100))

    def shot(step: str) -> None:
        screenshot(page, f"registry-walk-{next(shots):02d}-{step}")

    before = Cooperative.objects.count()
    members_before = world.coop_b.members
    messy = write_xlsx(tmp_path / "تعاونی‌ها-خام.xlsx", messy_rows(world.coop_b))
    fixed = write_xlsx(tmp_path / "تعاونی‌ها-اصلاح‌شده.xlsx", fixed_rows(world.coop_b))

    with override_settings(REQUIRE_2FA=False):
        login(page, live_server, "staff")

        # 1. The import page, reached from the main navigation; the messy file goes up.
        click_nav(page, "import")
        page.wait_for_url(live_server.url + "/registry/import/")
        expect(page.locator("[data-testid=import-form]")).to_be_visible()
        shot("import-form")
        upload(page, messy)
        state = page.locator("[data-testid=job-state]")
        expect(state).to_have_attribute("data-state", "rejected")

        # 2. The report names every bad row, as the spreadsheet numbers it, and its column.
        expect(page.locator("[data-testid=import-rejected]")).to_be_visible()
        shot("rejected-report")
        expected = sorted((to_persian_digits(str(r)), c) for r, c in PROBLEMS)
        assert sorted(problem_cells(page)) == expected
        assert Cooperative.objects.count() == before, "a rejected file imports nothing"
        world.coop_b.refresh_from_db()
        assert world.coop_b.members == members_before

        # 3. The named rows fixed, the file goes up again: preview, confirm, done.
        page.goto(live_server.url + "/registry/import/")
        upload(page, fixed)
        expect(state).to_have_attribute("data-state", "ready")
        expect(page.locator("[data-testid=count-new]")).to_have_text(to_persian_digits("8"))
        expect(page.locator("[data-testid=count-updated]")).to_have_text(to_persian_digits("1"))
        expect(page.locator("[data-testid=import-problems]")).to_have_count(0)
        shot("preview")
        page.locator("[data-testid=import-confirm]").click()
        page.wait_for_load_state("load")
        expect(page.locator("[data-testid=import-done]")).to_be_visible()
        expect(state).to_have_attribute("data-state", "done")
        shot("done")
        assert Cooperative.objects.count() == before + len(NEW_IDS)
        assert (
            set(
                Cooperative.objects.filter(national_id__in=NEW_IDS).values_list(
                    "national_id", flat=True
                )
            )
            == NEW_IDS
        )
        saffron = Cooperative.objects.get(national_id=make_national_id(201))
        assert saffron.name == SAFFRON_QAEN, "the name is kept as written"
        assert (saffron.members, saffron.employees, saffron.capital_rial) == (
            1200,
            35,
            2_500_000_000,
        )
        assert saffron.registered_on.isoformat() == "2021-08-03"  # 1400/05/12
        world.coop_b.refresh_from_db()
        assert world.coop_b.members == members_before + 28

        # 4. The same file once more: nothing would change.
        page.goto(live_server.url + "/registry/import/")
        upload(page, fixed)
        expect(state).to_have_attribute("data-state", "ready")
        expect(page.locator("[data-testid=count-unchanged]")).to_have_text(
            to_persian_digits(str(DATA_ROWS))
        )
        expect(page.locator("[data-testid=count-new]")).to_have_text("۰")
        expect(page.locator("[data-testid=count-updated]")).to_have_text("۰")
        shot("reimport-unchanged")

        # 5. The directory finds the Arabic-lettered cooperative however it is typed.
        page.goto(live_server.url + "/registry/cooperatives/")
        count = page.locator("[data-testid=result-count]")
        rows = page.locator("[data-testid=directory-table] tbody tr")
        for step, query in [
            ("search-persian-letters", "شرکت تعاونی زعفران‌کاران قاین"),
            ("search-glued", "زعفرانکاران قاین"),
            ("search-space", "زعفران کاران قاین"),
            ("search-national-id", to_persian_digits(make_national_id(201))),
        ]:
            search(page, query)
            expect(count).to_have_text("۱ تعاونی")
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text(SAFFRON_QAEN)
            expect(rows.first).to_contain_text(to_persian_digits(make_national_id(201)))
            shot(step)

        # 6. Filter by county and sector; the export holds exactly those rows.
        page.goto(live_server.url + "/registry/cooperatives/")
        choose(page, "#f-county", "تربت حیدریه", "county")
        choose(page, "#f-sector", "کشاورزی", "sector")
        wanted = set(
            Cooperative.objects.filter(
                county__name="تربت حیدریه", sector__name="کشاورزی"
            ).values_list("national_id", flat=True)
        )
        assert len(wanted) == 2  # rows 2 and 10 of the file
        expect(count).to_have_text(to_persian_digits(f"{len(wanted)} تعاونی"))
        expect(rows).to_have_count(len(wanted))
        shot("filtered")
        with page.expect_download() as download:
            page.locator("[data-testid=export]").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        sheet = load_workbook(saved, read_only=True).active
        exported = list(sheet.iter_rows(values_only=True))
        assert list(exported[0]) == [c.persian for c in COLUMNS]
        assert sorted(str(row[1]) for row in exported[1:]) == sorted(wanted)

    assert watch.problems() == []


def test_command_line_import_fix_reimport_and_export(world, tmp_path):
    before = Cooperative.objects.count()
    members_before = world.coop_b.members
    messy = write_xlsx(tmp_path / "messy.xlsx", messy_rows(world.coop_b))
    fixed = write_xlsx(tmp_path / "fixed.xlsx", fixed_rows(world.coop_b))

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_registry", str(messy), stdout=out, stderr=err)
    assert exit_info.value.code == 1
    for rownum, column in PROBLEMS:
        assert f"row {rownum}, column {column}," in err.getvalue(), err.getvalue()
    assert err.getvalue().count("row ") == len(PROBLEMS)
    assert "nothing was changed" in err.getvalue()
    assert Cooperative.objects.count() == before
    world.coop_b.refresh_from_db()
    assert world.coop_b.members == members_before

    out = io.StringIO()
    call_command("import_registry", str(fixed), stdout=out, stderr=io.StringIO())
    assert f"{DATA_ROWS} rows: 8 new, 1 updated, 0 unchanged" in out.getvalue()
    assert Cooperative.objects.count() == before + len(NEW_IDS)
    world.coop_b.refresh_from_db()
    assert world.coop_b.members == members_before + 28

    out = io.StringIO()
    call_command("import_registry", str(fixed), stdout=out, stderr=io.StringIO())
    assert f"{DATA_ROWS} rows: 0 new, 0 updated, {DATA_ROWS} unchanged" in out.getvalue()

    target = tmp_path / "out.xlsx"
    call_command("export_registry", str(target), stdout=io.StringIO())
    exported = list(load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    assert list(exported[0]) == [c.persian for c in COLUMNS]
    assert sorted(str(row[1]) for row in exported[1:]) == sorted(
        Cooperative.objects.values_list("national_id", flat=True)
    )
