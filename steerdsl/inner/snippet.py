"""A realisation as a ``.steer`` snippet that reproduces its assemblage (physics.md §8), for papers.

The snippet declares the scenario, the state, each Alice's measurement (one case per ``a, x``), Bob's
channels as Choi matrices and the realised assemblage ``NAME_realised``
(``E_y(measure ρ with A: M)`` with Bob's input, ``E_a(…)`` in the instrumental scenario).  Exact data
(a certified realisation) print as exact numbers in the language's syntax, so loading the snippet gives
σ back exactly; numeric data print with 17 significant digits.
"""

from __future__ import annotations

import numpy as np

from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model.scenario import Scenario


def _number(v) -> str:
    if isinstance(v, Cyclo):
        return f"({v})"
    z = complex(v)
    re, im = f"{z.real:.17g}", f"{z.imag:.17g}"
    if z.imag == 0:
        return f"({re})"
    return f"({re} + ({im})*i)"


def _matrix(m: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(_number(v) for v in row) + "]" for row in np.atleast_2d(m)) + "]"


def scenario_text(sc: Scenario) -> str:
    """``scenario { … }`` declaring ``sc``."""
    return "scenario {\n" + "\n".join(f"    {line}" for line in sc.declarations()) + "\n}\n"


def snippet(sc: Scenario, state: np.ndarray, povms: list[dict], channels: dict, alice_dims: tuple[int, ...],
            name: str = "sigma", comment: str = "") -> str:
    """The ``.steer`` text of a realisation: ``state`` a density matrix or ket on the Alices then the Bobs,
    ``povms[j][(a, x)]`` each Alice's elements, ``channels[c]`` Choi matrices (labels ``y`` tuples or
    outcomes)."""
    out = [f"# {comment}\n" if comment else "", scenario_text(sc)]
    bobs = [b.name for b in sc.bobs if b.dim > 1]
    parties = " ".join([f"{al.name}({d})" for al, d in zip(sc.alices, alice_dims, strict=True)] + bobs)
    out.append(f"state {name}_state on {parties} = {_matrix(state)}\n")
    for al, elements in zip(sc.alices, povms, strict=True):
        cases = "\n".join(f"    a = {a}, x = {x} : {_matrix(m)}" for (a, x), m in sorted(elements.items(),
                                                                                         key=lambda kv: kv[0][::-1]))
        out.append(f"measurement {name}_M{al.name}[a|x] on {al.name} {{\n{cases}\n}}\n")
    pairs = ", ".join(f"{al.name}: {name}_M{al.name}" for al in sc.alices)
    d = sc.dim
    for c, J in channels.items():
        label = c[0] if isinstance(c, tuple) else c
        out.append(f"map {name}_E{label} : {d} -> {d} choi {_matrix(J)}\n")
    base = f"{name}_base"
    out.append(f"assemblage {base} = measure {name}_state with {pairs}\n")
    out.append(_realised(sc, name, base, channels))
    return "".join(out)


def _realised(sc: Scenario, name: str, base: str, channels: dict) -> str:
    kind = sc.kind
    if kind not in ("bwi", "instrumental"):
        return f"assemblage {name}_realised = {base}\n"
    a = " ".join(f"a{j}" for j in range(len(sc.slots)))
    x = " ".join(f"x{j}" for j in range(len(sc.slots)))
    labels = [c[0] if isinstance(c, tuple) else c for c in channels]
    if kind == "bwi":
        var, head = "y", f"[{a}|{x} y]"
    else:
        feed = next(j for j, s in enumerate(sc.slots) if s.alice == sc.bobs[0].input_from)
        var, head = f"a{feed}", f"[{a}|{x}]"
    arg = f"{base}{head}"
    expr = f"{name}_E{labels[-1]}({arg})"
    for label in reversed(labels[:-1]):
        expr = f"({name}_E{label}({arg}) if {var} == {label} else {expr})"
    return f"assemblage {name}_realised{head} = {expr}\n"


def numeric_snippet(result, name: str = "sigma") -> str | None:
    """The snippet of a realisation search's (or a see-saw's) result: its exact realisation when certified,
    else the numeric one; None when Bob's internal dimension differs from his declared one (the language declares
    states on the scenario's parties)."""
    from steerdsl.inner.certify import CERTIFIED

    exact = result.details.get("exact_realisation")
    real = result.details.get("realisation")
    if result.exactness == CERTIFIED and exact is not None and hasattr(real, "scenario"):
        sc = real.scenario
        several = isinstance(exact["povms"], list)  # one dict per Alice (several Alices), else one Alice's
        povms = [dict(p) for p in exact["povms"]] if several else [dict(exact["povms"])]
        comment = f"exact realisation of {name} (certified by steerdsl: it reproduces {name} exactly)"
        return snippet(sc, exact["state"], povms, exact.get("channels", {}), tuple(exact["dims"][:len(povms)]), name,
                       comment)
    from steerdsl.inner.realisation import Realisation

    if not isinstance(real, Realisation) or real.shape.internal_dim != real.scenario.dim:
        return None
    povms = [{(a, x): m for x, povm in enumerate(p) for a, m in enumerate(povm)} for p in real.povms]
    if result.task == "realisation search":
        comment = f"numeric realisation of {name}: residual {result.value:.1e} (largest entry of σ − σ_realised)"
    else:
        comment = f"numeric realisation reaching {result.task} {name} = {result.value:.10g}"
    return snippet(real.scenario, real.state, povms, real.channels, real.shape.alice_dims, name, comment)
