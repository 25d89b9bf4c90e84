"""steerdsl: a declarative language and compiler for steering beyond quantum theory.

Write a scenario in a ``.steer`` file, run ``steer check`` / ``steer run`` on
it, or embed the compiler::

    import steerdsl as sd
    model = sd.load("models/e05_breuer_map.steer")
    sd.check(model["sigma"], "nonsignalling")

Names are imported lazily, so ``import steerdsl.model.scenario`` stays light.
"""

from importlib import import_module

_EXPORTS = {
    "check": "steerdsl.api",
    # numpy in, numpy out: the questions by the names the field gives them
    "assemblage": "steerdsl.api",
    "functional": "steerdsl.api",
    "lhs": "steerdsl.api",
    "steering_robustness": "steerdsl.api",
    "steering_weight": "steerdsl.api",
    "visibility": "steerdsl.api",
    "membership": "steerdsl.api",
    "bound": "steerdsl.api",
    "negativity": "steerdsl.api",
    "repair": "steerdsl.api",
    "Answer": "steerdsl.answer",
    "Layout": "steerdsl.layout",
    "load": "steerdsl.api",
    "loads": "steerdsl.api",
    "ghjw": "steerdsl.exact.ghjw",
    # a model's validity conditions as sympy expressions (issue 17 item 9)
    "constraints": "steerdsl.emit_constraints",
    "sweep": "steerdsl.sweeps.run",
    "search_functional": "steerdsl.sweeps.search",
    "SweepTable": "steerdsl.sweeps.table",
    "Diagnostic": "steerdsl.diagnostics",
    "SteerError": "steerdsl.diagnostics",
    "Assemblage": "steerdsl.model.assemblage",
    "Functional": "steerdsl.model.assemblage",
    "Model": "steerdsl.model.model",
    "Alice": "steerdsl.model.scenario",
    "Bob": "steerdsl.model.scenario",
    "Scenario": "steerdsl.model.scenario",
    # map library, map checks (physics.md §6)
    "transpose_map": "steerdsl.model.map_library",
    "partial_transpose_map": "steerdsl.model.map_library",
    "reduction_map": "steerdsl.model.map_library",
    "breuer_hall_map": "steerdsl.model.map_library",
    "choi_map": "steerdsl.model.map_library",
    "identity_map": "steerdsl.model.map_library",
    "unitary_map": "steerdsl.model.map_library",
    "depolarising_channel": "steerdsl.model.map_library",
    "dephasing_channel": "steerdsl.model.map_library",
    "amplitude_damping_channel": "steerdsl.model.map_library",
    "decide_decomposability": "steerdsl.exact.map_positivity",
    "decomposability": "steerdsl.sdp.decomposable",
    "product_minimum": "steerdsl.numeric.product_minimum",
    # transforms
    "noisy": "steerdsl.model.transforms",
    "qutrit_lift": "steerdsl.model.transforms",
    "bob_filter": "steerdsl.model.transforms",
    "mixture": "steerdsl.model.transforms",
    "relabel_outcomes": "steerdsl.model.transforms",
    "relabel_inputs": "steerdsl.model.transforms",
    "permute_alices": "steerdsl.model.transforms",
    # Bell tools
    "behaviour_from_assemblage": "steerdsl.model.behaviours",
    "chsh_value": "steerdsl.model.behaviours",
    "local": "steerdsl.sdp.bell",
    "npa": "steerdsl.sdp.bell",
    "planar_locality": "steerdsl.sdp.bell",
    # exact certificates (physics.md §7)
    "certify_membership": "steerdsl.sdp.certify",
    "certify_bound": "steerdsl.sdp.certify",
    "verify_certificate": "steerdsl.exact.certificate_files",
    "save_certificate": "steerdsl.exact.certificate_files",
    # steering negativity (physics.md §5)
    "steering_negativity": "steerdsl.sdp.negativity",
    "negativity_lower_bound": "steerdsl.sdp.negativity",
    "negativity_upper_bound": "steerdsl.sdp.negativity",
    "random_quantum_assemblage": "steerdsl.model.random_quantum",
    # the inner side: realisations (physics.md §8)
    "realisation": "steerdsl.inner.search",
    # pictures (extra 'plot') and whole-model runs
    "plot_assemblage": "steerdsl.plots.figures",
    "plot_probabilities": "steerdsl.plots.figures",
    "plot_results": "steerdsl.plots.figures",
    "run_model": "steerdsl.run",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __dir__() -> list[str]:
    return __all__


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'steerdsl' has no attribute {name!r}")
