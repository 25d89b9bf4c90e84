"""The benchmark table (Markdown and JSON) and the scaling plots."""

from __future__ import annotations

import json
from pathlib import Path


def _fmt(seconds) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _value(x) -> str:
    return "–" if x is None else f"{x:.9g}"


def _peer_value(peer: dict) -> str:
    """The peer's value; when its solver called it inaccurate, also the re-solve it is compared by."""
    if "reference" not in peer:
        return _value(peer["value"]) + (f" ({peer['status']})" if peer.get("status", "optimal") != "optimal" else "")
    return f"{_value(peer['value'])} ({peer.get('status')}; CVXOPT re-solve {_value(peer['reference'])})"


def markdown_table(rows: list[dict]) -> str:
    """One line per case: steerdsl's total/compile/solve, the peer's, the ratio, values, memory."""
    head = ("| benchmark | steerdsl total | compile | solve | peer | peer total | peer solve | ratio | "
            "steerdsl value | peer value | |Δ| | peak MiB (ours / peer) |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for row in rows:
        ours, peer = row["ours"], row.get("peer")
        if "error" in ours:
            lines.append(f"| {row['name']} | failed: {ours['error']} |" + " |" * 10)
            continue
        cells = [row["name"], _fmt(ours["total"]), _fmt(ours["compile"]), _fmt(ours["solve"])]
        if peer is None:
            cells += ["–", "–", "–", "–", _value(ours["value"]), "–", "–", f"{ours['maxrss_mib']:.0f}"]
        elif "error" in peer:
            cells += [peer["label"], f"failed: {peer['error'][:80]}", "–", "–", _value(ours["value"]), "–", "–",
                      f"{ours['maxrss_mib']:.0f}"]
        else:
            diff = row.get("difference")
            cells += [peer["label"], _fmt(peer["total"]), _fmt(peer["solve"]), f"{row['ratio']:.2f}×",
                      _value(ours["value"]), _peer_value(peer), "–" if diff is None else f"{diff:.1e}",
                      f"{ours['maxrss_mib']:.0f} / {peer['maxrss_mib']:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


def write_json(rows: list[dict], meta: dict, path: Path) -> None:
    path.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1, default=str) + "\n")


def plots(rows: list[dict], folder: Path) -> list[Path]:
    """Scaling curves (end-to-end seconds, log scale) from the rows that carry ``axes``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    made = []

    def curve(ax, points, label, style):
        points = sorted(p for p in points if p[1] is not None)
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], style, label=label)

    def ok(row, side):
        s = row.get(side)
        return s is not None and "error" not in s

    def figure(name, title, xlabel, series, labels=None):
        fig, ax = plt.subplots(figsize=(8.5, 4))
        for label, style, points in series:
            curve(ax, points, label, style)
        ax.set_yscale("log")
        ticks = sorted({p[0] for _, _, points in series for p in points if p[1] is not None})
        if ticks:
            ax.set_xticks(ticks, [labels.get(t, t) for t in ticks] if labels else None)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("end-to-end time (s, median)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        path = folder / f"{name}.png"
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        plt.close(fig)
        made.append(path)

    lhs = [r for r in rows if r["group"].startswith("LHS") and r["axes"].get("k") == 2]
    series = []
    for d in sorted({r["axes"]["d"] for r in lhs}):
        for what, mark in (("visibility", "o"), ("robustness", "s")):
            sel = [r for r in lhs if r["axes"]["d"] == d and r["group"] == f"LHS {what}"]
            series.append((f"steerdsl {what} d={d}", f"-{mark}", [(r["axes"]["m"], r["ours"].get("total"))
                                                                  for r in sel if ok(r, "ours")]))
            series.append((f"picos {what} d={d}", f":{mark}", [(r["axes"]["m"], r["peer"].get("total"))
                                                              for r in sel if ok(r, "peer")]))
    if lhs:
        figure("lhs_m", "LHS SDPs: inputs m (k = 2 outcomes)", "m (Alice's inputs)", series)
    lhs_k = [r for r in rows if r["group"] == "LHS robustness" and r["axes"].get("m") == 3]
    if lhs_k:
        series = []
        for d in sorted({r["axes"]["d"] for r in lhs_k}):
            sel = [r for r in lhs_k if r["axes"]["d"] == d]
            series.append((f"steerdsl d={d}", "-o", [(r["axes"]["k"], r["ours"].get("total")) for r in sel
                                                     if ok(r, "ours")]))
            series.append((f"picos d={d}", ":s", [(r["axes"]["k"], r["peer"].get("total")) for r in sel
                                                  if ok(r, "peer")]))
        figure("lhs_k", "LHS robustness: outcomes k (m = 3)", "k (outcomes)", series)
    aq = [r for r in rows if r["group"].startswith("almost-quantum") and r["axes"]]
    if aq:
        series = []
        for group in ("almost-quantum visibility", "almost-quantum bound"):
            for n, m, k in sorted({(r["axes"]["alices"], r["axes"]["inputs"], r["axes"]["outputs"]) for r in aq}):
                sel = [r for r in aq if r["group"] == group and
                       (r["axes"]["alices"], r["axes"]["inputs"], r["axes"]["outputs"]) == (n, m, k)]
                short = group.split()[-1]
                series.append((f"steerdsl {short} n={n} m={m} k={k}", "-o",
                               [(r["axes"]["d"], r["ours"].get("total")) for r in sel if ok(r, "ours")]))
                series.append((f"toqito {short} n={n} m={m} k={k}", ":s",
                               [(r["axes"]["d"], r["peer"].get("total")) for r in sel if ok(r, "peer")]))
        figure("aq_d", "Almost quantum: Bob's dimension d (and n, m, k)", "d (Bob's dimension)", series)
        series = []
        for d in sorted({r["axes"]["d"] for r in aq}):
            sel = [r for r in aq if r["group"] == "almost-quantum visibility" and r["axes"]["d"] == d
                   and r["axes"]["inputs"] == 2]
            series.append((f"steerdsl visibility d={d}", "-o",
                           [(r["axes"]["alices"], r["ours"].get("total")) for r in sel if ok(r, "ours")]))
        figure("aq_n", "Almost quantum visibility: number of Alices n (m = k = 2)", "n (Alices)", series)
    levels = [r for r in rows if r["axes"].get("alices") == 2 and r["axes"].get("inputs") == 2
              and "visibility" in r["group"] and r["axes"].get("outputs") == 2]
    if any(r["axes"].get("level") for r in levels):
        series = []
        for d in sorted({r["axes"]["d"] for r in levels}):
            sel = [r for r in levels if r["axes"]["d"] == d]
            pts = [(2 if r["axes"].get("level") == 2 else 1.5, r) for r in sel]
            series.append((f"steerdsl d={d}", "-o", [(x, r["ours"].get("total")) for x, r in pts if ok(r, "ours")]))
            series.append((f"toqito d={d}", ":s", [(x, r["peer"].get("total")) for x, r in pts if ok(r, "peer")]))
        figure("level", "Visibility: level 1+AB vs level 2 (n = 2, m = k = 2)", "level", series,
               labels={1.5: "1+AB", 2: "2"})
    return made
