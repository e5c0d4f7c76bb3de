"""Load test of a team server on loopback: 8 members push at once while 50 clients search.

Builds 8 small personal libraries from ../shared/corpora (one corpus per member, at most --files files
each), a team library with one editor account per member, and serves it with `paperdex serve` in its own
process on 127.0.0.1. First the search clients run alone for --baseline seconds (the baseline), then the
8 pushes start together while the clients keep searching for --duration seconds. Afterwards every
member's notes are counted on the server by origin: lost (a local note missing there) and duplicated
(an origin stored twice) must both be 0; 5xx answers are counted; search latency (p50, p95) is printed
for both phases side by side with the ratio.

    python bench/team_load.py                       # 8 members, 50 clients, 15 s baseline + 60 s load
    python bench/team_load.py --clients 10 --duration 20 --files 10   # a quick run

Loopback only; bounded in time (baseline + the pushes' own time, capped by --timeout, + the rest of
--duration or at least --after seconds) and count. Results for docs/team.md; --db postgresql://… runs the
same load on a PostgreSQL team library (an empty database).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from paperdex import importer
from paperdex.library import accounts
from paperdex.library.db import Library
from paperdex.team import client as team_client

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("PAPERDEX_SHARED", ROOT.parent / "shared")) / "corpora"
MEMBERS = ["Taaniya__research-paper-summaries", "TatsuyaShirakawa__daily-arxiv-gatsby", "Tramac__paper-reading-note",
           "dennybritz__deeplearning-papernotes", "jethrokuan__papers", "jjbes__aclanthology-tutorial-reading-lists",
           "k1101jh__DeepLearning-Paper-Review", "unumbrela__daily-paper-reader"]
QUERIES = ["world models", "offline reinforcement learning", "diffusion policy", "optical flow", "transformer attention",
           "contrastive learning", "语言模型", "обучение с подкреплением", "graph neural network", "object detection",
           "retrieval augmented generation", "self-supervised", "machine translation", "強化学習", "segmentation"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_member(path: Path, corpus: Path, files: int) -> int:
    chosen = sorted(p for p in corpus.rglob("*") if p.is_file())[:files]
    with Library(path) as lib:
        importer.add(lib, [str(p) for p in chosen], max_bytes=8 << 20)
        return lib.conn.execute("SELECT count(*) FROM notes").fetchone()[0]


def local_origins(path: Path) -> set[str]:
    with Library(path) as lib:
        return {r[0] for r in lib.conn.execute("SELECT id FROM notes")}


class Searchers:
    """`n` threads searching in a loop, each with its own connection, recording latency and status."""

    def __init__(self, url: str, token: str, n: int) -> None:
        self.url, self.token, self.n = url, token, n
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors = 0
        self.threads: list[threading.Thread] = []

    def _run(self, k: int) -> None:
        with httpx.Client(base_url=self.url, timeout=60,
                          headers={"authorization": f"Bearer {self.token}"}) as http:
            i = k
            while not self.stop.is_set():
                query = QUERIES[i % len(QUERIES)]
                i += 1
                start = time.perf_counter()
                try:
                    status = http.get("api/search", params={"q": query, "mode": "keyword", "limit": 20}).status_code
                except httpx.HTTPError:
                    with self.lock:
                        self.errors += 1
                    continue
                took = time.perf_counter() - start
                with self.lock:
                    self.latencies.append(took)
                    self.statuses[status] = self.statuses.get(status, 0) + 1

    def start(self) -> None:
        self.threads = [threading.Thread(target=self._run, args=(k,), daemon=True) for k in range(self.n)]
        for t in self.threads:
            t.start()

    def finish(self) -> dict:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=90)
        return self.snapshot()

    def snapshot(self) -> dict:
        with self.lock:
            lat = sorted(self.latencies)
            statuses = dict(self.statuses)
            errors = self.errors
            self.latencies, self.statuses, self.errors = [], {}, 0
        def pct(q: float) -> float:
            return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")
        return {"requests": len(lat), "p50_ms": pct(0.50), "p95_ms": pct(0.95),
                "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan"),
                "5xx": sum(v for k, v in statuses.items() if k >= 500), "statuses": statuses, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=8)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of searching while members push")
    parser.add_argument("--baseline", type=float, default=15.0, help="seconds of searching before the pushes")
    parser.add_argument("--after", type=float, default=15.0,
                        help="at least this many seconds of searching after the pushes (the fair baseline)")
    parser.add_argument("--files", type=int, default=40, help="files per member library (bounds the notes)")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up on pushes after this many seconds")
    parser.add_argument("--db", help="team library (default: a new SQLite file; postgresql://… after part A)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="paperdex-team-load-"))
    os.environ.setdefault("PAPERDEX_OFFLINE", "1")
    os.environ.setdefault("PAPERDEX_EMBEDDER", "none")

    names = [f"m{i}" for i in range(args.members)]
    t0 = time.perf_counter()
    locals_: dict[str, Path] = {}
    for name, corpus in zip(names, (MEMBERS * 2)[:args.members], strict=True):
        locals_[name] = work / f"{name}.db"
        notes = build_member(locals_[name], CORPORA / corpus, args.files)
        print(f"{name}: {notes:5d} notes from {corpus} (first {args.files} files)")
    print(f"built {len(names)} member libraries in {time.perf_counter() - t0:.1f} s")

    server_db = args.db or str(work / "team.db")
    tokens: dict[str, str] = {}
    with Library(server_db) as lib:
        accounts.add_account(lib, "admin", "admin")
        for name in names:
            tokens[name] = accounts.add_account(lib, name, "editor")[1]
        reader_token = accounts.add_account(lib, "searcher", "reader")[1]
        seed_token = accounts.add_account(lib, "seed", "editor")[1]

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = open(work / "server.log", "w")  # noqa: SIM115 - open for the server's whole life
    server = subprocess.Popen([sys.executable, "-c", "from paperdex.cli import main; main()", "--db", server_db, "serve", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server did not start; see {work / 'server.log'}")
            time.sleep(0.2)

        # Something to search from the first second: the bundled examples, pushed by another member.
        seed_db = work / "seed.db"
        with Library(seed_db) as lib:
            importer.add(lib, [str(ROOT / "examples")], max_bytes=8 << 20)
            with team_client.make_client(url, seed_token) as http:
                team_client.push(lib, http)

        searchers = Searchers(url, reader_token, args.clients)
        searchers.start()
        time.sleep(args.baseline)
        baseline = searchers.snapshot()

        results: dict[str, object] = {}
        push_5xx: list[int] = []

        def push(name: str) -> None:
            start = time.perf_counter()
            try:
                with Library(locals_[name]) as lib, team_client.make_client(url, tokens[name]) as http:
                    # The client retries a 5xx: count them here, where they would otherwise be hidden.
                    http.event_hooks["response"].append(
                        lambda r: push_5xx.append(r.status_code) if r.status_code >= 500 else None)
                    summary = team_client.push(lib, http)
                results[name] = (summary, time.perf_counter() - start)
            except Exception as exc:  # reported below: a failed push is a finding, not a crash
                results[name] = (exc, time.perf_counter() - start)

        load_start = time.perf_counter()
        pushers = [threading.Thread(target=push, args=(n,), daemon=True) for n in names]
        for t in pushers:
            t.start()
        for t in pushers:
            t.join(timeout=max(1.0, args.timeout - (time.perf_counter() - load_start)))
        pushed_in = time.perf_counter() - load_start
        during = searchers.snapshot()
        time.sleep(max(args.after, args.duration - pushed_in))
        after = searchers.finish()
        load_seconds = time.perf_counter() - load_start
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    print()
    failures = 0
    with Library(server_db) as lib:
        for name in names:
            outcome, seconds = results.get(name, (TimeoutError("still pushing at --timeout"), args.timeout))
            mine = local_origins(locals_[name])
            rows = [r[0] for r in lib.conn.execute("SELECT origin FROM notes WHERE added_by = ?", (name,))]
            lost = len(mine - set(rows))
            duplicated = len(rows) - len(set(rows))
            extra = len(set(rows) - mine)
            failures += bool(lost or duplicated or extra or isinstance(outcome, Exception))
            what = (f"{outcome.added} added in {seconds:5.1f} s" if not isinstance(outcome, Exception)
                    else f"FAILED: {outcome}")
            print(f"{name}: local {len(mine):5d}  on server {len(rows):5d}  lost {lost}  duplicated {duplicated}  "
                  f"unexpected {extra}  push {what}")
        papers = lib.conn.execute("SELECT count(*) FROM papers").fetchone()[0]
        shared = lib.conn.execute("SELECT count(*) FROM (SELECT paper_id FROM notes WHERE paper_id IS NOT NULL "
                                  "AND added_by IS NOT NULL GROUP BY paper_id "
                                  "HAVING count(DISTINCT added_by) >= 2) AS x").fetchone()[0]
        total = lib.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    print(f"server: {total} notes, {papers} papers, {shared} papers noted by 2 or more members")
    print(f"pushes of {len(names)} members at once finished in {pushed_in:.1f} s; "
          f"5xx answers to the pushes (retried): {len(push_5xx)}")
    print()
    # The fair baseline for "during pushes" is the same library without writes: the phase after them.
    print(f"{'search (keyword, /api/search)':30s} {'before pushes':>14s} {'during pushes':>14s} "
          f"{'after pushes':>13s} {'during/after':>13s}")
    for key, label in (("requests", "requests"), ("p50_ms", "p50 latency ms"), ("p95_ms", "p95 latency ms"),
                       ("mean_ms", "mean latency ms"), ("5xx", "5xx answers"), ("errors", "connection errors")):
        a, b, c = baseline[key], during[key], after[key]
        ratio = f"{b / c:6.2f}x" if isinstance(c, float) and c == c and c else ""
        print(f"{label:30s} {a:14.1f} {b:14.1f} {c:13.1f} {ratio:>13s}")
    print(f"phases: before {args.baseline:.0f} s (the examples only), during {pushed_in:.0f} s, after "
          f"{load_seconds - pushed_in:.0f} s (the final library); {args.clients} clients searching throughout")
    if failures or push_5xx or any(p["5xx"] or p["errors"] for p in (baseline, during, after)):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
