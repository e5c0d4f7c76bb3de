"""Interop check: every bibliography export opened by the tools people use, beside a baseline checkout.

    python bench/interop.py                         seeds + tests/export/data/awkward.csl.json
    python bench/interop.py --db corpora.db         an existing library (e.g. ../shared/corpora added)
    python bench/interop.py --baseline /tmp/main    also run the exporters of another checkout

For BibTeX and biblatex: pybtex in strict mode (does the file parse at all?) and
in lenient mode (how many entries survive), and pandoc (`-f bibtex -t csljson`:
entries, titles intact, notes not cut). RIS: rispy (records, titles, one `N1` per
note). CSL-JSON: the CSL schema. CSV: pandas (rows, titles, warnings).
Obsidian: how many front matter tags follow Obsidian's tag rule. Every
bibliography: citation-js, when Node and npm
are present (`npm install` in bench/interop once; skipped with a line saying so
otherwise). The baseline runs the same checks on the files another checkout's
exporters write from the same library, so the table shows before and after.
Results go in docs/exports.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("PAPERDEX_SHARED", ROOT.parent / "shared"))
INTEROP = ROOT / "bench" / "interop"
FORMATS = ("bibtex", "biblatex", "ris", "csl-json", "csv", "obsidian")
SUFFIXES = {"bibtex": ".bib", "biblatex": ".bib", "ris": ".ris", "csl-json": ".json", "csv": ".csv", "obsidian": ""}
# Obsidian's tag rule: letters, digits, `_`, `-`, `/`; not digits only (help.obsidian.md, "Tags"), read
# strictly: at least one letter or `_` ("2020-05" counts as invalid).
OBSIDIAN_TAG = re.compile(r"[^\W\d]|[\w/-]*[^\W\d][\w/-]*")


def build_default(folder: Path) -> Path:
    from tests.export.helpers import build_library

    (folder / "seeds").symlink_to(SHARED / "seeds")
    shutil.copy(ROOT / "tests" / "export" / "data" / "awkward.csl.json", folder / "awkward.csl.json")
    lib = build_library(folder / "library.db", ["seeds", "awkward.csl.json"], cwd=folder)
    lib.close()
    return folder / "library.db"


def export_with(src: Path, db: Path, fmt: str, out: Path) -> str | None:
    """Run `paperdex export` from the checkout whose package lives in `src`; None if it has no such format."""
    code = "import sys; from paperdex.cli import main; sys.exit(main())"
    env = {**os.environ, "PYTHONPATH": str(src)}
    run = subprocess.run([sys.executable, "-c", code, "--db", str(db), "export", "--format", fmt, "--out",
                          str(out)], capture_output=True, text=True, env=env, timeout=1800)
    return None if run.returncode else str(out)


def expected(db: Path) -> dict[str, dict]:
    from paperdex.export import citekeys
    from paperdex.export.bibtex import annote
    from paperdex.library.db import Library
    from paperdex.library.store import iter_papers

    lib = Library(db)
    papers = list(iter_papers(lib))
    keys = citekeys.assign(papers)
    out = {p.id: {"key": keys[p.id], "title": p.title or "Untitled", "raw_title": p.title or "",
                  "notes": len(p.notes), "annote": annote(p)} for p in papers}
    lib.close()
    return out


def _typographic(text: str) -> str:
    text = text.replace("``", '"').replace("''", '"')
    return re.sub("[\u2018\u2019`]", "'", re.sub("[\u201c\u201d\u201e]", '"', text))


def _rendered(text: str, math: bool = True) -> str:
    from paperdex.export.tex import escape, unescape

    return _typographic(unescape(re.sub(r"(?<!\\)\$", "", escape(text, math))))


def _in_order(wanted: str, text: str) -> bool:
    chars = iter(text)
    return all(ch in chars for ch in wanted)


def check_pybtex(path: str, want: dict) -> str:
    import pybtex.database
    import pybtex.errors

    pybtex.errors.set_strict_mode(True)
    try:
        data = pybtex.database.parse_file(path, bib_format="bibtex")
        strict = f"parses, {len(data.entries)}/{len(want)} entries"
    except Exception as exc:  # pybtex raises its own error types; the message is the result
        strict = f"REJECTED ({type(exc).__name__}: {str(exc)[:60]})"
        pybtex.errors.set_strict_mode(False)
        try:
            data = pybtex.database.parse_file(path, bib_format="bibtex")
            strict += f"; lenient: {len(data.entries)}/{len(want)} entries"
        except Exception as exc2:
            strict += f"; lenient also fails ({type(exc2).__name__})"
    finally:
        pybtex.errors.set_strict_mode(True)
    return strict


def check_pandoc(path: str, fmt: str, want: dict) -> str:
    if not shutil.which("pandoc"):
        return "skipped: pandoc not installed (apt-get install pandoc)"
    run = subprocess.run(["pandoc", "-f", fmt, "-t", "csljson", path], capture_output=True, text=True, timeout=600)
    if run.returncode:
        return f"FAILED: {run.stderr.strip()[:80]}"
    items = {i.get("id"): i for i in json.loads(run.stdout)}  # pandoc keeps the citation keys as ids
    titles = sum(1 for w in want.values() if _typographic(items.get(w["key"], {}).get("title", ""))
                 == _rendered(w["title"]))
    kept = sum(1 for w in want.values() if w["annote"] and _in_order(
        "".join(_rendered(w["annote"], math=False).split()),
        "".join(_typographic(items.get(w["key"], {}).get("annote", "")).split())))
    with_notes = sum(1 for w in want.values() if w["annote"])
    return f"{len(items)}/{len(want)} entries, titles intact {titles}, notes whole {kept}/{with_notes}"


def check_rispy(path: str, want: dict) -> str:
    import rispy

    records = rispy.loads(Path(path).read_text(encoding="utf-8"))
    by_key = {r.get("id"): r for r in records}  # `ID` holds the citation key
    titles = sum(1 for w in want.values() if (by_key.get(w["key"]) or {}).get("title") == w["title"])
    notes = sum(1 for w in want.values() if len((by_key.get(w["key"]) or {}).get("notes", [])) == w["notes"])
    return f"{len(records)}/{len(want)} records, titles intact {titles}, one N1 per note {notes}"


def check_schema(path: str, want: dict) -> str:
    import jsonschema

    schema = json.loads((ROOT / "tests" / "export" / "csl-data.json").read_text(encoding="utf-8"))
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(data))
    titles = sum(1 for w in want.values() if w["title"] in {i.get("title") for i in data})
    return f"{len(data)}/{len(want)} items, {len(errors)} schema errors, titles intact {titles}"


def check_citation_js(path: str, fmt: str, want: dict, expected_file: Path) -> str:
    if not (shutil.which("node") and shutil.which("npm")):
        return "skipped: Node/npm not installed"
    if not (INTEROP / "node_modules" / "@citation-js" / "core").exists():
        run = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=INTEROP,
                             capture_output=True, text=True, timeout=600)
        if run.returncode:
            return f"skipped: npm install failed ({run.stderr.strip()[:80]})"
    run = subprocess.run(["node", str(INTEROP / "check.mjs"), fmt, path, str(expected_file)], capture_output=True,
                         text=True, timeout=600)
    if run.returncode:
        return f"FAILED: {run.stderr.strip()[:80]}"
    r = json.loads(run.stdout.strip().splitlines()[-1])
    if r["error"]:
        return f"REJECTED: {r['error'][:80]}"
    return f"{r['items']}/{r['expected']} items, titles intact {r['titles_intact']}, {r['warnings']} warnings"


def check_csv(path: str, want: dict) -> str:
    import warnings

    import pandas as pd

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    by_key = dict(zip(frame["key"], frame["title"], strict=True)) if "key" in frame else {}
    titles = sum(1 for w in want.values() if by_key.get(w["key"]) == w["raw_title"])
    guarded = sum(1 for w in want.values() if by_key.get(w["key"]) == "'" + w["raw_title"])
    return f"{len(frame)}/{len(want)} rows, titles intact {titles} (+{guarded} with the formula guard `'`), " \
           f"{len(caught)} warnings"


def check_obsidian_tags(path: str, want: dict) -> str:
    from paperdex.formats.markdown import split_front_matter

    tags = []
    for note in Path(path, "papers").glob("*.md"):
        meta, _, _ = split_front_matter(note.read_text(encoding="utf-8"))
        value = meta.get("tags") or []
        tags += [str(t) for t in (value if isinstance(value, list) else [value])]
    distinct = set(tags)
    valid = {t for t in distinct if OBSIDIAN_TAG.fullmatch(t)}
    return f"{len(valid)}/{len(distinct)} distinct tags valid ({sum(t in valid for t in tags)}/{len(tags)} uses)"


def checks(fmt: str, path: str, want: dict, expected_file: Path) -> list[tuple[str, str]]:
    if fmt == "csv":
        return [("pandas", check_csv(path, want))]
    if fmt == "obsidian":
        return [("Obsidian tag rule", check_obsidian_tags(path, want))]
    rows: list[tuple[str, str]] = []
    if fmt in ("bibtex", "biblatex"):
        rows += [("pybtex", check_pybtex(path, want)), ("pandoc", check_pandoc(path, fmt, want))]
    if fmt == "ris":
        rows.append(("rispy", check_rispy(path, want)))
    if fmt == "csl-json":
        rows.append(("CSL schema", check_schema(path, want)))
    rows.append(("citation-js", check_citation_js(path, fmt, want, expected_file)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="an existing library (default: seeds + awkward titles)")
    parser.add_argument("--baseline", type=Path, help="another checkout (its src/ is used) to compare with")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="paperdex-interop-"))
    db = args.db or build_default(work)
    want = expected(db)
    expected_file = work / "expected.json"
    expected_file.write_text(json.dumps({w["key"]: w["title"] for w in want.values()}, ensure_ascii=False),
                             encoding="utf-8")
    sides = [("this checkout", ROOT / "src")]
    if args.baseline:
        sides.insert(0, ("baseline", args.baseline / "src"))
    print(f"library: {db} ({len(want)} papers, {sum(w['notes'] for w in want.values())} notes)\n")
    print(f"| format | tool | {' | '.join(name for name, _ in sides)} |")
    print("|---|---|" + "---|" * len(sides))
    for fmt in FORMATS:
        results = []
        for name, src in sides:
            path = export_with(src, db, fmt, work / f"{name.replace(' ', '_')}-{fmt}{SUFFIXES[fmt]}")
            results.append(dict(checks(fmt, path, want, expected_file)) if path else None)
        tools = next(r for r in results if r is not None).keys() if any(results) else []
        for tool in tools:
            cells = [" ".join((r or {}).get(tool, "no such export").split()) for r in results]
            print(f"| {fmt} | {tool} | {' | '.join(cells)} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
