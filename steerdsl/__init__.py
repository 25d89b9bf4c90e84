"""steerdsl: a declarative language and compiler for steering beyond quantum theory.

Write a scenario in a ``.steer`` file, run ``steer check`` / ``steer run`` on
it, or embed the compiler::

    import steerdsl as sd
    model = sd.load("models/e05_breuer_map.steer")
    sd.check(model["sigma"], "nonsignalling")

The names below are plain imports of the modules that define them (matplotlib, needed only to draw,
is imported by the plotting functions when they run).
"""

from steerdsl.answer import Answer
from steerdsl.api import (
    assemblage,
    bound,
    certify,
    check,
    functional,
    lhs,
    load,
    loads,
    membership,
    negativity,
    realisation,
    repair,
    steering_robustness,
    steering_weight,
    verify,
    visibility,
)
from steerdsl.diagnostics import Diagnostic, SteerError
from steerdsl.emit_constraints import constraints
from steerdsl.exact.certificate_files import save_certificate, verify_certificate
from steerdsl.exact.ghjw import ghjw
from steerdsl.exact.map_positivity import decide_decomposability
from steerdsl.inner.pseudo import pseudo_result as pseudo_realisation
from steerdsl.layout import Layout
from steerdsl.loaded_model import LoadedModel
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.behaviours import behaviour_from_assemblage, chsh_value
from steerdsl.model.map_library import (
    amplitude_damping_channel,
    breuer_hall_map,
    choi_map,
    dephasing_channel,
    depolarising_channel,
    identity_map,
    partial_transpose_map,
    reduction_map,
    transpose_map,
    unitary_map,
)
from steerdsl.model.model import Model
from steerdsl.model.random_quantum import random_quantum_assemblage
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.model.transforms import (
    bob_filter,
    mixture,
    noisy,
    permute_alices,
    qutrit_lift,
    relabel_inputs,
    relabel_outcomes,
)
from steerdsl.numeric.product_minimum import product_minimum
from steerdsl.plots.figures import plot_assemblage, plot_probabilities, plot_results
from steerdsl.run import run_model
from steerdsl.sdp.bell import local, npa, planar_locality
from steerdsl.sdp.certify import certify_bound, certify_membership
from steerdsl.sdp.decomposable import decomposability
from steerdsl.sdp.negativity import negativity_lower_bound, negativity_upper_bound, steering_negativity
from steerdsl.sweeps.run import sweep
from steerdsl.sweeps.search import search_functional
from steerdsl.sweeps.table import SweepTable

__all__ = [
    "Alice", "Answer", "Assemblage", "Bob", "Diagnostic", "Functional", "Layout", "LoadedModel", "Model", "Scenario",
    "SteerError", "SweepTable", "amplitude_damping_channel", "assemblage", "behaviour_from_assemblage",
    "bob_filter", "bound", "breuer_hall_map", "certify", "certify_bound", "certify_membership", "check", "choi_map",
    "chsh_value", "constraints", "decide_decomposability", "decomposability", "dephasing_channel",
    "depolarising_channel",
    "functional", "ghjw", "identity_map", "lhs", "load", "loads", "local", "membership", "mixture",
    "negativity", "negativity_lower_bound", "negativity_upper_bound", "noisy", "npa", "partial_transpose_map",
    "permute_alices", "planar_locality", "plot_assemblage", "plot_probabilities", "plot_results",
    "product_minimum", "pseudo_realisation", "qutrit_lift", "random_quantum_assemblage", "realisation",
    "reduction_map", "relabel_inputs",
    "relabel_outcomes", "repair", "run_model", "save_certificate", "search_functional", "steering_negativity",
    "steering_robustness", "steering_weight", "sweep", "transpose_map", "unitary_map", "verify", "verify_certificate",
    "visibility",
]
__version__ = "0.1.0"
