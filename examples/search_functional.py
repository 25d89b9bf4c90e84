"""Find steering functionals that an assemblage violates beyond the almost-quantum bound (docs/search.md).

    python examples/search_functional.py                                  # E4, 4 restarts, in this process
    python examples/search_functional.py models/e05_breuer_map.steer --restarts 2 --jobs 2
    python examples/search_functional.py MODEL --scheduler tcp://head:8786 --restarts 64 --out found.jsonl

Each restart starts from a random functional and steps along the dual of the membership SDP until the
functional's outer bound, solved afresh, lies below the assemblage's value (see steerdsl.sdp.witness_search).
"""

from __future__ import annotations

import argparse

import numpy as np

import steerdsl as sd


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", nargs="?", default="models/e04_pr_box_tripartite.steer")
    p.add_argument("--assemblage", default="sigma")
    p.add_argument("--level", default="1+AB", help='relaxation: "1+AB" (almost quantum), 2, …')
    p.add_argument("--restarts", type=int, default=4)
    p.add_argument("--seed", type=int, default=0, help="first random start (restart k uses seed + k)")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--scheduler", help="Dask scheduler address")
    p.add_argument("--out", help="JSON-lines file: each restart saved as it finishes; rerun to resume")
    args = p.parse_args()
    found = sd.search_functional(args.model, args.assemblage, level=args.level, restarts=args.restarts,
                                 seed=args.seed, steps=args.steps, jobs=args.jobs, scheduler=args.scheduler,
                                 out=args.out)
    print(f"{'seed':>4}  {'certified':<9}  {'β_F(σ)':>10}  {'bound':>10}  {'gap':>10}  steps")
    for f in found:
        print(f"{f.seed:>4}  {str(f.certified):<9}  {f.value:>10.6f}  {f.bound:>10.6f}  {f.gap:>+10.2e}  "
              f"{len(f.path):>5}  {f.error or f.reason}")
    best = found[0]
    if best.certified:
        print(f"\nbest functional (seed {best.seed}), ‖F‖ = 1, on Collins–Gisin keys (· = party not measured):")
        for (a, x, _), op in best.functional.terms.items():
            label = " ".join("·" if v is None else str(v) for v in a) + "|" + " ".join(
                "·" if v is None else str(v) for v in x)
            print(f"  F[{label}] =", np.real_if_close(op).round(4).tolist())


if __name__ == "__main__":
    main()
