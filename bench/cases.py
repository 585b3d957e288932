"""Cases benchmark: the cases part at a national scale. Run from the project root:

    .venv/bin/python bench/cases.py [--cooperatives 20000] [--cases 100000] [--seconds 10]

It builds (once) var/bench/cases-<cooperatives>-<cases>.sqlite3: the demo province of
`demo_data` (its sign-ins and its own demo cases), a dozen more chamber staff, and then N cases
spread over the last two years, written with bulk_create (bench data, not demo data: no
services, notifications or audit rows), with their referrals, messages and timeline events.
Then, in one run on the same data:
  1. queries: each URL once through Django's test client (no network), signed in as the page's
     reader: the number of SQL queries and the median time of five requests;
  2. load: gunicorn as in production (`--workers 2 --threads 1`) and 16 keep-alive clients
     (wrk, or Python threads without it) on one URL at a time for --seconds each (the reports
     three times as long, the Excel export with 2 clients): p50, p95, p99, throughput and
     errors (any status other than 200); then the default staff list under 14 clients while 2
     more read the report. Staff and the cooperative's representative sign in through
     /accounts/login/ (web pages) and /api/v1/auth/token (API).
See docs/performance.md (Cases) for the method and the results.
Results are printed as Markdown and written to bench/results/cases-<date>.json.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

# bench/ is on the path when this file is run: the registry bench's helpers are shared.
from registry import BIN, ROOT, VAR, env_for, hamafza, machine, run_wrk

PORT = 8791
# The mixed run: this page under 14 clients while 2 more read that one.
MIXED = ("staff list, open (default)", "report, last 12 months")
PASSWORD = "hamafza-demo"  # noqa: S105 (the documented demo password, demo mode only)
BENCH_STAFF = 12

# Final states by the age of a case: recent ones are still being worked, older ones are mostly
# closed; a few old ones stay open (stuck with an outside body, long past their targets).
STATES = ("new", "triaged", "referred", "in_progress", "resolved", "rejected", "closed")
STATES_BY_AGE = [
    (30, (16, 14, 18, 18, 10, 6, 18)),  # days old, weights in the order of STATES
    (120, (1, 2, 9, 9, 4, 3, 72)),
    (None, (0.2, 0.5, 3, 3, 0.5, 0.5, 92.3)),
]
URGENCIES = {"normal": 80, "high": 17, "critical": 3}
RATINGS = {5: 35, 4: 30, 3: 18, 2: 10, 1: 7}
MESSAGES_PER_CASE = [0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 5, 8]  # a worked case; a new one: 0 or 1
LETTER = (
    "ریاست محترم {body}\nبا سلام و احترام، به استحضار می‌رساند {coop} درخواستی با موضوع «{title}» "
    "به این اتاق داده است. خواهشمند است دستور فرمایید موضوع بررسی و نتیجه به این اتاق و "
    "تعاونی اعلام شود. پیشاپیش از همکاری جنابعالی سپاسگزاریم.\nاتاق تعاون"
)


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# ---------------------------------------------------------------- the dataset
def setup_django(db: Path) -> None:
    os.environ.update(env_for(db))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hamafza.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(db: Path, cooperatives: int, cases: int, years: float, seed: int) -> dict:
    """The province from demo_data, then `cases` cases over `years` years (once per file)."""
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    print(f"building {cooperatives} cooperatives and {cases} cases (once) …", flush=True)
    hamafza(db, "migrate", "--noinput")
    hamafza(db, "demo_data", "--cooperatives", str(cooperatives), "--seed", "1")
    province = time.perf_counter() - started
    counts = _bulk_cases(cases, years, seed)
    elapsed = time.perf_counter() - started
    print(f"  built in {elapsed:.0f} s ({province:.0f} s of it demo_data): {counts}", flush=True)
    return {"seconds": round(elapsed), "demo_data_seconds": round(province), **counts}


def _bulk_cases(n: int, years: float, seed: int) -> dict:
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from hamafza.accounts.models import Role, RoleAssignment, User
    from hamafza.cases import demo
    from hamafza.cases.models import Case, CaseSequence, Category, Event, Message, Referral
    from hamafza.followup.models import Organisation
    from hamafza.persian.jalali import to_jalali
    from hamafza.persian.text import normalize
    from hamafza.registry.models import Cooperative

    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    staff = list(User.objects.filter(role_assignments__role=Role.STAFF))
    for i in range(1, BENCH_STAFF + 1):
        user = User(username=f"bench-staff-{i:02d}", first_name="کارشناس", last_name=f"اتاق {i}")
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.STAFF)
        staff.append(user)
    staff_ids = [u.pk for u in staff]
    reps: dict[int, int] = dict(
        RoleAssignment.objects.filter(role=Role.COOPERATIVE).values_list("cooperative", "user")
    )
    coops = list(Cooperative.objects.order_by("pk").values_list("pk", "union_id", "name"))
    rng.shuffle(coops)
    frequent = coops[: max(1, len(coops) // 10)]  # a tenth of them bring a third of the cases
    categories = {c.name: c for c in Category.objects.all()}
    weights = {name: demo.CATEGORY_WEIGHTS.get(name, 4) for name in categories}
    bodies = list(
        Organisation.objects.filter(
            kind__in=[Organisation.Kind.DIRECTORATE, Organisation.Kind.OUTSIDE]
        ).values_list("pk", "name", "kind")
    )
    body_weights = [30 if kind == Organisation.Kind.DIRECTORATE else 10 for _p, _n, kind in bodies]
    close_days = settings.HAMAFZA_CASE_CLOSE_DAYS

    span = years * 365 * 86400
    filed_times = sorted(now - datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(n))
    sequences = dict(CaseSequence.objects.values_list("year", "last"))
    jalali_years: dict[datetime.date, int] = {}
    first_id = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    counts = {"cases": 0, "referrals": 0, "messages": 0, "events": 0, "open": 0}
    E = Event.Kind

    def one(pk: int, filed: datetime.datetime):
        day = timezone.localtime(filed).date()
        year = jalali_years.get(day) or jalali_years.setdefault(day, to_jalali(day).year)
        sequences[year] = sequences.get(year, 0) + 1
        tracking = f"{year}-{sequences[year]:05d}"
        coop_id, union_id, coop_name = rng.choice(frequent if rng.random() < 0.33 else coops)
        category = categories[_weighted(rng, weights)]
        template = rng.choice(demo.TEMPLATES.get(category.name) or demo.TEMPLATES["سایر"])
        age = (now - filed).days
        by_age = next(w for limit, w in STATES_BY_AGE if not limit or age < limit)
        final = rng.choices(STATES, weights=by_age)[0]
        rep = reps.get(coop_id)
        if union_id and rng.random() < 0.1:
            channel, filer, union = Case.Channel.UNION, rng.choice(staff_ids), union_id
        elif rep and rng.random() < 0.7:
            channel, filer, union = Case.Channel.WEB, rep, None
        else:
            channel = rng.choice(["phone", "phone", "letter", "in_person"])
            filer, union = rng.choice(staff_ids), None
        party = rep or filer
        assignee = rng.choice(staff_ids)
        response_due = filed + datetime.timedelta(hours=category.first_response_hours)
        resolution_due = filed + datetime.timedelta(days=category.resolution_days)
        # Offsets from filing, in seconds: the first response, the outcome, the closing. About
        # one first response in seven and one outcome in nine come after their targets.
        respond = category.first_response_hours * 3600 * rng.lognormvariate(-0.8, 0.75)
        outcome = category.resolution_days * 86400 * rng.lognormvariate(-0.6, 0.5)
        outcome = max(outcome, respond + 3600)
        rated = final == "closed" and rng.random() < 0.6
        close = outcome + (rng.uniform(1, 10) if rated else close_days) * 86400
        last = {"new": 0, "triaged": respond, "referred": respond + (outcome - respond) * 0.3}.get(
            final, outcome * 0.6 if final == "in_progress" else outcome
        )
        if final == "closed":
            last = close
        scale = min(1.0, 0.95 * (now - filed).total_seconds() / last) if last else 1.0

        def at(seconds: float) -> datetime.datetime:
            return filed + datetime.timedelta(seconds=int(seconds * scale))

        events = [Event(case_id=pk, kind=E.FILED, actor_id=filer, at=filed, state_after="new")]
        state = "new"
        first_response_at = resolved_at = closed_at = None
        referrals = []

        def move(kind, when, after, actor=assignee, text=""):
            nonlocal state
            events.append(
                Event(
                    case_id=pk,
                    kind=kind,
                    actor_id=actor,
                    at=when,
                    state_before=state,
                    state_after=after,
                    text=text,
                )
            )
            state = after

        ended_as = "resolved" if rng.random() < 0.8 else "rejected"
        if final == "rejected":
            ended_as = "rejected"
        elif final == "resolved":
            ended_as = "resolved"
        if final != "new":
            first_response_at = at(respond)
            if ended_as == "rejected" and final != "in_progress" and rng.random() < 0.3:
                # Rejected at once, from triage.
                resolved_at = first_response_at
                move(E.REJECTED, resolved_at, "rejected", text=rng.choice(demo.REJECTIONS))
            else:
                move(E.TRIAGED, first_response_at, "triaged")
                events.append(
                    Event(case_id=pk, kind=E.ASSIGNED, actor_id=assignee, at=first_response_at)
                )
        refer = final == "referred" or (
            final in ("in_progress", "resolved", "rejected", "closed")
            and state == "triaged"
            and rng.random() < 0.45
        )
        if refer:
            for k in range(1 + (rng.random() < 0.12)):
                when = at(respond + (outcome - respond) * (0.2 + 0.07 * k))  # before the start
                body_id, body_name, _kind = rng.choices(bodies, weights=body_weights)[0]
                referrals.append(
                    Referral(
                        case_id=pk,
                        organisation_id=body_id,
                        letter_number=f"{tracking}/{k + 1}",
                        letter_text=LETTER.format(
                            body=body_name, coop=coop_name, title=template.title
                        ),
                        created_by_id=assignee,
                        created_at=when,
                    )
                )
                move(E.REFERRED, when, "referred", text=body_name)
        if final in ("in_progress", "resolved", "rejected", "closed") and state in (
            "triaged",
            "referred",
        ):
            move(E.STARTED, at(respond + (outcome - respond) * 0.35), "in_progress")
        if final in ("resolved", "rejected", "closed") and state == "in_progress":
            resolved_at = at(outcome)
            text = template.outcome if ended_as == "resolved" else rng.choice(demo.REJECTIONS)
            move(
                E.RESOLVED if ended_as == "resolved" else E.REJECTED,
                resolved_at,
                ended_as,
                text=text,
            )
        rating = rated_at = None
        comment = ""
        if final == "closed":
            closed_at = at(close)
            if rated:
                rating = _weighted(rng, RATINGS)
                comment = rng.choice(demo.COMMENTS[rating])
                rated_at = closed_at
                events.append(Event(case_id=pk, kind=E.RATED, actor_id=party, at=rated_at))
            move(
                E.CLOSED if rated else E.AUTO_CLOSED,
                closed_at,
                "closed",
                actor=party if rated else None,
            )
        end = now if final in Case.OPEN_STATES else closed_at or resolved_at
        messages = []
        for _m in range(rng.choice(MESSAGES_PER_CASE) if final != "new" else rng.randint(0, 1)):
            when = filed + (end - filed) * rng.random()
            if rng.random() < 0.2 and final != "new":
                author, text, internal = assignee, rng.choice(demo.NOTES), True
            elif rng.random() < 0.55:
                author, text, internal = assignee, rng.choice(demo.STAFF_REPLIES), False
            else:
                author, text, internal = party, rng.choice(demo.PARTY_REPLIES), False
            messages.append(
                Message(case_id=pk, author_id=author, text=text, internal=internal, posted_at=when)
            )
        case = Case(
            pk=pk,
            tracking_number=tracking,
            cooperative_id=coop_id,
            union_id=union,
            category_id=category.pk,
            title=template.title,
            description=template.text,
            urgency=_weighted(rng, URGENCIES),
            channel=channel,
            state=state,
            filed_by_id=filer,
            assignee_id=assignee if final != "new" else None,
            outcome=(template.outcome if ended_as == "resolved" else rng.choice(demo.REJECTIONS))
            if resolved_at
            else "",
            filed_at=filed,
            first_response_due_at=response_due,
            resolution_due_at=resolution_due,
            first_response_at=first_response_at,
            resolved_at=resolved_at,
            closed_at=closed_at,
            auto_closed=final == "closed" and not rated,
            rating=rating,
            rating_comment=comment,
            rated_at=rated_at,
            # As Case.save() keeps it.
            search_key=normalize(f"{tracking} {template.title}"),
        )
        return case, referrals, messages, events

    chunk = 5000
    for start in range(0, n, chunk):
        rows = [one(first_id + i, filed_times[i]) for i in range(start, min(n, start + chunk))]
        with transaction.atomic():
            Case.objects.bulk_create([r[0] for r in rows], batch_size=1000)
            Referral.objects.bulk_create([x for r in rows for x in r[1]], batch_size=2000)
            Message.objects.bulk_create([x for r in rows for x in r[2]], batch_size=2000)
            Event.objects.bulk_create([x for r in rows for x in r[3]], batch_size=2000)
        counts["cases"] += len(rows)
        counts["open"] += sum(1 for r in rows if r[0].state in Case.OPEN_STATES)
        for i, name in ((1, "referrals"), (2, "messages"), (3, "events")):
            counts[name] += sum(len(r[i]) for r in rows)
    for year, last in sequences.items():
        CaseSequence.objects.update_or_create(year=year, defaults={"last": last})
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts


def collectstatic(db: Path) -> None:
    """Pages name their files from the static manifest; collecting (and compressing) takes
    minutes, so only when a static file is newer than the manifest."""
    manifest = VAR / "static" / "staticfiles.json"
    if manifest.exists():
        newest = max(f.stat().st_mtime for f in (ROOT / "hamafza").glob("*/static/**/*"))
        if newest < manifest.stat().st_mtime:
            return
    hamafza(db, "collectstatic", "--noinput")


def dataset(db: Path) -> dict:
    """What the database holds, as the results file records it."""
    from django.utils import timezone

    from hamafza.accounts.models import User
    from hamafza.cases.models import Case, Event, Message, Referral
    from hamafza.cases.selectors import breached_q
    from hamafza.registry.models import Cooperative

    now = timezone.now()
    coop = User.objects.get(username="coop")
    return {
        "file_mb": round(db.stat().st_size / 1e6),
        "cooperatives": Cooperative.objects.count(),
        "cases": Case.objects.count(),
        "open": Case.objects.filter(state__in=Case.OPEN_STATES).count(),
        "breached": Case.objects.filter(breached_q(now)).count(),
        "last_365_days": Case.objects.filter(filed_at__gte=now - datetime.timedelta(365)).count(),
        "referrals": Referral.objects.count(),
        "messages": Message.objects.count(),
        "events": Event.objects.count(),
        "coop_cases": Case.objects.filter(cooperative_id__in=coop.cooperative_ids).count(),
    }


# ---------------------------------------------------------------- what is measured
def pick_urls() -> list[dict]:
    """The URLs measured, each with who reads it ("staff" or "coop") and how it signs in
    ("web": session cookie, "api": bearer token). Chosen the same way on every run."""
    from django.db.models import Count

    from hamafza.accounts.models import User
    from hamafza.cases.models import Case, Category
    from hamafza.persian.text import to_persian_digits
    from hamafza.registry.models import County

    coop_user = User.objects.get(username="coop")
    coop_case = Case.objects.filter(cooperative_id__in=coop_user.cooperative_ids).order_by("pk")
    coop_case = coop_case.annotate(n=Count("events")).order_by("-n", "pk").first()
    tracked = Case.objects.order_by("pk")[Case.objects.count() // 2]
    staff_case = (
        Case.objects.filter(state=Case.State.CLOSED, referrals__isnull=False, pk__gt=tracked.pk)
        .annotate(n=Count("messages", distinct=True))
        .filter(n__gte=4)
        .order_by("pk")
        .first()
    )
    category = Category.objects.get(name="بیمه")
    county = County.objects.annotate(n=Count("cooperative")).order_by("-n", "pk").first()
    number = urllib.parse.quote(to_persian_digits(tracked.tracking_number))
    word = urllib.parse.quote("زعفران")
    return [
        {"name": "staff list, open (default)", "as": "staff", "path": "/cases/"},
        {"name": "staff list, done", "as": "staff", "path": "/cases/?state=done"},
        {"name": "staff list, ?q= title word «زعفران»", "as": "staff", "path": f"/cases/?q={word}"},
        {
            "name": f"staff list, ?q= tracking number «{to_persian_digits(tracked.tracking_number)}»",
            "as": "staff",
            "path": f"/cases/?q={number}",
        },
        {
            "name": "staff list, state=all, ?q= the same number",
            "as": "staff",
            "path": f"/cases/?state=all&q={number}",
        },
        {
            "name": "staff list, state=all, category, county",
            "as": "staff",
            "path": f"/cases/?state=all&category={category.pk}&county={county.pk}",
        },
        {"name": "staff list, page 50", "as": "staff", "path": "/cases/?page=50"},
        {"name": "coop's own list", "as": "coop", "path": "/cases/"},
        {"name": "case page, staff", "as": "staff", "path": f"/cases/{staff_case.pk}/"},
        {"name": "case page, coop", "as": "coop", "path": f"/cases/{coop_case.pk}/"},
        # Pages that read every case of a period: three times as long a run, to count enough
        # requests; the export (seconds each) with 2 clients, one per worker.
        {"name": "report, last 12 months", "as": "staff", "path": "/cases/report/", "long": 1},
        {
            "name": "report, Excel export",
            "as": "staff",
            "path": "/cases/report.xlsx",
            "long": 1,
            "clients": 2,
        },
        {"name": "breach report", "as": "staff", "path": "/cases/breaches/", "long": 1},
        {"name": "API list, staff, 100", "as": "staff", "path": "/api/v1/cases?page_size=100"},
        {"name": "API list, coop, 100", "as": "coop", "path": "/api/v1/cases?page_size=100"},
        {"name": "API ?q= «زعفران», staff", "as": "staff", "path": f"/api/v1/cases?q={word}"},
    ]


def bench_queries(urls: list[dict], repeats: int = 5) -> list[dict]:
    """Each URL in this process (Django's test client, no network): its SQL queries and the
    median time of `repeats` requests after a warm-up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hamafza.accounts.models import User
    from hamafza.api.models import ApiToken

    clients = {}
    for who, username in (("staff", "staff"), ("coop", "coop")):
        user = User.objects.get(username=username)
        web = Client()
        web.force_login(user)
        _token, raw = ApiToken.issue(user)
        clients[who] = (web, Client(headers={"authorization": f"Bearer {raw}"}))
    results = []
    for url in urls:
        web, api = clients[url["as"]]
        client = api if url["path"].startswith("/api/") else web
        response = client.get(url["path"])
        if response.status_code != 200:
            sys.exit(f"{url['path']} as {url['as']}: {response.status_code}")
        connection.queries_log.clear()  # each request starts by clearing it (reset_queries)
        with CaptureQueriesContext(connection) as captured:
            client.get(url["path"])
        queries = len(captured)  # now: the next request clears the log
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.get(url["path"])
            times.append(time.perf_counter() - started)
        results.append(
            {
                "name": url["name"],
                "queries": queries,
                "alone_ms": round(statistics.median(times) * 1000, 1),
                "bytes": len(response.content),
            }
        )
        print(f"  {url['name']}: {results[-1]}", flush=True)
    return results


# ---------------------------------------------------------------- load
def _request(method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def _cookies(response) -> dict:
    found = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _sep, rest = value.partition("=")
            found[name] = rest.split(";", 1)[0]
    return found


def sign_in(username: str) -> dict:
    """The headers a signed-in reader sends: the session cookie for pages (through the
    sign-in form) and a bearer token for the API."""
    response, body = _request("GET", "/accounts/login/")
    csrf = _cookies(response)["csrftoken"]
    field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": field}
    )
    response, _body = _request(
        "POST",
        "/accounts/login/",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
    )
    session = _cookies(response).get("sessionid")
    if response.status != 302 or not session:
        sys.exit(f"could not sign in as {username}: {response.status}")
    payload = json.dumps({"username": username, "password": PASSWORD}).encode()
    response, body = _request(
        "POST", "/api/v1/auth/token", payload, {"Content-Type": "application/json"}
    )
    if response.status != 200:
        sys.exit(f"no API token for {username}: {response.status}")
    return {
        "web": ("Cookie", f"sessionid={session}"),
        "api": ("Authorization", f"Bearer {json.loads(body)['token']}"),
    }


def bench_load(db: Path, urls: list[dict], seconds: int) -> dict:
    """Each URL alone under 16 clients; then the default staff list under 14 clients while
    2 more read the report, to see what a page that takes a second does to everyone else."""
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "hamafza.wsgi",
            "--workers",
            "2",
            "--threads",
            "1",
            "--timeout",
            "120",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        env=env_for(db),
        cwd=ROOT,
    )
    results, headers = [], {}
    try:
        for _ in range(100):
            try:
                _request("GET", "/accounts/login/")
                break
            except OSError:
                time.sleep(0.2)
        readers = {"staff": sign_in("staff"), "coop": sign_in("coop")}
        for url in urls:
            header = readers[url["as"]]["api" if url["path"].startswith("/api/") else "web"]
            response, _body = _request("GET", url["path"], headers=dict([header]))
            if response.status != 200:
                sys.exit(f"{url['path']} as {url['as']}: {response.status}")
            run = seconds * 3 if url.get("long") else seconds
            headers[url["name"]] = header
            result = _load(url["path"], header, run, url.get("clients", 16))
            results.append({"name": url["name"], "path": url["path"], "as": url["as"], **result})
            print(f"  {url['name']}: {result}", flush=True)
        mixed = _mixed(urls, headers, seconds * 3)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"urls": results, "mixed": mixed}


