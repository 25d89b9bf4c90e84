"""The benchmark cases: full and quick lists."""

from __future__ import annotations

from benchmarks.harness import Case, Side

OURS = "steerdsl"
TOQITO = "toqito+cvxpy (Clarabel)"
PICOS = "hand-written picos (cvxopt)"
PINNED = "pinned parents (before issue 20)"


def lhs_cases(quick: bool) -> list[Case]:
    """LHS visibility and robustness, d = 2, 3, 4, m up to 6 (k = 2), and k = d for m = 3."""
    sizes = [(2, 3, 2)] if quick else (
        [(d, m, 2) for d in (2, 3, 4) for m in range(2, 7)] + [(3, 3, 3), (4, 3, 3), (4, 3, 4)])
    cases = []
    for d, m, k in sizes:
        params = {"d": d, "m": m, "k": k}
        for what in ("visibility", "robustness"):
            cases.append(Case("LHS " + what, f"LHS {what} d={d} m={m} k={k}", "benchmarks.lhs_cases:prepare",
                              params, Side(f"benchmarks.lhs_cases:ours_{what}", OURS),
                              Side(f"benchmarks.lhs_cases:picos_{what}", PICOS), axes=params))
    return cases


def aq_cases(quick: bool) -> list[Case]:
    """Almost-quantum visibility and functional bounds (2 Alices vs toqito; 3 Alices steerdsl only),
    E5, and level 2.  The 2-Alice 3×3 d = 4 case (a 196×196 complex moment matrix) takes minutes: one
    visibility solve took 342 s on 2 cores (qics, 5 GiB resident).  Not listed: 3 Alices with 3 inputs
    × 3 outputs (a 686×686 matrix at d = 2)."""
    if quick:
        sizes = [(2, 2, 2, 2)]
    else:
        sizes = [(2, 2, 2, 2), (2, 2, 2, 4), (2, 3, 3, 2), (2, 3, 3, 4), (3, 2, 2, 2), (3, 2, 2, 4)]
    cases = []
    for n, m, k, d in sizes:
        params = {"alices": n, "inputs": m, "outputs": k, "d": d}
        label = f"n={n} m={m} k={k} d={d}"
        peer = n == 2
        cases.append(Case("almost-quantum visibility", f"AQ visibility {label}", "benchmarks.aq_cases:prepare",
                          params, Side("benchmarks.aq_cases:ours_visibility", OURS),
                          Side("benchmarks.aq_cases:toqito_visibility", TOQITO) if peer else None,
                          notes="" if peer else "toqito's NPA has two measuring parties only", axes=params))
        cases.append(Case("almost-quantum bound", f"AQ bound {label}", "benchmarks.aq_cases:prepare",
                          params, Side("benchmarks.aq_cases:ours_bound", OURS),
                          Side("benchmarks.aq_cases:toqito_bound", TOQITO) if peer else None,
                          value_tolerance=1e-6, axes=params,
                          notes="" if peer else "toqito's NPA has two measuring parties only"))
    binary = {"alices": 2, "inputs": 2, "outputs": 2, "d": 2}
    cases.append(Case("almost-quantum visibility", "AQ visibility n=2 m=2 k=2 d=2, toqito as is",
                      "benchmarks.aq_cases:prepare", binary, Side("benchmarks.aq_cases:ours_visibility", OURS),
                      Side("benchmarks.aq_cases:toqito_visibility_as_is", "toqito as is"),
                      notes="toqito's own constraints miss adjoint identifications: a looser relaxation"))
    if quick:
        return cases
    e5 = {"path": "models/e05_breuer_map.steer"}
    for what in ("visibility", "bound"):
        cases.append(Case(f"almost-quantum {what}", f"AQ {what} E5 (n=2 m=2 k=2 d=4)", "benchmarks.aq_cases:prepare_e5",
                          e5, Side(f"benchmarks.aq_cases:ours_{what}", OURS),
                          Side(f"benchmarks.aq_cases:toqito_{what}", TOQITO)))
    for d in (2, 4):
        params = {"alices": 2, "inputs": 2, "outputs": 2, "d": d, "level": 2}
        for what in ("visibility", "bound"):
            cases.append(Case(f"level 2 {what}", f"level 2 {what} n=2 m=2 k=2 d={d}", "benchmarks.aq_cases:prepare",
                              params, Side(f"benchmarks.aq_cases:ours_{what}", OURS),
                              Side(f"benchmarks.aq_cases:toqito_{what}", TOQITO), axes=params))
    return cases


def model_cases(quick: bool) -> list[Case]:
    """E5 end to end, E2 BWI level 2, parent states, exact checks, parsing 1,000 lines."""
    cases = [
        Case("exact", "exact checks algebraic_3x3_d4", "benchmarks.model_cases:prepare_path",
             {"path": "benchmarks/models/algebraic_3x3_d4.steer"}, Side("benchmarks.model_cases:exact_checks", OURS),
             notes="value: checks that pass"),
        Case("models", "E5 load + almost-quantum membership", "benchmarks.model_cases:prepare_path",
             {"path": "models/e05_breuer_map.steer"}, Side("benchmarks.model_cases:e5_almost_quantum", OURS),
             notes="value: robustness t*; end to end includes parsing and exact evaluation"),
    ]
    if quick:
        return cases
    cases += [
        Case("models", "E2 load + BWI level 2", "benchmarks.model_cases:prepare_path",
             {"path": "models/e02_bwi_transpose.steer"}, Side("benchmarks.model_cases:e2_bwi_level2", OURS),
             notes="value: robustness t*"),
        Case("parse", "parse + check a 1,000-line model", "benchmarks.model_cases:prepare_generated",
             {"lines": 1000}, Side("benchmarks.model_cases:parse_and_check", OURS), notes="value: checks that pass"),
    ]
    for d in (2, 4):
        cases.append(Case("parent states", f"parent states two Bobs d={d}", "benchmarks.model_cases:prepare_parents",
                          {"d": d}, Side("benchmarks.model_cases:ours_parents", OURS),
                          Side("benchmarks.model_cases:picos_parents", PICOS), axes={"d": d}))
    return cases


def qx_cases(quick: bool) -> list[Case]:
    """Several Bobs, QX_k on E7 (two Alices, two qubit Bobs) and its complex variant: steerdsl against the
    equality-pinned formulation it replaced (:mod:`benchmarks.qx_cases`), same run, values to 1e-7."""
    levels = ["1+AB"] if quick else ["1+AB", "2"]
    cases = []
    for level in levels:
        for complex_data in (False, True):
            for what in ("visibility", "membership"):
                label = f"QX {what} E7 level {level}" + (" complex" if complex_data else "")
                params = {"level": level, "complex_data": complex_data}
                cases.append(Case("several Bobs QX_k", label, "benchmarks.qx_cases:prepare", params,
                                  Side(f"benchmarks.qx_cases:ours_{what}", OURS),
                                  Side(f"benchmarks.qx_cases:pinned_{what}", PINNED), value_tolerance=1e-7,
                                  notes="membership value: the margin λ" if what == "membership" else "",
                                  axes={"level": level, "complex": complex_data}))
    return cases


def all_cases(quick: bool) -> list[Case]:
    return lhs_cases(quick) + aq_cases(quick) + model_cases(quick) + qx_cases(quick)
