"""Generate large, realistic notes folders from the seeds' own lines (for kill and concurrency runs).

Files look like the README seed: `## Section` headings, `* YEAR - [Title](arXiv link)`
entries and indented thought bullets in Chinese and English taken from the seed.
Some titles recur across files (with the same arXiv id) so imports also merge.
Everything is derived from a seed number, so a run can be reproduced exactly.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from tests.conftest import SEED_FILES

_ENTRY = re.compile(r"^\* (?P<year>\d{4}) - \[(?P<title>.+?)\]\((?P<url>[^)]+)\)")
SECTIONS = ("LLM", "Video", "Low-level Vision", "Reinforcement Learning", "Agents", "多模态")


def seed_pieces() -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(title, year) of every README entry, its indented note lines, and Russian sentences."""
    readme = SEED_FILES["readme"].read_text(encoding="utf-8").splitlines()
    entries = [(m["title"].strip(), m["year"]) for line in readme if (m := _ENTRY.match(line))]
    bullets = [line.strip()[2:] for line in readme if line.startswith("  * ") and len(line) > 10]
    telegram = SEED_FILES["telegram"].read_text(encoding="utf-8").splitlines()
    russian = [line for line in telegram if len(line) > 60 and re.search("[а-я]", line)]
    return entries, bullets, russian


def make_notes_folder(root: Path, files: int = 200, *, seed: int = 8, entries_per_file: tuple[int, int] = (12, 24),
                      ) -> list[Path]:
    """Write `files` README-style note files under root; returns their paths in import order."""
    rng = random.Random(seed)
    entries, bullets, russian = seed_pieces()
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(files):
        lines = [f"# paper notes {i:03d}", "主要是记录一些这几年读的 paper，持续搬运中，欢迎指正", ""]
        for section in rng.sample(SECTIONS, 2):
            lines.append(f"## {section}")
            for j in range(rng.randint(*entries_per_file) // 2):
                if rng.random() < 0.15:
                    # A paper the seed itself notes: many files share it, so it merges.
                    k = rng.randrange(len(entries))
                    title, year = entries[k]
                    arxiv = f"2{k % 4}0{1 + k % 9}.{10000 + k:05d}"
                else:
                    title, year = entries[rng.randrange(len(entries))]
                    title = f"{title} — variant {i}.{j}"
                    arxiv = f"{19 + i % 6}{1 + j % 9:02d}.{(i * 97 + j) % 90000 + 10000:05d}"
                lines.append(f"* {year} - [{title}](https://arxiv.org/abs/{arxiv})")
                for _ in range(rng.randint(1, 5)):
                    lines.append("  * " + rng.choice(bullets))
                if rng.random() < 0.3:
                    lines.append("  * [想法] " + rng.choice(russian))
            lines.append("")
        path = root / f"notes_{i:03d}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