def _load(path: str, header: tuple[str, str], seconds: int, clients: int, tag: str = "") -> dict:
    load = os.getloadavg()[0]
    if shutil.which("wrk"):
        result = _wrk(path, header, seconds, clients, tag)
    else:
        result = _python_clients(path, header, seconds, clients)
    return {**result, "loadavg_before": round(load, 2)}


def _mixed(urls: list[dict], headers: dict, seconds: int) -> dict | None:
    by_name = {u["name"]: u for u in urls}
    page, report = by_name.get(MIXED[0]), by_name.get(MIXED[1])
    if page is None or report is None:
        return None
    import threading

    out = {}

    def run(key: str, url: dict, clients: int) -> None:
        out[key] = _load(url["path"], headers[url["name"]], seconds, clients, tag=key)

    threads = [
        threading.Thread(target=run, args=("page", page, 14)),
        threading.Thread(target=run, args=("report", report, 2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"  mixed: {out}", flush=True)
    return {
        "page": {"name": MIXED[0], **out["page"]},
        "report": {"name": MIXED[1], **out["report"]},
    }


WRK_SCRIPT = """
wrk.path = "%s"
wrk.headers["%s"] = "%s"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    b + e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.duration))
end
"""


def _wrk(path: str, header: tuple[str, str], seconds: int, clients: int, tag: str = "") -> dict:
    """16 keep-alive connections from wrk (a C load generator, so the client takes little of
    the machine's two cores) on one URL."""
    script = VAR / f"cases{tag}.lua"
    script.write_text(WRK_SCRIPT % (path, *header))
    return run_wrk(script, PORT, seconds, clients, "--timeout", "120s")


def _python_clients(path: str, header: tuple[str, str], seconds: int, clients: int) -> dict:
    """The same load from Python threads, where wrk is not installed."""
    import threading

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=dict([header]))
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += not ok

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "client": "python threads",
        "clients": clients,
        "seconds": seconds,
        "requests": len(latencies),
        "errors": errors[0],
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
        "throughput_rps": round(len(latencies) / seconds, 1),
    }


