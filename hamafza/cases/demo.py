"""Demo cases for `hamafza demo_data`: a year of problems cooperatives brought to the chamber.

About one case for every two active cooperatives (30 to 150) across the province, plus eight or
nine for each of the `coop` and `coop2` sign-ins' cooperatives, in every category and every
state: filed on the web by cooperatives' representatives, by the demo union for its members,
or by staff from a phone call, a letter or a visit; triaged, answered, referred to the
directorate or to outside bodies (بانک توسعه تعاون، امور مالیاتی، صندوق بیمه کشاورزی،
جهاد کشاورزی، منابع طبیعی، صمت، تأمین اجتماعی), worked, resolved or rejected, confirmed and
rated, closed by themselves when the cooperative did not answer, and a few reopened. Some
breached their targets; a few open ones are near them now. One of `coop`'s cases went to a
board meeting and its resolution's actions (whose state decides the case's); `coop2`'s case
and two similar ones are on the agenda of the next board meeting.

Everything goes through hamafza.cases.services — the timelines, audit log and notifications
are the real ones — with the present as "now"; each step's rows (events, messages,
referrals, files, audit entries, notifications) are then dated to when the step happened,
by bulk updates over the ids each step added, and the cases' own dates likewise. Every
choice comes from the rng passed in, so one seed gives the same cases.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from hamafza.accounts.models import Role, RoleAssignment, User
from hamafza.cases import services
from hamafza.cases.defaults import ensure_categories
from hamafza.cases.models import Attachment, Case, Category, Event, Message, Referral
from hamafza.core import audit
from hamafza.core.models import AuditEvent, Notification
from hamafza.decisions.models import AgendaItem, Meeting, Resolution
from hamafza.followup import demo as followup_demo
from hamafza.followup.models import Action, Organisation
from hamafza.persian.text import to_persian_digits
from hamafza.registry.models import Cooperative, Status

S = Case.State
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

# --------------------------------------------------------------------------- bodies
BODIES: dict[str, tuple[str, str]] = {
    "directorate": (followup_demo.DIRECTORATE, Organisation.Kind.DIRECTORATE),
    "bank": (followup_demo.BANK, Organisation.Kind.OUTSIDE),
    "tax": (followup_demo.TAX, Organisation.Kind.OUTSIDE),
    "agriculture": (followup_demo.AGRICULTURE, Organisation.Kind.OUTSIDE),
    "insurance": ("صندوق بیمه کشاورزی", Organisation.Kind.OUTSIDE),
    "resources": ("اداره کل منابع طبیعی و آبخیزداری خراسان رضوی", Organisation.Kind.OUTSIDE),
    "industry": ("سازمان صنعت، معدن و تجارت خراسان رضوی", Organisation.Kind.OUTSIDE),
    "social": ("اداره کل تأمین اجتماعی خراسان رضوی", Organisation.Kind.OUTSIDE),
}


# --------------------------------------------------------------------------- what is asked
@dataclass(frozen=True)
class Template:
    title: str
    text: str
    body: str | None  # referred to (a key of BODIES), or None: the chamber sees to it itself
    outcome: str
    sectors: tuple[str, ...] = ()  # the sectors it comes from; empty: any


AGRI = ("کشاورزی",)
CARPET = ("فرش دستباف",)
MINING = ("معدنی",)
HOUSING = ("مسکن",)
BUILDING = ("عمرانی",)

TEMPLATES: dict[str, list[Template]] = {
    "تسهیلات و تأمین مالی": [
        Template(
            "تأخیر در پرداخت تسهیلات سرمایه در گردش از بانک توسعه تعاون",
            "پرونده تسهیلات سرمایه در گردش تعاونی چهار ماه است در شعبه بانک توسعه تعاون مانده و "
            "با وجود تکمیل مدارک به کمیته اعتباری نرفته است. فصل خرید مواد اولیه نزدیک است و "
            "تأخیر بیشتر، تولید را متوقف می‌کند.",
            "bank",
            "با پیگیری اتاق، پرونده در کمیته اعتباری شعبه مطرح و تسهیلات به مبلغ درخواستی تصویب "
            "شد؛ قرارداد در هفته پیش رو امضا می‌شود.",
        ),
        Template(
            "درخواست امهال اقساط معوق وام به دلیل خشکسالی",
            "خشکسالی امسال محصول اعضا را نصف کرده و تعاونی نمی‌تواند اقساط وام خرید ماشین‌آلات را "
            "به‌موقع بپردازد. بانک برای سه قسط معوق جریمه دیرکرد حساب کرده است.",
            "bank",
            "بانک توسعه تعاون با امهال شش‌ماهه اقساط و بخشودگی جریمه دیرکرد موافقت کرد.",
            AGRI,
        ),
        Template(
            "نبود ضامن کافی برای دریافت وام اشتغال‌زایی",
            "تعاونی برای طرح توسعه کارگاه، وام اشتغال‌زایی گرفته است اما بانک دو ضامن کارمند "
            "می‌خواهد و اعضا چنین ضامنی ندارند.",
            "directorate",
            "اداره کل، تعاونی را به صندوق ضمانت تعاون معرفی کرد و ضمانت‌نامه به جای ضامن پذیرفته شد.",
        ),
        Template(
            "امهال بدهی تعاونی مسکن به بانک عامل",
            "ساخت واحدهای تعاونی به دلیل گرانی مصالح عقب افتاده و بانک برای اقساط تسهیلات ساخت، "
            "اعضا را به دادگاه معرفی کرده است.",
            "bank",
            "بانک با تقسیط دوباره بدهی در ۳۶ ماه موافقت کرد و پرونده از دادگاه پس گرفته شد.",
            HOUSING,
        ),
    ],
    "بیمه": [
        Template(
            "تأخیر در پرداخت خسارت سرمازدگی باغ‌های اعضا",
            "سرمای بهاره باغ‌های اعضای تعاونی را از بین برد. ارزیاب صندوق بیمه کشاورزی بازدید کرده "
            "اما پس از شش ماه هنوز خسارتی پرداخت نشده است.",
            "insurance",
            "صندوق بیمه کشاورزی ارزیابی را نهایی کرد و خسارت اعضای بیمه‌شده به حسابشان واریز شد.",
            AGRI,
        ),
        Template(
            "نپذیرفتن خسارت خشکسالی مزارع زعفران از سوی ارزیاب بیمه",
            "ارزیاب صندوق بیمه کشاورزی کاهش محصول زعفران را ناشی از خشکسالی ندانسته و پرونده "
            "خسارت ۲۳ عضو تعاونی را بسته است.",
            "insurance",
            "با درخواست اتاق، ارزیابی دوباره با حضور کارشناس جهاد کشاورزی انجام و خسارت پذیرفته شد.",
            AGRI,
        ),
        Template(
            "مشکل بیمه تأمین اجتماعی بافندگان عضو تعاونی",
            "بیمه ۴۰ بافنده عضو تعاونی پس از تغییر سامانه تأمین اجتماعی قطع شده و سابقه آن‌ها "
            "ثبت نمی‌شود.",
            "social",
            "تأمین اجتماعی سابقه بافندگان را اصلاح کرد و بیمه آن‌ها از همان ماه دوباره برقرار شد.",
            CARPET,
        ),
        Template(
            "افزایش ناگهانی حق بیمه کارکنان پس از بازرسی",
            "بازرس تأمین اجتماعی کارگران فصلی تعاونی را کارکنان دائم دانسته و حق بیمه سه سال "
            "گذشته را با جریمه مطالبه کرده است.",
            "social",
            "هیئت تشخیص مطالبات، حق بیمه کارگران فصلی را به ماه‌های کار واقعی کاهش داد.",
        ),
    ],
    "مالیات": [
        Template(
            "اختلاف در محاسبه مالیات بر ارزش افزوده فروش محصولات کشاورزی",
            "اداره مالیاتی فروش محصولات کشاورزی فرآوری‌نشده اعضا را که از مالیات بر ارزش افزوده "
            "معاف است، مشمول دانسته و برای تعاونی جریمه صادر کرده است.",
            "tax",
            "هیئت حل اختلاف مالیاتی معافیت را پذیرفت و برگ مطالبه مالیات و جریمه باطل شد.",
            AGRI,
        ),
        Template(
            "برگ تشخیص مالیات عملکرد بدون رسیدگی به دفاتر",
            "با وجود ارائه دفاتر قانونی و صورت‌های مالی حسابرسی‌شده، مالیات عملکرد سال گذشته "
            "تعاونی علی‌الرأس تعیین شده و چند برابر سال‌های پیش است.",
            "tax",
            "اداره کل امور مالیاتی پرونده را برای رسیدگی به دفاتر به ممیز دیگری سپرد و مالیات "
            "بر پایه دفاتر تعیین شد.",
        ),
        Template(
            "تأخیر در استرداد مالیات بر ارزش افزوده صادرات",
            "تعاونی محصول خود را صادر کرده و مدارک گمرکی را فرستاده است اما مالیات بر ارزش "
            "افزوده پرداختی پس از یک سال هنوز مسترد نشده است.",
            "tax",
            "مبلغ استرداد تأیید و به حساب تعاونی واریز شد.",
        ),
        Template(
            "نپذیرفتن معافیت مالیاتی تعاونی از سوی ممیز",
            "ممیز مالیاتی معافیت قانونی تعاونی را نپذیرفته و گواهی عضویت در اتاق را کافی ندانسته "
            "است.",
            "tax",
            "با استعلام اتاق، معافیت تعاونی پذیرفته و برگ تشخیص اصلاح شد.",
        ),
    ],
    "مجوز و پروانه": [
        Template(
            "تمدید نشدن پروانه بهره‌برداری کارگاه بسته‌بندی",
            "پروانه بهره‌برداری کارگاه بسته‌بندی تعاونی سه ماه است منقضی شده و درخواست تمدید به "
            "دلیل استعلام‌های تازه در سازمان صمت مانده است.",
            "industry",
            "سازمان صمت پروانه را با تعهد تکمیل استعلام‌ها تا شش ماه، تمدید کرد.",
        ),
        Template(
            "تأخیر در تمدید پروانه بهره‌برداری معدن",
            "پروانه بهره‌برداری معدن تعاونی رو به پایان است و با وجود پرداخت حقوق دولتی، "
            "کارشناسی تمدید آن هنوز انجام نشده است.",
            "industry",
            "کارشناس سازمان صمت بازدید کرد و پروانه بهره‌برداری برای پنج سال تمدید شد.",
            MINING,
        ),
        Template(
            "ثبت نشدن صورتجلسه مجمع و تغییرات هیئت مدیره",
            "صورتجلسه مجمع عمومی و انتخاب هیئت مدیره تازه دو ماه است در انتظار تأیید اداره تعاون "
            "مانده و تعاونی بدون آن نمی‌تواند حساب بانکی را تمدید کند.",
            "directorate",
            "اداره کل صورتجلسه را تأیید کرد و تغییرات در روزنامه رسمی آگهی شد.",
        ),
        Template(
            "درخواست مجوز فعالیت تازه در اساسنامه",
            "تعاونی می‌خواهد فعالیت فرآوری را به موضوع فعالیت خود بیفزاید و نمی‌داند کدام دستگاه "
            "باید مجوز بدهد.",
            None,
            "کارشناس اتاق مراحل اصلاح اساسنامه و مجوزهای لازم را به تعاونی توضیح داد و نمونه "
            "صورتجلسه را فرستاد.",
        ),
    ],
    "زمین و ساختمان": [
        Template(
            "واگذاری زمین برای احداث سردخانه",
            "درخواست واگذاری دو هکتار زمین ملی برای احداث سردخانه محصولات اعضا دو سال است در "
            "اداره منابع طبیعی مانده است.",
            "resources",
            "کمیسیون واگذاری اراضی با اجاره زمین برای سردخانه موافقت کرد.",
            AGRI,
        ),
        Template(
            "اختلاف بر سر حریم مرتع واگذارشده به تعاونی دامداران",
            "بخشی از مرتعی که پروانه چرای آن به تعاونی داده شده، در طرح دیگری آمده و دام اعضا از "
            "آن رانده می‌شود.",
            "resources",
            "حد مرتع با نقشه‌برداری تازه مشخص و پروانه چرای تعاونی اصلاح شد.",
            AGRI,
        ),
        Template(
            "تخصیص زمین به تعاونی مسکن کارکنان",
            "زمینی که سال‌ها پیش برای تعاونی مسکن کارکنان در نظر گرفته شده بود، هنوز واگذار نشده "
            "و اعضا سهم خود را پرداخته‌اند.",
            "directorate",
            "اداره کل پیگیری کرد و قرارداد واگذاری زمین با تعاونی امضا شد.",
            HOUSING,
        ),
        Template(
            "تأمین زمین در شهرک صنعتی برای کارگاه تعاونی",
            "تعاونی برای انتقال کارگاه از محدوده شهر، زمینی در شهرک صنعتی می‌خواهد اما نوبت "
            "واگذاری به آن نمی‌رسد.",
            "industry",
            "شرکت شهرک‌های صنعتی زمینی با اقساط پنج‌ساله به تعاونی واگذار کرد.",
        ),
    ],
    "مواد اولیه و نهاده‌ها": [
        Template(
            "تحویل نشدن سهمیه نهاده دامی تعاونی دامداران",
            "سهمیه جو و ذرت دو ماه گذشته تعاونی دامداران تحویل نشده و اعضا نهاده را از بازار آزاد "
            "به چند برابر قیمت می‌خرند.",
            "agriculture",
            "جهاد کشاورزی سهمیه معوق را حواله کرد و نهاده به انبار تعاونی رسید.",
            AGRI,
        ),
        Template(
            "کمبود سهمیه کود شیمیایی برای کشت پاییزه",
            "سهمیه کود اوره تعاونی برای کشت پاییزه نصف سال گذشته تعیین شده و کشت گندم اعضا در "
            "خطر است.",
            "agriculture",
            "سهمیه کود تعاونی با سهمیه تکمیلی جهاد کشاورزی به اندازه سال گذشته رسید.",
            AGRI,
        ),
        Template(
            "قطع سهمیه نخ و رنگ تعاونی قالیبافان",
            "سهمیه نخ و رنگ یارانه‌ای تعاونی قالیبافان از ابتدای سال قطع شده و بافندگان کار را "
            "متوقف کرده‌اند.",
            "industry",
            "سهمیه نخ و رنگ تعاونی دوباره برقرار شد.",
            CARPET,
        ),
        Template(
            "تأمین نشدن سهمیه مواد ناریه برای معدن",
            "سهمیه مواد ناریه (منفجره) معدن تعاونی برای فصل جاری تحویل نشده و استخراج متوقف است.",
            "industry",
            "سازمان صمت سهمیه را تأیید و تحویل آن را هماهنگ کرد.",
            MINING,
        ),
        Template(
            "تأمین نشدن سهمیه قیر برای پروژه‌های تعاونی عمرانی",
            "قیر پروژه‌های راه روستایی تعاونی تأمین نشده و قرارداد با دستگاه کارفرما به تأخیر "
            "افتاده است.",
            "industry",
            "سهمیه قیر تعاونی از محل سهمیه استانی تأمین شد.",
            BUILDING,
        ),
    ],
    "بازار و فروش": [
        Template(
            "دسترسی به بازارهای صادراتی عراق و افغانستان",
            "تعاونی محصول صادراتی دارد اما راه ورود به بازارهای عراق و افغانستان، خریدار مطمئن و "
            "شیوه گرفتن پول را نمی‌شناسد.",
            "industry",
            "تعاونی به رایزن بازرگانی و شرکت مدیریت صادرات معرفی شد و نخستین محموله فرستاده شد.",
        ),
        Template(
            "صادرات مشترک زعفران اعضا از راه اتحادیه",
            "تعاونی می‌خواهد زعفران اعضا را با برند مشترک اتحادیه صادر کند و برای کارت بازرگانی "
            "و استاندارد بسته‌بندی راهنمایی می‌خواهد.",
            "industry",
            "با هماهنگی اتحادیه، کارت بازرگانی مشترک صادر و استاندارد بسته‌بندی گرفته شد.",
            AGRI,
        ),
        Template(
            "خرید تضمینی گندم اعضا و تأخیر در پرداخت بهای آن",
            "گندم اعضا سه ماه پیش به مراکز خرید تضمینی تحویل شده اما بهای آن هنوز پرداخت نشده است.",
            "agriculture",
            "بهای گندم تحویلی اعضا پرداخت شد.",
            AGRI,
        ),
        Template(
            "درخواست غرفه در نمایشگاه بین‌المللی مشهد",
            "تعاونی برای نخستین بار می‌خواهد محصولات خود را در نمایشگاه عرضه کند و هزینه غرفه "
            "برایش سنگین است.",
            None,
            "غرفه رایگان در بخش تعاونی‌های نوپای نمایشگاه به تعاونی داده شد.",
        ),
    ],
    "اختلاف و دعاوی": [
        Template(
            "اختلاف هیئت مدیره با اعضا بر سر تقسیم سود",
            "گروهی از اعضا تقسیم سود سال گذشته را مخالف اساسنامه می‌دانند و خواستار مجمع فوق‌العاده "
            "شده‌اند؛ هیئت مدیره نمی‌پذیرد.",
            "directorate",
            "با میانجی‌گری اداره کل، مجمع فوق‌العاده برگزار و تقسیم سود اصلاح شد.",
        ),
        Template(
            "شکایت اعضا از برگزار نشدن مجمع عمومی سالانه",
            "دو سال است مجمع عمومی سالانه برگزار نشده و صورت‌های مالی به اعضا گزارش نمی‌شود.",
            "directorate",
            "اداره کل به هیئت مدیره اخطار داد و مجمع عمومی در مهلت تعیین‌شده برگزار شد.",
        ),
        Template(
            "اختلاف با پیمانکار طرح آبیاری تحت فشار",
            "پیمانکار طرح آبیاری تحت فشار کار را نیمه‌کاره رها کرده و پیش‌پرداخت را پس نمی‌دهد.",
            None,
            "با داوری اتاق، پیمانکار کار را در دو ماه به پایان رساند.",
            AGRI,
        ),
        Template(
            "ادعای عضو سابق بر سهم و اموال تعاونی",
            "عضوی که سه سال پیش کناره گرفته، بیش از سهم خود از اموال تعاونی طلب می‌کند و به "
            "دادگاه شکایت کرده است.",
            "directorate",
            "اداره کل با بررسی اساسنامه و صورت‌های مالی، سهم عضو را تعیین کرد و طرفین پذیرفتند.",
        ),
    ],
    "آموزش و مشاوره": [
        Template(
            "درخواست دوره آموزشی بازاریابی دیجیتال برای اعضا",
            "اعضای تعاونی می‌خواهند فروش اینترنتی محصولات را یاد بگیرند.",
            None,
            "دوره دوروزه بازاریابی دیجیتال برای اعضای تعاونی و دو تعاونی همسایه برگزار شد.",
        ),
        Template(
            "مشاوره برای تهیه صورت‌های مالی و حسابرسی",
            "تعاونی حسابدار ندارد و صورت‌های مالی سال گذشته را برای مجمع آماده نکرده است.",
            None,
            "تعاونی به حسابرس معتمد اتاق معرفی شد و صورت‌های مالی پیش از مجمع آماده شد.",
        ),
        Template(
            "دوره آموزشی ایمنی و بهداشت کار برای کارکنان",
            "بازرس کار آموزش ایمنی کارکنان را خواسته و تعاونی برگزارکننده دوره را نمی‌شناسد.",
            "directorate",
            "اداره کل دوره ایمنی و بهداشت کار را برای کارکنان تعاونی برگزار کرد.",
        ),
        Template(
            "آموزش بسته‌بندی و استانداردهای صادراتی",
            "تعاونی برای صادرات باید بسته‌بندی خود را به استاندارد برساند و آموزش می‌خواهد.",
            None,
            "کارگاه آموزشی بسته‌بندی و استاندارد با همکاری اتحادیه برگزار شد.",
        ),
    ],
    "سایر": [
        Template(
            "به‌روز نشدن اطلاعات تعاونی در سامانه جامع تعاون",
            "اطلاعات هیئت مدیره تازه در سامانه جامع تعاون ثبت نشده و استعلام بانک‌ها نادرست است.",
            "directorate",
            "اطلاعات تعاونی در سامانه به‌روز شد.",
        ),
        Template(
            "قطعی مکرر برق کارگاه در ساعات کاری",
            "برق کارگاه تعاونی هفته‌ای چند بار در ساعات کاری قطع می‌شود و دستگاه‌ها آسیب دیده‌اند.",
            None,
            "با نامه اتاق به شرکت توزیع برق، کارگاه در فهرست مشترکان تولیدی با اولویت قرار گرفت.",
        ),
        Template(
            "درخواست معرفی تعاونی به سامانه تدارکات دولت",
            "تعاونی می‌خواهد در مناقصه‌های دستگاه‌های دولتی شرکت کند و برای ثبت در سامانه "
            "تدارکات راهنمایی می‌خواهد.",
            None,
            "کارشناس اتاق ثبت‌نام تعاونی در سامانه تدارکات را همراهی کرد.",
        ),
    ],
}
CATEGORY_WEIGHTS = {
    "تسهیلات و تأمین مالی": 18,
    "بیمه": 12,
    "مالیات": 12,
    "مجوز و پروانه": 10,
    "زمین و ساختمان": 8,
    "مواد اولیه و نهاده‌ها": 12,
    "بازار و فروش": 10,
    "اختلاف و دعاوی": 8,
    "آموزش و مشاوره": 6,
    "سایر": 4,
}
# Final states of the province's cases, by weight (closed ones are most of a year's work).
STATE_WEIGHTS = {
    S.NEW: 6,
    S.TRIAGED: 6,
    S.REFERRED: 12,
    S.IN_PROGRESS: 12,
    S.RESOLVED: 7,
    S.REJECTED: 5,
    S.CLOSED: 52,
}

STAFF_REPLIES = [
    "درخواست شما بررسی شد؛ لطفاً تصویر قرارداد و آخرین مکاتبات را در همین‌جا بفرستید.",
    "با کارشناس دستگاه مربوط تماس گرفتیم؛ نامه رسمی اتاق هم این هفته فرستاده می‌شود.",
    "پرونده در دست پیگیری است؛ نتیجه را در همین صفحه اعلام می‌کنیم.",
    "برای بررسی دقیق‌تر، شماره تماس مدیرعامل را برای هماهنگی جلسه بفرستید.",
]
STAFF_UPDATES = [
    "پاسخ دستگاه رسید؛ موضوع در مرحله کارشناسی است و تا دو هفته دیگر نتیجه آن معلوم می‌شود.",
    "جلسه‌ای با حضور نماینده دستگاه برگزار شد و قرار شد پرونده شما در اولویت باشد.",
    "دوباره پیگیری کردیم؛ کارشناس پرونده تغییر کرده و پرونده به او سپرده شد.",
]
PARTY_REPLIES = [
    "مدارک خواسته‌شده پیوست شد. از پیگیری شما سپاسگزاریم.",
    "هنوز خبری نشده است؛ لطفاً دوباره پیگیری کنید، زمان برای ما مهم است.",
    "کارشناس دستگاه امروز با ما تماس گرفت؛ منتظر نتیجه هستیم.",
    "مدیرعامل هفته آینده برای توضیح بیشتر به اتاق می‌آید.",
]
NOTES = [
    "این تعاونی سال گذشته هم همین مشکل را داشت؛ با رئیس دستگاه مستقیم هماهنگ شود.",
    "پرونده‌های مشابه دو تعاونی دیگر هم در دست است؛ برای طرح در هیئت رئیسه جمع‌بندی شود.",
    "مدیرعامل تلفنی گفت اختلاف داخلی هیئت مدیره هم در کار است؛ محتاطانه پیگیری شود.",
    "کارشناس دستگاه گفت پرونده تا پایان ماه به نتیجه می‌رسد؛ پیش از آن به تعاونی قول داده نشود.",
]
TRIAGE_NOTES = [
    "",
    "",
    "موضوع و فوریت تأیید شد؛ پیگیری آغاز می‌شود.",
    "مدارک کامل است؛ پرونده برای پیگیری آماده شد.",
]
START_NOTES = [
    "",
    "پاسخ نخست دستگاه رسید و کار آغاز شد.",
    "جلسه هماهنگی برگزار شد و پیگیری آغاز شد.",
]
REJECTIONS = [
    "این موضوع در صلاحیت اتاق نیست و به مرجع قضایی مربوط است؛ راهنمایی لازم به تعاونی داده شد.",
    "مدارک خواسته‌شده با وجود دو بار پیگیری فرستاده نشد؛ پس از تکمیل مدارک دوباره درخواست دهید.",
    "درخواست تکراری است و با شماره پیگیری پیشین تعاونی در دست رسیدگی است.",
    "مطالبه تعاونی با قانون و دستورالعمل‌های دستگاه سازگار نیست؛ دلایل در نامه پاسخ آمده است.",
]
REOPEN_REASONS = [
    "مشکل هنوز حل نشده است؛ بانک قرارداد را امضا نکرده است.",
    "دستگاه به قول خود عمل نکرد و کار دوباره متوقف شد.",
    "نتیجه اعلام‌شده تنها بخشی از مشکل را حل کرد.",
]
COMMENTS = {
    5: ["پیگیری اتاق سریع و نتیجه‌بخش بود. سپاس.", "از کارشناس اتاق بسیار سپاسگزاریم."],
    4: ["مشکل حل شد، هرچند کمی طول کشید.", "رسیدگی خوب بود."],
    3: ["نتیجه نسبی بود.", ""],
    2: ["رسیدگی طولانی بود و نتیجه کامل نگرفتیم.", ""],
    1: ["مشکل عملاً حل نشد.", ""],
}
# Which categories a resolution's subject speaks to (words of its title or text).
RESOLUTION_SUBJECTS: list[tuple[tuple[str, ...], str]] = [
    (("بیمه",), "بیمه"),
    (("بانک", "تسهیلات", "سرمایه در گردش", "بدهی", "صندوق"), "تسهیلات و تأمین مالی"),
    (("صادرات", "بازار", "نمایشگاه"), "بازار و فروش"),
    (("نهاده",), "مواد اولیه و نهاده‌ها"),
    (("مالیات",), "مالیات"),
    (("آموزش",), "آموزش و مشاوره"),
]


class SilentSms:
    """The history being written is not news: no SMS goes out for it."""

    def send(self, mobile: str, text: str) -> None:
        pass


@dataclass
class Summary:
    cases: int = 0
    organisations: int = 0
    referrals: int = 0
    messages: int = 0
    on_agenda: int = 0


@dataclass
class _Step:
    at: datetime.datetime
    op: str
    args: dict = field(default_factory=dict)


@dataclass
class _Plan:
    cooperative: Cooperative
    filer: User
    party: User | None  # who writes back, confirms and rates (None: nobody signs in for it)
    channel: str | None
    category: Category
    template: Template
    urgency: str
    final: str
    flavour: str = ""
    refer: bool = False  # referred whatever the rng gives
    filed: datetime.datetime | None = None
    steps: list[_Step] = field(default_factory=list)
    deferred: list[_Step] = field(default_factory=list)  # run after every other case
    case: Case | None = None
    dates: dict = field(default_factory=dict)


# The tables whose rows a step adds, with the column that dates them.
DATED = [
    (Event, "at"),
    (Message, "posted_at"),
    (Referral, "created_at"),
    (Attachment, "uploaded_at"),
    (AuditEvent, "at"),
    (Notification, "created_at"),
]


class _Builder:
    def __init__(self, rng: random.Random, now: datetime.datetime, users: dict[str, User]):
        self.rng = rng
        self.now = now
        self.users = users
        self.staff = users["staff"]
        self.summary = Summary()
        self.categories = {c.name: c for c in Category.objects.filter(active=True)}
        self.marks: list[tuple[datetime.datetime | None, tuple[int, ...]]] = []
        self.files = 0
        self.used: dict[int, set[str]] = {}  # cooperative id → titles of its cases

    # ----------------------------------------------------------------- bodies
    def bodies(self) -> dict[str, Organisation]:
        found = {}
        for key, (name, kind) in BODIES.items():
            body, created = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
            if created and kind == Organisation.Kind.DIRECTORATE:
                body.members.add(self.users["directorate"])
            self.summary.organisations += created
            found[key] = body
        return found

    # ----------------------------------------------------------------- who files
    def _people(self) -> None:
        self.union = self.users["union"].role_assignments.get(role=Role.UNION).union
        self.coop_coop = Cooperative.objects.get(pk=min(self.users["coop"].cooperative_ids))
        self.coop2_coop = Cooperative.objects.get(pk=min(self.users["coop2"].cooperative_ids))
        skip = {self.coop_coop.pk, self.coop2_coop.pk}
        self.reps: dict[int, User] = {}
        for ra in (
            RoleAssignment.objects.filter(role=Role.COOPERATIVE, user__is_active=True)
            .exclude(cooperative_id__in=skip)
            .select_related("user")
            .order_by("user_id")
        ):
            self.reps.setdefault(ra.cooperative_id, ra.user)
        self.candidates = list(
            Cooperative.objects.filter(status=Status.ACTIVE)
            .exclude(pk__in=skip)
            .select_related("sector", "union")
            .order_by("pk")
        )

    def _template(self, category: str, cooperative: Cooperative) -> Template:
        """A problem of the category that fits the cooperative's sector, one it has not
        brought before if there is one."""
        sector = cooperative.sector.name
        fits = [t for t in TEMPLATES[category] if not t.sectors or sector in t.sectors]
        used = self.used.setdefault(cooperative.pk, set())
        fresh = [t for t in fits or TEMPLATES[category] if t.title not in used]
        template = self.rng.choice(fresh or fits or TEMPLATES[category])
        used.add(template.title)
        return template

    def _categories(self, cooperative: Cooperative, n: int) -> list[str]:
        """n categories for one cooperative's cases, as varied as its sector allows."""
        sector = cooperative.sector.name
        names = [
            name
            for name in CATEGORY_WEIGHTS
            if name in self.categories
            and any(not t.sectors or sector in t.sectors for t in TEMPLATES[name])
        ]
        self.rng.shuffle(names)
        return [names[i % len(names)] for i in range(n)]

    def _category_for(self, sector: str) -> str:
        """A category weighted by the province's mix, but only one with a template for the
        sector (a carpet cooperative does not ask about crop insurance)."""
        names = [
            n
            for n in CATEGORY_WEIGHTS
            if n in self.categories
            and any(not t.sectors or sector in t.sectors for t in TEMPLATES[n])
        ]
        return self.rng.choices(names, weights=[CATEGORY_WEIGHTS[n] for n in names])[0]

    def _fitting(self, template: Template) -> list[Cooperative]:
        """The cooperatives that could bring this problem (by their sector)."""
        if not template.sectors:
            return self.candidates
        fits = [c for c in self.candidates if c.sector.name in template.sectors]
        return fits or self.candidates

    def _urgency(self) -> str:
        return self.rng.choices(
            [Case.Urgency.NORMAL, Case.Urgency.HIGH, Case.Urgency.CRITICAL], weights=[70, 24, 6]
        )[0]

    def _plan(
        self,
        cooperative: Cooperative,
        *,
        final: str,
        flavour: str = "",
        category: str | None = None,
        filer: User | None = None,
        template: Template | None = None,
    ) -> _Plan:
        rng = self.rng
        sector = cooperative.sector.name
        rep = self.reps.get(cooperative.pk)
        channel = None
        roll = rng.random()
        if filer is None:
            if rep is not None and roll < 0.65:
                filer = rep
            elif cooperative.union_id == self.union.pk and roll < 0.8:
                filer = self.users["union"]
            else:
                filer = self.staff
                channel = rng.choice(
                    [
                        Case.Channel.PHONE,
                        Case.Channel.PHONE,
                        Case.Channel.LETTER,
                        Case.Channel.IN_PERSON,
                    ]
                )
        # The side that writes back, confirms and rates: whoever filed it for the cooperative
        # (its representative or the union), else its representative if it has one.
        party = rep if filer == self.staff else filer
        name = category or self._category_for(sector)
        return _Plan(
            cooperative=cooperative,
            filer=filer,
            party=party,
            channel=channel,
            category=self.categories[name],
            template=template or self._template(name, cooperative),
            urgency=self._urgency(),
            final=final,
            flavour=flavour,
        )

    # ----------------------------------------------------------------- the plans
    def plans(self, count: int) -> list[_Plan]:
        rng = self.rng
        plans: list[_Plan] = []
        states = list(STATE_WEIGHTS)
        categories = [n for n in CATEGORY_WEIGHTS if n in self.categories]
        members = [c for c in self.candidates if c.union_id == self.union.pk]
        for i in range(count):
            # A share comes through the demo union, for its members.
            pool = members if members and rng.random() < 0.15 else self.candidates
            cooperative = rng.choice(pool)
            # The first ones cover every state and every category, whatever the rng gives.
            final = (
                states[i]
                if i < len(states)
                else rng.choices(states, weights=list(STATE_WEIGHTS.values()))[0]
            )
            category = categories[i] if i < len(categories) else None
            plans.append(self._plan(cooperative, final=final, category=category))
        # Every body gets a referral or more, whatever the rng gives.
        for key in BODIES:
            category, template = rng.choice(
                [
                    (n, t)
                    for n, ts in TEMPLATES.items()
                    if n in self.categories
                    for t in ts
                    if t.body == key
                ]
            )
            plan = self._plan(
                rng.choice(self._fitting(template)),
                final=rng.choice([S.CLOSED, S.CLOSED, S.REFERRED, S.IN_PROGRESS]),
                category=category,
                template=template,
            )
            plan.refer = True
            plans.append(plan)
        coop, coop2 = self.users["coop"], self.users["coop2"]
        mine = self._categories(self.coop_coop, 8)
        for (final, flavour), category in zip(
            [
                (S.CLOSED, "confirm"),
                (S.CLOSED, "auto_rate"),
                (S.CLOSED, "reopen"),
                (S.RESOLVED, ""),
                (S.REJECTED, ""),
                (S.REFERRED, ""),
                (S.TRIAGED, ""),
                (S.NEW, "near"),
            ],
            mine,
            strict=True,
        ):
            plans.append(
                self._plan(
                    self.coop_coop, final=final, flavour=flavour, filer=coop, category=category
                )
            )
        theirs = self._categories(self.coop2_coop, 8)
        for (final, flavour), category in zip(
            [
                (S.CLOSED, "confirm"),
                (S.CLOSED, "auto"),
                (S.CLOSED, "reject"),
                (S.RESOLVED, ""),
                (S.REFERRED, "breach"),
                (S.IN_PROGRESS, ""),
                (S.TRIAGED, ""),
                (S.NEW, "breach"),
            ],
            theirs,
            strict=True,
        ):
            plans.append(
                self._plan(
                    self.coop2_coop, final=final, flavour=flavour, filer=coop2, category=category
                )
            )
        for plan in plans:
            self._schedule(plan)
        return plans

    # ----------------------------------------------------------------- timelines
    def _schedule(self, plan: _Plan) -> None:
        """Dates for the plan's filing and steps, consistent with its final state; all in
        the past. The draws are taken whatever the branch, so the rng stays in step."""
        rng, now = self.rng, self.now
        target_response = HOUR * plan.category.first_response_hours
        target_days = DAY * plan.category.resolution_days
        u = [rng.random() for _ in range(8)]
        late_response = u[0] < 0.12
        late_outcome = u[1] < 0.2
        response = target_response * ((1.1 + 1.6 * u[2]) if late_response else (0.05 + 0.7 * u[2]))
        total = target_days * ((1.05 + 0.8 * u[3]) if late_outcome else (0.15 + 0.8 * u[3]))
        party = plan.party is not None
        with_reply = u[4] < 0.75
        with_note = u[5] < 0.3
        refer = plan.refer or (plan.template.body is not None and u[6] < 0.85)
        final, flavour = plan.final, plan.flavour

        if final == S.NEW:
            share = {"near": 0.8 + 0.15 * u[7], "breach": 1.3 + u[7]}.get(
                flavour, 0.05 + 0.6 * u[7]
            )
            plan.filed = now - target_response * share
            if party and with_reply:
                self._at(plan, plan.filed + (now - plan.filed) * 0.6, "message", by="party")
            return
        if final == S.TRIAGED:
            plan.filed = now - DAY * (1 + 5 * u[7])
            triage = plan.filed + min(response, (now - plan.filed) * 0.4)
            self._open_steps(
                plan, triage, refer=False, start=False, reply=with_reply, note=with_note
            )
            return
        if final in (S.REFERRED, S.IN_PROGRESS):
            share = (1.15 + 0.5 * u[7]) if flavour == "breach" else (0.1 + 1.1 * u[7])
            plan.filed = now - max(target_days * share, DAY * 3)
            triage = plan.filed + min(response, (now - plan.filed) * 0.2)
            self._open_steps(
                plan,
                triage,
                refer=refer or final == S.REFERRED,
                start=final == S.IN_PROGRESS,
                reply=with_reply,
                note=with_note,
            )
            return
        if final in (S.RESOLVED, S.REJECTED):
            done = now - DAY * (0.5 + 12 * u[7])
            plan.filed = done - total
            triage = plan.filed + min(response, total * 0.3)
            self._worked(
                plan, triage, done, refer=refer, reply=with_reply, note=with_note, final=final
            )
            plan.deferred.append(plan.steps.pop())  # resolved last of all (see build)
            return
        # Closed: anywhere in the year, with time after the outcome to close.
        reopen = flavour == "reopen" or (flavour == "" and party and u[4] > 0.92)
        rejected = flavour == "reject" or (flavour == "" and not plan.refer and u[5] > 0.85)
        extra = DAY * 25 if reopen else DAY * 0
        span = total + extra + DAY * 20
        plan.filed = now - span - (DAY * 355 - span) * u[7] if span < DAY * 355 else now - span
        triage = plan.filed + min(response, total * 0.3)
        if rejected:
            done = plan.filed + total * 0.4
            self._worked(
                plan, triage, done, refer=False, reply=with_reply, note=False, final=S.REJECTED
            )
        else:
            done = plan.filed + total
            self._worked(
                plan, triage, done, refer=refer, reply=with_reply, note=with_note, final=S.RESOLVED
            )
        if reopen:
            again = done + DAY * (2 + 4 * u[6])
            self._at(plan, again, "reopen", reason=rng.choice(REOPEN_REASONS))
            self._at(plan, again + DAY, "message", by="staff", text=rng.choice(STAFF_UPDATES))
            done = again + DAY * (6 + 10 * u[2])
            self._at(plan, done, "resolve")
        confirm = party and (flavour in ("confirm", "reopen") or (flavour == "" and u[6] < 0.65))
        if confirm:
            self._at(plan, done + DAY * (1 + 8 * u[3]), "confirm", rating=self._rating(plan))
        else:
            closed = done + DAY * settings.HAMAFZA_CASE_CLOSE_DAYS + HOUR * 2
            self._at(plan, closed, "close")
            if party and (flavour == "auto_rate" or (flavour == "" and u[1] > 0.6)):
                self._at(plan, closed + DAY * (1 + 4 * u[2]), "rate", rating=self._rating(plan))

    def _at(self, plan: _Plan, at: datetime.datetime, op: str, **args) -> None:
        at = min(at, self.now - HOUR).replace(second=0, microsecond=0)
        plan.steps.append(_Step(at, op, args))

    def _open_steps(self, plan, triage, *, refer, start, reply, note) -> None:
        """Steps of a case still open now: triage, an answer, a referral, work begun."""
        rng, span = self.rng, self.now - triage
        self._at(plan, triage, "triage", note=rng.choice(TRIAGE_NOTES))
        if plan.party is not None:  # else the answer was given by phone
            self._at(plan, triage + min(HOUR * 3, span * 0.05), "message", by="staff")
        if refer:
            self._at(plan, triage + span * 0.2, "refer")
        if plan.party is not None and reply:
            self._at(plan, triage + span * 0.35, "message", by="party")
        if note:
            self._at(plan, triage + span * 0.5, "note")
        if start:
            self._at(plan, triage + span * 0.6, "start", note=rng.choice(START_NOTES))
            self._at(
                plan, triage + span * 0.8, "message", by="staff", text=rng.choice(STAFF_UPDATES)
            )

    def _worked(self, plan, triage, done, *, refer, reply, note, final) -> None:
        """Steps of a case from triage to its outcome at ``done``."""
        rng, span = self.rng, done - triage
        if final == S.REJECTED and not refer and rng.random() < 0.3:
            self._at(plan, triage, "reject", reason=rng.choice(REJECTIONS))  # straight from new
            return
        self._at(plan, triage, "triage", note=rng.choice(TRIAGE_NOTES))
        if plan.party is not None:  # else the answer was given by phone
            self._at(plan, triage + min(HOUR * 3, span * 0.05), "message", by="staff")
        if refer:
            self._at(plan, triage + span * 0.15, "refer")
        if plan.party is not None and reply:
            self._at(plan, triage + span * 0.3, "message", by="party")
        if note:
            self._at(plan, triage + span * 0.4, "note")
        if final == S.REJECTED:
            self._at(plan, done, "reject", reason=rng.choice(REJECTIONS))
            return
        self._at(plan, triage + span * 0.5, "start", note=rng.choice(START_NOTES))
        self._at(plan, triage + span * 0.75, "message", by="staff", text=rng.choice(STAFF_UPDATES))
        self._at(plan, done, "resolve")

    def _rating(self, plan: _Plan) -> int:
        return self.rng.choices([5, 4, 3, 2, 1], weights=[34, 30, 16, 12, 8])[0]

    # ----------------------------------------------------------------- from problem to decision
    def agenda_case(self, today: datetime.date) -> tuple[_Plan, AgendaItem] | None:
        """`coop`'s case that went to a board meeting: the latest passed resolution (with
        actions, a month or more old) whose subject a category speaks to."""
        since = today - datetime.timedelta(days=300)
        candidates = (
            Resolution.objects.filter(
                passed_on__gte=since,
                passed_on__lte=today - datetime.timedelta(days=30),
                actions__isnull=False,
            )
            .distinct()
            .select_related("item", "meeting")
            .order_by("-passed_on", "-id")
        )
        sector = self.coop_coop.sector.name
        for keys, category in RESOLUTION_SUBJECTS:
            if category not in self.categories:
                continue
            for resolution in candidates:
                words = f"{resolution.title} {resolution.text}"
                if any(k in words for k in keys):
                    return self._agenda_plan(resolution, category, sector), resolution.item
        return None

    def _agenda_plan(self, resolution: Resolution, category: str, sector: str) -> _Plan:
        rng = self.rng
        plan = self._plan(
            self.coop_coop, final=S.IN_PROGRESS, category=category, filer=self.users["coop"]
        )
        meeting = resolution.meeting
        put = meeting.starts_at - DAY * 9
        plan.filed = put - DAY * (12 + 20 * rng.random())
        triage = plan.filed + HOUR * (4 + 20 * rng.random())
        self._at(plan, triage, "triage", note="")
        self._at(plan, triage + HOUR * 2, "message", by="staff")
        if plan.template.body:
            self._at(plan, triage + DAY * 2, "refer")
        self._at(plan, triage + DAY * 4, "message", by="party")
        self._at(
            plan,
            put - HOUR * 2,
            "note",
            text="همین مشکل را چند تعاونی دیگر هم دارند؛ برای طرح در هیئت رئیسه آماده شود.",
        )
        self._at(plan, put, "agenda_link")
        self._at(
            plan,
            meeting.starts_at + DAY,
            "start",
            note=f"هیئت رئیسه درباره این موضوع مصوبه {to_persian_digits(resolution.number)} را "
            "گذراند؛ پیگیری آن آغاز شد.",
        )
        actions = list(resolution.actions.all())
        done = [a.completed_on for a in actions if a.status == Action.Status.DONE]
        open_ = [
            a for a in actions if a.status not in (Action.Status.DONE, Action.Status.CANCELLED)
        ]
        if done and not open_:
            resolved = datetime.datetime.combine(max(done), datetime.time(11))
            resolved = max(timezone.make_aware(resolved), meeting.starts_at + DAY * 3)
            plan.final = S.CLOSED
            self._at(
                plan,
                resolved,
                "resolve",
                outcome=f"بنا بر مصوبه {to_persian_digits(resolution.number)} هیئت رئیسه و "
                f"اقدام‌های آن: {plan.template.outcome}",
            )
            self._at(plan, resolved + DAY * 2, "confirm", rating=5)
        else:
            self._at(
                plan,
                meeting.starts_at + DAY * 3,
                "message",
                by="staff",
                text="مصوبه هیئت رئیسه برای این موضوع گذشت و اقدام‌های آن در دست اجراست؛ پیشرفت "
                "را در همین صفحه می‌بینید.",
            )
        return plan

    def agenda_group(self) -> list[_Plan]:
        """`coop2`'s open case and two similar ones, to go together on the next meeting."""
        plan = self._plan(self.coop2_coop, final=S.IN_PROGRESS, filer=self.users["coop2"])
        name, template = plan.category.name, plan.template
        group = [plan]
        fitting = self._fitting(template)
        for cooperative in self.rng.sample(fitting, min(2, len(fitting))):
            group.append(
                self._plan(cooperative, final=S.REFERRED, category=name, template=template)
            )
        for p in group:
            self._schedule(p)
        return group

    # ----------------------------------------------------------------- running the plans
    def _mark(self, at: datetime.datetime | None) -> None:
        """Remember the last id of each dated table: the rows after the previous mark up to
        these were written by the step that happened at ``at``."""
        tables = ", ".join(
            f"(SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(m._meta.db_table)})"  # noqa: S608
            for m, _f in DATED
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {tables}")  # table names from the models
            self.marks.append((at, tuple(cursor.fetchone())))

    def _pdf(self, plan: _Plan, what: str) -> list[SimpleUploadedFile]:
        self.files += 1
        data = followup_demo.tiny_pdf(
            [
                f"Hamafza demo - {what}",
                f"Cooperative {plan.cooperative.national_id}",
                f"Document {self.files}",
            ]
        )
        return [SimpleUploadedFile(f"{what}-{self.files}.pdf", data, "application/pdf")]

    def file(self, plan: _Plan) -> None:
        plan.filed = plan.filed.replace(second=0, microsecond=0)
        attach = plan.party is not None and self.rng.random() < 0.25
        plan.case = services.case_file(
            actor=plan.filer,
            cooperative=plan.cooperative,
            category=plan.category,
            title=plan.template.title,
            description=plan.template.text,
            urgency=plan.urgency,
            channel=plan.channel,
            attachments=self._pdf(plan, "madarek") if attach else (),
            now=plan.filed,
        )
        plan.dates["filed_at"] = plan.filed
        plan.dates["updated_at"] = plan.filed
        self.summary.cases += 1
        self._mark(plan.filed)

    def run(self, plan: _Plan, step: _Step, bodies: dict[str, Organisation]) -> None:
        rng, case, staff, at = self.rng, plan.case, self.staff, step.at
        args, dates = step.args, plan.dates
        first_response = True
        match step.op:
            case "triage":
                services.case_triage(actor=staff, case=case, note=args["note"])
            case "message":
                party = args["by"] == "party"
                text = args.get("text") or rng.choice(PARTY_REPLIES if party else STAFF_REPLIES)
                attach = party and text == PARTY_REPLIES[0]
                services.message_add(
                    actor=plan.party if party else staff,
                    case=case,
                    text=text,
                    attachments=self._pdf(plan, "payvast") if attach else (),
                )
                self.summary.messages += 1
                first_response = not party
            case "note":
                services.message_add(
                    actor=staff,
                    case=case,
                    text=args.get("text") or rng.choice(NOTES),
                    internal=True,
                )
                self.summary.messages += 1
                first_response = False
            case "refer":
                body = bodies[plan.template.body or "directorate"]
                services.case_refer(
                    actor=staff,
                    case=case,
                    organisation=body,
                    letter_text=(
                        f"ریاست محترم {body.name}\nبا سلام و احترام، درخواست "
                        f"{plan.cooperative.name} درباره «{plan.template.title}» به پیوست ایفاد "
                        "می‌شود. خواهشمند است دستور فرمایید بررسی و نتیجه به این اتاق اعلام "
                        "شود.\nاتاق تعاون خراسان رضوی"
                    ),
                )
                self.summary.referrals += 1
            case "start":
                services.case_start(actor=staff, case=case, note=args["note"])
            case "resolve":
                services.case_resolve(
                    actor=staff, case=case, outcome=args.get("outcome") or plan.template.outcome
                )
                dates["resolved_at"] = at
            case "reject":
                services.case_reject(actor=staff, case=case, reason=args["reason"])
                dates["resolved_at"] = at
            case "confirm":
                rating = args["rating"]
                services.case_confirm(
                    actor=plan.party,
                    case=case,
                    rating=rating,
                    comment=rng.choice(COMMENTS[rating]),
                )
                dates["closed_at"] = dates["rated_at"] = at
                first_response = False
            case "close":
                # What `hamafza tick` does once the cooperative has not answered in time.
                later = timezone.now() + DAY * settings.HAMAFZA_CASE_CLOSE_DAYS + HOUR
                services.close_resolved(now=later)
                dates["closed_at"] = at
                first_response = False
            case "rate":
                rating = args["rating"]
                services.case_rate(
                    actor=plan.party, case=case, rating=rating, comment=rng.choice(COMMENTS[rating])
                )
                dates["rated_at"] = at
                first_response = False
            case "reopen":
                services.case_reopen(actor=plan.party or staff, case=case, reason=args["reason"])
                dates["resolved_at"] = dates["closed_at"] = dates["rated_at"] = None
                first_response = False
            case "agenda_link":
                self._link(plan, at)
                first_response = False
        if first_response and "first_response_at" not in dates:
            dates["first_response_at"] = at
        dates["updated_at"] = at
        self._mark(at)

    def _link(self, plan: _Plan, at: datetime.datetime) -> None:
        """An agenda item already voted on cannot take a case through the service (the
        meeting is over): the link and its timeline entry are written as it would have."""
        item: AgendaItem = plan.dates.pop("agenda_item")
        case = plan.case
        case.agenda_items.add(item)
        Event.objects.create(
            case=case, kind=Event.Kind.AGENDA, actor=self.staff, at=at, text=item.meeting.title
        )
        audit.record(
            actor=self.staff,
            action="cases.case_agenda",
            target=case,
            changes={
                "meeting": item.meeting.title,
                "item": item.title,
                "cases": to_persian_digits(case.tracking_number),
            },
        )
        self.summary.on_agenda += 1

    def put_on_agenda(self, group: list[_Plan], meeting: Meeting) -> None:
        at = (self.now - HOUR * 3).replace(second=0)
        category = group[0].category.name
        services.cases_put_on_agenda(
            actor=self.staff,
            cases=[p.case for p in group],
            meeting=meeting,
            title=f"مشکل مشترک تعاونی‌ها در «{category}»",
        )
        for plan in group:
            plan.dates["updated_at"] = at
        self.summary.on_agenda += len(group)
        self._mark(at)

    # ----------------------------------------------------------------- dating
    def backdate(self, plans: list[_Plan]) -> None:
        """Date every row each step wrote to when the step happened, then the cases: plain
        UPDATEs by id range, run as one batch per table."""
        ops, q = connection.ops, connection.ops.quote_name
        adapt = ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            for index, (model, column) in enumerate(DATED):
                ranges = []
                previous = self.marks[0][1][index]
                for at, ids in self.marks[1:]:
                    if ids[index] > previous:
                        ranges.append((adapt(at), previous, ids[index]))
                    previous = ids[index]
                table = q(model._meta.db_table)
                cursor.executemany(
                    f"UPDATE {table} SET {q(column)} = %s WHERE id > %s AND id <= %s",  # noqa: S608
                    ranges,
                )
        # What happened before the last week has been read.
        first, last = self.marks[0][1][-1], self.marks[-1][1][-1]
        Notification.objects.filter(
            pk__gt=first, pk__lte=last, created_at__lt=self.now - DAY * 7, read_at__isnull=True
        ).update(read_at=F("created_at") + HOUR * 5)
        fields = [
            "filed_at",
            "first_response_due_at",
            "resolution_due_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "rated_at",
            "updated_at",
            "response_warned_at",
            "resolution_warned_at",
            "response_breach_noticed_at",
            "resolution_breach_noticed_at",
        ]
        share = settings.HAMAFZA_CASE_WARN_PERCENT / 100
        rows = []
        for plan in plans:
            case, dates = plan.case, plan.dates
            row = {
                "filed_at": case.filed_at,
                "first_response_due_at": case.first_response_due_at,
                "resolution_due_at": case.resolution_due_at,
            }
            for name in ("first_response_at", "resolved_at", "closed_at", "rated_at", "updated_at"):
                row[name] = dates.get(name)
            # The warnings `hamafza tick` gave in their time; those due now are left to it.
            for stage, due, answered in (
                ("response", case.first_response_due_at, row["first_response_at"]),
                ("resolution", case.resolution_due_at, row["resolved_at"]),
            ):
                warn = case.filed_at + (due - case.filed_at) * share
                moment = answered or self.now
                near = answered is None and plan.final in Case.OPEN_STATES and moment <= due
                row[f"{stage}_warned_at"] = warn if moment >= warn and not near else None
                row[f"{stage}_breach_noticed_at"] = due if moment > due else None
            rows.append([adapt(row[name]) for name in fields] + [case.pk])
        assignments = ", ".join(f"{q(name)} = %s" for name in fields)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {q(Case._meta.db_table)} SET {assignments} WHERE id = %s",  # noqa: S608
                rows,
            )


