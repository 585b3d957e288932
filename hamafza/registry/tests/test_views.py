import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from hamafza.conftest import make_cooperative, make_national_id
from hamafza.core.models import AuditEvent
from hamafza.registry.models import Cooperative, ImportJob, Sector, Union


def test_it_shows_private_fields_only_to_those_allowed(world, client_for):
    url = reverse("registry:cooperative_detail", args=[world.coop_a.pk])
    for persona, sees in [
        ("public", False),
        ("coop", True),  # its own cooperative
        ("coop2", False),  # another cooperative's
        ("union", False),  # non-private data of members only
        ("staff", True),
        ("board", True),
        ("directorate", True),
        ("admin", True),
    ]:
        html = client_for(persona).get(url).content.decode()
        assert ('data-private="mobile"' in html) is sees, persona
        assert world.coop_a.name in html


@pytest.mark.parametrize("page_size", [25, 100])
def test_it_runs_the_same_queries_whatever_the_page_size(world, client_for, page_size):
    for n in range(120):
        make_cooperative(100 + n, union=world.union)
    client = client_for("staff")
    client.get(reverse("registry:cooperative_list"))  # warm caches (session, roles)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("registry:cooperative_list"), {"page_size": 25})
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("registry:cooperative_list"), {"page_size": page_size})
    assert response.status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 13  # 12, and the unread-notifications count of the menu badge


def test_it_filters_and_searches_the_directory(world, client_for):
    client = client_for("public")
    response = client.get(reverse("registry:cooperative_list"), {"q": "فيروزه"})
    assert world.coop_b.name in response.content.decode()
    assert world.coop_a.name not in response.content.decode()
    response = client.get(reverse("registry:cooperative_list"), {"union": world.union.pk})
    assert world.coop_a.name in response.content.decode()
    assert world.coop_b.name not in response.content.decode()


