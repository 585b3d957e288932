"""A believable, deterministic demo province (Khorasan Razavi) for `hamafza demo_data`.

Everything is derived from one random.Random(seed), so the same seed gives the same data.
Rows are written with bulk_create in batches so that 100,000 cooperatives stay practical;
search keys are computed here as the model's save() would.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction

from hamafza.accounts.models import Role, RoleAssignment, User
from hamafza.persian.identifiers import national_code_check_digit, national_id_check_digit
from hamafza.persian.text import to_persian_digits
from hamafza.registry.models import (
    BoardMembership,
    BoardRole,
    Cooperative,
    County,
    Person,
    Sector,
    Status,
    Union,
    default_term_end,
)

DEMO_PASSWORD = "hamafza-demo"  # noqa: S105 (documented demo password, demo mode only)
BATCH = 2000

# Subjects per sector: (kind of cooperative, what it does); the names real cooperatives carry.
SUBJECTS: dict[str, list[tuple[str, str]]] = {
    "کشاورزی": [
        ("تولیدی", "زعفران‌کاران"),
        ("کشاورزی", "زرشک‌کاران"),
        ("کشاورزی", "پسته‌کاران"),
        ("تولیدی", "گلخانه‌داران"),
        ("کشاورزی", "باغداران"),
        ("تولیدی", "دامداران"),
        ("تولیدی", "مرغداران"),
        ("تولیدی", "زنبورداران"),
        ("تولیدی", "پرورش‌دهندگان ماهی"),
        ("کشاورزی", "عناب‌کاران"),
        ("کشاورزی", "گیاهان دارویی"),
        ("کشاورزی", "چغندرکاران"),
    ],
    "صنعتی": [
        ("تولیدی", "فرآورده‌های لبنی"),
        ("تولیدی", "بسته‌بندی زعفران"),
        ("تولیدی", "صنایع غذایی"),
        ("تولیدی", "پوشاک"),
        ("تولیدی", "صنایع چوب"),
        ("تولیدی", "قطعات خودرو"),
        ("صنعتی", "چرم"),
    ],
    "معدنی": [
        ("معدنی", "فیروزه"),
        ("معدنی", "سنگ‌های ساختمانی"),
        ("معدنی", "گچ"),
        ("معدنی", "کرومیت"),
    ],
    "فرش دستباف": [
        ("فرش دستباف", "قالیبافان"),
        ("فرش دستباف", "گلیم و جاجیم‌بافان"),
        ("فرش دستباف", "فرش روستایی"),
    ],
    "مسکن": [
        ("مسکن", "کارکنان دانشگاه"),
        ("مسکن", "فرهنگیان"),
        ("مسکن", "کارگران"),
        ("مسکن", "کارکنان بیمارستان"),
    ],
    "خدماتی": [
        ("خدماتی", "گردشگری"),
        ("خدماتی", "خدمات فنی و مهندسی"),
        ("خدماتی", "خدمات آموزشی"),
        ("خدماتی", "صنایع دستی"),
        ("خدماتی", "بانوان سرپرست خانوار"),
    ],
    "عمرانی": [("عمرانی", "راه و ساختمان"), ("عمرانی", "تأسیسات")],
    "حمل و نقل": [("حمل و نقل", "رانندگان بار"), ("حمل و نقل", "تاکسیرانان")],
    "اعتبار": [("اعتبار", "کارکنان"), ("اعتبار", "بازاریان")],
    "تأمین نیاز تولیدکنندگان": [
        ("تأمین نیاز", "دامداران"),
        ("تأمین نیاز", "کشاورزان"),
        ("تأمین نیاز", "صنوف"),
    ],
    "تأمین نیاز مصرف‌کنندگان": [
        ("مصرف", "کارکنان"),
        ("مصرف", "فرهنگیان"),
        ("مصرف", "روستایی"),
    ],
}
SECTOR_WEIGHTS = {
    "کشاورزی": 30,
    "صنعتی": 10,
    "معدنی": 3,
    "فرش دستباف": 7,
    "مسکن": 14,
    "خدماتی": 14,
    "عمرانی": 4,
    "حمل و نقل": 4,
    "اعتبار": 3,
    "تأمین نیاز تولیدکنندگان": 4,
    "تأمین نیاز مصرف‌کنندگان": 7,
}
# Union subjects, province-wide: (sector, subject as in SUBJECTS).
UNION_SUBJECTS = [
    ("کشاورزی", "زعفران‌کاران"),
    ("کشاورزی", "زرشک‌کاران"),
    ("کشاورزی", "پسته‌کاران"),
    ("کشاورزی", "دامداران"),
    ("کشاورزی", "مرغداران"),
    ("معدنی", "فیروزه"),
    ("فرش دستباف", "قالیبافان"),
    ("مسکن", "فرهنگیان"),
    ("تأمین نیاز مصرف‌کنندگان", "کارکنان"),
    ("صنعتی", "فرآورده‌های لبنی"),
]
VILLAGES = [
    "رباط",
    "کلاته",
    "دولت‌آباد",
    "قاسم‌آباد",
    "حسین‌آباد",
    "فیض‌آباد",
    "نصرآباد",
    "شهرآباد",
    "سنگان",
    "بایگ",
    "کدکن",
    "رزق‌آباد",
    "طرقبه",
    "شاندیز",
    "کاریز",
    "نوده",
]
FIRST_NAMES = [
    "محمد",
    "علی",
    "حسین",
    "رضا",
    "مهدی",
    "حمید",
    "مجید",
    "سعید",
    "احمد",
    "جواد",
    "ابوالفضل",
    "مرتضی",
    "فاطمه",
    "زهرا",
    "مریم",
    "معصومه",
    "اعظم",
    "سمیه",
    "طاهره",
    "رقیه",
    "نرگس",
    "لیلا",
]
LAST_NAMES = [
    "رضایی",
    "حسینی",
    "محمدی",
    "احمدی",
    "کریمی",
    "نوری",
    "عباسی",
    "قاسمی",
    "یزدانی",
    "نیشابوری",
    "سبزواری",
    "کاشمری",
    "تربتی",
    "مشهدی",
    "خوافی",
    "جامی",
    "فردوسی",
    "عطاری",
    "باغبانی",
    "زعفرانی",
    "شاهرخی",
    "طوسی",
]
STREETS = ["امام رضا", "آزادی", "طالقانی", "ملک‌آباد", "سناباد", "کشاورز", "بهار", "فردوسی"]

# Official documents still carry Arabic yeh and kaf; a share of names keeps them.
ARABIC_SPELLING = str.maketrans({"ی": "ي", "ک": "ك"})


@dataclass
class Summary:
    cooperatives: int = 0
    unions: int = 0
    persons: int = 0
    users: int = 0
    meetings: int = 0
    resolutions: int = 0
    consultations: int = 0
    organisations: int = 0
    actions: int = 0
    cases: int = 0


def _pick_weighted(rng: random.Random, weights: dict[str, int]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def _national_id(n: int) -> str:
    first10 = f"10{86000000 + n:08d}"
    return first10 + national_id_check_digit(first10)


def _national_code(n: int) -> str:
    first9 = f"{70000000 + n:09d}"
    return first9 + national_code_check_digit(first9)


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days))


def _members(rng: random.Random, sector: str) -> int:
    if sector in ("مسکن", "تأمین نیاز مصرف‌کنندگان", "اعتبار"):
        return int(rng.lognormvariate(5.2, 0.9)) + 7
    floor = 7 if rng.random() < 0.97 else 3  # a few below the legal minimum, as in life
    return max(floor, int(rng.lognormvariate(3.0, 0.8)))


def _fill_keys(obj) -> None:
    obj.fill_keys()


@transaction.atomic
def build(*, cooperatives: int, seed: int, today: datetime.date | None = None) -> Summary:
    rng = random.Random(seed)
    today = today or datetime.date.today()
    summary = Summary()
    counties = list(County.objects.all())
    sectors = {s.name: s for s in Sector.objects.all()}
    # Mashhad and the large counties have most cooperatives.
    county_weights = [
        {"مشهد": 30, "نیشابور": 8, "سبزوار": 7, "تربت حیدریه": 6, "قوچان": 4, "کاشمر": 4}.get(
            c.name, 2
        )
        for c in counties
    ]
    province = County.objects.filter(name="مشهد").first() or counties[0]

    # Unions: province-wide for the main subjects, plus county unions for saffron and carpets.
    unions: list[Union] = []
    serial = 0
    for sector_name, subject in UNION_SUBJECTS:
        serial += 1
        unions.append(
            Union(
                name=f"اتحادیه شرکت‌های تعاونی {subject} استان خراسان رضوی",
                national_id=_national_id(90000 + serial),
                registration_number=str(1000 + serial),
                county=None,
                sector=sectors[sector_name],
                registered_on=_date_between(
                    rng, datetime.date(1995, 1, 1), datetime.date(2015, 1, 1)
                ),
                ceo_name=_person_name(rng),
                address=f"مشهد، خیابان {rng.choice(STREETS)}، پلاک {rng.randint(1, 300)}",
            )
        )
    for county_name, (sector_name, subject) in [
        ("تربت حیدریه", ("کشاورزی", "زعفران‌کاران")),
        ("گناباد", ("کشاورزی", "زعفران‌کاران")),
        ("نیشابور", ("معدنی", "فیروزه")),
        ("کاشمر", ("فرش دستباف", "قالیبافان")),
    ]:
        serial += 1
        county = next((c for c in counties if c.name == county_name), province)
        unions.append(
            Union(
                name=f"اتحادیه شرکت‌های تعاونی {subject} شهرستان {county_name}",
                national_id=_national_id(90000 + serial),
                registration_number=str(1000 + serial),
                county=county,
                sector=sectors[sector_name],
                registered_on=_date_between(
                    rng, datetime.date(2000, 1, 1), datetime.date(2018, 1, 1)
                ),
                ceo_name=_person_name(rng),
            )
        )
    for u in unions:
        _fill_keys(u)
    Union.objects.bulk_create(unions)
    unions = list(Union.objects.order_by("id"))
    summary.unions = len(unions)
    union_for: dict[tuple[str, int | None], Union] = {}
    for u in unions:
        subject = u.name.split("تعاونی ", 1)[1].rsplit(" استان", 1)[0].rsplit(" شهرستان", 1)[0]
        union_for[(subject, u.county_id)] = u

    start_index = Cooperative.objects.count()
    person_serial = Person.objects.count()
    persons: list[Person] = []
    board_rows: list[tuple[int, int, str, datetime.date]] = []  # coop index, person index, …
    batch: list[Cooperative] = []
    created: list[Cooperative] = []

    def flush() -> None:
        for coop in batch:
            _fill_keys(coop)
        created.extend(Cooperative.objects.bulk_create(batch, batch_size=BATCH))
        batch.clear()

    for i in range(cooperatives):
        n = start_index + i
        sector_name = _pick_weighted(rng, SECTOR_WEIGHTS)
        kind, subject = rng.choice(SUBJECTS[sector_name])
        county = rng.choices(counties, weights=county_weights)[0]
        place = county.name if rng.random() < 0.7 else rng.choice(VILLAGES)
        name = f"شرکت تعاونی {kind} {subject} {place}"
        if rng.random() < 0.15:
            name += f" شماره {to_persian_digits(str(rng.randint(2, 9)))}"
        if rng.random() < 0.05:
            name = name.translate(ARABIC_SPELLING)
        union = union_for.get((subject, county.pk)) or union_for.get((subject, None))
        if union and rng.random() > 0.7:
            union = None
        status = rng.choices(
            [Status.ACTIVE, Status.INACTIVE, Status.LIQUIDATING, Status.DISSOLVED],
            weights=[78, 12, 6, 4],
        )[0]
        ceo = _person_name(rng)
        members = _members(rng, sector_name)
        term_start = _date_between(rng, today - datetime.timedelta(days=4 * 365), today)
        batch.append(
            Cooperative(
                name=name,
                national_id=_national_id(n),
                registration_number=str(rng.randint(100, 99999)),
                county=county,
                sector=sectors[sector_name],
                status=status,
                registered_on=_date_between(rng, datetime.date(1991, 3, 21), today),
                members=members,
                employees=min(members * 3, int(rng.lognormvariate(1.8, 1.0))),
                capital_rial=rng.randint(1, 5000) * 10_000_000,
                union=union,
                ceo_name=ceo,
                mobile=f"09{rng.choice(['12', '15', '35', '36', '01', '02'])}{rng.randint(0, 9999999):07d}",
                postal_code=f"9{rng.randint(100000000, 999999999)}",
                address=f"{county.name}، خیابان {rng.choice(STREETS)}، پلاک {rng.randint(1, 400)}",
                board_term_ends_on=default_term_end(term_start),
            )
        )
        for role, person_name in [
            (BoardRole.CEO, ceo),
            (BoardRole.CHAIR, _person_name(rng)),
            (BoardRole.MEMBER, _person_name(rng)),
        ]:
            person_serial += 1
            persons.append(
                Person(
                    full_name=person_name,
                    national_code=_national_code(person_serial),
                    mobile=f"0915{rng.randint(0, 9999999):07d}",
                )
            )
            board_rows.append((i, len(persons) - 1, role, term_start))
        if len(batch) >= BATCH:
            flush()
    flush()
    summary.cooperatives = len(created)

    saved_persons = Person.objects.bulk_create(persons, batch_size=BATCH)
    summary.persons = len(saved_persons)
    BoardMembership.objects.bulk_create(
        (
            BoardMembership(
                cooperative_id=created[ci].pk,
                person_id=saved_persons[pi].pk,
                role=role,
                term_start=start,
                term_end=default_term_end(start),
            )
            for ci, pi, role, start in board_rows
        ),
        batch_size=BATCH,
    )
    summary.users = _demo_users(created, unions)
    from hamafza.decisions import demo as decisions_demo

    decisions = decisions_demo.build(rng, today=today)
    summary.users += decisions.users
    summary.meetings = decisions.meetings
    summary.resolutions = decisions.resolutions
    summary.consultations = decisions.consultations
    from hamafza.followup import demo as followup_demo

    followup = followup_demo.build(rng, today=today)
    summary.organisations = followup.organisations
    summary.actions = followup.actions
    from hamafza.cases import demo as cases_demo

    cases = cases_demo.build(rng, today=today)
    summary.organisations += cases.organisations
    summary.cases = cases.cases
    return summary


def _demo_users(cooperatives: list[Cooperative], unions: list[Union]) -> int:
    """The demo sign-ins of DESIGN.md; coop and coop2 represent two different cooperatives."""
    if User.objects.filter(username="admin").exists() or not cooperatives:
        return 0
    union = max(unions, key=lambda u: sum(1 for c in cooperatives if c.union_id == u.pk))
    coop = next(c for c in cooperatives if c.union_id == union.pk and c.status == Status.ACTIVE)
    coop2 = next(
        c
        for c in cooperatives
        if c.pk != coop.pk and c.county_id != coop.county_id and c.status == Status.ACTIVE
    )
    people = [
        ("admin", "مدیر", "سامانه", [(Role.ADMIN, None, None)]),
        ("staff", "سمیه", "کارشناس اتاق", [(Role.STAFF, None, None)]),
        ("board", "حسین", "عضو هیئت رئیسه", [(Role.BOARD, None, None)]),
        ("directorate", "جواد", "کارشناس اداره کل", [(Role.DIRECTORATE, None, None)]),
        ("union", "مرتضی", "نماینده اتحادیه", [(Role.UNION, None, union)]),
        ("coop", "رضا", "مدیرعامل تعاونی", [(Role.COOPERATIVE, coop, None)]),
        ("coop2", "فاطمه", "مدیرعامل تعاونی", [(Role.COOPERATIVE, coop2, None)]),
    ]
    for username, first, last, roles in people:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@hamafza.example",
            is_demo=True,
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        for role, cooperative, u in roles:
            RoleAssignment.objects.create(user=user, role=role, cooperative=cooperative, union=u)
    return len(people)
