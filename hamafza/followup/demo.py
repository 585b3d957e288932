"""Demo follow-up for `hamafza demo_data`: the bodies responsible for carrying the demo
resolutions out, and their actions in every state, with progress reports and evidence.

Bodies: two units of the chamber (the `staff` sign-in acts for them), the directorate (the
`directorate` sign-in), the demo union, the `coop` sign-in's cooperative and another one,
and outside bodies (a bank, the tax office, the agriculture organisation).

Actions: each resolution gets a programme from its planning unit and, by its subject, the
bank, the tax office, the agriculture organisation, the union or a cooperative; most old
ones are done (some late), a few are blocked or cancelled, recent ones are under way or not
started. A few are overdue within the grace period, and one — the directorate's, owned by
the `directorate` user — is overdue past it, so the first `hamafza tick` reminds its owner
and puts it on the agenda of the upcoming board meeting. Due dates are never before the
resolution was passed. Done actions carry reports and small real PDF files as evidence.

Every choice comes from the rng passed in, so one seed gives the same follow-up. Rows are
written directly (the history is dated in the past; no notification goes out for it).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from hamafza.accounts.models import Role, User
from hamafza.decisions.models import Resolution
from hamafza.followup.models import Action, Evidence, Organisation, ProgressUpdate
from hamafza.registry.models import Cooperative, Status

Kind = Organisation.Kind
S = Action.Status

PLANNING = "اتاق تعاون خراسان رضوی — معاونت برنامه‌ریزی"
COMMISSION = "اتاق تعاون خراسان رضوی — کمیسیون اقتصادی"
DIRECTORATE = "اداره کل تعاون، کار و رفاه اجتماعی خراسان رضوی"
BANK = "بانک توسعه تعاون"
TAX = "اداره کل امور مالیاتی خراسان رضوی"
AGRICULTURE = "سازمان جهاد کشاورزی خراسان رضوی"

# Which bodies a resolution's subject calls for: (words of its title or text, body, action).
SUBJECT_ACTIONS: list[tuple[tuple[str, ...], str, str]] = [
    (
        ("بانک", "تسهیلات", "سرمایه در گردش", "صندوق", "بدهی"),
        "bank",
        "بررسی و اعلام سقف تسهیلات بانک توسعه تعاون برای تعاونی‌های مشمول",
    ),
    (
        ("مالیات", "معافیت"),
        "tax",
        "پاسخ کتبی اداره کل امور مالیاتی به درخواست اتاق",
    ),
    (
        ("کشاورزی", "زعفران", "باغداران", "دام", "گیاهان دارویی", "نهاده", "زرشک"),
        "agriculture",
        "معرفی کارشناس رابط سازمان جهاد کشاورزی و هماهنگی برنامه مشترک",
    ),
    (
        ("اتحادیه", "زنجیره", "صادرات", "شبکه"),
        "union",
        "برگزاری نشست با تعاونی‌های عضو اتحادیه و گردآوری نیازها",
    ),
    (
        ("بازارچه", "نمایشگاه", "آموزش", "زنجیره", "تولیدی", "شبکه"),
        "coop",
        "اعلام آمادگی و نیازهای تعاونی برای مشارکت در اجرای مصوبه",
    ),
    (
        ("آسیب‌شناسی", "بودجه", "ارزیابی", "عملکرد"),
        "commission",
        "بررسی کارشناسی در کمیسیون اقتصادی و ارائه گزارش به هیئت رئیسه",
    ),
]
PROGRAMME = "تهیه برنامه اجرایی و زمان‌بندی اجرای مصوبه"
DIRECTORATE_ACTION = "ابلاغ مصوبه به ادارات تعاون شهرستان‌ها و گزارش اجرای آن"
LATE_DIRECTORATE_ACTION = "ارائه داده‌های ثبتی تعاونی‌های مشمول مصوبه و معرفی کارشناس رابط"

STARTED = [
    "کار آغاز شد؛ جلسه هماهنگی با کارشناسان برگزار شد.",
    "مکاتبه با دستگاه‌های مرتبط انجام شد و پاسخ نخستین رسید.",
    "پیش‌نویس برنامه تهیه شد و برای نظرخواهی فرستاده شد.",
]
ADVANCED = [
    "بیش از نیمی از کار انجام شده است؛ فهرست تعاونی‌های مشمول نهایی شد.",
    "نشست دوم برگزار شد و جمع‌بندی آن در دست تهیه است.",
    "پاسخ دستگاه‌ها گردآوری شد و گزارش در دست نگارش است.",
]
DONE = [
    "اقدام انجام شد؛ گزارش نهایی و نامه ابلاغ پیوست است.",
    "کار به پایان رسید و نتیجه به تعاونی‌ها اعلام شد؛ صورتجلسه پیوست است.",
    "اقدام انجام شد؛ تفاهم‌نامه امضاشده پیوست است.",
]
BLOCKED = [
    "کار متوقف است: پاسخ دستگاه مسئول هنوز نرسیده و پیگیری ادامه دارد.",
    "اعتبار لازم هنوز تخصیص نیافته است؛ تا تخصیص، کار متوقف است.",
]
CANCELLED = "با تصمیم هیئت رئیسه، این اقدام در برنامه اقدام دیگری ادغام شد و لغو شد."


@dataclass
class Summary:
    organisations: int = 0
    actions: int = 0
    updates: int = 0
    evidence: int = 0


# --------------------------------------------------------------------------- evidence
def _pdf_text(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def tiny_pdf(lines: list[str]) -> bytes:
    """A small, valid one-page PDF (Helvetica, ASCII text) with a correct cross-reference
    table: real bytes that any PDF reader opens."""
    content = b"BT /F1 16 Tf 72 770 Td " + _pdf_text(lines[0]).join([b"(", b") Tj"])
    for line in lines[1:]:
        content += b" /F1 11 Tf 0 -22 Td " + _pdf_text(line).join([b"(", b") Tj"])
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


# --------------------------------------------------------------------------- the builder
def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@dataclass
class _Plan:
    resolution: Resolution
    body: str
    title: str
    due_on: datetime.date
    status: str = S.NOT_STARTED
    progress: int = 0
    completed_on: datetime.date | None = None


class _Builder:
    def __init__(self, rng: random.Random, today: datetime.date, users: dict[str, User]):
        self.rng = rng
        self.today = today
        self.users = users
        self.summary = Summary()
        self.grace = settings.HAMAFZA_ESCALATION_GRACE_DAYS

    # ----------------------------------------------------------------- bodies
    def _body(self, name: str, kind: str, members=(), **link) -> Organisation:
        if link:
            found = Organisation.objects.filter(**link).first()
            if found is not None:
                return found
        body, created = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, **link}
        )
        if members:
            body.members.add(*members)
        self.summary.organisations += created
        return body

    def _coop_name(self, coop: Cooperative) -> str:
        """Demo cooperatives may share a name; a body's name is unique."""
        if Organisation.objects.filter(name=coop.name).exists():
            return f"{coop.name} (شناسه ملی {coop.national_id})"
        return coop.name

    def bodies(self) -> dict[str, Organisation]:
        u = self.users
        union = u["union"].role_assignments.get(role=Role.UNION).union
        coop = Cooperative.objects.get(pk=min(u["coop"].cooperative_ids))
        skip = {coop.pk, *u["coop2"].cooperative_ids}
        candidates = list(
            Cooperative.objects.filter(status=Status.ACTIVE)
            .exclude(pk__in=skip)
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        other = Cooperative.objects.get(pk=self.rng.choice(candidates)) if candidates else None
        bodies = {
            "planning": self._body(PLANNING, Kind.CHAMBER, [u["staff"]]),
            "commission": self._body(COMMISSION, Kind.CHAMBER, [u["staff"]]),
            "directorate": self._body(DIRECTORATE, Kind.DIRECTORATE, [u["directorate"]]),
            "union": self._body(union.name, Kind.UNION, union=union),
            "coop": self._body(self._coop_name(coop), Kind.COOPERATIVE, cooperative=coop),
            "bank": self._body(BANK, Kind.OUTSIDE),
            "tax": self._body(TAX, Kind.OUTSIDE),
            "agriculture": self._body(AGRICULTURE, Kind.OUTSIDE),
        }
        if other is not None:
            bodies["other_coop"] = self._body(
                self._coop_name(other), Kind.COOPERATIVE, cooperative=other
            )
        return bodies

    # ----------------------------------------------------------------- the plans
    def _subject_bodies(self, r: Resolution) -> list[tuple[str, str]]:
        words = f"{r.title} {r.text}"
        found = [
            (body, title) for keys, body, title in SUBJECT_ACTIONS if any(k in words for k in keys)
        ]
        self.rng.shuffle(found)
        return found[:2]

    def _fate(self, plan: _Plan) -> None:
        """Status, progress and completion from how far the action is from its due date."""
        rng, today = self.rng, self.today
        passed = plan.resolution.passed_on
        roll = rng.random()
        if plan.due_on < today:
            if roll < 0.62:
                late = rng.random() < 0.3
                offset = rng.randint(1, 25) if late else -rng.randint(0, 20)
                done = plan.due_on + datetime.timedelta(days=offset)
                plan.status, plan.progress = S.DONE, 100
                plan.completed_on = min(max(done, passed + datetime.timedelta(days=3)), today)
            elif roll < 0.72:
                plan.status = S.CANCELLED
                plan.progress = rng.choice([0, 10, 20])
            elif (today - plan.due_on).days > self.grace:
                # Long overdue: the board has dealt with it before; done in the end, late.
                plan.status, plan.progress = S.DONE, 100
                plan.completed_on = min(
                    plan.due_on + datetime.timedelta(days=rng.randint(5, self.grace)), today
                )
            elif roll < 0.88:
                plan.status, plan.progress = S.IN_PROGRESS, rng.choice([20, 30, 40, 60, 70])
            else:
                plan.status, plan.progress = S.BLOCKED, rng.choice([10, 20, 40])
        elif (today - passed).days < 10:
            plan.status = S.NOT_STARTED
        elif roll < 0.15:
            plan.status, plan.progress = S.DONE, 100
            plan.completed_on = passed + datetime.timedelta(
                days=rng.randint(3, max(3, (today - passed).days))
            )
        elif roll < 0.75:
            plan.status, plan.progress = S.IN_PROGRESS, rng.choice([10, 20, 30, 50, 60, 80])
        elif roll < 0.9:
            plan.status = S.NOT_STARTED
        else:
            plan.status, plan.progress = S.BLOCKED, rng.choice([10, 30])

    def plans(self, resolutions: list[Resolution], bodies: dict[str, Organisation]) -> list[_Plan]:
        rng, days = self.rng, datetime.timedelta
        plans: list[_Plan] = []
        for r in resolutions:
            wanted = [("planning", PROGRAMME), *self._subject_bodies(r)]
            if rng.random() < 0.5 or len(wanted) == 1:
                wanted.append(("directorate", DIRECTORATE_ACTION))
            for body, title in wanted:
                if body == "coop" and "other_coop" in bodies and rng.random() < 0.4:
                    body = "other_coop"
                plan = _Plan(
                    resolution=r,
                    body=body,
                    title=title,
                    due_on=r.passed_on + days(rng.choice([30, 45, 60, 90, 120])),
                )
                self._fate(plan)
                plans.append(plan)
        self._showcase(resolutions, plans)
        return plans

    def _showcase(self, resolutions: list[Resolution], plans: list[_Plan]) -> None:
        """What the demo must show whatever the seed: every state, a few overdue within
        the grace period, and the directorate's action overdue past it."""
        today, days = self.today, datetime.timedelta
        # The directorate's late action (owned by the `directorate` user): due
        # grace + 10 days ago, on a resolution passed at least a month before that.
        due = today - days(self.grace + 10)
        older = [r for r in resolutions if r.passed_on <= due - days(30)] or resolutions[:1]
        target = older[-1]
        plans.append(
            _Plan(
                resolution=target,
                body="directorate",
                title=LATE_DIRECTORATE_ACTION,
                due_on=max(due, target.passed_on),
                status=S.IN_PROGRESS,
                progress=30,
            )
        )
        recent = [r for r in resolutions if (today - r.passed_on).days >= 20] or resolutions
        latest = recent[-1]
        # Overdue within the grace period: the union, under way; a bank action, blocked.
        plans.append(
            _Plan(
                resolution=latest,
                body="union",
                title="گردآوری نیازهای تعاونی‌های عضو و ارسال فهرست به اتاق",
                due_on=max(today - days(4), latest.passed_on),
                status=S.IN_PROGRESS,
                progress=60,
            )
        )
        plans.append(
            _Plan(
                resolution=latest,
                body="bank",
                title="تصویب دستورالعمل اعطای تسهیلات در هیئت مدیره بانک",
                due_on=max(today - days(2), latest.passed_on),
                status=S.BLOCKED,
                progress=20,
            )
        )
        # Due soon, not started yet: the `coop` user's cooperative is reminded.
        plans.append(
            _Plan(
                resolution=latest,
                body="coop",
                title="معرفی نماینده تعاونی برای کارگروه اجرای مصوبه",
                due_on=today + days(2),
            )
        )
        # Done on time with evidence, by the union and by the cooperative.
        for body, title in [
            ("union", "برگزاری نشست هم‌اندیشی با مدیران‌عامل تعاونی‌های عضو"),
            ("coop", "ارسال گزارش توان تولید و نیاز تعاونی به اتاق"),
        ]:
            r = older[0] if older else resolutions[0]
            plans.append(
                _Plan(
                    resolution=r,
                    body=body,
                    title=title,
                    due_on=r.passed_on + days(30),
                    status=S.DONE,
                    progress=100,
                    completed_on=r.passed_on + days(24),
                )
            )
        # A cancelled one, whatever the rng gave.
        first = resolutions[0]
        plans.append(
            _Plan(
                resolution=first,
                body="commission",
                title="برگزاری همایش استانی درباره مصوبه",
                due_on=first.passed_on + days(60),
                status=S.CANCELLED,
                progress=0,
            )
        )

    # ----------------------------------------------------------------- writing
    def _owner(self, body: str) -> User | None:
        return {
            "planning": self.users["staff"],
            "commission": self.users["staff"],
            "directorate": self.users["directorate"],
            "union": self.users["union"],
            "coop": self.users["coop"],
        }.get(body)

    def write(self, plans: list[_Plan], bodies: dict[str, Organisation]) -> None:
        staff = self.users["staff"]
        actions = Action.objects.bulk_create(
            [
                Action(
                    resolution=p.resolution,
                    title=p.title,
                    description=f"برای اجرای مصوبه «{p.resolution.title}».",
                    responsible=bodies[p.body],
                    owner=self._owner(p.body),
                    due_on=p.due_on,
                    status=p.status,
                    progress=p.progress,
                    completed_on=p.completed_on,
                    created_by=staff,
                )
                for p in plans
            ]
        )
        self.summary.actions = len(actions)
        for action, plan in zip(actions, plans, strict=True):
            action.created_at = _at(plan.resolution.passed_on + datetime.timedelta(days=1), 9)
            action.updated_at = action.created_at
        updates: list[ProgressUpdate] = []
        dated: list[datetime.datetime] = []
        evidence_for: list[tuple[int, Action]] = []  # index in updates, action
        for action, plan in zip(actions, plans, strict=True):
            for when, update, with_evidence in self._timeline(action, plan):
                updates.append(update)
                dated.append(when)
                if with_evidence:
                    evidence_for.append((len(updates) - 1, action))
                action.updated_at = when
        Action.objects.bulk_update(actions, ["created_at", "updated_at"], batch_size=500)
        ProgressUpdate.objects.bulk_create(updates, batch_size=500)
        for update, when in zip(updates, dated, strict=True):
            update.posted_at = when
        ProgressUpdate.objects.bulk_update(updates, ["posted_at"], batch_size=500)
        self.summary.updates = len(updates)
        for index, action in evidence_for:
            update = updates[index]
            data = tiny_pdf(
                [
                    "Hamafza demo - evidence of an action",
                    f"Action #{action.pk}, resolution {action.resolution.number}",
                    f"Reported on {timezone.localtime(update.posted_at).date().isoformat()}",
                ]
            )
            evidence = Evidence(
                update=update,
                original_name=f"gozaresh-eqdam-{action.pk}.pdf",
                content_type="application/pdf",
                size=len(data),
            )
            evidence.file.save("evidence.pdf", ContentFile(data), save=False)
            evidence.save()
            self.summary.evidence += 1

    def _author(self, action: Action) -> User:
        return action.owner or self.users["staff"]

    def _timeline(self, action: Action, plan: _Plan):
        """(when, report, with evidence) for the action's history, oldest first."""
        rng, days = self.rng, datetime.timedelta
        if plan.status == S.NOT_STARTED:
            return []
        start = plan.resolution.passed_on + days(2)
        end = plan.completed_on or min(self.today, max(start, plan.due_on + days(3)))
        end = max(end, start)
        span = max((end - start).days, 1)
        steps: list[tuple[str, int, str]] = []  # status after, progress after, text
        if plan.status == S.CANCELLED:
            if plan.progress:
                steps.append((S.IN_PROGRESS, plan.progress, rng.choice(STARTED)))
            steps.append((S.CANCELLED, plan.progress, CANCELLED))
        elif plan.status == S.DONE:
            steps.append((S.IN_PROGRESS, rng.choice([20, 30, 40]), rng.choice(STARTED)))
            if rng.random() < 0.6:
                steps.append((S.IN_PROGRESS, rng.choice([60, 70, 80]), rng.choice(ADVANCED)))
            steps.append((S.DONE, 100, rng.choice(DONE)))
        elif plan.status == S.BLOCKED:
            steps.append((S.IN_PROGRESS, plan.progress, rng.choice(STARTED)))
            steps.append((S.BLOCKED, plan.progress, rng.choice(BLOCKED)))
        else:  # in progress
            if plan.progress > 40:
                steps.append((S.IN_PROGRESS, plan.progress // 2, rng.choice(STARTED)))
                steps.append((S.IN_PROGRESS, plan.progress, rng.choice(ADVANCED)))
            else:
                steps.append((S.IN_PROGRESS, plan.progress, rng.choice(STARTED)))
        # Spread over the span; the last report on the completion (or latest) day.
        moments = [*sorted(rng.randrange(span) for _ in steps[1:]), span]
        status, progress = S.NOT_STARTED, 0
        timeline = []
        no_evidence = plan.status == S.DONE and rng.random() < 0.15
        for i, ((after, value, text), offset) in enumerate(zip(steps, moments, strict=True)):
            # Later reports later in the day too, should two fall on one day.
            when = _at(start + days(offset), rng.choice([9, 10]) + 2 * i)
            final_done = after == S.DONE
            author = self.users["staff"] if after == S.CANCELLED else self._author(action)
            timeline.append(
                (
                    when,
                    ProgressUpdate(
                        action=action,
                        author=author,
                        text=text,
                        status_before=status,
                        status_after=after,
                        progress_before=progress,
                        progress_after=value,
                        no_evidence_reason="گزارش در جلسه هیئت رئیسه ارائه شد و در صورتجلسه آمده است."
                        if final_done and no_evidence
                        else "",
                    ),
                    final_done and not no_evidence,
                )
            )
            status, progress = after, value
        return timeline


def build(rng: random.Random, *, today: datetime.date | None = None) -> Summary:
    """Build the demo follow-up once (nothing when there are already actions, no
    resolutions, or the demo sign-ins are missing)."""
    today = today or timezone.localdate()
    names = ("staff", "directorate", "union", "coop", "coop2")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) < len(names) or Action.objects.exists():
        return Summary()
    if not (users["coop"].cooperative_ids and users["union"].union_ids):
        return Summary()
    resolutions = list(Resolution.objects.filter(passed_on__lte=today).order_by("passed_on", "id"))
    if not resolutions:
        return Summary()
    builder = _Builder(rng, today, users)
    bodies = builder.bodies()
    plans = builder.plans(resolutions, bodies)
    builder.write(plans, bodies)
    return builder.summary
