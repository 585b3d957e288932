"""A small starting library of the laws and guidelines the chamber cites (present after
`migrate`; administrators add and correct entries afterwards in the admin).

Honesty rules for this list: titles, article numbers and dates only where they are certain;
every article text here is a short *summary of its subject* written for this library, never
the official wording (the library page says so and points to the official text). Where the
subject is certain but the article number is not, the number is left empty and the entry
reads as a subject.

Dates are Jalali (year, month, day); the loader converts them.
"""

from __future__ import annotations

import jdatetime

from hamafza.persian.text import search_key

LAW, REGULATION, GUIDELINE = "law", "regulation", "guideline"

LIBRARY: list[dict] = [
    {
        "kind": LAW,
        "title": "قانون بخش تعاونی اقتصاد جمهوری اسلامی ایران",
        "number": "",
        "issued_on": (1370, 6, 13),
        "issuer": "مجلس شورای اسلامی",
        "articles": [
            (
                "۱",
                "اهداف بخش تعاونی؛ از جمله فراهم کردن شرایط و امکانات کار برای همه تا اشتغال "
                "کامل، سپردن وسایل کار به کسانی که توان کار دارند ولی وسیله آن را ندارند، "
                "پیشگیری از تمرکز ثروت در دست افراد و گروه‌های خاص، و گسترش مشارکت و تعاون "
                "عمومی.",
            ),
            ("۲", "شرکت‌هایی که با رعایت این قانون تشکیل و ثبت شوند، تعاونی شناخته می‌شوند."),
            (
                "۳",
                "دولت با بخش تعاونی همکاری می‌کند و امکانات و تسهیلات لازم را در اختیار آن "
                "می‌گذارد، به گونه‌ای که به اداره یا دخالت در اداره تعاونی‌ها نینجامد.",
            ),
            (
                "۴",
                "دولت و دستگاه‌های وابسته به آن در اجرای طرح‌های خود، در شرایط برابر، بخش "
                "تعاونی را مقدم می‌دارند.",
            ),
            ("۵", "آنچه اساسنامه هر تعاونی باید در بر داشته باشد (نام، موضوع، سرمایه، ارکان و …)."),
            (
                "۳۳",
                "از مواد فصل ارکان تعاونی؛ «آیین‌نامه نحوه تشکیل مجامع عمومی» بر پایه تبصره ۳ "
                "این ماده تصویب شده است.",
            ),
            (
                "۴۳",
                "اتحادیه‌های تعاونی با عضویت تعاونی‌هایی که موضوع فعالیت واحد دارند تشکیل "
                "می‌شوند، برای مقاصدی چون آموزش و پژوهش، سامان‌دهی و هماهنگی تعاونی‌های عضو، "
                "خدمات اداری، مالی و حسابرسی، تأمین نیازهای مشترک و بازاریابی، و خدمات فنی و "
                "حقوقی به اعضا.",
            ),
            (
                "",
                "حداقل شمار اعضا: اتحادیه تعاونی در سطح شهرستان یا استان و با دست‌کم هفت عضو "
                "تشکیل می‌شود؛ تعاونی نیز با کمتر از هفت عضو تشکیل نمی‌شود.",
            ),
            (
                "۵۶",
                "تعاونی پیش از انحلال باید به تعهدات خود در برابر سرمایه، اموال و امتیازهایی که "
                "از منابع عمومی و دولتی، بانک‌ها و شهرداری گرفته است عمل کند.",
            ),
            (
                "۵۷",
                "آغاز فصل «اتاق تعاون»: تشکیل اتاق تعاون از سوی تعاونی‌ها و اتحادیه‌های تعاونی، "
                "در مرکز و در استان‌ها، به عنوان تشکل فراگیر بخش تعاونی.",
            ),
            (
                "۷۶",
                "(الحاقی ۱۳۹۳) تعاونی‌ها باید ظرف سه ماه پس از لازم‌الاجرا شدن اصلاحیه، "
                "اساسنامه خود را با قانون تطبیق دهند و تغییر آن را ثبت کنند؛ وگرنه تعاونی "
                "شناخته نمی‌شوند و از مزایای آن بهره نمی‌برند.",
            ),
        ],
    },
    {
        "kind": LAW,
        "title": "قانون اصلاح موادی از قانون بخش تعاونی اقتصاد جمهوری اسلامی ایران",
        "number": "",
        "issued_on": (1393, 2, 17),
        "issuer": "مجلس شورای اسلامی",
        "articles": [
            (
                "",
                "موادی از قانون بخش تعاونی (۱۳۷۰) را اصلاح و موادی به آن الحاق کرده است؛ مواد "
                "اصلاح‌شده در «قانون بخش تعاونی اقتصاد جمهوری اسلامی ایران» همین کتابخانه آمده‌اند.",
            ),
        ],
    },
    {
        "kind": LAW,
        "title": "قانون شرکت‌های تعاونی",
        "number": "",
        "issued_on": (1350, 3, 16),
        "issuer": "مجلس شورای ملی",
        "articles": [
            (
                "۱",
                "تعریف اصطلاحات قانون، از جمله عضو، سهم، درآمد ویژه، سود سهم و مازاد برگشتی.",
            ),
            (
                "",
                "تعریف شرکت تعاونی (اصلاحی ۱۳۵۲): شرکتی از اشخاص حقیقی یا حقوقی برای رفع "
                "نیازمندی‌های مشترک و بهبود وضع اقتصادی و اجتماعی اعضا از راه خودیاری، کمک "
                "متقابل و همکاری.",
            ),
            (
                "۱۳۴",
                "اتحادیه مرکزی هر رشته تعاونی نماینده آن رشته است: تعاونی‌های کشاورزی و "
                "روستایی، مصرف، و کار و پیشه.",
            ),
            (
                "۱۳۵",
                "تشکیلات تعاونی کشور، در هر منطقه (شرکت‌ها و اتحادیه‌های تعاونی و …) و در مرکز.",
            ),
        ],
    },
    {
        "kind": REGULATION,
        "title": "آیین‌نامه اجرایی قانون بخش تعاونی اقتصاد جمهوری اسلامی ایران",
        "number": "",
        "issued_on": (1371, 5, 14),
        "issuer": "هیئت وزیران",
        "articles": [
            (
                "۱",
                "تعریف اصطلاحات آیین‌نامه؛ «قانون» یعنی قانون بخش تعاونی (۱۳۷۰) با اصلاحات بعدی "
                "و «قانون شرکت‌های تعاونی» یعنی قانون مصوب ۱۳۵۰ با اصلاحات بعدی.",
            ),
        ],
    },
    {
        "kind": REGULATION,
        "title": "آیین‌نامه نحوه تشکیل مجامع عمومی (موضوع تبصره ۳ ماده ۳۳ قانون بخش تعاونی)",
        "number": "",
        "issued_on": (1387, 3, 9),
        "issuer": "",
        "articles": [],
    },
    {
        "kind": GUIDELINE,
        "title": "دستورالعمل تشکیل شرکت‌ها و اتحادیه‌های تعاونی (۱۳۷۱)",
        "number": "",
        "issued_on": None,
        "issuer": "وزارت تعاون",
        "articles": [
            (
                "",
                "مجمع مؤسس (بر پایه ماده ۳۱ قانون بخش تعاونی): دست‌کم هفت نفر واجد شرایط عضویت "
                "که از میان خود سه نفر را برای پیگیری کارهای تأسیس برمی‌گزینند.",
            ),
            (
                "",
                "تشکیل اتحادیه: تعاونی‌های دارای موضوع فعالیت واحد در شهرستان یا استان، با "
                "دست‌کم هفت عضو، اتحادیه تشکیل می‌دهند.",
            ),
        ],
    },
    {
        "kind": GUIDELINE,
        "title": "دستورالعمل نحوه نظارت بر انتخابات تعاونی‌ها و اتاق‌های تعاون",
        "number": "",
        "issued_on": (1378, 9, 21),
        "issuer": "وزارت تعاون",
        "articles": [],
    },
    {
        "kind": GUIDELINE,
        "title": "دستورالعمل نحوه تعیین آراء در مجمع نمایندگان اتاق‌های تعاون",
        "number": "",
        "issued_on": (1387, 4, 12),
        "issuer": "وزارت تعاون",
        "articles": [],
    },
]

# The entries above are summaries, not official texts; the library page says so.
SUMMARISED_TITLES = frozenset(entry["title"] for entry in LIBRARY)


def is_summary(document) -> bool:
    return document.title in SUMMARISED_TITLES


def ensure_library(document_model, article_model) -> int:
    """Add the documents that are missing (by title) with their articles; never changes
    existing rows. Works with historical models, so search keys are built here exactly as
    LegalDocument.save() and Article.save() build them. Returns how many were added."""
    added = 0
    for entry in LIBRARY:
        if document_model.objects.filter(title=entry["title"]).exists():
            continue
        issued = entry["issued_on"]
        document = document_model.objects.create(
            kind=entry["kind"],
            title=entry["title"],
            number=entry["number"],
            issued_on=jdatetime.date(*issued).togregorian() if issued else None,
            issuer=entry["issuer"],
            search_key=search_key(entry["title"], entry["number"], entry["issuer"]),
        )
        for number, text in entry["articles"]:
            article_model.objects.create(
                document=document, number=number, text=text, search_key=search_key(number, text)
            )
        added += 1
    return added
