"""Honest verdicts in ``steer run --format json`` on every bundled model (docs/tolerance.md).

Every check and every answer says how it was decided (``exactness``: exact / numeric / certified);
numeric ones carry their tolerance, the solver status and a ``margin`` key (a number for every
membership verdict, null for bounds and estimates, which have no boundary to be near); and every
verdict is the one :func:`verdict_from_margin` reads off margin and tolerance, so a point within
the tolerance of a boundary is ``undecided``, never rounded to a side.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from steerdsl.cli import main
from steerdsl.sdp.result import UNDECIDED, verdict_from_margin

ROOT = Path(__file__).resolve().parent.parent
MODELS = sorted(p.name for p in (ROOT / "models").glob("*.steer"))
SLOW = {"e03_instrumental.steer"}  # 16 s of instrumental level-2 SDPs
EXACTNESS = {"exact", "numeric", "certified"}


def _run(names: list[str]) -> dict[str, dict]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["run", "-q", "--format", "json", *(str(ROOT / "models" / n) for n in names)])
    assert code == 0, out.getvalue()[-3000:]
    data = json.loads(out.getvalue())
    reports = data if isinstance(data, list) else [data]
    return {Path(r["file"]).name: r for r in reports}


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    return _run([n for n in MODELS if n not in SLOW])


def _assert_honest(report: dict) -> int:
    assert report["checks"] or report["answers"], report["file"]
    for check in report["checks"]:
        assert check["exactness"] in EXACTNESS, check
        if check["exactness"] != "exact":
            assert check["tolerance"] > 0, check
    for answer in report["answers"]:
        where = f"{report['file']}:{answer['line']}"
        assert answer["exactness"] in EXACTNESS, where
        assert answer["status"], where
        if answer["exactness"] == "exact":
            continue
        assert "tolerance" in answer and "margin" in answer, where
        assert math.isfinite(answer["tolerance"]) and answer["tolerance"] > 0, where
        if answer["verdict"] is not None:
            assert answer["margin"] is not None, where
            assert answer["verdict"] == verdict_from_margin(answer["margin"], answer["tolerance"]), where
    return len(report["checks"]) + len(report["answers"])


def test_every_model_answers_with_its_exactness(reports):
    assert set(reports) == set(MODELS) - SLOW
    counted = sum(_assert_honest(r) for r in reports.values())
    assert counted > 250


def test_no_output_shows_the_internal_number_form(reports):
    """Exact numbers print in the language's own syntax (radicals, cosines of rational multiples of π),
    never as the internal ``cyclo(n=…: …)`` polynomial: the JSON of every model run, and the text of every
    model's exact checks with ``-v``."""
    import contextlib
    import io

    assert "cyclo(" not in json.dumps(reports, default=str)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["check", "-v", *(str(ROOT / "models" / n) for n in MODELS)])
    assert "cyclo(" not in out.getvalue() and "✓" in out.getvalue()


def test_near_boundary_answers_are_undecided(reports):
    """The bundled models have boundary cases (E2 at level 1, E3, E7 parent states …): each one's margin
    is within its tolerance, and it is reported undecided."""
    near = [(name, a) for name, r in reports.items() for a in r["answers"]
            if a.get("margin") is not None and abs(a["margin"]) <= a["tolerance"]]
    assert near
    assert all(a["verdict"] == UNDECIDED for _, a in near)


def test_check_json_carries_exactness():
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["check", "--format", "json", *(str(ROOT / "models" / n) for n in MODELS)])
    for report in json.loads(out.getvalue()):
        for check in report["checks"]:
            assert check["exactness"] in EXACTNESS, check


@pytest.mark.slow
def test_slow_models_answer_with_their_exactness():
    for report in _run(sorted(SLOW)).values():
        _assert_honest(report)
