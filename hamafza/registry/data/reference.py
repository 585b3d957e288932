"""Reference data present after `migrate` (see DESIGN.md, "Reference data").

Administrators can edit both lists afterwards; the migration only adds what is missing.
"""

PROVINCE = "خراسان رضوی"

# Counties (شهرستان‌ها) of Khorasan Razavi.
COUNTIES = [
    "مشهد",
    "نیشابور",
    "سبزوار",
    "تربت حیدریه",
    "قوچان",
    "کاشمر",
    "تربت جام",
    "تایباد",
    "چناران",
    "سرخس",
    "فریمان",
    "گناباد",
    "درگز",
    "خواف",
    "بردسکن",
    "رشتخوار",
    "کلات",
    "خلیل‌آباد",
    "مه‌ولات",
    "بینالود",
    "زاوه",
    "جغتای",
    "جوین",
    "خوشاب",
    "داورزن",
    "باخرز",
    "بجستان",
    "فیروزه",
    "کوهسرخ",
    "صالح‌آباد",
    "گلبهار",
    "زبرخان",
    "ششتمد",
]

# Sectors (گرایش‌ها) as the ministry's statistics use them, in their usual order.
SECTORS = [
    "کشاورزی",
    "صنعتی",
    "معدنی",
    "فرش دستباف",
    "مسکن",
    "خدماتی",
    "عمرانی",
    "حمل و نقل",
    "اعتبار",
    "تأمین نیاز تولیدکنندگان",
    "تأمین نیاز مصرف‌کنندگان",
]
