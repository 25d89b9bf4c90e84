"""A sweep's results as a table: rows of plain values, printable, a DataFrame, a plot.

One row per (grid point, question): a column per parameter (its float
value), ``point`` (the exact values, e.g. ``v=49/100``), ``question``, and the
answer — ``value``, ``verdict``, ``margin``, ``tolerance``, ``ok`` (the line's
expectation, if any), ``status``, ``error`` — plus the task ``key`` that names
it in the saved results.  pandas and matplotlib are optional: they are
imported only by :meth:`SweepTable.to_pandas` and :meth:`SweepTable.plot`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from steerdsl.sweeps.task import TIMING_FIELDS

ANSWER_COLUMNS = ("question", "value", "verdict", "margin", "tolerance", "ok", "status", "error")


def row_from_record(params: dict[str, float], point: str, question: str, record: dict | None) -> dict[str, Any]:
    """A table row from a task record (``None``: the task has not run yet)."""
    row: dict[str, Any] = {**params, "point": point, "question": question}
    result = (record or {}).get("result") or {}
    row.update(value=result.get("value"), verdict=result.get("verdict"), margin=result.get("margin"),
               tolerance=result.get("tolerance"), ok=result.get("ok"), status=result.get("status"))
    if record is None:
        row["error"] = "not run"
    elif "error" in record:
        e = record["error"]
        row["error"] = f"{e.get('code', '')} {e.get('message', '')}".strip()
    else:
        row["error"] = None
    row["key"] = record["key"] if record else None
    return row


def comparable(record: dict) -> dict:
    """A record without its timings: equal for two runs of the same task on any backend."""
    out = {k: v for k, v in record.items() if k not in TIMING_FIELDS}
    if isinstance(out.get("result"), dict):
        out["result"] = {k: v for k, v in out["result"].items() if k not in TIMING_FIELDS}
    return out


@dataclass
class SweepStats:
    """How a sweep's tasks were obtained in this run."""

    total: int = 0
    reused: int = 0
    computed: int = 0
    seconds: float = 0.0

    @property
    def missing(self) -> int:
        return self.total - self.reused - self.computed

    @property
    def complete(self) -> bool:
        return self.missing == 0


@dataclass
class SweepTable:
    """The rows of one or more sweeps, in grid order (first parameter slowest, then questions)."""

    params: list[str]
    rows: list[dict[str, Any]]
    records: list[dict | None] = field(default_factory=list, repr=False)
    stats: SweepStats = field(default_factory=SweepStats)

    @property
    def columns(self) -> list[str]:
        return [*self.params, "point", *ANSWER_COLUMNS]

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str, question: str | None = None) -> list[Any]:
        """One column's values (only the rows of ``question`` when given)."""
        return [r.get(name) for r in self.rows if question is None or r["question"] == question]

    @property
    def questions(self) -> list[str]:
        return list(dict.fromkeys(r["question"] for r in self.rows))

    def to_records(self) -> list[dict[str, Any]]:
        """The rows as JSON-ready dicts."""
        return [dict(r) for r in self.rows]

    def to_pandas(self):
        """The rows as a ``pandas.DataFrame`` (pandas is optional)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("SweepTable.to_pandas needs pandas: pip install pandas") from None
        return pandas.DataFrame(self.rows, columns=[*self.columns, "key"])

    def to_csv(self) -> str:
        """The rows as CSV text."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=[*self.columns, "key"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(self.rows)
        return buffer.getvalue()

    def __str__(self) -> str:
        header = [*self.params, "question", "value", "verdict", "margin", "expect"]
        lines = [header]
        for r in self.rows:
            cells = [f"{r[p]:.6g}" for p in self.params]
            question = r["question"] if len(r["question"]) <= 40 else r["question"][:39] + "…"
            value = "—" if r["value"] is None else f"{r['value']:.8g}"
            margin = "—" if r["margin"] is None else f"{r['margin']:+.1e}"
            expect = "" if r["ok"] is None else ("✓" if r["ok"] else "✗")
            verdict = r["verdict"] or ("error: " + r["error"] if r["error"] else "—")
            lines.append([*cells, question, value, verdict, margin, expect])
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
        out = ["  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines]
        s = self.stats
        out.append(f"{len(self.rows)} rows; {s.computed} computed, {s.reused} reused from saved results"
                   + (f", {s.missing} not run" if s.missing else "") + f" ({s.seconds:.2f} s)")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        from steerdsl.notebook import sweep_table_html

        return sweep_table_html(self)

    def plot(self, y: str = "value", x: str | None = None, ax=None, path: str | None = None):
        """A line plot of column ``y`` against parameter ``x`` (the first parameter by default), one line
        per question and per value of the other parameters; saved to ``path`` when given.  Needs matplotlib."""
        try:
            import matplotlib

            if ax is None and path is not None:
                matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError("SweepTable.plot needs matplotlib: pip install matplotlib") from None
        x = x or self.params[0]
        others = [p for p in self.params if p != x]
        if ax is None:
            _, ax = plt.subplots()
        series: dict[str, tuple[list[float], list[float]]] = {}
        for r in self.rows:
            if r.get(y) is None or isinstance(r.get(y), (str, bool)):
                continue
            label = r["question"] + "".join(f", {p}={r[p]:.4g}" for p in others)
            xs, ys = series.setdefault(label, ([], []))
            xs.append(r[x])
            ys.append(r[y])
        for label, (xs, ys) in series.items():
            order = sorted(range(len(xs)), key=xs.__getitem__)
            ax.plot([xs[i] for i in order], [ys[i] for i in order], marker=".", label=label)
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        if series:
            ax.legend(fontsize="small")
        if path is not None:
            ax.figure.savefig(path, bbox_inches="tight")
        return ax
