"""SIGKILL during `paperdex add`: the library opens, is intact, holds only whole sources, and a re-run completes."""

from __future__ import annotations

import subprocess

import pytest

from tests.reliability.corpus import make_notes_folder
from tests.reliability.killrun import (
    add_cmd,
    clean_import,
    export_text,
    finish,
    kill_campaign,
    run_env,
    verify,
)

KILLS = 10
SEED = 20240808

# Real processes and a reference import per module: out of the quick loop, run by `.ci/run` (pytest -m slow).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kill")
    folder = tmp / "notes"
    make_notes_folder(folder, files=16, seed=SEED, entries_per_file=(8, 14))
    env = run_env(tmp)
    ref = clean_import(tmp / "reference.db", folder, env)
    return tmp, folder, env, ref


def test_reference_import_is_whole_and_a_rerun_is_a_no_op(world):
    tmp, folder, env, ref = world
    assert len(ref.sources) == 16
    assert sum(n for _, n in ref.sources.values()) > 100
    assert verify(tmp / "reference.db", ref) == []
    again = subprocess.run(add_cmd(tmp / "reference.db", folder), env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "(16 unchanged)" in again.stdout
    assert export_text(tmp / "reference.db") == ref.export


@pytest.mark.slow
def test_random_sigkills_leave_only_whole_sources_and_a_rerun_completes(world, library_url):
    _tmp, folder, env, ref = world
    db = library_url
    stats = kill_campaign(db, folder, ref, env, kills=KILLS, seed=SEED)
    assert stats.failures == []
    # The campaign must really have interrupted imports, not only watched them finish.
    assert stats.kills >= KILLS // 2
    assert stats.mid_import >= 2, stats.sources_seen
    assert finish(db, folder, ref, env) == []
