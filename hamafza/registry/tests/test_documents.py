from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hamafza.core.models import AuditEvent
from hamafza.registry.models import Document


def upload(client, coop, name: str, content: bytes, kind: str = "licence"):
    return client.post(
        reverse("registry:document_upload", args=[coop.pk]),
        {"kind": kind, "title": "پروانه بهره‌برداری", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_it_stores_a_document_and_serves_it_to_those_allowed(world, client_for):
    response = upload(client_for("coop"), world.coop_a, "licence.pdf", b"%PDF-1.7 licence")
    assert "سند بارگذاری شد" in response.content.decode()
    document = Document.objects.get(title="پروانه بهره‌برداری")
    assert document.content_type == "application/pdf"
    assert AuditEvent.objects.filter(action="registry.document_add").exists()
    url = reverse("registry:document_download", args=[world.coop_a.pk, document.pk])
    download = client_for("staff").get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7 licence"
    assert download["Content-Disposition"].startswith("attachment")
    assert client_for("coop2").get(url).status_code == 404
    assert client_for("union").get(url).status_code == 404


def test_it_refuses_a_document_through_another_cooperatives_address(world, client_for):
    # coop2 cannot reach coop_a's document by putting its own cooperative in the URL.
    url = reverse("registry:document_download", args=[world.coop_b.pk, world.document.pk])
    assert client_for("coop2").get(url).status_code == 404


def test_it_refuses_forbidden_types_and_sizes(world, client_for, settings):
    client = client_for("coop")
    renamed = upload(client, world.coop_a, "virus.pdf", b"MZ\x90\x00 not a pdf")
    assert "این نوع فایل پذیرفته نیست" in renamed.content.decode()
    script = upload(client, world.coop_a, "page.html", b"<script>alert(1)</script>")
    assert "این نوع فایل پذیرفته نیست" in script.content.decode()
    big = upload(client, world.coop_a, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    assert "۱۰ مگابایت" in big.content.decode()
    assert Document.objects.count() == 1  # only the fixture's


def test_it_lets_only_editors_delete(world, client_for):
    url = reverse("registry:document_delete", args=[world.coop_a.pk, world.document.pk])
    assert client_for("board").post(url).status_code == 403
    assert client_for("coop").post(url).status_code == 302
    assert not Document.objects.filter(pk=world.document.pk).exists()
