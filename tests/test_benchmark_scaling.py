"""The scaling benchmark's grid and report (benchmarks/scaling.py), without solving anything: every point
moves one parameter off the base point, each axis covers its range once, and a measured peak above 1.5×
the estimate is flagged in the section."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # benchmarks/ is not installed

from benchmarks import scaling  # noqa: E402


def test_points_move_one_parameter_and_cover_every_axis():
    points = scaling.points()
    keys = [tuple(sorted(p.items())) for _, p in points]
    assert len(keys) == len(set(keys))
    for axis, params in points:
        moved = [k for k, v in scaling.BASE.items() if params[k] != v]
        assert moved in ([], [axis])
    for axis, values in scaling.AXES.items():
        covered = {p[axis] for _, p in points if all(p[k] == v for k, v in scaling.BASE.items() if k != axis)}
        assert covered == set(values)
    assert len(points) == 1 + sum(len(v) - 1 for v in scaling.AXES.values())


def _side(peak: float, estimate: float) -> dict:
    return {"label": scaling.OURS, "value": 1.0, "total": 0.5, "maxrss_mib": peak,
            "sdp": {"variables": 10, "estimated_variables": 12, "solver": "cvxopt", "estimated_memory_mib": estimate}}


def test_section_flags_a_peak_above_the_estimate():
    rows = [{"axis": "d", "params": {**scaling.BASE, "d": 3}, "sides": {scaling.OURS: _side(200.0, 100.0)},
             "skipped": "no peer"},
            {"axis": "d", "params": {**scaling.BASE, "d": 4}, "sides": {scaling.OURS: _side(100.0, 100.0)}}]
    text = scaling.section(rows, {"flags": "", "date": "today", "machine": "here", "minutes": 1.0})
    assert text.startswith(scaling.START) and text.rstrip().endswith(scaling.END)
    assert "| 2.00 **over** |" in text and "| 1.00 |" in text
    assert "Peak above 1.5× the estimate: d = 3." in text
