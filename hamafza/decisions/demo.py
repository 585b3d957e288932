"""Demo decisions for `hamafza demo_data`: a year of the chamber's board at work.

Monthly board meetings with agendas, attendance, votes and resolutions; a joint session with
the directorate in Cooperative Week (هفته تعاون, Tir) on completing value chains and
networking cooperatives; finalised minutes for some; an upcoming meeting with its agenda;
consultations open, upcoming and closed (one with a published outcome) with answers from
cooperatives' representatives; proposals with supports and comments.

Everything is written through hamafza.decisions.services — the rules and counts are the real
ones — with the present as "now"; the dates of history are set on the saved rows afterwards
(services refuse to open a consultation that closes in the past), consistently: answers
before the close, votes and resolutions at their meeting. Every choice comes from the rng
passed in, so one seed gives the same decisions. The work does not grow with the number of
cooperatives (answers come from a sample of each audience).
"""

from __future__ import annotations

import datetime
import importlib.util
import logging
import random
from dataclasses import dataclass

import jdatetime
from django.contrib.auth.hashers import make_password
from django.db.models import QuerySet
from django.test.utils import override_settings
from django.utils import timezone

from hamafza.accounts.models import Role, RoleAssignment, User
from hamafza.core.demo import DEMO_PASSWORD
from hamafza.decisions import services
from hamafza.decisions.models import (
    AgendaItem,
    Consultation,
    LegalDocument,
    Meeting,
    MeetingKind,
    MeetingMember,
    Minutes,
    Proposal,
    ProposalComment,
    ProposalSupport,
    Response,
    Vote,
)
from hamafza.persian.jalali import MONTH_NAMES, to_jalali
from hamafza.persian.text import to_persian_digits
from hamafza.registry.models import Cooperative, Sector, Status

logger = logging.getLogger(__name__)

DEMO_USERS = ("staff", "board", "directorate", "union", "coop", "coop2")
EXTRA_BOARD = [
    ("board2", "محمدرضا", "یزدانی"),
    ("board3", "زهرا", "نیشابوری"),
    ("board4", "احمد", "سبزواری"),
    ("board5", "مریم", "کاشمری"),
]
# Minutes rendered as PDF (WeasyPrint takes a fraction of a second each): the joint session
# and the latest board meetings but the very last, whose minutes are still a draft.
FINALISED_BOARD_MINUTES = 2
BOARD_PLACE = "سالن جلسات اتاق تعاون استان خراسان رضوی، مشهد"
JOINT_PLACE = "سالن اجتماعات اداره کل تعاون، کار و رفاه اجتماعی خراسان رضوی، مشهد"
JOINT_TOPIC = "تکمیل زنجیره ارزش و شبکه‌سازی تعاونی‌ها"

