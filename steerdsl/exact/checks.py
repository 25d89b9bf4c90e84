"""Exact validity checks (physics.md §2) for every scenario kind.

Each check returns a :class:`CheckResult` that is ``pass``, ``fail`` or
``undecided``; on failure the detail names the indices and the residual,
e.g. ``Σ_a σ[a|x=0] − Σ_a σ[a|x=1] has entry (0,1) = 1/8``.  Exact inputs
are decided exactly; numeric inputs are compared with ``atol``/``rtol`` and
say so.
"""

from __future__ import annotations

import operator
from functools import reduce

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.report import FAIL, NUMERIC_ATOL, PASS, UNDECIDED, CheckResult, combine, numeric_atol
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.nosignalling import signalling_contexts, signalling_groups, structure
from steerdsl.model.scenario import Key, Scenario

ATOL = NUMERIC_ATOL
"""The default tolerance of numeric checks; the checks here use :func:`numeric_atol` (a table's stated one)."""
RTOL = 1e-9


def fmt(v) -> str:
    """A number for a message: exact numbers exactly, floats to 4 significant digits."""
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (complex, float, np.complexfloating, np.floating)):
        c = complex(v)
        if abs(c.imag) < 1e-12:
            return f"{c.real:.4g}"
        return f"{c.real:.4g}{c.imag:+.4g}i"
    return str(v)


def _zero_residual(m: np.ndarray, atol: float | None = None) -> tuple[tuple[int, int], object] | None:
    """First nonzero entry of ``m`` (beyond ``atol``, default :func:`numeric_atol`, when numeric)."""
    if m.dtype == object:
        return linalg.first_nonzero(m)
    atol = numeric_atol() if atol is None else atol
    idx = np.argwhere(np.abs(m) > atol)
    if len(idx) == 0:
        return None
    i, j = idx[0]
    return (int(i), int(j)), m[i, j]


def key_text(sc: Scenario, key: Key, free: set[int] | None = None, name: str = "σ") -> str:
    """``σ[a1 a2|x1 x2 y]`` with summed slots shown as ``·``."""
    a, x, y = key
    a_txt = " ".join("·" if free and j in free else str(v) for j, v in enumerate(a))
    x_txt = " ".join(str(v) for v in list(x) + list(y))
    return f"{name}[{a_txt}|{x_txt}]"


def is_zero(m: np.ndarray, atol: float | None = None) -> bool:
    return _zero_residual(m, atol) is None


def hermitian(m: np.ndarray, subject: str, what: str) -> CheckResult:
    """``M = M†`` exactly (or within ``atol``)."""
    exact = m.dtype == object
    diff = m - alg.dagger(m)
    res = _zero_residual(diff)
    if res is None:
        return CheckResult(subject, "hermitian", PASS, exact=exact, tolerance=None if exact else numeric_atol())
    (i, j), v = res
    return CheckResult(subject, "hermitian", FAIL, f"{what} is not Hermitian: M − M† has entry ({i},{j}) = {fmt(v)}",
                       exact=exact, code="E206")


def positive_semidefinite(m: np.ndarray, subject: str, what: str) -> CheckResult:
    """``M ⪰ 0``: exact LDL† with pivoting, or eigenvalues within ``atol``."""
    herm = hermitian(m, subject, what)
    if herm.status != PASS:
        return herm
    res = linalg.psd(m, atol=numeric_atol(), rtol=RTOL)
    exact = m.dtype == object
    tol = None if exact else numeric_atol()
    if res.decided is True:
        return CheckResult(subject, "psd", PASS, exact=exact, tolerance=tol)
    if res.decided is None:
        return CheckResult(subject, "psd", UNDECIDED, f"{what}: the smallest eigenvalue is within the tolerance "
                           "of 0", exact=False, tolerance=tol)
    vec = ", ".join(fmt(v) for v in np.asarray(res.witness).flat) if res.witness is not None else ""
    detail = f"{what} is not positive semidefinite: v†Mv = {fmt(res.value)} < 0 for v = ({vec})"
    return CheckResult(subject, "psd", FAIL, detail, exact=exact, tolerance=tol, code="E202")


def trace_is(m: np.ndarray, target, subject: str, what: str, prop: str = "normalised") -> CheckResult:
    exact = m.dtype == object
    t = alg.trace(m)
    diff = alg.binary("-", t, target)
    ok = alg.equal(diff, 0) if exact and alg.is_exact(target) else abs(complex(diff)) <= numeric_atol()
    if ok:
        return CheckResult(subject, prop, PASS, exact=exact, tolerance=None if exact else numeric_atol())
    return CheckResult(subject, prop, FAIL, f"{what} has trace {fmt(t)}, not {fmt(target)}", exact=exact,
                       code="E203")


# ---------------------------------------------------------------- assemblages
def _components(sigma: Assemblage) -> list[tuple[str, dict[Key, np.ndarray]]]:
    sc = sigma.scenario
    if len(sc.bobs) > 1:
        return [(b.name, sigma.bob_component(k)) for k, b in enumerate(sc.bobs)]
    return [(sc.bobs[0].name, dict(sigma.elements))]


