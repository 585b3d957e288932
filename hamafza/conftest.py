"""Shared fixtures: a small world with one person for each role, and signed-in clients.

Personas (DESIGN.md): public, coop (represents cooperative A, member of union U),
coop2 (represents cooperative B, another county, no union), union (represents U), staff,
board, directorate, admin. Staff roles sign in with a verified second factor.
"""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamafza.accounts.models import Role, RoleAssignment, User
from hamafza.persian.identifiers import national_id_check_digit
from hamafza.registry.models import Cooperative, County, Document, ImportJob, Sector, Union
from hamafza.registry.reference import ensure_reference_data

PERSONAS = ["public", "coop", "coop2", "union", "staff", "board", "directorate", "admin"]
PASSWORD = "correct-horse-battery"  # noqa: S105 (test users only)


def make_national_id(n: int) -> str:
    first10 = f"10{55000000 + n:08d}"
    return first10 + national_id_check_digit(first10)


def make_cooperative(n: int, **fields) -> Cooperative:
    defaults = {
        "name": f"شرکت تعاونی نمونه {n}",
        "national_id": make_national_id(n),
        "registration_number": str(5000 + n),
        "county": County.objects.get(name="مشهد"),
        "sector": Sector.objects.get(name="کشاورزی"),
        "members": 10 + n,
        "employees": n,
        "mobile": "09151234567",
        "postal_code": "9177948974",
        "address": "مشهد، خیابان امام رضا",
        "capital_rial": 1_000_000_000,
    }
    defaults.update(fields)
    coop = Cooperative(**defaults)
    coop.full_clean()
    coop.save()
    return coop


def make_user(username: str, role: str | None, **org) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org"
    )
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save()
    if role:
        RoleAssignment.objects.create(user=user, role=role, **org)
    return user


@pytest.fixture
def world(db):
    # Transactional tests (the browser's live server) flush the database, reference data too.
    ensure_reference_data(County, Sector)
    mashhad = County.objects.get(name="مشهد")
    neyshabur = County.objects.get(name="نیشابور")
    saffron = Sector.objects.get(name="کشاورزی")
    union = Union.objects.create(
        name="اتحادیه شرکت‌های تعاونی زعفران‌کاران استان خراسان رضوی",
        national_id=make_national_id(900),
        registration_number="1001",
        sector=saffron,
    )
    coop_a = make_cooperative(
        1, name="شرکت تعاونی تولیدی زعفران‌کاران تربت حیدریه", union=union, county=mashhad
    )
    coop_b = make_cooperative(2, name="شرکت تعاونی معدنی فیروزه نیشابور", county=neyshabur)
    users = {
        "coop": make_user("coop", Role.COOPERATIVE, cooperative=coop_a),
        "coop2": make_user("coop2", Role.COOPERATIVE, cooperative=coop_b),
        "union": make_user("union", Role.UNION, union=union),
        "staff": make_user("staff", Role.STAFF),
        "board": make_user("board", Role.BOARD),
        "directorate": make_user("directorate", Role.DIRECTORATE),
        "admin": make_user("admin", Role.ADMIN),
    }
    job = ImportJob(created_by=users["staff"], original_name="registry.csv", state="ready")
    job.file.save("registry.csv", ContentFile(SAMPLE_CSV.encode()), save=False)
    job.save()
    document = Document(
        cooperative=coop_a,
        kind="articles",
        title="اساسنامه",
        original_name="asasnameh.pdf",
        content_type="application/pdf",
        size=20,
    )
    document.file.save("doc", ContentFile(b"%PDF-1.4 test file\n"), save=False)
    document.save()
    return SimpleNamespace(
        union=union, coop_a=coop_a, coop_b=coop_b, users=users, job=job, document=document
    )


SAMPLE_CSV = (
    "نام تعاونی,شناسه ملی,شماره ثبت,شهرستان,گروه فعالیت\n"
    f"شرکت تعاونی زرشک‌کاران قائن,{make_national_id(77)},777,مشهد,کشاورزی\n"
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (cached page fragments, import progress)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sign_in(client: Client, user: User) -> Client:
    """Sign in as the user, with a verified second factor when their roles need one."""
    client.force_login(user)
    if user.needs_two_factor:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(world):
    def make(persona: str) -> Client:
        client = Client()
        if persona == "public":
            return client
        return sign_in(client, world.users[persona])

    return make


# Browser fixtures, defined once here so that every app's browser tests share one Chromium
# (a second Playwright instance cannot start inside the first one's event loop).
from hamafza.core.tests.browser import browser, browser_page, open_page  # noqa: E402, F401
