"""Cases shared by the tests of this part and its permission-matrix rows.

`case_world(world)` adds to the conftest `world`:
- case_a: cooperative A's case (filed by `coop`), triaged by staff and referred to the
  directorate, with a public message and file and an internal note and file;
- case_b: cooperative B's case (filed by `coop2`), new;
- case_union: filed by the union's representative for cooperative A.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from hamafza.cases import services
from hamafza.cases.defaults import ensure_categories
from hamafza.cases.models import Category
from hamafza.followup.models import Organisation

PDF = b"%PDF-1.4\n% hamafza test\n"


def pdf(name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def category(name: str = "بیمه") -> Category:
    ensure_categories(Category)
    return Category.objects.get(name=name)


def directorate() -> Organisation:
    body, _ = Organisation.objects.get_or_create(
        name="اداره کل تعاون، کار و رفاه اجتماعی خراسان رضوی",
        defaults={"kind": Organisation.Kind.DIRECTORATE},
    )
    return body


def file_case(world, persona: str = "coop", cooperative=None, **kwargs):
    fields = {
        "category": category(),
        "title": "تأخیر در پرداخت خسارت بیمه محصول",
        "description": "خسارت سرمازدگی باغ‌های اعضا پس از شش ماه هنوز پرداخت نشده است.",
    }
    fields.update(kwargs)
    return services.case_file(
        actor=world.users[persona], cooperative=cooperative or world.coop_a, **fields
    )


def case_world(world):
    if getattr(world, "case_a", None) is not None:
        return world
    staff = world.users["staff"]
    case_a = file_case(world, attachments=[pdf("bimeh.pdf")])
    services.case_triage(actor=staff, case=case_a)
    services.case_refer(
        actor=staff,
        case=case_a,
        organisation=directorate(),
        letter_text="خواهشمند است دستور فرمایید پرونده خسارت این تعاونی بررسی شود.",
    )
    services.message_add(
        actor=staff, case=case_a, text="نامه به اداره کل فرستاده شد.", attachments=[pdf("name.pdf")]
    )
    note = services.message_add(
        actor=staff,
        case=case_a,
        text="یادداشت داخلی: مدیرعامل پیش‌تر هم شکایت کرده بود.",
        internal=True,
        attachments=[pdf("internal.pdf")],
    )
    case_b = file_case(
        world,
        persona="coop2",
        cooperative=world.coop_b,
        category=category("مواد اولیه و نهاده‌ها"),
        title="کمبود مواد منفجره مجاز برای معدن",
        description="سهمیه فصل گذشته تحویل نشده است.",
        attachments=[pdf("sahmieh.pdf")],
    )
    case_union = file_case(
        world,
        persona="union",
        title="نیاز به آموزش بسته‌بندی زعفران",
        category=category("آموزش و مشاوره"),
    )
    world.case_a = case_a
    world.case_b = case_b
    world.case_union = case_union
    world.case_note = note
    world.case_public_file = case_a.attachments.filter(internal=False, message__isnull=True).get()
    world.case_internal_file = note.attachments.get()
    world.case_b_file = case_b.attachments.get()
    world.case_referral = case_a.referrals.get()
    return world