# (title, resolution text, how the board leans: share of votes in favour)
BOARD_TOPICS: list[tuple[str, str, float]] = [
    (
        "بررسی و تصویب بودجه سالانه اتاق تعاون",
        "بودجه پیشنهادی اتاق با اصلاحات کمیسیون مالی تصویب شد و برای اجرا به دبیرخانه ابلاغ می‌شود.",
        0.9,
    ),
    (
        "تشکیل کمیسیون تخصصی کشاورزی و منابع طبیعی",
        "کمیسیون تخصصی کشاورزی و منابع طبیعی با عضویت نمایندگان اتحادیه‌های کشاورزی تشکیل شود و "
        "نخستین گزارش خود را ظرف سه ماه به هیئت رئیسه بدهد.",
        0.85,
    ),
    (
        "دوره‌های آموزشی مدیریت مالی برای مدیران‌عامل تعاونی‌ها",
        "اتاق با همکاری اداره کل، دوره‌های آموزشی مدیریت مالی و مالیاتی را در پنج شهرستان برگزار کند.",
        0.9,
    ),
    (
        "پیگیری بدهی‌های معوق تعاونی‌های مسکن به بانک‌ها",
        "کارگروهی از اتاق و اتحادیه مسکن فرهنگیان، امهال بدهی تعاونی‌های مسکن را با بانک‌های عامل "
        "پیگیری و نتیجه را گزارش کند.",
        0.8,
    ),
    (
        "معرفی نمایندگان اتاق به شورای گفت‌وگوی دولت و بخش خصوصی استان",
        "رئیس و نایب‌رئیس اتاق به عنوان نمایندگان بخش تعاون در شورای گفت‌وگو معرفی شوند.",
        0.85,
    ),
    (
        "برگزاری نمایشگاه توانمندی‌های تعاونی‌های استان",
        "نمایشگاه توانمندی‌های تعاونی‌ها در نمایشگاه بین‌المللی مشهد با غرفه رایگان برای تعاونی‌های "
        "نوپا برگزار شود.",
        0.8,
    ),
    (
        "حمایت از صادرات زعفران و زرشک تعاونی‌ها از راه اتحادیه‌ها",
        "اتحادیه‌های زعفران‌کاران و زرشک‌کاران برای صادرات مشترک محصولات تعاونی‌های عضو، برنامه و "
        "قرارداد نمونه تهیه کنند و اتاق برای گرفتن تسهیلات صادراتی پیگیری کند.",
        0.85,
    ),
    (
        "ساماندهی تعاونی‌های غیرفعال و در حال تصفیه",
        "فهرست تعاونی‌های غیرفعال از سامانه استخراج و برای احیا یا تصفیه هر یک با اداره کل تعیین "
        "تکلیف شود.",
        0.75,
    ),
    (
        "تفاهم‌نامه با صندوق توسعه تعاون برای سرمایه در گردش",
        "تفاهم‌نامه همکاری با صندوق توسعه تعاون برای تأمین سرمایه در گردش تعاونی‌های تولیدی امضا شود.",
        0.85,
    ),
    (
        "مشکلات بیمه بافندگان عضو تعاونی‌های فرش دستباف",
        "مشکلات بیمه بافندگان با سازمان تأمین اجتماعی استان پیگیری و گزارش آن به جلسه بعد ارائه شود.",
        0.8,
    ),
    (
        "تقویت تعاونی‌های زنان سرپرست خانوار",
        "برنامه حمایت از تعاونی‌های زنان سرپرست خانوار با اولویت شهرستان‌های کم‌برخوردار تهیه شود.",
        0.9,
    ),
    (
        "سامانه استعلام برخط وضعیت تعاونی‌ها برای بانک‌ها",
        "اتاق با بانک‌های عامل استان برای استعلام برخط وضعیت ثبتی و هیئت مدیره تعاونی‌ها از "
        "سامانه هم‌افزا تفاهم کند تا پرونده تسهیلات کوتاه‌تر شود.",
        0.85,
    ),
    (
        "آسیب‌شناسی عملکرد تعاونی‌های اعتبار",
        "کمیسیون اقتصادی اتاق آسیب‌شناسی عملکرد تعاونی‌های اعتبار را انجام دهد و پیشنهادهای خود را "
        "به هیئت رئیسه بدهد.",
        0.8,
    ),
    (
        "میز خدمت اتاق در نیشابور، سبزوار و تربت حیدریه",
        "میز خدمت اتاق در ادارات تعاون سه شهرستان، هفته‌ای دو روز برپا شود.",
        0.8,
    ),
    (
        "همکاری پژوهشی با دانشگاه‌های استان در بخش تعاون",
        "با دانشگاه‌های استان برای پایان‌نامه‌ها و پژوهش‌های کاربردی بخش تعاون تفاهم‌نامه امضا شود.",
        0.85,
    ),
    (
        "برنامه توسعه تعاونی‌های گردشگری روستایی",
        "برنامه توسعه تعاونی‌های گردشگری روستایی با همکاری اداره کل میراث فرهنگی تهیه شود.",
        0.8,
    ),
    (
        "سامانه هم‌افزا برای ارتباط اتاق با تعاونی‌ها و اتحادیه‌ها",
        "سامانه هم‌افزا برای ثبت درخواست‌ها، نظرخواهی و پیگیری مصوبات در اتاق به کار گرفته شود و "
        "نمایندگان تعاونی‌ها برای ورود به آن آموزش ببینند.",
        0.9,
    ),
    (
        "گزارش عملکرد شش‌ماهه دبیرخانه اتاق",
        "گزارش عملکرد شش‌ماهه دبیرخانه تأیید شد و خلاصه آن برای تعاونی‌ها منتشر شود.",
        0.9,
    ),
    (
        "پیگیری مطالبات تعاونی‌های عمرانی از دستگاه‌های دولتی",
        "فهرست مطالبات تعاونی‌های عمرانی از دستگاه‌های اجرایی تهیه و در شورای گفت‌وگو مطرح شود.",
        0.85,
    ),
    (
        "تشکیل اتحادیه تعاونی‌های گیاهان دارویی استان",
        "اتاق از تشکیل اتحادیه تعاونی‌های گیاهان دارویی حمایت و مراحل ثبت آن را با اداره کل پیگیری کند.",
        0.8,
    ),
    (
        "برنامه حمایت از تعاونی‌های مرزی خواف و تایباد",
        "برنامه حمایت از بازارچه‌های مرزی با مشارکت تعاونی‌های مرزنشینان خواف و تایباد تهیه شود.",
        0.8,
    ),
    (
        "بیمه محصولات تعاونی‌های باغداران در برابر سرمازدگی",
        "اتاق پوشش بیمه سرمازدگی باغ‌های اعضای تعاونی‌های باغداران را از صندوق بیمه کشاورزی پیگیری کند.",
        0.85,
    ),
    (
        "انتخاب تعاونی‌های برتر استان برای جشنواره ملی",
        "کمیسیون ارزیابی اتاق تعاونی‌های برتر استان را با شاخص‌های عملکرد انتخاب و معرفی کند.",
        0.9,
    ),
    (
        "همکاری با صداوسیمای استان برای معرفی تعاونی‌های موفق",
        "برنامه ماهانه معرفی تعاونی‌های موفق با همکاری صداوسیمای مرکز خراسان رضوی تهیه شود.",
        0.75,
    ),
    (
        "دو برابر شدن حق عضویت سالانه تعاونی‌ها در اتاق",
        "حق عضویت سالانه تعاونی‌ها در اتاق دو برابر شود.",
        0.25,
    ),
    (
        "خرید ساختمان تازه برای اتاق از محل اندوخته",
        "ساختمان تازه اتاق از محل اندوخته خریداری شود.",
        0.3,
    ),
]
JOINT_ITEMS: list[tuple[str, str]] = [
    (
        "تکمیل زنجیره ارزش زعفران با محوریت اتحادیه‌های زعفران‌کاران",
        "اتحادیه‌های زعفران‌کاران استان و تربت حیدریه و گناباد، حلقه‌های خالی زنجیره ارزش زعفران "
        "(فرآوری، بسته‌بندی و صادرات) را با مشارکت تعاونی‌های عضو تکمیل کنند؛ اداره کل تسهیلات "
        "اشتغال را در اولویت به طرح‌های این زنجیره بدهد.",
    ),
    (
        "شبکه‌سازی تعاونی‌های فرش دستباف و اتصال به بازارهای صادراتی",
        "شبکه تعاونی‌های فرش دستباف استان با یک مرکز مشترک تأمین مواد اولیه و فروش تشکیل شود و "
        "اتاق اتصال آن به بازارهای صادراتی را پیگیری کند.",
    ),
    (
        "کارگروه مشترک اتاق و اداره کل برای شبکه‌سازی تعاونی‌ها",
        "کارگروه مشترک اتاق تعاون و اداره کل تعاون، کار و رفاه اجتماعی برای شناسایی نیازها و "
        "عرضه‌های تعاونی‌ها و پیوند آن‌ها به یکدیگر تشکیل شود و هر فصل گزارش دهد.",
    ),
    (
        "پیوند تعاونی‌های تأمین نیاز مصرف‌کنندگان با تعاونی‌های تولیدی استان",
        "تعاونی‌های مصرف کارکنان، بخشی از کالای خود را مستقیم از تعاونی‌های تولیدی استان تأمین کنند "
        "و اتاق قرارداد نمونه آن را تهیه کند.",
    ),
]
REASONS = {
    "agree": [
        "ضمانت بانکی بزرگ‌ترین مشکل ما در گرفتن تسهیلات است.",
        "با این صندوق، تعاونی‌های کوچک هم به وام دسترسی پیدا می‌کنند.",
        "تجربه اتحادیه ما نشان داده است که ضمانت مشترک هزینه را کم می‌کند.",
        "",
    ],
    "disagree": [
        "سهم آورده تعاونی‌ها برای ما سنگین است.",
        "پیش از صندوق تازه، صندوق‌های موجود باید فعال شوند.",
    ],
    "abstain": ["اطلاعات کافی درباره اساسنامه صندوق نداریم.", ""],
}