def no_signalling(sigma: Assemblage, subject: str) -> CheckResult:
    """For every slot ``j``: ``Σ_{a_j (and later rounds)} σ_{a|x}`` does not depend on ``x_j``.

    The relations are declared once (:func:`steerdsl.model.nosignalling.signalling_contexts`, which also
    builds the no-signalling SDP).  Sequential parties: the sum over a round's outcome and every later round's
    outcome is independent of that round's input (later inputs cannot reach back).  BWI: for each fixed ``y``.
    A failure names the party, both inputs and the first differing entry, e.g. ``Σ_a σ[a|0] − Σ_a σ[a|1] has
    entry (0,0) = −1/4``."""
    sc = sigma.scenario
    groups = signalling_groups(sc)
    results = []
    for bob_name, comp in _components(sigma):
        label = f" (bob {bob_name})" if len(sc.bobs) > 1 else ""
        keys = list(comp)
        for j, sums in signalling_contexts(sc, keys):
            inputs = sorted(sums)
            key0, m0 = keys[sums[inputs[0]][0]], reduce(operator.add, (comp[keys[i]] for i in sums[inputs[0]]))
            for xj in inputs[1:]:
                key, m = keys[sums[xj][0]], reduce(operator.add, (comp[keys[i]] for i in sums[xj]))
                res = _zero_residual(m0 - m)
                if res is not None:
                    (r, c), v = res
                    group = groups[j]
                    summed = ", ".join(f"a_{sc.slots[k].label}" for k in group)
                    left = key_text(sc, key0, set(group), sigma.name)
                    right = key_text(sc, key, set(group), sigma.name)
                    detail = (f"{sc.slots[j].label} signals{label}: Σ_{{{summed}}} {left} − Σ_{{{summed}}} "
                              f"{right} has entry ({r},{c}) = {fmt(v)}")
                    return CheckResult(subject, "nonsignalling", FAIL, detail, exact=sigma.exact, code="E201")
        results.append(CheckResult(subject, "nonsignalling", PASS, exact=sigma.exact))
    return combine(results, subject, "nonsignalling")


def shared_traces(sigma: Assemblage, subject: str, prop: str = "shared_traces") -> CheckResult:
    """``tr σ`` is the same in every copy of the kind's no-signalling structure (:mod:`steerdsl.model.nosignalling`):
    BWI, ``tr σ_{a|xy}`` does not depend on ``y`` (Bob cannot signal to Alice, E208); several Bobs,
    ``tr σ^(k)_{a|x}`` is the same for every Bob (E207).  The same declaration builds the no-signalling SDP."""
    sc = sigma.scenario
    if sc.kind not in ("bwi", "several_bobs"):
        return CheckResult(subject, prop, PASS, exact=sigma.exact)
    ns = structure(sc)
    copies: dict = {}
    for key, element in sigma.elements.items():
        for loc in ns.locate(sc, key):
            m = element[loc.part] if loc.part is not None else element
            copies.setdefault(loc.key, []).append((loc.copy, key, alg.trace(m)))
    for entries in copies.values():
        c0, key0, t0 = entries[0]
        for c, key, t in entries[1:]:
            d = alg.binary("-", t0, t)
            if alg.equal(d, 0) if sigma.exact else abs(complex(d)) <= numeric_atol():
                continue
            if sc.kind == "bwi":
                left, right = key_text(sc, key0, name=sigma.name), key_text(sc, key, name=sigma.name)
                return CheckResult(subject, prop, FAIL, f"Bob signals to Alice: tr {left} − tr {right} = {fmt(d)}",
                                   exact=sigma.exact, code="E208")
            return CheckResult(subject, prop, FAIL, f"tr σ^({sc.bobs[c0].name}) − tr σ^({sc.bobs[c].name}) at "
                               f"{key_text(sc, key, name=sigma.name)} = {fmt(d)}", exact=sigma.exact, code="E207")
    return CheckResult(subject, prop, PASS, exact=sigma.exact)


def bob_to_alice(sigma: Assemblage, subject: str) -> CheckResult:
    """BWI: ``tr σ_{a|xy}`` does not depend on ``y`` (Bob cannot signal to Alice): :func:`shared_traces`."""
    return shared_traces(sigma, subject, "no_bob_signalling") if sigma.scenario.kind == "bwi" else \
        CheckResult(subject, "no_bob_signalling", PASS, exact=sigma.exact)


def normalised(sigma: Assemblage, subject: str) -> CheckResult:
    """``tr Σ_a σ_{a|x(y)} = 1`` for every input (each Bob)."""
    sc = sigma.scenario
    for bob_name, comp in _components(sigma):
        totals: dict = {}
        for (_a, x, y), m in comp.items():
            totals[(x, y)] = alg.binary("+", totals.get((x, y), 0), alg.trace(m))
        for (x, y), t in totals.items():
            d = alg.binary("-", t, 1)
            if not (alg.equal(d, 0) if sigma.exact else abs(complex(d)) <= numeric_atol()):
                who = f" (bob {bob_name})" if len(sc.bobs) > 1 else ""
                return CheckResult(subject, "normalised", FAIL,
                                   f"Σ_a tr σ[a|{' '.join(map(str, x + y))}] = {fmt(t)}, not 1{who}",
                                   exact=sigma.exact, code="E203")
    return CheckResult(subject, "normalised", PASS, exact=sigma.exact)


