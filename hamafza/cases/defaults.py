"""The categories a fresh installation starts with (administrators edit them in the admin),
with their service-level targets: hours to a first response, days to an outcome."""

CATEGORIES: list[tuple[str, int, int]] = [
    ("تسهیلات و تأمین مالی", 48, 45),
    ("بیمه", 48, 30),
    ("مالیات", 48, 45),
    ("مجوز و پروانه", 48, 30),
    ("زمین و ساختمان", 72, 60),
    ("مواد اولیه و نهاده‌ها", 24, 20),
    ("بازار و فروش", 48, 30),
    ("اختلاف و دعاوی", 72, 60),
    ("آموزش و مشاوره", 72, 30),
    ("سایر", 72, 30),
]


def ensure_categories(Category) -> None:
    """Create the default categories that are missing (by name); never changes edited ones."""
    existing = set(Category.objects.values_list("name", flat=True))
    Category.objects.bulk_create(
        Category(name=name, first_response_hours=hours, resolution_days=days, order=i)
        for i, (name, hours, days) in enumerate(CATEGORIES, start=1)
        if name not in existing
    )