def build(rng: random.Random, *, today: datetime.date | None = None) -> Summary:
    """Build the demo cases once (nothing when there are already cases, or the demo
    sign-ins or cooperatives are missing)."""
    names = ("staff", "directorate", "union", "coop", "coop2")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) < len(names) or Case.objects.exists():
        return Summary()
    if not (
        users["coop"].cooperative_ids
        and users["coop2"].cooperative_ids
        and users["union"].union_ids
    ):
        return Summary()
    ensure_categories(Category)
    now = timezone.now().replace(microsecond=0)
    today = today or timezone.localdate()
    builder = _Builder(rng, now, users)
    builder._people()
    if not builder.candidates:
        return Summary()
    with override_settings(
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}},
        SMS_BACKEND="hamafza.cases.demo.SilentSms",
    ):
        bodies = builder.bodies()
        count = min(150, max(30, len(builder.candidates) // 2))
        plans = builder.plans(count)
        linked = builder.agenda_case(today)
        if linked is not None:
            plan, item = linked
            plan.dates["agenda_item"] = item
            plans.append(plan)
        upcoming = (
            Meeting.objects.filter(state=Meeting.State.SCHEDULED, starts_at__gt=now)
            .order_by("starts_at")
            .first()
        )
        group = builder.agenda_group() if upcoming is not None else []
        plans.extend(group)
        plans.sort(key=lambda p: p.filed)
        builder._mark(None)
        # Filed in order (tracking numbers follow the dates), each worked to where it stands;
        # those left resolved or rejected are resolved last, so that closing the others
        # (as `hamafza tick` does) does not close them too.
        for plan in plans:
            builder.file(plan)
            for step in sorted(plan.steps, key=lambda s: s.at):
                builder.run(plan, step, bodies)
        for plan, step in sorted(
            ((p, s) for p in plans for s in p.deferred), key=lambda ps: ps[1].at
        ):
            builder.run(plan, step, bodies)
        if group:
            builder.put_on_agenda(group, upcoming)
        builder.backdate(plans)
    return builder.summary
