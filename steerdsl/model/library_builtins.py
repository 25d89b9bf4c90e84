"""Built-in functions for the map library, assemblage transforms and Bell quantities.

``FUNCTIONS`` is the language's full table of built-ins: those of
:mod:`steerdsl.model.builtins` plus

- maps (:mod:`steerdsl.model.map_library`): ``transpose_map(d)``, ``ptranspose_map([d1, d2], [k])``,
  ``reduction_map(d)``, ``breuer_hall(U)``, ``choi_map()`` / ``choi_map(a, b, c)``, ``identity_map(d)``,
  ``unitary_map(U)``, ``depolarising(d, p)``, ``dephasing(d, p)``, ``amplitude_damping(γ)``, and
  ``choi(Λ)``, the Choi matrix of a map;
- transforms (:mod:`steerdsl.model.transforms`): ``noisy(σ, μ)``, ``qutrit_lift(σ)``, ``bob_filter(σ, F)``;
- Bell: ``chsh(p)`` (:func:`steerdsl.model.behaviours.chsh_value`).
"""

from __future__ import annotations

from collections.abc import Callable

from steerdsl.model import builtins as base
from steerdsl.model import map_library as ml
from steerdsl.model import transforms as tf
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.behaviours import chsh_value
from steerdsl.model.builtins import BuiltinError, int_arg, int_list, matrix_arg
from steerdsl.model.values import Behaviour, LinearMap


def _guard(fn: Callable) -> Callable:
    """Turn the library's ``ValueError``s into :class:`BuiltinError` diagnostics."""
    def call(*args):
        try:
            return fn(*args)
        except ml.MapParameterError as exc:
            raise BuiltinError(str(exc), exc.hint, code="E151") from None
        except tf.TransformError as exc:
            raise BuiltinError(str(exc)) from None
    return call


def _assemblage(v, what: str = "argument") -> Assemblage:
    if not isinstance(v, Assemblage):
        raise BuiltinError(f"expected an assemblage as {what}")
    return v


def _choi(v) -> object:
    if not isinstance(v, LinearMap):
        raise BuiltinError("choi(·) takes a map", "define one with 'map' or a library map such as transpose_map(2)")
    return ml.choi_matrix(v)


def _choi_map(*abc) -> LinearMap:
    if len(abc) not in (0, 3):
        raise BuiltinError("choi_map takes no argument (Choi's map) or three (a, b, c)", code="E102")
    return ml.choi_map(*abc) if abc else ml.choi_map()


def _chsh(p) -> object:
    if not isinstance(p, Behaviour):
        raise BuiltinError("chsh(·) takes a behaviour", "behaviour p = measure sigma with B: N")
    try:
        return chsh_value(p)
    except ValueError as exc:
        raise BuiltinError(str(exc)) from None


LIBRARY_FUNCTIONS: dict[str, tuple[Callable, int | tuple[int, int]]] = {
    "transpose_map": (_guard(lambda d: ml.transpose_map(int_arg(d, "dimension"))), 1),
    "ptranspose_map": (_guard(lambda dims, systems: ml.partial_transpose_map(int_list(dims, "dimension"),
                                                                            int_list(systems, "subsystem"))), 2),
    "reduction_map": (_guard(lambda d: ml.reduction_map(int_arg(d, "dimension"))), 1),
    "breuer_hall": (_guard(lambda u: ml.breuer_hall_map(matrix_arg(u, "U"))), 1),
    "choi_map": (_guard(_choi_map), (0, 3)),
    "identity_map": (_guard(lambda d: ml.identity_map(int_arg(d, "dimension"))), 1),
    "unitary_map": (_guard(lambda u: ml.unitary_map(matrix_arg(u, "U"))), 1),
    "depolarising": (_guard(lambda d, p: ml.depolarising_channel(int_arg(d, "dimension"), p)), 2),
    "dephasing": (_guard(lambda d, p: ml.dephasing_channel(int_arg(d, "dimension"), p)), 2),
    "amplitude_damping": (_guard(ml.amplitude_damping_channel), 1),
    "choi": (_choi, 1),
    "noisy": (_guard(lambda s, mu: tf.noisy(_assemblage(s, "σ"), mu)), 2),
    "qutrit_lift": (_guard(lambda s: tf.qutrit_lift(_assemblage(s, "σ"))), 1),
    "bob_filter": (_guard(lambda s, f: tf.bob_filter(_assemblage(s, "σ"), matrix_arg(f, "filter"))), 2),
    "chsh": (_chsh, 1),
}

FUNCTIONS = {**base.FUNCTIONS, **LIBRARY_FUNCTIONS}
LIST_ARGUMENTS = ("ptrace", "ptranspose", "ptranspose_map")
"""The built-ins with list arguments (dimensions and subsystems, read by ``int_list``)."""
