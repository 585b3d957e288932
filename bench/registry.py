"""Registry benchmark (issue: registry speed and scale). Run from the project root:

    .venv/bin/python bench/registry.py [--cooperatives 100000] [--seconds 20]

It builds (once) a demo province of N cooperatives in var/bench/registry-N.sqlite3, then
measures, in one run on the same data:
  1. search: the API's median time per query over a realistic query mix (a fixed sample of
     the data), and the same search work (count + first page of 25, rows fetched the same way)
     done by the index and by a plain case-insensitive `contains` over the same fields;
  2. the directory page under 16 concurrent clients against gunicorn (p50/p95);
  3. importing a 100,000-row xlsx into an empty database (time and peak memory).
Results are printed as Markdown and written to bench/results/registry-<date>.json.
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
VAR = ROOT / "var" / "bench"


def env_for(db: Path, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{db}",
            "HAMAFZA_DEMO": "1",
            "HAMAFZA_HTTPS": "0",
            "DEBUG": "0",
            "SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "HAMAFZA_TESTING": "0",
            "STATIC_ROOT": str(VAR / "static"),
        }
    )
    env.update(extra)
    return env


def hamafza(db: Path, *args: str, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "hamafza"), *args],
        env=env_for(db, **extra),
        check=True,
        capture_output=True,
        text=True,
    )


def ensure_database(n: int) -> Path:
    VAR.mkdir(parents=True, exist_ok=True)
    db = VAR / f"registry-{n}.sqlite3"
    if not db.exists():
        print(f"building a province of {n} cooperatives (once) …", flush=True)
        hamafza(db, "migrate", "--noinput")
        hamafza(db, "demo_data", "--cooperatives", str(n), "--seed", "1")
    return db


# ---------------------------------------------------------------- search
def bench_search(db: Path, repeats: int = 5) -> dict:
    os.environ.update(env_for(db))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hamafza.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Q
    from django.test import Client

    from hamafza.persian.text import to_latin_digits
    from hamafza.registry.models import Cooperative

    rng = random.Random(5)
    ids = sorted(Cooperative.objects.values_list("pk", flat=True))
    picked = rng.sample(ids, 200)  # the same sample on every run of the same data
    rows = Cooperative.objects.in_bulk(picked)
    sample = [
        (rows[i].name, rows[i].national_id, rows[i].registration_number, rows[i].ceo_name)
        for i in picked
    ]
    queries: list[str] = []
    for name, *_ in sample[:40]:
        words = name.split()[2:]  # past «شرکت تعاونی»
        start = rng.randrange(len(words))
        queries.append(" ".join(words[start : start + rng.randint(1, 2)]))
    for name, *_ in sample[40:55]:
        word = rng.choice(name.split()[2:])
        queries.append(word[: max(2, len(word) - 2)])  # a prefix, as typed
    queries += [n for _, n, _, _ in sample[55:65]]  # full national IDs
    queries += [n[:7] for _, n, _, _ in sample[65:70]]  # national ID prefixes
    queries += [r for _, _, r, _ in sample[70:75]]  # registration numbers
    queries += [c for _, _, _, c in sample[75:90]]  # managing directors
    queries += [q.replace("ی", "ي").replace("ک", "ك") for q in queries[:10]]  # Arabic letters

    client = Client()
    client.get("/api/v1/cooperatives", {"q": "warm"})

    def timed(fn) -> float:
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    from hamafza.core.pagination import IdPaginator
    from hamafza.registry.selectors import cooperative_rows, cooperative_search

    def indexed(q: str):
        qs = cooperative_search(q=q)
        return qs.count(), IdPaginator(qs, 25, fetch=cooperative_rows).rows(0, 25)

    def plain(q: str):
        condition = Q()
        for word in to_latin_digits(q).split():
            condition &= (
                Q(name__icontains=word)
                | Q(national_id__icontains=word)
                | Q(registration_number__icontains=word)
                | Q(ceo_name__icontains=word)
            )
        qs = Cooperative.objects.filter(condition).order_by("sort_key", "id")
        return qs.count(), IdPaginator(qs, 25, fetch=cooperative_rows).rows(0, 25)

    api_times, indexed_times, plain_times, counts = [], [], [], []
    for q in queries:
        api_times.append(timed(lambda q=q: client.get("/api/v1/cooperatives", {"q": q})))
        counts.append(client.get("/api/v1/cooperatives", {"q": q}).json()["count"])
        indexed_times.append(timed(lambda q=q: indexed(q)))
        plain_times.append(timed(lambda q=q: plain(q)))
    api_median = statistics.median(api_times)
    indexed_median = statistics.median(indexed_times)
    plain_median = statistics.median(plain_times)
    return {
        "queries": len(queries),
        "api_median_ms": round(api_median * 1000, 2),
        "api_p95_ms": round(sorted(api_times)[int(0.95 * len(api_times))] * 1000, 2),
        "indexed_search_median_ms": round(indexed_median * 1000, 2),
        "plain_contains_median_ms": round(plain_median * 1000, 2),
        "speedup": round(plain_median / indexed_median, 1),
        "speedup_vs_api": round(plain_median / api_median, 1),
        "median_matches": statistics.median(counts),
    }


# ---------------------------------------------------------------- directory
def bench_directory(db: Path, seconds: int, clients: int = 16) -> dict:
    hamafza(db, "collectstatic", "--noinput")
    port = 8790
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "hamafza.wsgi",
            "--workers",
            "2",
            "--threads",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env_for(db),
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/registry/cooperatives/")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        paths = [
            "/registry/cooperatives/",
            "/registry/cooperatives/?page=7",
            "/registry/cooperatives/?county=1",
            "/registry/cooperatives/?sector=1&status=active",
            "/registry/cooperatives/?q=%D8%B2%D8%B9%D9%81%D8%B1%D8%A7%D9%86",  # زعفران
            "/registry/cooperatives/?q=%D9%81%DB%8C%D8%B1%D9%88%D8%B2%D9%87",  # فیروزه
            "/registry/cooperatives/?sort=-members",
            "/registry/cooperatives/?board_expired=1",
        ]
        if shutil.which("wrk"):
            result = _wrk(port, paths, seconds, clients)
        else:
            result = _python_clients(port, paths, seconds, clients)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return result


WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.duration))
end
"""


