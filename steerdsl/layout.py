"""numpy in, numpy out: assemblages and functionals as arrays, in the layouts people already use.

The layout of the Cavalcanti–Skrzypczyk MATLAB code (Rep. Prog. Phys. 80, 024001 (2017), its
``sigma(:,:,a,x)``) and its natural extensions:

====================  ==========================================  ===========================
scenario              array                                       index
====================  ==========================================  ===========================
standard / Bell       ``(d, d, k, m)``                            ``sigma[:, :, a, x]``
n Alices              ``(d, d, k_1, …, k_n, m_1, …, m_n)``        ``sigma[:, :, a1, a2, x1, x2]``
Bob with input        the above plus a last axis ``m_B``          ``sigma[:, :, a, x, y]``
several Bobs          a list, one array per Bob (``d_k × d_k``)   ``sigma[k][:, :, a, x]``
any                   a dict keyed by plain tuples                ``{(a, x): M}``, ``{(a, x, y): M}``,
                                                                  ``{((a1, a2), (x1, x2)): M}``
====================  ==========================================  ===========================

Outcome counts may depend on the input only in the dict layout (``k_x`` = 1 + the largest ``a``
seen with that ``x``).  A witness or maximiser comes back in the layout that went in
(:meth:`Layout.functional_array`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from steerdsl.model.assemblage import Assemblage, Functional, element_to_complex
from steerdsl.model.scenario import Alice, Bob, Key, Scenario


@dataclass(frozen=True)
class Layout:
    """Where each element of an assemblage sits in the user's data.

    ``form`` is ``"array"``, ``"list"`` (several Bobs, one array each) or ``"dict"``; ``tuple_keys``
    records whether dict keys held tuples per Alice (``((a1, a2), (x1, x2))``) or plain integers."""

    scenario: Scenario
    form: str
    tuple_keys: bool = False

    def assemblage(self, data: Any, name: str = "sigma") -> Assemblage:
        """The :class:`Assemblage` whose elements are ``data`` read in this layout."""
        return Assemblage(self.scenario, self._read(data, "assemblage"), exact=False, name=name)

    def functional(self, data: Any, name: str = "F") -> Functional:
        """The :class:`Functional` ``β(σ) = Σ tr(F_{a|x(y)} σ_{a|x(y)})`` with operators ``data``."""
        return Functional(self.scenario, self._read(data, "functional"), exact=False, name=name)

    def assemblage_array(self, sigma: Assemblage) -> Any:
        """``σ`` in this layout (numeric)."""
        return self._write(sigma.to_numeric().elements)

    def functional_array(self, functional: Functional) -> Any:
        """A functional in this layout, in full form (:func:`full_form`)."""
        return self._write(full_form(functional))

    # ---------------------------------------------------------------- reading and writing
    def _read(self, data: Any, what: str) -> dict[Key, Any]:
        sc = self.scenario
        elements: dict[Key, Any] = {}
        for key in sc.keys():
            if self.form == "dict":
                entry = data.get(_plain_key(key, self.tuple_keys, sc))
                if entry is None:
                    raise ValueError(f"the {what} has no element at {_plain_key(key, self.tuple_keys, sc)}")
                elements[key] = _square(entry, sc.dim, what, key)
            elif self.form == "list":
                elements[key] = tuple(_square(np.asarray(part)[(slice(None), slice(None), *_index(key))],
                                              bob.dim, what, key) for part, bob in zip(data, sc.bobs))
            else:
                elements[key] = _square(np.asarray(data)[(slice(None), slice(None), *_index(key))], sc.dim,
                                        what, key)
        return elements

    def _write(self, elements: dict[Key, Any]) -> Any:
        sc = self.scenario
        if self.form == "dict":
            return {_plain_key(key, self.tuple_keys, sc): element_to_complex(m) for key, m in elements.items()}
        shape = (*(max(s.outputs) for s in sc.slots), *(s.inputs for s in sc.slots), *sc.bob_inputs)
        arrays = [np.zeros((d, d, *shape), dtype=complex) for d in sc.bob_dims]
        for key, m in elements.items():
            parts = m if isinstance(m, tuple) else (m,)
            for array, part in zip(arrays, parts):
                if part is not None:
                    array[(slice(None), slice(None), *_index(key))] = element_to_complex(part)
        return arrays if self.form == "list" else arrays[0]


def full_form(functional: Functional) -> dict[Key, Any]:
    """The operators ``F_{a|x(y)}`` of a functional on every full key (zero where it has no term),
    numeric: a Collins–Gisin term on a marginal (an unmeasured slot, key entry ``None``) is moved onto
    input 0 of that slot for every outcome, which leaves ``β`` unchanged on every no-signalling
    assemblage."""
    sc = functional.scenario
    full: dict[Key, Any] = {}
    for key, op in functional.terms.items():
        for target in _full_keys(sc, key):
            full[target] = _add(full.get(target), element_to_complex(op))
    zero = tuple(np.zeros((d, d), dtype=complex) for d in sc.bob_dims)
    return {key: full.get(key, zero if len(zero) > 1 else zero[0]) for key in sc.keys()}


def infer_layout(data: Any, *, bob_inputs: bool = False) -> Layout:
    """The scenario and layout of assemblage data (see the module docstring).

    An array with ``2 + 2n`` axes has n Alices; ``bob_inputs=True`` reads one more, last axis as
    Bob's input ``y``.  Alices are named ``A`` (or ``A1``, ``A2``, …), Bobs ``B`` (or ``B1``, …)."""
    if isinstance(data, dict):
        return _dict_layout(data)
    if isinstance(data, (list, tuple)) and data and all(np.ndim(part) >= 4 for part in data):
        if bob_inputs:
            raise ValueError("several Bobs with inputs are not supported")
        shapes = [np.shape(part) for part in data]
        if len({s[2:] for s in shapes}) != 1:
            raise ValueError(f"each Bob's array must have the same outcome and input axes, got shapes {shapes}")
        bobs = tuple(Bob(f"B{k + 1}", _bob_dim(s)) for k, s in enumerate(shapes))
        return Layout(Scenario(_alices(shapes[0][2:]), bobs), "list")
    shape = np.shape(data)
    if bob_inputs:
        if len(shape) < 5:
            raise ValueError(f"an array with Bob's input has shape (d, d, k…, m…, m_B), got {shape}")
        return Layout(Scenario(_alices(shape[2:-1]), (Bob("B", _bob_dim(shape), inputs=shape[-1]),)), "array")
    return Layout(Scenario(_alices(shape[2:]), (Bob("B", _bob_dim(shape)),)), "array")