def test_it_answers_htmx_with_the_results_partial_only(world, client_for):
    response = client_for("public").get(
        reverse("registry:cooperative_list"),
        {"q": "زعفران"},
        headers={"HX-Request": "true", "HX-Target": "directory-results"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert world.coop_a.name in html


def test_it_exports_exactly_the_current_filter(world, client_for):
    make_cooperative(50, name='=HYPERLINK("http://evil")')
    response = client_for("staff").get(
        reverse("registry:cooperative_export"), {"county": world.coop_b.county_id}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "نام تعاونی"
    assert [r[1] for r in rows[1:]] == [world.coop_b.national_id]
    everything = client_for("staff").get(reverse("registry:cooperative_export"))
    names = [
        r[0]
        for r in load_workbook(io.BytesIO(everything.content)).active.iter_rows(values_only=True)
    ]
    assert '\'=HYPERLINK("http://evil")' in names  # neutralised, never a formula


def test_it_lets_a_representative_edit_only_contact_fields(world, client_for):
    url = reverse("registry:cooperative_edit", args=[world.coop_a.pk])
    client = client_for("coop")
    form = client.get(url).content.decode()
    assert 'name="national_id"' not in form
    response = client.post(
        url,
        {
            "ceo_name": "رضا یزدانی",
            "mobile": "+98 915 111 2233",
            "members": "۴۲",
            "employees": "3",
            "national_id": make_national_id(999),  # not theirs to change: ignored
        },
    )
    assert response.status_code == 302
    coop = Cooperative.objects.get(pk=world.coop_a.pk)
    assert coop.mobile == "09151112233"
    assert coop.members == 42
    assert coop.national_id == world.coop_a.national_id
    event = AuditEvent.objects.get(action="registry.cooperative_update")
    assert event.actor == world.users["coop"]
    assert event.changes["members"] == [world.coop_a.members, 42]


def test_it_keeps_what_was_typed_and_changes_nothing_on_bad_input(world, client_for):
    url = reverse("registry:cooperative_edit", args=[world.coop_a.pk])
    response = client_for("coop").post(
        url, {"ceo_name": "نام تازه", "mobile": "12345", "members": "ده", "employees": "1"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "نام تازه" in html  # nothing typed is lost
    assert "تلفن همراه" in html
    assert Cooperative.objects.get(pk=world.coop_a.pk).ceo_name == world.coop_a.ceo_name
    assert not AuditEvent.objects.filter(action="registry.cooperative_update").exists()


def test_it_refuses_another_cooperatives_edit(world, client_for):
    url = reverse("registry:cooperative_edit", args=[world.coop_a.pk])
    assert client_for("coop2").post(url, {"ceo_name": "x"}).status_code == 403
    assert Cooperative.objects.get(pk=world.coop_a.pk).ceo_name == world.coop_a.ceo_name


def test_it_lets_a_union_representative_edit_their_unions_contact_fields(world, client_for):
    url = reverse("registry:union_edit", args=[world.union.pk])
    client = client_for("union")
    page = client.get(reverse("registry:union_detail", args=[world.union.pk])).content.decode()
    assert url in page  # the «ویرایش» button
    form = client.get(url).content.decode()
    assert 'name="ceo_name"' in form
    assert 'name="national_id"' not in form and 'name="name"' not in form
    response = client.post(
        url,
        {
            "ceo_name": "مریم رضایی",
            "mobile": "۰۹۱۵ ۴۴۴ ۵۵۶۶",
            "website": "union.example.ir",
            "name": "نامی دیگر",  # not theirs to change: ignored
            "national_id": make_national_id(998),
        },
    )
    assert response["Location"] == reverse("registry:union_detail", args=[world.union.pk])
    union = Union.objects.get(pk=world.union.pk)
    assert union.ceo_name == "مریم رضایی"
    assert union.mobile == "09154445566"
    assert union.website == "https://union.example.ir"
    assert union.name == world.union.name
    assert union.national_id == world.union.national_id
    event = AuditEvent.objects.get(action="registry.union_update")
    assert event.actor == world.users["union"]
    assert event.changes["mobile"] == ["", "09154445566"]
    assert "name" not in event.changes
    assert "تغییرات ذخیره شد" in client.get(response["Location"]).content.decode()


def test_it_refuses_another_unions_edit(world, client_for):
    other = Union.objects.create(
        name="اتحادیه شرکت‌های تعاونی مرغداران",
        national_id=make_national_id(901),
        registration_number="1002",
        sector=Sector.objects.get(name="کشاورزی"),
    )
    url = reverse("registry:union_edit", args=[other.pk])
    client = client_for("union")
    assert client.get(url).status_code == 403
    assert client.post(url, {"ceo_name": "x"}).status_code == 403
    assert Union.objects.get(pk=other.pk).ceo_name == ""
    page = client.get(reverse("registry:union_detail", args=[other.pk])).content.decode()
    assert url not in page


def test_it_refuses_a_union_edit_to_a_cooperative_representative(world, client_for):
    url = reverse("registry:union_edit", args=[world.union.pk])
    client = client_for("coop")  # its cooperative is a member of the union: still not theirs
    assert client.post(url, {"ceo_name": "x"}).status_code == 403
    assert Union.objects.get(pk=world.union.pk).ceo_name == ""
    page = client.get(reverse("registry:union_detail", args=[world.union.pk])).content.decode()
    assert url not in page
    assert client_for("public").get(url)["Location"].startswith(reverse("accounts:login"))


def test_it_lets_staff_edit_a_unions_identifiers(world, client_for):
    url = reverse("registry:union_edit", args=[world.union.pk])
    client = client_for("staff")
    form = client.get(url).content.decode()
    assert 'name="national_id"' in form
    assert "Select an option" not in form  # Django's empty choice, untranslated
    new_id = make_national_id(902)
    response = client.post(
        url,
        {
            "name": "اتحادیه تعاونی‌های زعفران خراسان رضوی",
            "national_id": new_id.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")),
            "registration_number": "2002",
            "sector": world.union.sector_id,
            "status": world.union.status,
            "registered_on": "۱۴۰۲/۰۳/۱۵",
        },
    )
    assert response.status_code == 302
    union = Union.objects.get(pk=world.union.pk)
    assert union.national_id == new_id
    assert union.registration_number == "2002"
    assert union.name == "اتحادیه تعاونی‌های زعفران خراسان رضوی"
    assert str(union.registered_on) == "2023-06-05"
    event = AuditEvent.objects.get(action="registry.union_update")
    assert event.actor == world.users["staff"]
    assert event.changes["national_id"] == [world.union.national_id, new_id]


def test_it_keeps_what_was_typed_and_changes_nothing_on_a_bad_union_edit(world, client_for):
    url = reverse("registry:union_edit", args=[world.union.pk])
    response = client_for("union").post(url, {"ceo_name": "نام تازه", "mobile": "12345"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "نام تازه" in html  # nothing typed is lost
    assert "فرم ذخیره نشد" in html
    assert "شماره تلفن همراه معتبر نیست" in html
    good = make_national_id(903)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)  # wrong check digit
    response = client_for("staff").post(
        url,
        {
            "name": world.union.name,
            "national_id": bad,
            "registration_number": "1001",
            "sector": world.union.sector_id,
            "status": world.union.status,
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert bad in html
    assert "شناسه ملی معتبر نیست" in html
    union = Union.objects.get(pk=world.union.pk)
    assert union.ceo_name == "" and union.national_id == world.union.national_id
    assert not AuditEvent.objects.filter(action="registry.union_update").exists()


def test_it_imports_through_the_browser_with_preview_then_confirmation(world, client_for):
    client = client_for("staff")
    header = "نام تعاونی,شناسه ملی,شماره ثبت,شهرستان,گروه فعالیت,تعداد اعضا\n"
    body = (
        header
        + f"{world.coop_b.name},{world.coop_b.national_id},{world.coop_b.registration_number},نیشابور,کشاورزی,99\n"
        + f"شرکت تعاونی عناب‌کاران بیرجند,{make_national_id(300)},300,مشهد,کشاورزی,12\n"
    )
    upload = SimpleUploadedFile("list.csv", body.encode(), content_type="text/csv")
    response = client.post(reverse("registry:import"), {"file": upload})
    job = ImportJob.objects.latest("created_at")
    assert response["Location"] == reverse("registry:import_detail", args=[job.pk])
    assert job.state == "ready"
    assert job.summary["new"] == 1 and job.summary["updated"] == 1
    page = client.get(response["Location"]).content.decode()
    assert "عناب‌کاران" in page and "تأیید و ورود" in page
    assert not Cooperative.objects.filter(national_id=make_national_id(300)).exists()
    client.post(reverse("registry:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "done"
    assert Cooperative.objects.get(pk=world.coop_b.pk).members == 99
    assert Cooperative.objects.filter(national_id=make_national_id(300)).exists()


def test_it_shows_every_problem_of_a_rejected_upload(world, client_for):
    client = client_for("staff")
    body = "نام تعاونی,شناسه ملی,شماره ثبت,شهرستان,گروه فعالیت\nالف,123,1,مشهد,کشاورزی\nب,,2,کرج,کشاورزی\n"
    client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("bad.csv", body.encode(), content_type="text/csv")},
    )
    job = ImportJob.objects.latest("created_at")
    assert job.state == "rejected"
    page = client.get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    assert "هیچ تغییری داده نشد" in page
    assert {(p["row"], p["column"]) for p in job.problems} == {
        (2, "شناسه ملی"),
        (3, "شناسه ملی"),
        (3, "شهرستان"),
    }
    report = client.get(reverse("registry:import_report", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4
    assert client.post(reverse("registry:import_confirm", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == "rejected"


def test_it_refuses_a_non_spreadsheet_upload_with_a_clear_message(world, client_for):
    client = client_for("staff")
    client.post(
        reverse("registry:import"),
        {
            "file": SimpleUploadedFile(
                "x.xlsx", b"%PDF-1.4\x00\x01\x02", content_type="application/pdf"
            )
        },
    )
    job = ImportJob.objects.latest("created_at")
    assert job.state == "rejected"
    assert "صفحه‌گسترده نیست" in job.problems[0]["reason"]


def test_union_page_shows_members_and_totals(world, client_for):
    html = (
        client_for("public")
        .get(reverse("registry:union_detail", args=[world.union.pk]))
        .content.decode()
    )
    assert world.coop_a.name in html
    assert world.coop_b.name not in html
