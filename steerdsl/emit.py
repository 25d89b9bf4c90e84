"""``steer compile --emit sympy|json``: a model's exact objects in other forms."""

from __future__ import annotations

from typing import Any

import numpy as np

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.display import to_sympy
from steerdsl.model.model import Model
from steerdsl.model.values import Behaviour, Function, LinearMap, Measurement, State


def _key(k) -> str:
    a, x, y = k
    fmt = lambda t: " ".join("·" if v is None else str(v) for v in t)  # noqa: E731
    return f"[{fmt(a)}|{fmt(tuple(x) + tuple(y))}]"


def structured(value) -> dict[str, Any] | Any:
    """A value as nested dicts of sympy objects keyed by readable labels."""
    if isinstance(value, (Assemblage, Functional)):
        items = value.elements if isinstance(value, Assemblage) else value.terms
        return {_key(k): (tuple(to_sympy(m) for m in v) if isinstance(v, tuple) else to_sympy(v))
                for k, v in items.items()}
    if isinstance(value, Measurement):
        return {f"[{a}|{x}]": to_sympy(m) for (a, x), m in value.elements.items()}
    if isinstance(value, State):
        return to_sympy(value.rho)
    if isinstance(value, LinearMap):
        return {"choi": to_sympy(value.choi)}
    if isinstance(value, Behaviour):
        return {_key((a, x, ())): to_sympy(p) for (a, x), p in value.probabilities.items()}
    if isinstance(value, Function):
        return f"function({', '.join(value.params)})"
    return to_sympy(value)


def emit_sympy(model: Model) -> str:
    """Every definition printed as sympy objects."""
    lines = []
    if model.scenario is not None:
        lines.append(f"# {model.scenario.describe()}")
    for name, d in model.definitions.items():
        value = structured(d.value)
        if isinstance(value, dict):
            lines.append(f"{d.kind} {name}:")
            for k, v in value.items():
                lines.append(f"  {name}{k} = {v}")
        else:
            lines.append(f"{d.kind} {name} = {value}")
    return "\n".join(lines)


def _json_number(v) -> dict[str, Any]:
    c = complex(v)
    out: dict[str, Any] = {"re": c.real, "im": c.imag}
    if not isinstance(v, (complex, float)):
        out["exact"] = str(v)
    return out


def _json_value(v) -> Any:
    if isinstance(v, tuple):
        return [_json_value(m) for m in v]
    if isinstance(v, np.ndarray):
        return [[_json_number(e) for e in row] for row in v]
    return _json_number(v)


def emit_json(model: Model) -> dict[str, Any]:
    """Every definition as JSON: exact entries as strings next to their float values."""
    out: dict[str, Any] = {"file": model.file, "definitions": {}}
    if model.scenario is not None:
        sc = model.scenario
        out["scenario"] = {
            "kind": sc.kind,
            "alices": [{"name": a.name, "inputs": a.inputs, "outputs": list(a.outputs), "rounds": a.rounds}
                       for a in sc.alices],
            "bobs": [{"name": b.name, "dim": b.dim, "inputs": b.inputs, "input_from": b.input_from}
                     for b in sc.bobs],
        }
    for name, d in model.definitions.items():
        v = d.value
        entry: dict[str, Any] = {"kind": d.kind}
        if isinstance(v, (Assemblage, Functional)):
            items = v.elements if isinstance(v, Assemblage) else v.terms
            entry["exact"] = v.exact
            entry["elements"] = {_key(k): _json_value(m) for k, m in items.items()}
        elif isinstance(v, Measurement):
            entry["elements"] = {f"[{a}|{x}]": _json_value(m) for (a, x), m in v.elements.items()}
        elif isinstance(v, State):
            entry["parties"] = list(v.parties)
            entry["dims"] = list(v.dims)
            entry["rho"] = _json_value(v.rho)
        elif isinstance(v, LinearMap):
            entry["din"], entry["dout"] = v.din, v.dout
            entry["choi"] = _json_value(v.choi)
        elif isinstance(v, Behaviour):
            entry["probabilities"] = {_key((a, x, ())): _json_number(p) for (a, x), p in v.probabilities.items()}
        elif isinstance(v, Function):
            entry["params"] = list(v.params)
        else:
            try:
                entry["value"] = _json_value(v)
            except (TypeError, ValueError):
                entry["value"] = str(v)
        out["definitions"][name] = entry
    return out