def _bob_dim(shape: tuple[int, ...]) -> int:
    if len(shape) < 4 or shape[0] != shape[1]:
        raise ValueError(f"an assemblage array has shape (d, d, k…, m…) with d×d elements, got {shape}")
    return shape[0]


def _alices(axes: tuple[int, ...]) -> tuple[Alice, ...]:
    """Alices from the outcome axes followed by the input axes."""
    if len(axes) % 2 or not axes:
        raise ValueError(f"expected outcome axes k_1…k_n then input axes m_1…m_n after (d, d), got {axes}")
    n = len(axes) // 2
    names = ["A"] if n == 1 else [f"A{j + 1}" for j in range(n)]
    return tuple(Alice(names[j], axes[n + j], axes[j]) for j in range(n))


def _dict_layout(data: dict) -> Layout:
    """Scenario of a dict keyed by ``(a, x)``, ``(a, x, y)`` or ``((a1, …), (x1, …)[, y])``."""
    keys = list(data)
    if not keys or not all(isinstance(k, tuple) and len(k) in (2, 3) for k in keys):
        raise ValueError("dict keys are (a, x), (a, x, y) or ((a1, a2, …), (x1, x2, …)[, y])")
    tuple_keys = isinstance(keys[0][0], tuple)
    a_of = [k[0] if tuple_keys else (k[0],) for k in keys]
    x_of = [k[1] if tuple_keys else (k[1],) for k in keys]
    n = len(a_of[0])
    if any(len(a) != n or len(x) != n for a, x in zip(a_of, x_of)):
        raise ValueError("every key must name one outcome and one input per Alice")
    alices = []
    for j in range(n):
        m = 1 + max(x[j] for x in x_of)
        outputs = tuple(1 + max((a[j] for a, x in zip(a_of, x_of) if x[j] == xj), default=0) for xj in range(m))
        alices.append(Alice("A" if n == 1 else f"A{j + 1}", m, outputs))
    dims = {np.shape(v)[0] if np.ndim(v) == 2 else 1 for v in data.values()}
    if len(dims) != 1:
        raise ValueError(f"elements of different sizes: {sorted(dims)}")
    with_y = len(keys[0]) == 3
    bob = Bob("B", dims.pop(), inputs=1 + max(k[2] for k in keys) if with_y else 0)
    return Layout(Scenario(tuple(alices), (bob,)), "dict", tuple_keys)


def _index(key: Key) -> tuple[int, ...]:
    a, x, y = key
    return (*a, *x, *y)


def _plain_key(key: Key, tuple_keys: bool, sc: Scenario) -> tuple:
    a, x, y = key
    head = (a, x) if tuple_keys else (a[0], x[0]) if len(sc.slots) == 1 else (a, x)
    return (*head, *y)


def _square(entry: Any, d: int, what: str, key: Key) -> np.ndarray:
    m = np.asarray(entry, dtype=complex)
    m = m.reshape(1, 1) if m.ndim == 0 else m
    if m.shape != (d, d):
        raise ValueError(f"the {what}'s element at {key} is {m.shape}, expected ({d}, {d})")
    return m


def _add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if isinstance(a, tuple):
        return tuple(q if p is None else p if q is None else p + q for p, q in zip(a, b))
    return a + b


def _full_keys(sc: Scenario, key: Key) -> list[Key]:
    """The full keys a (possibly marginal) functional key contributes to: every outcome of an
    unmeasured slot, at input 0."""
    a, x, y = key
    if None not in a:
        return [key]
    choices = [[(ai, xi)] if ai is not None else [(o, 0) for o in range(s.outputs[0])]
               for ai, xi, s in zip(a, x, sc.slots)]
    return [(tuple(c[0] for c in combo), tuple(c[1] for c in combo), y) for combo in itertools.product(*choices)]


def complex_json(value: Any) -> Any:
    """Numeric data as JSON: a matrix as ``{"real": [[…]], "imag": [[…]]}``, lists and tuples (several Bobs)
    as lists, dicts with string keys, ``None`` as null."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): complex_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [complex_json(part) for part in value]
    m = np.asarray(value)
    return {"real": m.real.tolist(), "imag": m.imag.tolist()}
