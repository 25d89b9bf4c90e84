"""The Python API: the same functions the ``steer`` command uses.

>>> import steerdsl as sd
>>> model = sd.load("models/e04_pr_box_tripartite.steer")   # doctest: +SKIP
>>> sigma = model["sigma"]                                  # an exact Assemblage
>>> sd.check(sigma, "nonsignalling").status                 # doctest: +SKIP
'pass'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from steerdsl.answer import Answer
from steerdsl.checking import ModelReport, check_model, check_property
from steerdsl.exact.report import CheckResult, combine
from steerdsl.layout import Layout, infer_layout
from steerdsl.loaded_model import LoadedModel
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.model import Model
from steerdsl.model.resolve import load_file, load_text
from steerdsl.sdp.result import SDPResult
from steerdsl.tasks import bound_task, solve_task

if TYPE_CHECKING:
    from steerdsl.exact.moment_certificate import CertificateCheck
    from steerdsl.sdp.repair import Repair


def load(path: str | Path, params: dict[str, Any] | None = None, budgets: dict[str, int] | None = None,
         import_root: str | Path | None = None) -> LoadedModel:
    """Parse and resolve a ``.steer`` file into a :class:`~steerdsl.loaded_model.LoadedModel` (a
    :class:`Model` that also has ``run()``, ``check()`` and ``constraints("sympy")``).

    Raises :class:`steerdsl.SteerError` (with a diagnostic naming file, line
    and column) when the model is wrong.  ``params`` set ``let`` parameters as
    :meth:`Model.with_params` does (``sd.load(path, params={"v": 0.7})``); ``budgets``
    raise named limits (``{"sum_terms": 10**6}``, see docs/reliability.md); ``import_root``
    is the folder imports must stay in (default: the model's folder)."""
    model = LoadedModel.of(load_file(path, budgets, import_root))
    return model.with_params(**params) if params else model


def loads(text: str, file: str = "<string>", params: dict[str, Any] | None = None,
          budgets: dict[str, int] | None = None, import_root: str | Path | None = None) -> LoadedModel:
    """Parse and resolve model text; ``file`` names it in diagnostics (``params``, ``budgets`` and
    ``import_root`` as for :func:`load`)."""
    model = LoadedModel.of(load_text(text, file, budgets=budgets, import_root=import_root))
    return model.with_params(**params) if params else model


def check(obj, *properties: str) -> CheckResult | ModelReport:
    """Exact checks (physics.md §2).

    ``check(model)`` runs every check of a model and returns a
    :class:`ModelReport` (what ``steer check`` prints); ``check(value,
    "nonsignalling", …)`` answers named properties of one assemblage, map,
    state or measurement and returns one :class:`CheckResult` (pass / fail /
    undecided with the residual).  Without properties a value is checked for
    validity."""
    if isinstance(obj, Model):
        return check_model(obj)
    name = getattr(obj, "name", "value")
    props = properties or ("valid",)
    results = [check_property(obj, name, p) for p in props]
    return results[0] if len(results) == 1 else combine(results, name, ",".join(props))


# ---------------------------------------------------------------- numpy in, numpy out
def assemblage(data: Any, *, bob_inputs: bool = False, name: str = "sigma", validate: bool = True) -> Assemblage:
    """An :class:`Assemblage` from arrays (layouts: :mod:`steerdsl.layout`; the C–S layout is
    ``sigma[:, :, a, x]``).  With ``validate`` the exact checks of physics.md §2 run on it (with their
    tolerance, the data being floating point) and an invalid assemblage raises ``ValueError`` naming the
    failed property and its residual."""
    sigma = infer_layout(data, bob_inputs=bob_inputs).assemblage(data, name)
    if validate:
        report = check_property(sigma, name, "valid")
        if report.status == "fail":
            raise ValueError(f"{name} is not a valid assemblage: {report.detail}")
    return sigma


def functional(data: Any, *, like: Assemblage | Any = None, bob_inputs: bool = False, name: str = "F") -> Functional:
    """A steering functional ``β(σ) = Σ tr(F_{a|x} σ_{a|x})`` from operators in an assemblage layout
    (``F[:, :, a, x]``, …); its scenario is read from the array, or from ``like``."""
    layout = _layout(like if like is not None else data, bob_inputs)
    return layout.functional(data, name)


def lhs(sigma: Any, *, solver: str | None = None, tol: float | None = None, bob_inputs: bool = False,
        certify: bool = False) -> Answer:
    """Is σ LHS (physics.md §3.1)?  ``value`` is the white-noise visibility ``v*`` (capped at 2),
    ``margin`` the white-noise robustness ``(1 − v*)/v*`` (> 0: steerable), and for a steerable σ the
    witness F has bound 0 with ``β_F(σ) = margin`` (:func:`steerdsl.sdp.lhs.lhs`).  ``certify``: exact
    rational PSD hidden states reproducing an exact σ exactly (``exactness == "certified"``,
    ``result.details["exact_hidden_states"]``; :func:`steerdsl.inner.certify_lhs.certify_lhs`)."""
    return _solve(sigma, "lhs", {"certify": certify}, solver, tol, bob_inputs)


def steering_robustness(sigma: Any, *, consistent: bool = False, solver: str | None = None,
                        tol: float | None = None, bob_inputs: bool = False) -> Answer:
    """The generalised steering robustness (``consistent=True``: noise sharing σ's reduced state),
    with its witness F: ``value = β_F(σ) − bound`` (:func:`steerdsl.sdp.lhs.generalised_robustness`)."""
    task = "consistent_robustness" if consistent else "robustness"
    return _solve(sigma, task, {}, solver, tol, bob_inputs)


def steering_weight(sigma: Any, *, solver: str | None = None, tol: float | None = None,
                    bob_inputs: bool = False) -> Answer:
    """The steering weight with its witness: ``value = β_F(σ) − bound``
    (:func:`steerdsl.sdp.lhs.steering_weight`)."""
    return _solve(sigma, "steering_weight", {}, solver, tol, bob_inputs)


def visibility(sigma: Any, *, against: str = "lhs", noise: str | Any = "white", solver: str | None = None,
               tol: float | None = None, bob_inputs: bool = False, symmetry: bool = True) -> Answer:
    """The largest ``v`` with ``vσ + (1 − v)N`` in the set ``against`` (``lhs``, ``almost_quantum``,
    ``quantum``, …), for noise ``white``, ``ghz``, ``w`` or an assemblage (physics.md §5).
    ``symmetry=False`` turns off the reduction by the symmetries of σ and N (``npa`` set)."""
    options: dict[str, Any] = {"against": against}
    if not symmetry:
        options["symmetry"] = False
    if isinstance(noise, str):
        options["noise"] = noise
    else:
        options["noise_value"] = noise if isinstance(noise, Assemblage) else assemblage(noise, bob_inputs=bob_inputs)
    return _solve(sigma, "visibility", options, solver, tol, bob_inputs)


def membership(sigma: Any, set: str = "almost_quantum", *, level: str | int | None = None,
               solver: str | None = None, tol: float | None = None, bob_inputs: bool = False,
               symmetry: bool = True) -> Answer:
    """Membership of σ in ``set`` decided robustly (physics.md §4.1): the same task as
    ``solve sigma : SET [level L]`` in a model.  ``set`` is any name of the registry
    (:mod:`steerdsl.sets.registry`, docs/sets.md); a ``level`` the set does not take raises
    :class:`~steerdsl.diagnostics.Refusal` E370, a set that does not apply to σ's scenario kind E371.
    ``symmetry=False`` turns off the reduction by the symmetries of σ (``npa`` set)."""
    options: dict[str, Any] = {} if level is None else {"level": str(level)}
    if not symmetry:
        options["symmetry"] = False
    return _solve(sigma, set, options, solver, tol, bob_inputs)


def bound(F: Any, sense: str = "max", *, over: str = "lhs", like: Any = None, level: str | int | None = None,
          solver: str | None = None, bob_inputs: bool = False, symmetry: bool = True,
          dims: tuple[int, ...] | None = None, restarts: int = 10, seed: int = 0) -> Answer:
    """``max`` (or ``min``) of ``β_F`` over a set: the task ``bound max F over SET [level L]``; ``F`` is
    a :class:`Functional` or operators in an assemblage layout (scenario from the array or ``like``).
    The sets with a bound in each scenario kind are listed in docs/sets.md (others: Refusal E371).
    ``symmetry=False`` turns off the symmetry reduction of the moment-matrix bound (``npa`` set).
    ``dims`` (with ``restarts``, ``seed``): also a see-saw inner bound, so ``answer.bracket`` is
    ``(lower, upper)`` (physics.md §4.2)."""
    layout = _layout(like if like is not None else F, bob_inputs)
    func = F if isinstance(F, Functional) else layout.functional(F)
    options: dict[str, Any] = {"solver": solver} if level is None else {"solver": solver, "level": str(level)}
    if not symmetry:
        options["symmetry"] = False
    if dims is not None:
        options.update(dims=tuple(dims), restarts=restarts, seed=seed)
    return Answer.of(bound_task(func, sense, over, options), layout)


def negativity(sigma: Any, *, level: str | int = "1+AB", dims: tuple[int, ...] | None = None,
               solver: str | None = None, bob_inputs: bool = False) -> Answer:
    """The steering-negativity bracket ν(σ) ∈ [lower, upper] (physics.md §5; ``result.details``)."""
    options: dict[str, Any] = {"level": str(level)} if dims is None else {"level": str(level), "dims": dims}
    return _solve(sigma, "negativity", options, solver, None, bob_inputs)


def realisation(sigma: Any, *, dims: tuple[int, ...] | None = None, restarts: int = 5, seed: int = 0,
                certify: bool = False, solver: str | None = None, tol: float | None = None,
                bob_inputs: bool = False) -> Answer:
    """The inner side (physics.md §8): a search for a state, Alices' POVMs and Bob's channels of dimensions
    ``dims`` (one per Alice, then optionally Bob's internal one) with ``σ̂ = σ``; the task ``solve σ :
    realisation`` (:func:`steerdsl.inner.search.realisation`).  ``value`` is the residual ``max |σ − σ̂|``;
    ``verdict`` is ``member`` when it is below ``tol`` (default 1e-6), else ``undecided`` (never
    ``excluded``: not finding one proves nothing).  ``certify``: rounded to exact numbers, ``exactness`` is
    ``certified`` only when σ is reproduced exactly.  The realisation is in ``answer.details``."""
    options: dict[str, Any] = {"restarts": restarts, "seed": seed, "certify": certify, "tol": tol}
    if dims is not None:
        options["dims"] = tuple(int(d) for d in dims)
    return _solve(sigma, "realisation", options, solver, None, bob_inputs)


def certify(obj: Any, over: str = "almost_quantum", *, sense: str | None = None, level: str | int | None = None,
            like: Any = None, solver: str | None = None, bob_inputs: bool = False) -> Answer:
    """An exact certificate (physics.md §7).  Without ``sense``, ``obj`` is an assemblage and the claim is
    its exclusion from ``over`` (``solve σ : SET certify``: the dual witness ``F`` with ``β_F(σ) > bound``
    checked in exact arithmetic); with ``sense`` (``max`` or ``min``), ``obj`` is a functional (scenario from
    the array or ``like``) and the claim its bound over ``over`` (``bound max F over SET certify``: a
    rational ``λ`` with ``β_F ≤ λ`` on the set).  ``exactness`` is ``certified`` when the certificate
    verified, else the answer is numeric and ``details['certificate_note']`` says why;
    ``answer.certificate`` can be saved (:func:`steerdsl.save_certificate`) and re-checked (:func:`verify`)."""
    options: dict[str, Any] = {"certify": True} if level is None else {"certify": True, "level": str(level)}
    if sense is None:
        return _solve(obj, over, options, solver, None, bob_inputs)
    layout = _layout(like if like is not None else obj, bob_inputs)
    func = obj if isinstance(obj, Functional) else layout.functional(obj)
    return Answer.of(bound_task(func, sense, over, {**options, "solver": solver}), layout)


def verify(certificate: Any, *, model: Model | None = None) -> Answer:
    """Re-check a certificate in exact arithmetic, as ``steer verify`` does: a JSON file written by ``steer
    run --certificates``, its dict, or ``answer.certificate`` (:func:`steerdsl.exact.certificate_files.
    verify_certificate`).  ``verdict`` is ``verified`` or ``not verified`` (``details['reasons']`` say
    why, ``details['code']`` is E220, E221, E230 or E231); ``value`` is ``β_F(σ)`` of an exclusion, ``bound``
    the certified bound, both exact in ``details['value_exact']`` and ``details['bound_exact']``;
    ``details['claim']`` states what a verified certificate proves.  With ``model``, the certificate must
    be about one of its objects (same sha256 of the exact content; else E231)."""
    from steerdsl.exact.certificate_files import verify_certificate

    source = certificate if isinstance(certificate, (str, Path, dict)) else getattr(certificate, "certificate",
                                                                                  certificate)
    check = verify_certificate(source)
    details: dict[str, Any] = {"claim": check.claim, "reasons": list(check.reasons), "code": check.code,
                               "subject": check.subject, "sha256": check.digest, "kind": check.kind,
                               "label": check.label, "checked": check.checked,
                               "value_exact": None if check.value is None else str(check.value),
                               "bound_exact": None if check.bound is None else str(check.bound)}
    if check.verified and model is not None:
        match, reasons = model_match(check, model)
        details["model_object"] = match
        if match is None:
            check.verified = False
            details["code"], details["reasons"] = "E231", reasons
    word = "verified" if check.verified else "not verified"
    result = SDPResult("verify", _real(check.value), word, 0.0, verdict=word, bound=_real(check.bound),
                       exactness="exact", details=details)
    return Answer.of(result, None)


def model_match(check: CertificateCheck, model: Model) -> tuple[str | None, list[str]]:
    """The name of ``model``'s object that a verified certificate is about (its sha256 equals the
    certificate's subject's): the object of the certificate's label, else any functional or assemblage
    of the model; or None and why not."""
    from steerdsl.sdp.certificate_subject import model_subject

    reasons = []
    if check.label in model:
        try:
            digest, note = model_subject(model[check.label])
        except ValueError as exc:
            digest, note = None, str(exc)
        if digest == check.digest:
            return check.label, []
        reasons.append(f"the certificate's subject (sha256 {check.digest}) is not the {check.kind} {check.label} "
                       f"of {model.file}" + (f" (sha256 {digest})" if digest else "") + (f"; {note}" if note else ""))
    else:
        reasons.append(f"{model.file} defines no {check.kind} named {check.label!r}")
    kind = Functional if check.kind == "functional" else Assemblage
    for name in model.definitions:
        value = model[name]
        if name != check.label and isinstance(value, kind):
            try:
                if model_subject(value)[0] == check.digest:
                    return name, []
            except ValueError:
                continue
    return None, [*reasons, f"no other {check.kind} of {model.file} has the subject's sha256"]


def _real(x: Any) -> float | None:
    return None if x is None else float(complex(x).real)


def repair(sigma: Any, norm: str = "frobenius", *, solver: str | None = None, bob_inputs: bool = False) -> Repair:
    """The nearest valid assemblage to σ (rounded published data) and the distance moved, never silently:
    ``min Σ ‖σ'_{a|x} − σ_{a|x}‖`` (``norm`` frobenius or trace) over no-signalling σ' ⪰ 0 of σ's kind
    (:func:`steerdsl.sdp.repair.repair`); arrays come back in their layout (``fixed, distance = sd.repair(σ)``)."""
    from steerdsl.sdp.repair import repair as nearest

    layout = None if isinstance(sigma, Assemblage) else _layout(sigma, bob_inputs)
    result = nearest(sigma if layout is None else layout.assemblage(sigma), norm, solver)
    result.array = None if layout is None else layout.assemblage_array(result.sigma)
    return result


def _layout(obj: Any, bob_inputs: bool) -> Layout:
    """The layout of user data, or the array layout of a model object's scenario."""
    if isinstance(obj, (Assemblage, Functional)):
        return Layout(obj.scenario, "list" if len(obj.scenario.bobs) > 1 else "array")
    return infer_layout(obj, bob_inputs=bob_inputs)


def _solve(sigma: Any, task: str, options: dict[str, Any], solver: str | None, tol: float | None,
           bob_inputs: bool) -> Answer:
    layout = _layout(sigma, bob_inputs)
    data = sigma if isinstance(sigma, Assemblage) else assemblage(sigma, bob_inputs=bob_inputs)
    return Answer.of(solve_task(data, task, {**options, "solver": solver}), layout, tol)
