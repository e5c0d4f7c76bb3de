"""Build realistic larger note collections from the seeds: same languages, sentences, titles and shape.

The seeds are imported through the real pipeline; their notes' sentences
(Chinese, Russian, English) and titles are recombined into README-style
files of 100 notes each (`* YEAR - [Title](url)` bullets with sub-bullet
notes and [想法]/[thought] lines), which `paperdex add` reads like any README.
Deterministic: the same --notes and --seed give byte-identical files.

    python bench/generate.py --notes 10000 --out /tmp/pdx-gen-10k
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from paperdex import importer  # noqa: E402
from paperdex.library.db import Library  # noqa: E402
from paperdex.library.store import iter_paperless, iter_papers  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
NOTES_PER_FILE = 100
LANGUAGE_SHARE = {"zh": 0.45, "en": 0.35, "ru": 0.20}
THOUGHT = {"zh": "[想法] ", "en": "[thought] ", "ru": "[thought] "}


def language_of(text: str) -> str:
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    cyr = len(re.findall(r"[\u0400-\u04ff]", text))
    if han >= 4 and han >= cyr:
        return "zh"
    return "ru" if cyr >= 8 else "en"


def sentences(text: str) -> list[str]:
    """Clause-sized pieces of a note, as they would sit on one bullet line."""
    pieces = re.split(r"(?<=[。！？.!?；;])\s*|\n+", text)
    out = []
    for piece in pieces:
        piece = re.sub(r"^[\s*\-•]+", "", piece).strip()
        if 12 <= len(piece) <= 400 and not piece.startswith(("http", "#", "[")):
            out.append(piece)
    return out


def seed_material(seeds: Path) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """(sentences by language, real titles, real section names) from the seeds, via the real pipeline."""
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "seeds.db")
        summary = importer.add(lib, [str(p) for p in sorted(seeds.glob("*.txt"))], max_bytes=64 << 20)
        if summary.failures:
            raise SystemExit(f"seed import failed: {summary.failures}")
        pools: dict[str, list[str]] = {"zh": [], "en": [], "ru": []}
        titles: list[str] = []
        sections: set[str] = set()
        notes = [n for p in iter_papers(lib) for n in p.notes]
        titles = sorted({p.title for p in iter_papers(lib) if p.title and len(p.title) > 12})
        notes += [n for d in iter_paperless(lib) for n in d.notes]
        for note in notes:
            for piece in sentences("\n".join([note.text, *note.thoughts])):
                pools[language_of(piece)].append(piece)
            if note.section and len(note.section) < 40:
                sections.add(note.section)
        lib.close()
    return {k: sorted(set(v)) for k, v in pools.items()}, titles, sorted(sections)


def make_title(rng: random.Random, titles: list[str]) -> str:
    """A plausible new title: a real one with its name or one word swapped for another title's."""
    base = rng.choice(titles)
    other = rng.choice(titles).replace(":", " ").split()
    words = [w for w in other if w[:1].isupper() and len(w) > 3 and w.isascii()]
    if ":" in base and words and rng.random() < 0.5:
        suffix = rng.choice(["Net", "Former", "Gen", "Flow", "RL", "GPT", "Diff"])
        name = rng.choice(words).strip(",.") + suffix
        return name + ":" + base.split(":", 1)[1]
    tokens = base.split()
    if words:
        tokens[rng.randrange(len(tokens))] = rng.choice(words).strip(",.")
    return " ".join(tokens)


def generate(n_notes: int, out: Path, seed: int = 7, seeds: Path = SEEDS) -> list[Path]:
    """Write n_notes notes into out/*.md; returns the files."""
    pools, titles, sections = seed_material(seeds)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    langs = list(LANGUAGE_SHARE)
    weights = [LANGUAGE_SHARE[k] for k in langs]
    for file_index in range(0, n_notes, NOTES_PER_FILE):
        count = min(NOTES_PER_FILE, n_notes - file_index)
        lines = [f"# Reading notes {file_index // NOTES_PER_FILE:05d}", ""]
        section = None
        for k in range(count):
            i = file_index + k
            if section is None or rng.random() < 0.1:
                section = rng.choice(sections)
                lines += ["", f"## {section}"]
            lang = rng.choices(langs, weights)[0]
            year = rng.randint(2015, 2024)
            arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{i:05d}"
            lines.append(f"* {year} - [{make_title(rng, titles)}](https://arxiv.org/abs/{arxiv})")
            for piece in rng.sample(pools[lang], k=min(len(pools[lang]), rng.randint(2, 5))):
                lines.append(f"  * {piece}")
            if rng.random() < 0.3:
                lines.append(f"  * {THOUGHT[lang]}{rng.choice(pools[lang])}")
        path = out / f"notes_{file_index // NOTES_PER_FILE:05d}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    files = generate(args.notes, args.out, args.seed)
    print(f"wrote {args.notes} notes in {len(files)} files to {args.out}")


if __name__ == "__main__":
    main()
