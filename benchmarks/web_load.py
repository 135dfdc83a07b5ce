"""Requests/second and p50/p99 latency of the web reader under 50 concurrent clients.

Loads the bundled sample corpus into a fresh SQLite file, starts `newstrace serve` in its
own process on 127.0.0.1 (a free port), and drives it from this process with httpx's async
client: first the article page, then the summary API, each for a bounded time, cycling
through every stored article. Errors (a status other than 200, or a failed request) are
counted, never hidden. The machine is printed with the figures, with the load average
before and after (other work on the machine slows every figure).

Run: `.venv/bin/python benchmarks/web_load.py [--clients 50] [--seconds 10]`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from newstrace.demo import sample_corpus_sources
from newstrace.ingestion import ingest
from newstrace.settings import Settings
from newstrace.store import Store

# Seconds to wait for the server to print its address; it starts in about one.
START_TIMEOUT = 30.0
# A request slower than this counts as an error: a reader would have given up.
REQUEST_TIMEOUT = 30.0


@dataclass
class Run:
    """What one endpoint did under load."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def figures(self) -> dict[str, object]:
        done = len(self.latencies)
        ordered = sorted(self.latencies)

        def quantile(q: float) -> float:
            return ordered[min(done - 1, int(q * done))] * 1000 if done else float("nan")

        return {
            "endpoint": self.name,
            "requests": done + self.errors,
            "errors": self.errors,
            "error_kinds": self.error_kinds,
            "requests_per_second": round(done / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(quantile(0.50), 1),
            "p99_ms": round(quantile(0.99), 1),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if done else float("nan"),
        }


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's answer elsewhere."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def start_server(db: Path) -> tuple[subprocess.Popen[str], str]:
    """`newstrace serve --port 0` in a child process; returns it and its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newstrace", "--db", str(db), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "NEWSTRACE_API_TOKEN": ""},
    )
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    line = ""
    while time.monotonic() < deadline and "http://" not in line:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            raise SystemExit("web_load: the server did not start")
    if "http://" not in line:
        process.kill()
        raise SystemExit("web_load: the server printed no address")
    return process, line[line.index("http://") :].strip().rstrip("/")


async def drive(address: str, paths: list[str], run: Run, clients: int, seconds: float) -> None:
    """`clients` loops requesting `paths` in turn until `seconds` have passed."""
    cycle = itertools.cycle(paths)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=address, limits=limits, timeout=REQUEST_TIMEOUT
    ) as client:
        stop = time.perf_counter() + seconds

        async def one_client() -> None:
            while time.perf_counter() < stop:
                path = next(cycle)
                began = time.perf_counter()
                try:
                    response = await client.get(path)
                except httpx.HTTPError as error:
                    kind = type(error).__name__
                else:
                    if response.status_code == 200:
                        run.latencies.append(time.perf_counter() - began)
                        continue
                    kind = f"HTTP {response.status_code}"
                run.errors += 1
                run.error_kinds[kind] = run.error_kinds.get(kind, 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        run.seconds = time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--db", type=Path, help="serve this database (default: a fresh one with the sample corpus)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "load.db"
        with Store(str(db)) as store:
            if args.db is None:
                ingest(sample_corpus_sources(), store, Settings())
            ids = [a.id for a in store.articles()]
        load_before = round(os.getloadavg()[0], 2)
        server, address = start_server(db)
        try:
            runs = []
            for name, template in (
                ("article page", "/articles/{}"),
                ("summary API", "/api/articles/{}/summary"),
            ):
                run = Run(name)
                paths = [template.format(id) for id in ids]
                asyncio.run(drive(address, paths, run, args.clients, args.seconds))
                runs.append(run.figures())
        finally:
            server.terminate()
            server.wait(10)

    machine = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "server": "uvicorn, one process, on 127.0.0.1; load generator in another process",
        # Other work on the machine slows every figure: the 1-minute load average says how much.
        "load_average_before": load_before,
        "load_average_after": round(os.getloadavg()[0], 2),
    }
    report = {
        "machine": machine,
        "articles": len(ids),
        "clients": args.clients,
        "seconds": args.seconds,
        "runs": runs,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
        f"load average {machine['load_average_before']} before, "
        f"{machine['load_average_after']} after"
    )
    print(f"{len(ids)} articles, {args.clients} concurrent clients, {args.seconds:g} s each")
    for figures in runs:
        print(
            f"  {figures['endpoint']:13} {figures['requests_per_second']:>7} req/s  "
            f"p50 {figures['p50_ms']} ms  p99 {figures['p99_ms']} ms  "
            f"errors {figures['errors']} of {figures['requests']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