def elements_psd(sigma: Assemblage, subject: str) -> CheckResult:
    sc = sigma.scenario
    results = []
    for bob_name, comp in _components(sigma):
        for key, m in comp.items():
            who = f" (bob {bob_name})" if len(sc.bobs) > 1 else ""
            r = positive_semidefinite(m, subject, key_text(sc, key, name=sigma.name) + who)
            if r.status != PASS:
                return r
            results.append(r)
    return combine(results, subject, "psd")


def bobs_agree(sigma: Assemblage, subject: str) -> CheckResult:
    """Several Bobs: ``tr σ^(k)_{a|x}`` is the same for every Bob ``k``: :func:`shared_traces`."""
    return shared_traces(sigma, subject, "consistent_bobs") if sigma.scenario.kind == "several_bobs" else \
        CheckResult(subject, "consistent_bobs", PASS, exact=sigma.exact)


def general_instrumental(sigma: Assemblage, subject: str, omega: Assemblage | None = None) -> CheckResult:
    """Instrumental: σ is a *general* instrumental assemblage iff ``σ_{a|x} = ω_{a|x,y=a}`` for a valid
    (no-signalling) BWI assemblage ω (PRL 2020 Def. 6).  The unobserved ``ω_{a|x,y≠a}`` make this an SDP
    question, not a finite set of identities on σ (its no-signalling structure has unobserved copies,
    :mod:`steerdsl.model.nosignalling`): undecided without a certificate; with a certificate ω, decided
    exactly — pass when ω is valid and post-selects to σ (a wrong certificate leaves it undecided)."""
    what = "general_instrumental"
    if omega is None:
        return CheckResult(subject, what, UNDECIDED,
                           f"{subject} is a general instrumental assemblage iff some no-signalling BWI assemblage "
                           f"ω has ω[a|x a] = {subject}[a|x] (PRL 2020 Def. 6): an SDP over the unobserved ω[a|x y≠a] "
                           f"('solve {subject} : nosignalling' decides it numerically), or exact given such an ω "
                           "defined in the model (a BWI assemblage, as E3 does)",
                           exact=sigma.exact)
    checks = valid_assemblage(omega, omega.name)
    bad = next((r for r in checks if r.status != PASS), None)
    if bad is None:
        bob_slot = next(j for j, s in enumerate(sigma.scenario.slots) if s.alice == sigma.scenario.bobs[0].input_from)
        for (a, x, _), m in sigma.elements.items():
            if _zero_residual(m - omega.elements[(a, x, (a[bob_slot],))]) is not None:
                element = key_text(sigma.scenario, (a, x, ()), name=subject)
                bad = CheckResult(subject, what, FAIL, f"{omega.name}[a|x a] differs from {element}")
                break
    if bad is not None:
        return CheckResult(subject, what, UNDECIDED, f"the certificate {omega.name} does not prove it: {bad.detail}",
                           exact=sigma.exact and omega.exact)
    return CheckResult(subject, what, PASS, f"certificate: {omega.name}[a|x a] = {subject}[a|x] with {omega.name} "
                       "a valid BWI assemblage", exact=sigma.exact and omega.exact)


def certificate_fits(sigma: Assemblage, omega: Assemblage) -> bool:
    """Could ``omega`` be a general-instrumental certificate of ``sigma``: a BWI assemblage over the same Alices
    whose Bob (of the same dimension) has one input per outcome of the Alice that feeds σ's Bob."""
    sc, oc = sigma.scenario, omega.scenario
    if sc.kind != "instrumental" or oc.kind != "bwi" or len(oc.bob_inputs) != 1 or oc.dim != sc.dim:
        return False
    same_alices = [(a.inputs, a.outputs) for a in sc.alices] == [(a.inputs, a.outputs) for a in oc.alices]
    feeder = next(a for a in sc.alices if a.name == sc.bobs[0].input_from)
    return same_alices and oc.bob_inputs[0] == max(feeder.outputs)


def valid_assemblage(sigma: Assemblage, subject: str, omega: Assemblage | None = None) -> list[CheckResult]:
    """Every validity condition of physics.md §2 for the assemblage's scenario kind.

    Instrumental assemblages: positivity and normalisation are exact; being a post-selection of a
    no-signalling BWI assemblage is :func:`general_instrumental` (undecided unless a certificate ``omega``
    proves it)."""
    out = [elements_psd(sigma, subject), normalised(sigma, subject)]
    kind = sigma.scenario.kind
    if kind == "instrumental":
        out.append(general_instrumental(sigma, subject, omega))
    else:
        out.append(no_signalling(sigma, subject))
    if kind == "bwi":
        out.append(bob_to_alice(sigma, subject))
    if kind == "several_bobs":
        out.append(bobs_agree(sigma, subject))
    return out