@dataclass
class Summary:
    meetings: int = 0
    resolutions: int = 0
    consultations: int = 0
    responses: int = 0
    proposals: int = 0
    users: int = 0


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _jalali(year: int, month: int, day: int) -> datetime.date:
    return jdatetime.date(year, month, day).togregorian()


def cooperative_week(today: datetime.date) -> datetime.date:
    """12 Tir (Cooperative Week) of the latest year in which it is already past."""
    year = to_jalali(today).year
    day = _jalali(year, 4, 12)
    return day if day < today else _jalali(year - 1, 4, 12)


def _month_label(day: datetime.date) -> str:
    j = to_jalali(day)
    return f"{MONTH_NAMES[j.month - 1]} {to_persian_digits(str(j.year))}"


class _Builder:
    def __init__(self, rng: random.Random, today: datetime.date, users: dict[str, User]):
        self.rng = rng
        self.today = today
        self.users = users
        self.staff = users["staff"]
        self.summary = Summary()
        # The demo sign-ins' password hash, reused: hashing is slow on purpose.
        board = users["board"]
        self.password = board.password if board.is_demo else make_password(DEMO_PASSWORD)
        self.reps: dict[int, User] = {}  # cooperative id → its representative
        self.rep_serial = 3  # coop and coop2 exist; representatives continue coop3, coop4 …
        self.law = LegalDocument.objects.filter(title__startswith="قانون بخش تعاونی").first()
        self.coop_coop = Cooperative.objects.get(pk=min(users["coop"].cooperative_ids))
        self.coop2_coop = Cooperative.objects.get(pk=min(users["coop2"].cooperative_ids))
        self.union = users["union"].role_assignments.get(role=Role.UNION).union

    # ----------------------------------------------------------------- people
    def board_members(self) -> list[User]:
        created = []
        for username, first, last in EXTRA_BOARD:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@hamafza.example",
                    "is_demo": True,
                    "password": self.password,
                },
            )
            if made:
                RoleAssignment.objects.create(user=user, role=Role.BOARD)
                created.append(user)
        self.summary.users += len(created)
        extra = User.objects.filter(username__in=[u for u, _f, _l in EXTRA_BOARD])
        return [self.users["board"], *extra.order_by("username")]

    def representatives(self, cooperatives: list[Cooperative]) -> list[User]:
        """The representative of each cooperative, created (is_demo) where it has none."""
        for user_key in ("coop", "coop2"):
            for pk in self.users[user_key].cooperative_ids:
                self.reps.setdefault(pk, self.users[user_key])
        missing = [c for c in cooperatives if c.pk not in self.reps]
        new_users = []
        for coop in missing:
            first, _sep, last = (coop.ceo_name or "نماینده تعاونی").partition(" ")
            username = f"coop{self.rep_serial}"
            self.rep_serial += 1
            new_users.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@hamafza.example",
                    is_demo=True,
                    password=self.password,
                )
            )
        if new_users:
            User.objects.bulk_create(new_users)
            saved = {
                u.username: u
                for u in User.objects.filter(username__in=[u.username for u in new_users])
            }
            RoleAssignment.objects.bulk_create(
                RoleAssignment(user=saved[u.username], role=Role.COOPERATIVE, cooperative=c)
                for u, c in zip(new_users, missing, strict=True)
            )
            for u, c in zip(new_users, missing, strict=True):
                self.reps[c.pk] = saved[u.username]
            self.summary.users += len(new_users)
        return [self.reps[c.pk] for c in cooperatives]

    def sample(self, qs: QuerySet[Cooperative], n: int, exclude=()) -> list[Cooperative]:
        """n cooperatives of an audience, chosen by the rng (from the first few hundred, so
        the work stays the same at 100,000 cooperatives)."""
        pool = list(qs.exclude(pk__in=exclude).order_by("pk")[:400])
        return self.rng.sample(pool, min(n, len(pool)))

    # ----------------------------------------------------------------- consultations
    def consultation(
        self,
        *,
        title: str,
        question: str,
        kind: str,
        audience: str,
        opens: datetime.datetime,
        closes: datetime.datetime,
        options=(),
        answers: int = 0,
        answerers=(),
        answer_share: float = 1.0,
        exclude_coops=(),
        outcome: str = "",
        **fields,
    ) -> Consultation:
        now = timezone.now()
        past = closes <= now
        consultation = services.consultation_create(
            actor=fields.pop("actor", self.staff),
            title=title,
            question=question,
            kind=kind,
            audience=audience,
            options=options,
            opens_at=min(opens, now),
            closes_at=max(closes, now + datetime.timedelta(days=1)),
            **fields,
        )
        self.summary.consultations += 1
        responses = []
        if opens <= now:
            if audience == Consultation.Audience.BOARD:
                people = [(u, None) for u in answerers]
            else:
                coops = list(answerers) + self.sample(
                    services.audience_cooperatives(consultation),
                    answers,
                    exclude=[c.pk for c in answerers] + list(exclude_coops),
                )
                people = list(zip(self.representatives(coops), coops, strict=True))
            for user, coop in people:
                if self.rng.random() > answer_share:
                    continue
                responses.append(self.answer(consultation, user, coop))
        # History: the consultation's real dates, its answers between opening and close.
        Consultation.objects.filter(pk=consultation.pk).update(
            opens_at=opens, closes_at=closes, created_at=opens - datetime.timedelta(days=1)
        )
        # Until the close, or for open ones until this morning (from `today`, not the clock,
        # so that one seed gives the same history).
        answered_until = min(closes, _at(self.today, 0))
        span = max(int((answered_until - opens).total_seconds()), 60)
        for response in responses:
            response.created_at = response.updated_at = opens + datetime.timedelta(
                seconds=self.rng.randrange(span)
            )
        Response.objects.bulk_update(responses, ["created_at", "updated_at"])
        self.summary.responses += len(responses)
        consultation.refresh_from_db()
        if past and outcome:
            services.consultation_publish_outcome(
                actor=self.staff, consultation=consultation, outcome=outcome
            )
            Consultation.objects.filter(pk=consultation.pk).update(
                outcome_published_at=closes + datetime.timedelta(days=3)
            )
            consultation.refresh_from_db()
        return consultation

    def answer(self, consultation: Consultation, user: User, coop) -> Response:
        rng = self.rng
        options = [o.pk for o in consultation.options.all()]
        match consultation.kind:
            case Consultation.Kind.PROPOSAL:
                stance = rng.choices(["agree", "disagree", "abstain"], weights=[65, 22, 13])[0]
                return services.consultation_answer(
                    actor=user,
                    consultation=consultation,
                    cooperative=coop,
                    stance=stance,
                    reason=rng.choice(REASONS[stance]),
                )
            case Consultation.Kind.SINGLE:
                weights = [len(options) - i + 1 for i in range(len(options))]
                choice = rng.choices(options, weights=weights)[0]
                return services.consultation_answer(
                    actor=user, consultation=consultation, cooperative=coop, option_ids=[choice]
                )
            case Consultation.Kind.MULTIPLE:
                chosen = sorted(rng.sample(options, rng.randint(1, min(3, len(options)))))
                return services.consultation_answer(
                    actor=user, consultation=consultation, cooperative=coop, option_ids=chosen
                )
            case Consultation.Kind.RANKED:
                ranking = options[:]
                rng.shuffle(ranking)
                if rng.random() < 0.5:  # many put the same first concern first
                    ranking.remove(options[0])
                    ranking.insert(0, options[0])
                return services.consultation_answer(
                    actor=user, consultation=consultation, cooperative=coop, ranking=ranking
                )
        scores = {pk: rng.randint(2, consultation.score_max) for pk in options}
        return services.consultation_answer(
            actor=user, consultation=consultation, cooperative=coop, scores=scores
        )

    def consultations(self, board: list[User]) -> dict[str, Consultation]:
        today, week = self.today, cooperative_week(self.today)
        days = datetime.timedelta
        saffron = Sector.objects.filter(name="کشاورزی").first() or self.coop_coop.sector
        c = {}
        c["fund"] = self.consultation(
            title="پیشنهاد تشکیل صندوق ضمانت مشترک تعاونی‌های استان",
            question="اتاق پیشنهاد می‌کند تعاونی‌ها و اتحادیه‌های استان با آورده‌ای اندک، صندوق "
            "ضمانت مشترکی برای ضمانت تسهیلات بانکی اعضا تشکیل دهند. با این پیشنهاد موافقید؟",
            kind=Consultation.Kind.PROPOSAL,
            audience=Consultation.Audience.ALL,
            opens=_at(today - days(215), 9),
            closes=_at(today - days(195), 23, 59),
            answers=36,
            answerers=[self.coop_coop],
            outcome="بیش از دوسوم پاسخ‌دهندگان با تشکیل صندوق ضمانت مشترک موافق بودند. پیشنهاد با "
            "جمع‌بندی دلایل موافقان و مخالفان در دستور جلسه هیئت رئیسه قرار گرفت.",
        )
        c["saffron"] = self.consultation(
            title="اولویت‌های تکمیل زنجیره ارزش زعفران",
            question="برای تکمیل زنجیره ارزش زعفران، کدام حلقه بیش از همه به حمایت نیاز دارد؟",
            kind=Consultation.Kind.SINGLE,
            audience=Consultation.Audience.SECTOR,
            audience_sector=saffron,
            options=[
                "فرآوری و بسته‌بندی",
                "بازاریابی و صادرات",
                "تأمین نهاده و پیاز مرغوب",
                "انبار و نگهداری استاندارد",
            ],
            opens=_at(week - days(40), 9),
            closes=_at(week - days(14), 23, 59),
            answers=24,
            outcome="فرآوری و بسته‌بندی، سپس بازاریابی و صادرات، اولویت نخست تعاونی‌ها بود. نتیجه "
            "در جلسه مشترک هفته تعاون با اداره کل بررسی شد.",
        )
        c["board_review"] = self.consultation(
            title="ارزیابی عملکرد کمیسیون‌های تخصصی اتاق",
            question="به کار هر کمیسیون در سال گذشته از ۱ تا ۵ امتیاز دهید.",
            kind=Consultation.Kind.SCORE,
            audience=Consultation.Audience.BOARD,
            anonymous=True,
            options=["کمیسیون اقتصادی", "کمیسیون کشاورزی", "کمیسیون آموزش و ترویج"],
            opens=_at(today - days(70), 9),
            closes=_at(today - days(55), 23, 59),
            answerers=board,
            actor=self.users["board"],
        )
        c["county"] = self.consultation(
            title=f"اولویت‌بندی مشکلات تعاونی‌های شهرستان {self.coop_coop.county.name}",
            question="مشکلات زیر را از مهم‌ترین تا کم‌اهمیت‌ترین مرتب کنید.",
            kind=Consultation.Kind.RANKED,
            audience=Consultation.Audience.COUNTY,
            audience_county=self.coop_coop.county,
            options=[
                "کمبود سرمایه در گردش",
                "دشواری گرفتن ضمانت‌نامه بانکی",
                "نبود بازار فروش پایدار",
                "هزینه‌های بیمه و مالیات",
            ],
            opens=_at(today - days(24), 9),
            closes=_at(today - days(6), 23, 59),
            answers=14,
            answerers=[self.coop_coop],
        )
        c["training"] = self.consultation(
            title="نیازهای آموزشی تعاونی‌های عضو اتحادیه",
            question="کدام آموزش‌ها برای تعاونی شما در سال آینده سودمندتر است؟ (چند گزینه)",
            kind=Consultation.Kind.MULTIPLE,
            audience=Consultation.Audience.UNION,
            audience_union=self.union,
            visibility=Consultation.Visibility.LIVE,
            options=[
                "بازاریابی دیجیتال",
                "حسابداری و مالیات",
                "استانداردهای بسته‌بندی",
                "صادرات و قراردادهای بین‌المللی",
                "حکمرانی و مجمع عمومی",
            ],
            opens=_at(today - days(5), 9),
            closes=_at(today + days(10), 23, 59),
            answers=10,
            answer_share=0.7,
            exclude_coops=[self.coop_coop.pk],
        )
        c["market"] = self.consultation(
            title="پیشنهاد بازارچه دائمی عرضه مستقیم محصولات تعاونی‌ها",
            question="پیشنهاد شده است بازارچه‌ای دائمی در مشهد برای عرضه مستقیم محصولات تعاونی‌ها "
            "به مصرف‌کنندگان برپا شود. با آن موافقید؟",
            kind=Consultation.Kind.PROPOSAL,
            audience=Consultation.Audience.ALL,
            anonymous=True,
            opens=_at(today - days(3), 9),
            closes=_at(today + days(4), 23, 59),
            answers=18,
            exclude_coops=[self.coop_coop.pk, self.coop2_coop.pk],
        )
        c["upcoming"] = self.consultation(
            title=f"زمان‌بندی برگزاری مجامع عمومی تعاونی‌های شهرستان {self.coop2_coop.county.name}",
            question="کدام بازه برای برگزاری مجامع عمومی سالانه مناسب‌تر است؟",
            kind=Consultation.Kind.SINGLE,
            audience=Consultation.Audience.COUNTY,
            audience_county=self.coop2_coop.county,
            options=["فروردین و اردیبهشت", "خرداد و تیر", "پس از برداشت محصول"],
            opens=_at(today + days(3), 9),
            closes=_at(today + days(20), 23, 59),
        )
        return c

    # ----------------------------------------------------------------- proposals
    def proposal(self, *, by: str, title: str, text: str, created, **fields) -> Proposal:
        actor = self.users.get(by) or User.objects.get(username=by)
        proposal = services.proposal_submit(
            actor=actor,
            title=title,
            text=text,
            legal_basis=fields.pop("legal_basis", ""),
            legal_documents=[self.law] if self.law else [],
            **fields,
        )
        Proposal.objects.filter(pk=proposal.pk).update(created_at=created)
        proposal.created_at = created
        self.summary.proposals += 1
        return proposal

    def discuss(self, proposal: Proposal, created, supporters, comments) -> None:
        for user in supporters:
            services.proposal_support(actor=user, proposal=proposal)
        for user, text in comments:
            services.proposal_comment(actor=user, proposal=proposal, text=text)
        for model in (ProposalSupport, ProposalComment):
            rows = list(model.objects.filter(proposal=proposal).order_by("pk"))
            for i, row in enumerate(rows):
                row.created_at = created + datetime.timedelta(hours=5 + 9 * i)
            model.objects.bulk_update(rows, ["created_at"])

    def proposals(self, board: list[User]) -> dict[str, Proposal]:
        today, days = self.today, datetime.timedelta
        u = self.users
        legal = "قانون بخش تعاونی اقتصاد جمهوری اسلامی ایران"
        p = {}
        created = _at(today - days(12), 11)
        p["market"] = self.proposal(
            by="coop",
            cooperative=self.coop_coop,
            title="ایجاد بازارچه دائمی عرضه مستقیم محصولات تعاونی‌ها در مشهد",
            text="تعاونی‌های تولیدی برای فروش محصولات خود به واسطه‌ها وابسته‌اند. پیشنهاد می‌شود "
            "اتاق با همکاری شهرداری مشهد بازارچه‌ای دائمی برای عرضه مستقیم محصولات تعاونی‌ها "
            "برپا کند و غرفه‌ها به نوبت به تعاونی‌های استان داده شود.",
            legal_basis=f"{legal}، ماده ۴ (تقدم بخش تعاونی در طرح‌های دولت)",
            created=created,
        )
        self.discuss(
            p["market"],
            created,
            [u["coop2"], u["union"], u["board"], board[2]],
            [
                (u["union"], "اتحادیه آماده است غرفه‌های تعاونی‌های عضو را هماهنگ کند."),
                (u["coop2"], "بهتر است بخشی از غرفه‌ها به تعاونی‌های شهرستان‌ها برسد."),
                (u["staff"], "پیشنهاد در دستور جلسه آینده هیئت رئیسه قرار می‌گیرد."),
            ],
        )
        created = _at(today - days(135), 10)
        p["feed"] = self.proposal(
            by="union",
            union=self.union,
            title="تخصیص مستقیم سهمیه نهاده‌های دامی به اتحادیه‌ها",
            text="سهمیه نهاده‌های دامی با تأخیر و از راه واسطه به تعاونی‌های دامداران می‌رسد. "
            "پیشنهاد می‌شود اتاق تخصیص مستقیم سهمیه به اتحادیه‌ها را پیگیری کند.",
            legal_basis=f"{legal}، ماده ۳ (همکاری دولت با بخش تعاونی)",
            created=created,
        )
        self.discuss(
            p["feed"],
            created,
            [u["coop"], board[1], board[3]],
            [(u["coop"], "تعاونی ما سه ماه است سهمیه نگرفته است.")],
        )
        created = _at(today - days(20), 12)
        p["pathology"] = self.proposal(
            by="board",
            title="کارگروه آسیب‌شناسی عملکرد تعاونی‌ها",
            text="پیشنهاد می‌شود کارگروهی از اتاق، اداره کل و دانشگاه، عملکرد تعاونی‌های استان را "
            "با شاخص‌های روشن آسیب‌شناسی کند و هر سال گزارش آن منتشر شود.",
            created=created,
        )
        self.discuss(
            p["pathology"],
            created,
            [board[1], u["staff"], u["directorate"]],
            [
                (
                    u["directorate"],
                    "اداره کل داده‌های گزارش‌های سالانه را در اختیار کارگروه می‌گذارد.",
                ),
                (board[2], "شاخص‌ها پیش از شروع کار با اتحادیه‌ها هم‌فکری شود."),
            ],
        )
        created = _at(today - days(60), 9)
        p["tax"] = self.proposal(
            by="coop2",
            cooperative=self.coop2_coop,
            title="معافیت مالیاتی تعاونی‌های معدنی در سال نخست",
            text="تعاونی‌های معدنی تازه‌تأسیس در سال نخست درآمدی ندارند؛ پیشنهاد می‌شود از مالیات "
            "معاف شوند.",
            created=created,
        )
        self.discuss(p["tax"], created, [], [])
        services.proposal_decline(
            actor=self.staff,
            proposal=p["tax"],
            answer="معافیت مالیاتی در صلاحیت قانون‌گذار است و در اختیار هیئت رئیسه نیست؛ پیشنهاد "
            "برای طرح در کمیسیون‌های اتاق ایران به آن‌جا فرستاده شد.",
        )
        return p

    # ----------------------------------------------------------------- meetings
    def meeting(
        self,
        *,
        kind: str,
        title: str,
        starts_at: datetime.datetime,
        items: list[dict],
        present: list[User],
        place: str = BOARD_PLACE,
    ) -> Meeting:
        meeting = services.meeting_create(
            actor=self.staff, kind=kind, title=title, starts_at=starts_at, place=place
        )
        self.summary.meetings += 1
        invited = starts_at - datetime.timedelta(days=10)
        Meeting.objects.filter(pk=meeting.pk).update(created_at=invited)
        MeetingMember.objects.filter(meeting=meeting).update(invited_at=invited)
        added = [
            services.agenda_item_add(
                actor=self.staff,
                meeting=meeting,
                title=item["title"],
                description=item.get("text", ""),
                legal_basis=item.get("legal_basis", ""),
                proposal=item.get("proposal"),
                consultation=item.get("consultation"),
            )
            for item in items
        ]
        if starts_at > timezone.now():
            return meeting
        guests = list(meeting.members.filter(voting=False).values_list("user_id", flat=True))
        services.attendance_set(
            actor=self.staff, meeting=meeting, present_user_ids=[u.pk for u in present] + guests
        )
        if services.quorum(meeting)[2]:
            for order, (item, spec) in enumerate(zip(added, items, strict=True), start=1):
                self.vote(
                    meeting, item, spec, present, starts_at + datetime.timedelta(minutes=25 * order)
                )
        Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.HELD)
        meeting.refresh_from_db()
        return meeting

    def vote(self, meeting, item: AgendaItem, spec: dict, present: list[User], at) -> None:
        services.voting_open(actor=self.staff, item=item)
        lean = spec.get("lean", 0.85)
        for member in present:
            roll = self.rng.random()
            choice = (
                "for"
                if roll < lean
                else ("against" if roll < lean + (1 - lean) * 0.6 else "abstain")
            )
            services.vote_cast(actor=member, item=item, choice=choice)
        resolution = services.voting_close(actor=self.staff, item=item, text=spec.get("text", ""))
        AgendaItem.objects.filter(pk=item.pk).update(closed_at=at)
        Vote.objects.filter(item=item).update(cast_at=at - datetime.timedelta(minutes=3))
        if resolution is not None:
            self.summary.resolutions += 1

    def minutes(self, meeting: Meeting, finalise: bool) -> None:
        present, total, met = services.quorum(meeting)
        if met:
            summary = (
                f"جلسه با حضور {to_persian_digits(str(present))} نفر از "
                f"{to_persian_digits(str(total))} عضو دارای رأی رسمیت یافت. بندهای دستور جلسه "
                "یک‌به‌یک بررسی و درباره هر یک رأی‌گیری شد؛ مصوبات برای اجرا ابلاغ می‌شود."
            )
        else:
            summary = (
                f"تنها {to_persian_digits(str(present))} نفر از {to_persian_digits(str(total))} "
                "عضو دارای رأی حاضر بودند و جلسه به حدنصاب نرسید؛ بندها به جلسه بعد موکول شد."
            )
        services.minutes_save(actor=self.staff, meeting=meeting, summary=summary)
        if not finalise:
            return
        try:
            services.minutes_finalise(actor=self.staff, meeting=meeting)
        except (ImportError, OSError):  # WeasyPrint or its system libraries missing
            logger.warning("demo: minutes of %s not rendered as PDF", meeting, exc_info=True)
            return
        Minutes.objects.filter(meeting=meeting).update(
            finalised_at=meeting.starts_at + datetime.timedelta(days=3)
        )

    def meetings(self, board: list[User], consultations, proposals) -> None:
        rng, today, days = self.rng, self.today, datetime.timedelta
        week = cooperative_week(today)
        topics = BOARD_TOPICS[:]
        rng.shuffle(topics)
        # The fund consultation and the union's proposal reach the board after they close.
        fund = consultations["fund"]
        fund_item = {
            "title": "تشکیل صندوق ضمانت مشترک تعاونی‌های استان",
            "text": "صندوق ضمانت مشترک تعاونی‌های استان با آورده اتحادیه‌ها و تعاونی‌های داوطلب "
            "تشکیل شود؛ اساسنامه آن را کمیسیون اقتصادی ظرف دو ماه تهیه کند.",
            "consultation": fund,
            "lean": 0.9,
        }
        feed = proposals["feed"]
        feed_item = {
            "title": feed.title,
            "text": "اتاق تخصیص مستقیم سهمیه نهاده‌های دامی به اتحادیه‌های دامداران را از مراجع "
            "استانی پیگیری و نتیجه را به اتحادیه‌ها اعلام کند.",
            "legal_basis": feed.legal_basis,
            "proposal": feed,
            "lean": 0.9,
        }
        current = to_jalali(today)
        dates = []
        for back in range(12, 0, -1):
            month = current.month - back
            year = current.year + (month - 1) // 12
            month = (month - 1) % 12 + 1
            day = _jalali(year, month, rng.randint(8, 22))
            if abs((day - week).days) < 5:  # not in Cooperative Week: the joint session is then
                day = week + days(8)
            dates.append(day)
        no_quorum = rng.randrange(2, 9)  # one meeting where too few came
        held: list[Meeting] = []
        joint: Meeting | None = None
        carried: list[dict] = []
        schedule = [(d, MeetingKind.BOARD) for d in dates] + [(week, MeetingKind.JOINT)]
        schedule.sort(key=lambda e: e[0])
        board_count = 0
        for day, kind in schedule:
            if kind == MeetingKind.JOINT:
                joint = self.meeting(
                    kind=MeetingKind.JOINT,
                    title="جلسه مشترک هیئت رئیسه اتاق تعاون و اداره کل تعاون، کار و رفاه "
                    f"اجتماعی در هفته تعاون: {JOINT_TOPIC}",
                    starts_at=_at(day, 10),
                    place=JOINT_PLACE,
                    items=[
                        {
                            "title": title,
                            "text": text,
                            "lean": 0.95,
                            "consultation": consultations["saffron"] if i == 0 else None,
                            "legal_basis": "قانون بخش تعاونی اقتصاد جمهوری اسلامی ایران",
                        }
                        for i, (title, text) in enumerate(JOINT_ITEMS)
                    ],
                    present=board,
                )
                continue
            items, carried = carried, []
            wanted = rng.choice([1, 2, 2, 3])
            while len(items) < wanted and topics:
                title, text, lean = topics.pop()
                items.append({"title": title, "text": text, "lean": lean})
            starts = _at(day, 16)
            if fund_item and starts > fund.closes_at + days(7):
                items.insert(0, fund_item)
                fund_item = None
            if feed_item and starts > feed.created_at + days(14):
                items.insert(0, feed_item)
                feed_item = None
            if board_count == no_quorum:
                present = [self.users["board"], rng.choice(board[1:])]
                carried = items  # postponed to the next meeting
            else:
                present = [self.users["board"], *rng.sample(board[1:], rng.randint(2, 4))]
            board_count += 1
            held.append(
                self.meeting(
                    kind=MeetingKind.BOARD,
                    title=f"جلسه ماهانه هیئت رئیسه — {_month_label(day)}",
                    starts_at=starts,
                    items=items,
                    present=present,
                )
            )
        finals = {joint.pk} | {m.pk for m in held[-1 - FINALISED_BOARD_MINUTES : -1]}
        can_render = importlib.util.find_spec("hamafza.decisions.pdf") is not None
        for meeting in [*held, joint]:
            self.minutes(meeting, finalise=can_render and meeting.pk in finals)
        # The next board meeting, its agenda ready: the cooperative's proposal among it.
        upcoming = today + days(7)
        self.meeting(
            kind=MeetingKind.BOARD,
            title=f"جلسه ماهانه هیئت رئیسه — {_month_label(upcoming)}",
            starts_at=_at(upcoming, 16),
            items=[
                {"title": proposals["market"].title, "proposal": proposals["market"]},
                {
                    "title": "گزارش نظرخواهی نیازهای آموزشی تعاونی‌های عضو اتحادیه",
                    "consultation": consultations["training"],
                },
                {"title": f"گزارش پیشرفت مصوبات جلسه مشترک هفته تعاون ({JOINT_TOPIC})"},
            ],
            present=[],
        )


def build(rng: random.Random, *, today: datetime.date | None = None) -> Summary:
    """Build the demo decisions once (nothing if there are already meetings or
    consultations, or the demo sign-ins are missing)."""
    today = today or timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}
    if len(users) < len(DEMO_USERS) or Meeting.objects.exists() or Consultation.objects.exists():
        return Summary()
    if not (users["coop"].cooperative_ids and users["coop2"].cooperative_ids):
        return Summary()
    if not Cooperative.objects.filter(status=Status.ACTIVE).exists():
        return Summary()
    # The history being written is not news: no invitations or outcomes are e-mailed.
    with override_settings(
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    ):
        builder = _Builder(rng, today, users)
        board = builder.board_members()
        consultations = builder.consultations(board)
        proposals = builder.proposals(board)
        builder.meetings(board, consultations, proposals)
    return builder.summary
