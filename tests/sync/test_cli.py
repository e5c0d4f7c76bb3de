"""The sync commands as a user types them: add twice, sources, trash, sync, serve --watch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
from click.testing import CliRunner

from paperdex.cli import main
from tests.servers import free_port
from tests.sync.conftest import per_paper, write


def run(db, *args):
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    return result


def test_add_again_is_a_sync_and_sources_trash_restore(tmp_path, folder, library_url):
    db = library_url
    first = run(db, "add", str(folder), "--no-resolve")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("6 files, 7 papers, 1 note merged")
    (folder / "ppo.md").rename(folder / "ppo-2017.md")
    (folder / "dreamer.md").unlink()
    again = run(db, "add", str(folder), "--no-resolve")
    assert again.exit_code == 0, again.output
    assert "1 renamed or moved, 1 deleted" in again.output
    assert f"renamed  {folder / 'ppo.md'} -> {folder / 'ppo-2017.md'}" in again.output

    listed = json.loads(run(db, "sources", "--json").output)
    assert [r["shown"] for r in listed["roots"]] == [str(folder)]
    by_path = {os.path.basename(s["path"]): s for s in listed["sources"]}
    assert sorted(by_path) == ["attention.md", "ddpm.md", "lora.md", "ppo-2017.md", "reading-list.md"]
    assert by_path["reading-list.md"]["notes"] == 3 and by_path["reading-list.md"]["papers"] == 3
    assert all(s["synced_at"] and s["error"] is None for s in listed["sources"])

    trash = json.loads(run(db, "trash", "--json").output)
    assert [(os.path.basename(e["path"]), e["notes"]) for e in trash] == [("dreamer.md", 1)]
    restored = run(db, "trash", "--restore", "dreamer.md")
    assert restored.exit_code == 0 and "restored" in restored.output and "file is gone" in restored.output
    assert json.loads(run(db, "trash", "--json").output) == []
    shown = run(db, "show", "2301.04104", "--json")
    assert json.loads(shown.output)["title"] == "Mastering Diverse Domains through World Models"

    synced = run(db, "sync", "--json", "--no-resolve")
    assert synced.exit_code == 0, synced.output
    data = json.loads(synced.output)
    assert (data["read"], data["deleted"], data["unchanged"]) == (0, [], 5)
    kept = [os.path.basename(s["path"]) for s in json.loads(run(db, "sources", "--json").output)["sources"]
            if s["kept"]]
    assert kept == ["dreamer.md"]


def test_trash_restore_of_nothing_is_a_clear_error(library_url):
    result = run(library_url, "trash", "--restore", "nothing.md")
    assert result.exit_code == 1 and "nothing in the trash matches" in result.output


def test_sync_reports_a_file_that_cannot_be_read_and_keeps_its_notes(tmp_path, folder, library_url):
    db = library_url
    run(db, "add", str(folder), "--no-resolve")
    write(folder / "lora.md", "")
    result = run(db, "sync", "--no-resolve")
    assert "lora.md: is empty" in result.output and "kept" in result.output
    listed = json.loads(run(db, "sources", "--json").output)
    [lora] = [s for s in listed["sources"] if s["path"].endswith("lora.md")]
    assert lora["notes"] == 1 and "empty" in lora["error"]


def test_serve_watch_shows_a_new_file_without_a_restart(tmp_path, folder):
    db = tmp_path / "lib.db"
    assert run(db, "add", str(folder), "--no-resolve").exit_code == 0
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", "from paperdex.cli import main; main()", "--db", str(db),
                             "serve", "--watch", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/papers", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        write(folder / "resnet.md", per_paper("Deep Residual Learning for Image Recognition", "1512.03385", 2015,
                                               "Identity shortcuts make 152 layers trainable.", tags="vision"))
        while time.monotonic() < deadline:
            if "1512.03385" in httpx.get(f"{base}/api/papers?limit=100", timeout=5).text:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the new paper never showed in /api/papers")
        assert "Deep Residual Learning" in httpx.get(f"{base}/api/search?q=residual+shortcuts", timeout=10).text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