def _wrk(port: int, paths: list[str], seconds: int, clients: int) -> dict:
    """16 keep-alive connections from wrk (a C load generator, so the client takes little of
    the machine's two cores), cycling through the directory URLs."""
    script = VAR / "directory.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
    return run_wrk(script, port, seconds, clients)


def run_wrk(script: Path, port: int, seconds: int, clients: int, *extra: str) -> dict:
    """Run wrk with a Lua script that ends by printing «RESULT requests errors p50 p95 p99
    duration» (microseconds); the numbers as a dict. Shared by bench/cases.py."""
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", *extra, "-s", str(script)]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, errors, p50, p95, p99, duration = (int(x) for x in line.split()[1:])
    return {
        "client": "wrk",
        "clients": clients,
        "seconds": seconds,
        "requests": requests,
        "errors": errors,
        "p50_ms": round(p50 / 1000, 1),
        "p95_ms": round(p95 / 1000, 1),
        "p99_ms": round(p99 / 1000, 1),
        "throughput_rps": round(requests / (duration / 1e6), 1),
    }


def _python_clients(port: int, paths: list[str], seconds: int, clients: int) -> dict:
    """The same load from Python threads, where wrk is not installed."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = i
        while time.monotonic() < deadline:
            path = paths[n % len(paths)]
            n += 1
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            elapsed = time.perf_counter() - t
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
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


# ---------------------------------------------------------------- import
def bench_import(db: Path, rows: int = 100_000) -> dict:
    xlsx = VAR / f"registry-{rows}.xlsx"
    if not xlsx.exists():
        hamafza(db, "export_registry", str(xlsx))
    empty = VAR / "import-target.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{empty}{suffix}").unlink(missing_ok=True)
    hamafza(empty, "migrate", "--noinput")
    # The unions the file names must exist in the target, as in a real province.
    hamafza(empty, "shell", "-c", _COPY_UNIONS.format(source=db))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = hamafza(empty, "import_registry", str(xlsx))
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    again = time.perf_counter()
    second = hamafza(empty, "import_registry", str(xlsx))
    reimport = time.perf_counter() - again
    return {
        "rows": rows,
        "file_mb": round(xlsx.stat().st_size / 1e6, 1),
        "seconds": round(elapsed, 1),
        "peak_rss_mb": round(max(peak_kb, before) / 1024),
        "result": result.stdout.strip().splitlines()[-1],
        "reimport_seconds": round(reimport, 1),
        "reimport_result": second.stdout.strip().splitlines()[-1],
    }


_COPY_UNIONS = """
import sqlite3
from hamafza.registry.models import Union, Sector, County
source = sqlite3.connect("{source}")
for name, nid, reg, sector, county in source.execute(
    "select u.name, u.national_id, u.registration_number, s.name, c.name from registry_union u "
    "join registry_sector s on s.id = u.sector_id left join registry_county c on c.id = u.county_id"
):
    Union.objects.get_or_create(national_id=nid, defaults=dict(
        name=name, registration_number=reg, sector=Sector.objects.get(name=sector),
        county=County.objects.filter(name=county).first()))
"""


def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    mem = ""
    try:
        kb = int(
            next(
                line
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            ).split()[1]
        )
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "sqlite": __import__("sqlite3").sqlite_version,
        "date": datetime.date.today().isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cooperatives", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--skip", nargs="*", default=[], choices=["search", "directory", "import"])
    args = parser.parse_args()
    if not shutil.which(str(BIN / "gunicorn")):
        sys.exit("run `make install` first")
    db = ensure_database(args.cooperatives)
    results = {"machine": machine(), "cooperatives": args.cooperatives}
    if "import" not in args.skip:
        results["import"] = bench_import(db, args.cooperatives)
        print("import:", results["import"], flush=True)
    if "directory" not in args.skip:
        results["directory"] = bench_directory(db, args.seconds)
        print("directory:", results["directory"], flush=True)
    if "search" not in args.skip:
        results["search"] = bench_search(db)
        print("search:", results["search"], flush=True)
    out = ROOT / "bench" / "results" / f"registry-{datetime.date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
