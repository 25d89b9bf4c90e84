"""Sweeps that share a results file, lose their parent or meet an edited record (issue 18 item 6).

One writer per ``--out`` file (a second one is refused with E233), pool workers that die with the
sweep even when it is killed by SIGKILL, and saved records that carry a checksum, so an edited
record is computed again instead of being trusted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from steerdsl.cli import main
from steerdsl.diagnostics import SteerError
from steerdsl.sweeps.run import sweep
from steerdsl.sweeps.store import ResultStore, checksum

WERNER = Path(__file__).parent.parent / "models" / "e10_werner_xyz.steer"
QUESTIONS = ["solve sigma : lhs"]
POINTS = {"v": [0.5, 0.6, 0.7]}


def test_a_second_writer_is_refused(tmp_path, capsys):
    out = tmp_path / "shared.jsonl"
    with ResultStore(out):
        with pytest.raises(SteerError) as refused:
            sweep(WERNER, POINTS, QUESTIONS, out=out)
        assert refused.value.diagnostic.code == "E233"
        code = main(["sweep", str(WERNER), "--param", "v={1/2}", "--ask", QUESTIONS[0], "--out", str(out), "-q"])
        assert code == 2 and "error[E233]" in capsys.readouterr().out
    table = sweep(WERNER, POINTS, QUESTIONS, out=out)  # released: the file is usable again
    assert table.stats.computed == 3
    assert len(out.read_text().splitlines()) == 3


def test_an_edited_record_is_computed_again(tmp_path):
    out = tmp_path / "edited.jsonl"
    first = sweep(WERNER, POINTS, QUESTIONS, out=out)
    lines = out.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert all(r["checksum"] == checksum(r) for r in records)
    verdict = records[1]["result"]["verdict"]
    records[1]["result"]["verdict"] = "excluded" if verdict != "excluded" else "member"  # a hand edit
    legacy = {k: v for k, v in records[2].items() if k != "checksum"}  # a record without a checksum
    out.write_text("\n".join([lines[0], json.dumps(records[1]), json.dumps(legacy)]) + "\n")
    again = sweep(WERNER, POINTS, QUESTIONS, out=out)
    assert (again.stats.reused, again.stats.computed) == (1, 2)
    assert again.column("verdict") == first.column("verdict")
    assert ResultStore(out).distrusted == 2


def _workers(pid: int) -> list[int]:
    """The spawned pool workers among the children of ``pid``."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = []
    for child in map(int, children):
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                out.append(child)
        except OSError:
            continue
    return out


def _alive(pid: int) -> bool:
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_workers_die_with_a_killed_parent(tmp_path):
    out = tmp_path / "killed.jsonl"
    cmd = [sys.executable, "-m", "steerdsl", "sweep", str(WERNER), "--param", "v=0.3..0.9 points 2000",
           "--ask", QUESTIONS[0], "--out", str(out), "--jobs", "2", "-q", "--format", "json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        for _ in range(1200):  # up to ~2 minutes for the pool to start on a loaded machine
            workers = _workers(proc.pid)
            if len(workers) == 2 and out.exists() and out.read_text().count("\n") >= 2:
                break
            time.sleep(0.1)
        assert len(workers) == 2
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        for _ in range(300):
            if not any(_alive(w) for w in workers):
                break
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers)
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers:  # this test's own workers, if they outlived it
            if _alive(w):
                os.kill(w, signal.SIGKILL)
