"""The drop page against the command line: how fast the page answers, and how long a sample takes.

    python bench/serve.py               # prints a table; --write puts it into bench/README.md
    python bench/serve.py --repeat 5

Measured on this machine, as the median of ``--repeat`` runs:

- the page's first answer: ``GET /`` on a freshly started ``xlreports serve`` (the first request, and
  the median of 20 after it);
- each bundled sample: ``xlreports build SAMPLE`` as a whole process (what an officer waits for in
  a terminal) against the page, from the upload's POST to the moment the page's state says done —
  the same :func:`xlreports.build.build`, in the server's process.

Goals: first answer < 200 ms; a sample through the page ≤ 1.5 × the command line.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLES = sorted((ROOT / "input").glob("*.xlsx"))
MARK = "<!-- serve results -->"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "xlreports", "serve", "--no-browser", "--port", str(port)],
                               cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/static/style.css", timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("xlreports serve did not start")


def first_answers(workdir: Path, repeat: int) -> tuple[float, float]:
    firsts, later = [], []
    for _ in range(repeat):
        process, url = start_server(workdir)
        try:
            start = time.perf_counter()
            urllib.request.urlopen(url + "/", timeout=10).read()
            firsts.append(time.perf_counter() - start)
            for _ in range(20):
                start = time.perf_counter()
                urllib.request.urlopen(url + "/", timeout=10).read()
                later.append(time.perf_counter() - start)
        finally:
            process.terminate()
            process.wait()
    return statistics.median(firsts), statistics.median(later)


def cli_time(sample: Path, workdir: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "xlreports", "build", str(sample), "-o", str(workdir / "cli")],
                   cwd=workdir, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def page_time(sample: Path, url: str) -> float:
    import httpx

    with httpx.Client(base_url=url, timeout=120) as client:
        page = client.get("/")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        body = sample.read_bytes()
        time.sleep(0.5)  # the server's start-up reading of the templates is not what is measured
        start = time.perf_counter()
        client.post("/api/upload", files={"files": (sample.name, body)},
                    headers={"X-CSRF-Token": token, "Origin": url})
        while True:
            state = client.get("/api/state").json()
            if not state["busy"]:
                elapsed = time.perf_counter() - start
                assert all(w["state"] == "done" for w in state["workbooks"]), state
                return elapsed
            time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="put the table into bench/README.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xlreports-bench-serve-") as folder:
        workdir = Path(folder)
        first, later = first_answers(workdir, args.repeat)
        rows = []
        process, url = start_server(workdir)
        try:
            time.sleep(5)  # let the server read its templates before the first upload
            for sample in SAMPLES:
                cli = statistics.median(cli_time(sample, workdir) for _ in range(args.repeat))
                page = statistics.median(page_time(sample, url) for _ in range(args.repeat))
                rows.append((sample.stem, cli, page))
        finally:
            process.terminate()
            process.wait()
    lines = [f"Median of {args.repeat} runs; {os.cpu_count()} cores.", "",
             f"- page's first answer (`GET /`, first request after start): {first * 1000:.0f} ms; "
             f"later requests: {later * 1000:.0f} ms (goal < 200 ms)", "",
             "| sample | `xlreports build` (process) | through the page (upload → done) | page / CLI |",
             "|---|---:|---:|---:|"]
    lines += [f"| {name} | {cli:.2f} s | {page:.2f} s | {page / cli:.2f} |" for name, cli, page in rows]
    table = "\n".join(lines)
    print(table)
    if args.write:
        readme = HERE / "README.md"
        text = readme.read_text(encoding="utf-8")
        head, _, rest = text.partition(MARK)
        tail = rest.partition(MARK)[2] if MARK in rest else ""
        readme.write_text(f"{head}{MARK}\n{table}\n{MARK}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
