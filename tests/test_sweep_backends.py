"""The same 50-point E10 sweep serially, on a local pool and on a Dask LocalCluster; interrupt and resume.

Acceptance of issue 8: identical results on every backend (timings aside), and a rerun with the same
results file computes only the tasks that are not saved yet.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import steerdsl.sweeps.execute as execute
from steerdsl.sweeps.run import sweep
from steerdsl.sweeps.table import comparable

WERNER = Path(__file__).parent.parent / "models" / "e10_werner_xyz.steer"
PARAMS = {"v": "0.3..0.9 points 50"}
QUESTIONS = ["solve sigma : lhs"]
THRESHOLD = 1 / math.sqrt(3)


@pytest.fixture(scope="module")
def serial():
    return sweep(WERNER, PARAMS, QUESTIONS)


def _same(a, b) -> bool:
    return [comparable(r) for r in a.records] == [comparable(r) for r in b.records]


def test_serial_sweep_crosses_the_lhs_threshold(serial):
    verdicts = serial.column("verdict")
    assert verdicts.count("member") == sum(1 for v in serial.column("v") if v < THRESHOLD) == 23
    assert set(verdicts[23:]) == {"excluded"}


def test_process_pool_gives_identical_results(serial):
    pooled = sweep(WERNER, PARAMS, QUESTIONS, jobs=2)
    assert pooled.stats.computed == 50
    assert _same(serial, pooled)


def test_dask_local_cluster_gives_identical_results(serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        assert len(cluster.workers) == 2
        on_dask = sweep(WERNER, PARAMS, QUESTIONS, scheduler=cluster.scheduler_address)
    assert on_dask.stats.computed == 50
    assert _same(serial, on_dask)


def test_interrupted_sweep_resumes_without_recomputing(serial, tmp_path, monkeypatch):
    out = tmp_path / "werner.jsonl"
    first = sweep(WERNER, PARAMS, QUESTIONS, out=out, limit=12)
    assert first.stats.computed == 12 and first.stats.missing == 38
    saved = [json.loads(line)["key"] for line in out.read_text().splitlines()]
    assert len(saved) == 12

    ran = []
    real = execute.run_task
    monkeypatch.setattr(execute, "run_task", lambda task: ran.append(task["key"]) or real(task))
    second = sweep(WERNER, PARAMS, QUESTIONS, out=out)
    assert (second.stats.reused, second.stats.computed) == (12, 38)
    assert len(ran) == 38 and not set(ran) & set(saved)
    assert _same(serial, second)

    ran.clear()
    third = sweep(WERNER, PARAMS, QUESTIONS, out=out)
    assert ran == [] and third.stats.reused == 50 and _same(serial, third)


def test_a_torn_last_line_is_dropped_and_recomputed(tmp_path):
    out = tmp_path / "torn.jsonl"
    sweep(WERNER, {"v": [0.5, 0.6, 0.7]}, QUESTIONS, out=out)
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:2]) + "\n" + lines[2][:25])
    again = sweep(WERNER, {"v": [0.5, 0.6, 0.7]}, QUESTIONS, out=out)
    assert (again.stats.reused, again.stats.computed) == (2, 1)
    assert len(out.read_text().splitlines()) == 3


def test_cli_limit_then_resume(tmp_path):
    out = tmp_path / "cli.jsonl"
    cmd = [sys.executable, "-m", "steerdsl", "sweep", str(WERNER), "--param", "v=0.5..0.7 points 6",
           "--ask", "solve sigma : lhs", "--out", str(out), "--format", "json"]
    first = subprocess.run(cmd + ["--limit", "2"], capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["stats"]["computed"] == 2
    second = subprocess.run(cmd + ["--jobs", "2"], capture_output=True, text=True, timeout=120)
    stats = json.loads(second.stdout)["stats"]
    assert (stats["reused"], stats["computed"], stats["missing"]) == (2, 4, 0)
    verdicts = [r["verdict"] for r in json.loads(second.stdout)["rows"]]
    assert verdicts == ["member", "member", "excluded", "excluded", "excluded", "excluded"]


@pytest.mark.slow
def test_killed_pool_sweep_resumes(tmp_path):
    """A real interruption: SIGINT to ``steer sweep --jobs 2`` mid-run, then the same command again."""
    out = tmp_path / "killed.jsonl"
    cmd = [sys.executable, "-m", "steerdsl", "sweep", str(WERNER), "--param", "v=0.3..0.9 points 400",
           "--ask", "solve sigma : lhs", "--out", str(out), "--jobs", "2", "-q", "--format", "json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 20):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "resume" in err
    saved = len([line for line in out.read_text().splitlines() if line.endswith("}")])
    assert 20 <= saved < 400
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    stats = json.loads(rerun.stdout)["stats"]
    assert stats["reused"] >= saved - 1 and stats["reused"] + stats["computed"] == 400 and stats["missing"] == 0