# ---------------------------------------------------------------- report
def table(results: dict) -> str:
    alone = {q["name"]: q for q in results.get("queries", [])}
    lines = [
        "| URL | as | queries | alone (ms) | clients | p50 (ms) | p95 (ms) | p99 (ms) "
        "| requests | requests/s | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in results.get("load") or [
        {"name": q["name"], "as": "", "path": ""} for q in alone.values()
    ]:
        q = alone.get(row["name"], {})
        lines.append(
            f"| {row['name']} | {row['as']} | {q.get('queries', '')} | {q.get('alone_ms', '')} | "
            f"{row.get('clients', '')} | {row.get('p50_ms', '')} | {row.get('p95_ms', '')} | "
            f"{row.get('p99_ms', '')} | {row.get('requests', '')} | "
            f"{row.get('throughput_rps', '')} | {row.get('errors', '')} |"
        )
    mixed = results.get("mixed")
    if mixed:
        for key, clients in (("page", 14), ("report", 2)):
            r = mixed[key]
            lines.append(
                f"| mixed: {r['name']} | staff | | | {clients} | {r['p50_ms']} | {r['p95_ms']} | "
                f"{r['p99_ms']} | {r['requests']} | {r['throughput_rps']} | {r['errors']} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cooperatives", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10, help="of load per URL")
    parser.add_argument("--rebuild", action="store_true", help="build the dataset again")
    parser.add_argument("--only", nargs="*", default=[], help="URLs whose name contains any")
    parser.add_argument("--skip", nargs="*", default=[], choices=["queries", "load"])
    args = parser.parse_args()
    if not shutil.which(str(BIN / "gunicorn")):
        sys.exit("run `make install` first")
    VAR.mkdir(parents=True, exist_ok=True)
    db = VAR / f"cases-{args.cooperatives}-{args.cases}.sqlite3"
    fresh = args.rebuild or not db.exists()
    setup_django(db)
    results = {"machine": machine(), "cooperatives": args.cooperatives, "cases": args.cases}
    if fresh:
        results["build"] = build(db, args.cooperatives, args.cases, args.years, args.seed)
    else:
        hamafza(db, "migrate", "--noinput")  # the schema (indexes) of the code being measured
    collectstatic(db)
    results["dataset"] = dataset(db)
    print("dataset:", results["dataset"], flush=True)
    urls = pick_urls()
    if args.only:
        urls = [u for u in urls if any(o in u["name"] for o in args.only)]
    results["urls"] = urls
    if "queries" not in args.skip:
        print("queries (test client, one at a time):", flush=True)
        results["queries"] = bench_queries(urls)
    if "load" not in args.skip:
        print(f"load ({args.seconds} s per URL, 16 clients):", flush=True)
        load = bench_load(db, urls, args.seconds)
        results["load"], results["mixed"] = load["urls"], load["mixed"]
    print(table(results))
    out = ROOT / "bench" / "results" / f"cases-{datetime.date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
