"""An independent reference for the no-signalling, LHS and quantum sets of four steering scenarios.

Written from the definitions of physics.md §2, §3.1, §3.2 and §9 alone, with numpy, picos and cvxopt only:
nothing here imports steerdsl, so tests/test_cross_check.py can compare steerdsl's bounds with it.

Layouts (plain numpy arrays; one Alice, the same number of outcomes k for each of her m inputs):

* standard      ``F[x, a]``     shape (m, k, d, d)         β(σ) = Σ_{a,x} tr(F_{a|x} σ_{a|x})
* BWI           ``F[x, a, y]``  shape (m, k, n, d, d)      β(σ) = Σ_{a,x,y} tr(F_{a|xy} σ_{a|xy})
* instrumental  ``F[x, a]``     shape (m, k, d, d)         β(σ) = Σ_{a,x} tr(F_{a|x} σ_{a|x}); Bob's input is a,
  so Bob has k inputs
* several Bobs  ``[F1, F2, …]``  each shape (m, k, d_j, d_j) β(σ) = Σ_j Σ_{a,x} tr(F^(j)_{a|x} σ^(j)_{a|x})
  (physics.md §9: the local form Σ_j I ⊗ F^(j) ⊗ I of a functional on H_1 ⊗ … ⊗ H_N)

Assemblages use the same layouts (σ[x, a], σ[x, a, y], σ[x, a], [σ1, σ2, …]).

Contents: (a) no-signalling maxima per kind; (b) LHS maxima per kind, by SDP over deterministic strategies and by
enumeration; (c) random quantum assemblages per kind and a see-saw over quantum BWI / instrumental realisations;
outer quantum relaxations: level 1 of the BWI hierarchy (physics.md §4.3) and, for several Bobs with one
Alice, the parent-state maximum (§3.2).

Every SDP returns its optimal value as a float; the solver is CVXOPT with tightened tolerances.
"""

from __future__ import annotations

import itertools

import numpy as np
import picos as pc

SOLVER_OPTIONS = {"solver": "cvxopt", "abs_ipm_opt_tol": 1e-9, "rel_ipm_opt_tol": 1e-9,
                  "abs_prim_fsb_tol": 1e-9, "abs_dual_fsb_tol": 1e-9}


# ----------------------------------------------------------------------------------------------- helpers

def _herm(d: int, name: str) -> pc.HermitianVariable:
    return pc.HermitianVariable(name, d)


def _tr(F: np.ndarray, S) -> pc.expressions.AffineExpression:
    """Re tr(F S) for a Hermitian constant F and a Hermitian expression S."""
    return (pc.Constant(np.asarray(F, dtype=complex)) | S).real


def _solve(problem: pc.Problem, objective) -> float:
    """Solve with tight tolerances; if CVXOPT stalls there (it can raise ArithmeticError near the optimum),
    solve again with its default tolerances (about 1e-7)."""
    problem.set_objective("max", objective)
    for options in (SOLVER_OPTIONS, {"solver": "cvxopt"}):
        try:
            solution = problem.solve(**options)
        except (ArithmeticError, ValueError, pc.SolutionFailure):
            continue
        if solution.claimedStatus == "optimal" and solution.problemStatus == "feasible":
            return float(problem.value)
    raise RuntimeError("reference SDP not solved")


def strategies(m: int, k: int) -> list[tuple[int, ...]]:
    """The k^m deterministic strategies λ = (λ(0), …, λ(m-1)) of one Alice."""
    return list(itertools.product(range(k), repeat=m))


def lambda_max(H: np.ndarray) -> float:
    return float(np.linalg.eigvalsh((H + H.conj().T) / 2)[-1])


# ------------------------------------------------------------------------------ (a) no-signalling sets

def _ns_copy(problem: pc.Problem, m: int, k: int, d: int, tag: str) -> list[list]:
    """σ[x][a] ⪰ 0 with Σ_a σ_{a|x} = ρ independent of x and tr ρ = 1.

    The no-signalling equalities are solved rather than imposed: ρ and σ_{a|x} for a < k-1 are variables and
    σ_{k-1|x} := ρ - Σ_{a<k-1} σ_{a|x}.  (Hermitian matrix equalities, imposed through picos' real embedding,
    made CVXOPT stall on some instances with ArithmeticError.)  Callers that tie copies together by traces
    equate tr σ_{a|x} for a < k-1 only: with tr ρ = 1 in every copy the last outcome follows, and imposing it
    too would make the equality constraints linearly dependent (a singular KKT system for CVXOPT)."""
    rho = _herm(d, f"{tag}_rho")
    problem.add_constraint(pc.trace(rho).real == 1)
    S = []
    for x in range(m):
        row = [_herm(d, f"{tag}_{x}_{a}") for a in range(k - 1)]
        row.append(rho - pc.sum(row) if row else rho)
        for element in row:
            problem.add_constraint(element >> 0)
        S.append(row)
    return S


def ns_standard(F: np.ndarray) -> float:
    """max Σ tr(F_{a|x} σ_{a|x}) over valid assemblages: σ ⪰ 0, Σ_a σ_{a|x} = ρ_B, tr ρ_B = 1."""
    m, k, d, _ = F.shape
    P = pc.Problem()
    S = _ns_copy(P, m, k, d, "s")
    return _solve(P, pc.sum([_tr(F[x, a], S[x][a]) for x in range(m) for a in range(k)]))


def _ns_bwi_variables(P: pc.Problem, m: int, k: int, n: int, d: int) -> list[list[list]]:
    """σ[x][a][y]: σ ⪰ 0; Σ_a σ_{a|xy} = ρ_y independent of x (each y); tr ρ_y = 1; tr σ_{a|xy} independent
    of y (for a < k-1 imposed, for the last outcome implied)."""
    copies = [_ns_copy(P, m, k, d, f"w{y}") for y in range(n)]
    for y in range(1, n):
        for x in range(m):
            for a in range(k - 1):
                P.add_constraint(pc.trace(copies[y][x][a]).real == pc.trace(copies[0][x][a]).real)
    return [[[copies[y][x][a] for y in range(n)] for a in range(k)] for x in range(m)]


def ns_bwi(F: np.ndarray) -> float:
    """max Σ tr(F_{a|xy} σ_{a|xy}) over no-signalling BWI assemblages (physics.md §2)."""
    m, k, n, d, _ = F.shape
    P = pc.Problem()
    S = _ns_bwi_variables(P, m, k, n, d)
    obj = pc.sum([_tr(F[x, a, y], S[x][a][y]) for x in range(m) for a in range(k) for y in range(n)])
    return _solve(P, obj)


def ns_instrumental(F: np.ndarray) -> float:
    """max Σ tr(F_{a|x} ω_{a|x,y=a}) over no-signalling BWI assemblages ω with Bob's inputs y = 0..k-1;
    the unobserved ω_{a|x,y≠a} are free variables (physics.md §2, general instrumental set)."""
    m, k, d, _ = F.shape
    P = pc.Problem()
    W = _ns_bwi_variables(P, m, k, k, d)
    return _solve(P, pc.sum([_tr(F[x, a], W[x][a][a]) for x in range(m) for a in range(k)]))


def ns_several_bobs(Fs: list[np.ndarray]) -> float:
    """max Σ_j Σ tr(F^(j)_{a|x} σ^(j)_{a|x}): each σ^(j) a valid assemblage and tr σ^(j)_{a|x} the same
    for every j (physics.md §2, §9)."""
    m, k = Fs[0].shape[:2]
    P = pc.Problem()
    Ss = [_ns_copy(P, m, k, F.shape[2], f"b{j}") for j, F in enumerate(Fs)]
    for j in range(1, len(Fs)):
        for x in range(m):
            for a in range(k - 1):
                P.add_constraint(pc.trace(Ss[j][x][a]).real == pc.trace(Ss[0][x][a]).real)
    obj = pc.sum([_tr(F[x, a], Ss[j][x][a]) for j, F in enumerate(Fs) for x in range(m) for a in range(k)])
    return _solve(P, obj)


# ------------------------------------------------------------- quantum relaxation: BWI hierarchy level 1

def _bwi_level1_assemblage(P: pc.Problem, m: int, k: int, n: int, d: int) -> list[list[list]]:
    """Level 1 of the BWI outer hierarchy (physics.md §4.3) for one Alice with projective measurements.

    Words: ∅ and the projectors P_{a|x}, a < k-1 (the last outcome is 1 - Σ_{a<k-1} P_{a|x}).  For each y a
    PSD block matrix Γ^y with Γ^y(∅,∅) = ρ_y, Γ^y(∅,P_w) = Γ^y(P_w,P_w) = σ_{w,y}, Γ^y(P_{a|x},P_{a'|x}) = 0
    (a ≠ a'), Γ^y(P_{a|x},P_{b|x'}) a free block for x ≠ x'; the trace of every block is the same for all y
    (E_y trace preserving) and tr ρ_y = 1.  Returns σ[x][a][y] as picos expressions."""
    words = [(x, a) for x in range(m) for a in range(k - 1)]
    zero = pc.Constant(np.zeros((d, d), dtype=complex))
    copies = []
    for y in range(n):
        rho = _herm(d, f"q{y}_rho")
        sig = {w: _herm(d, f"q{y}_s{w[0]}_{w[1]}") for w in words}
        off = {(u, v): pc.ComplexVariable(f"q{y}_z{u[0]}{u[1]}_{v[0]}{v[1]}", (d, d))
               for i, u in enumerate(words) for v in words[i + 1:] if u[0] != v[0]}

        def block(u, v, sig=sig, off=off):
            if u == v:
                return sig[u]
            if u[0] == v[0]:
                return zero
            return off[(u, v)] if (u, v) in off else off[(v, u)].H

        rows = [[rho] + [sig[w] for w in words]]
        rows += [[sig[u]] + [block(u, v) for v in words] for u in words]
        P.add_constraint(pc.block(rows) >> 0)
        P.add_constraint(pc.trace(rho).real == 1)
        copies.append((rho, sig, off))
    rho0, sig0, off0 = copies[0]
    for _rho, sig, off in copies[1:]:
        for w in words:
            P.add_constraint(pc.trace(sig[w]).real == pc.trace(sig0[w]).real)
        for key in off:
            P.add_constraint(pc.trace(off[key]).real == pc.trace(off0[key]).real)
            P.add_constraint(pc.trace(off[key]).imag == pc.trace(off0[key]).imag)
    out = []
    for x in range(m):
        row = []
        for a in range(k):
            if a < k - 1:
                row.append([copies[y][1][(x, a)] for y in range(n)])
            else:
                row.append([copies[y][0] - pc.sum([copies[y][1][(x, b)] for b in range(k - 1)]) for y in range(n)])
        out.append(row)
    return out


def quantum_bwi_level1(F: np.ndarray) -> float:
    """max Σ tr(F_{a|xy} σ_{a|xy}) over level 1 of the BWI hierarchy (an upper bound on quantum BWI values)."""
    m, k, n, d, _ = F.shape
    P = pc.Problem()
    S = _bwi_level1_assemblage(P, m, k, n, d)
    return _solve(P, pc.sum([_tr(F[x, a, y], S[x][a][y]) for x in range(m) for a in range(k) for y in range(n)]))


def quantum_instrumental_level1(F: np.ndarray) -> float:
    """The same with only the y = a copies observed (physics.md §4.3, instrumental)."""
    m, k, d, _ = F.shape
    P = pc.Problem()
    S = _bwi_level1_assemblage(P, m, k, k, d)
    return _solve(P, pc.sum([_tr(F[x, a], S[x][a][a]) for x in range(m) for a in range(k)]))


def parent_states_several_bobs(Fs: list[np.ndarray]) -> float:
    """Several Bobs, one Alice (physics.md §3.2, Sainz 2026 Thm 6): the quantum set is the set of marginals of
    valid assemblages on H_1 ⊗ … ⊗ H_N, so the quantum maximum of Σ_j F^(j) is the standard no-signalling
    maximum of the joint functional Σ_j I ⊗ F^(j) ⊗ I."""
    dims = [F.shape[2] for F in Fs]
    m, k = Fs[0].shape[:2]
    joint = np.zeros((m, k, int(np.prod(dims)), int(np.prod(dims))), dtype=complex)
    for j, F in enumerate(Fs):
        left, right = np.eye(int(np.prod(dims[:j]))), np.eye(int(np.prod(dims[j + 1:])))
        for x in range(m):
            for a in range(k):
                joint[x, a] += np.kron(np.kron(left, F[x, a]), right)
    return ns_standard(joint)


# ------------------------------------------------------------------------------------ (b) LHS models

def lhs_standard_sdp(F: np.ndarray) -> float:
    """max over σ_{a|x} = Σ_λ D_λ(a|x) σ_λ, σ_λ ⪰ 0, Σ_λ tr σ_λ = 1 (physics.md §3.1)."""
    m, k, d, _ = F.shape
    lams = strategies(m, k)
    P = pc.Problem()
    hidden = [_herm(d, f"h{i}") for i in range(len(lams))]
    for h in hidden:
        P.add_constraint(h >> 0)
    P.add_constraint(pc.sum([pc.trace(h).real for h in hidden]) == 1)
    zero = pc.Constant(np.zeros((d, d), dtype=complex))
    sigma = [[pc.sum([hidden[i] for i, lam in enumerate(lams) if lam[x] == a] or [zero]) for a in range(k)]
             for x in range(m)]
    return _solve(P, pc.sum([_tr(F[x, a], sigma[x][a]) for x in range(m) for a in range(k)]))


def lhs_standard_enum(F: np.ndarray) -> float:
    """The same maximum by enumeration: max_λ λ_max(Σ_x F_{λ(x)|x})."""
    m, k = F.shape[:2]
    return max(lambda_max(sum(F[x, lam[x]] for x in range(m))) for lam in strategies(m, k))


def _lhs_bwi_hidden(P: pc.Problem, n_lams: int, n: int, d: int) -> list[list]:
    """σ_{λ,y} ⪰ 0 with tr σ_{λ,y} = p(λ) for every y, Σ_λ p(λ) = 1."""
    hidden = [[_herm(d, f"h{i}_{y}") for y in range(n)] for i in range(n_lams)]
    for row in hidden:
        for h in row:
            P.add_constraint(h >> 0)
        for y in range(1, n):
            P.add_constraint(pc.trace(row[y]).real == pc.trace(row[0]).real)
    P.add_constraint(pc.sum([pc.trace(row[0]).real for row in hidden]) == 1)
    return hidden


def _lhs_bwi_assemblage(hidden, lams, m: int, k: int, n: int, d: int) -> list[list[list]]:
    """σ_{a|xy} = Σ_λ D(a|x,λ) σ_{λ,y}."""
    zero = pc.Constant(np.zeros((d, d), dtype=complex))
    return [[[pc.sum([hidden[i][y] for i, lam in enumerate(lams) if lam[x] == a] or [zero]) for y in range(n)]
             for a in range(k)] for x in range(m)]


def lhs_bwi_sdp(F: np.ndarray) -> float:
    """max over BWI LHS models σ_{a|xy} = Σ_λ D(a|x,λ) σ_{λ,y}, tr σ_{λ,y} independent of y."""
    m, k, n, d, _ = F.shape
    lams = strategies(m, k)
    P = pc.Problem()
    sigma = _lhs_bwi_assemblage(_lhs_bwi_hidden(P, len(lams), n, d), lams, m, k, n, d)
    obj = pc.sum([_tr(F[x, a, y], sigma[x][a][y]) for x in range(m) for a in range(k) for y in range(n)])
    return _solve(P, obj)


def lhs_bwi_enum(F: np.ndarray) -> float:
    """By hand: β = Σ_λ Σ_y tr(G_{λ,y} σ_{λ,y}) with G_{λ,y} = Σ_x F_{λ(x)|xy}; each σ_{λ,y} is free up to
    its trace p(λ), so the maximum is max_λ Σ_y λ_max(G_{λ,y})."""
    m, k, n = F.shape[:3]
    return max(sum(lambda_max(sum(F[x, lam[x], y] for x in range(m))) for y in range(n))
               for lam in strategies(m, k))


def lhs_instrumental_sdp(F: np.ndarray) -> float:
    """Instrumental LHS = the y = a post-selection of a BWI LHS model: σ_{a|x} = Σ_λ D(a|x,λ) σ_{λ,a}."""
    m, k, d, _ = F.shape
    lams = strategies(m, k)
    P = pc.Problem()
    sigma = _lhs_bwi_assemblage(_lhs_bwi_hidden(P, len(lams), k, d), lams, m, k, k, d)
    return _solve(P, pc.sum([_tr(F[x, a], sigma[x][a][a]) for x in range(m) for a in range(k)]))


def lhs_instrumental_enum(F: np.ndarray) -> float:
    """By hand: β = Σ_λ Σ_y tr(Σ_{x: λ(x)=y} F_{y|x} σ_{λ,y}), so max_λ Σ_y λ_max(Σ_{x: λ(x)=y} F_{y|x}),
    an empty sum counting 0 (that σ_{λ,y} is unobserved)."""
    m, k, d, _ = F.shape
    total = []
    for lam in strategies(m, k):
        total.append(sum(lambda_max(sum((F[x, y] for x in range(m) if lam[x] == y), np.zeros((d, d))))
                         for y in range(k)))
    return max(total)


def lhs_several_bobs_sdp(Fs: list[np.ndarray]) -> float:
    """max over σ^(j)_{a|x} = Σ_λ D_λ(a|x) σ^(j)_λ, σ^(j)_λ ⪰ 0, tr σ^(j)_λ = p(λ) for all j."""
    m, k = Fs[0].shape[:2]
    lams = strategies(m, k)
    P = pc.Problem()
    hidden = [[_herm(F.shape[2], f"h{i}_{j}") for j, F in enumerate(Fs)] for i in range(len(lams))]
    for row in hidden:
        for h in row:
            P.add_constraint(h >> 0)
        for j in range(1, len(Fs)):
            P.add_constraint(pc.trace(row[j]).real == pc.trace(row[0]).real)
    P.add_constraint(pc.sum([pc.trace(row[0]).real for row in hidden]) == 1)
    obj = []
    for j, F in enumerate(Fs):
        for x in range(m):
            for a in range(k):
                terms = [hidden[i][j] for i, lam in enumerate(lams) if lam[x] == a]
                if terms:
                    obj.append(_tr(F[x, a], pc.sum(terms)))
    return _solve(P, pc.sum(obj))


def lhs_several_bobs_enum(Fs: list[np.ndarray]) -> float:
    """By hand: max_λ Σ_j λ_max(Σ_x F^(j)_{λ(x)|x})."""
    m, k = Fs[0].shape[:2]
    return max(sum(lambda_max(sum(F[x, lam[x]] for x in range(m))) for F in Fs) for lam in strategies(m, k))


# ------------------------------------------------------------------------- (c) quantum assemblages

def random_state(rng: np.random.Generator, dim: int, rank: int | None = None) -> np.ndarray:
    """A random density matrix of the given rank (Ginibre)."""
    rank = rank or dim
    g = rng.normal(size=(dim, rank)) + 1j * rng.normal(size=(dim, rank))
    rho = g @ g.conj().T
    return rho / np.trace(rho).real


def random_unitary(rng: np.random.Generator, dim: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def random_projective_measurements(rng: np.random.Generator, m: int, k: int, dim_a: int) -> np.ndarray:
    """M[x, a]: for each x, a random orthonormal basis of C^dim_a grouped into k projectors (dim_a ≥ k)."""
    out = np.zeros((m, k, dim_a, dim_a), dtype=complex)
    for x in range(m):
        u = random_unitary(rng, dim_a)
        for col in range(dim_a):
            v = u[:, col]
            out[x, col % k] += np.outer(v, v.conj())
    return out


def random_channel(rng: np.random.Generator, d_in: int, d_out: int, d_env: int):
    """A random CPTP map ρ ↦ tr_E(V ρ V†) from a random isometry V : C^d_in → C^d_out ⊗ C^d_env."""
    V = random_unitary(rng, d_out * d_env)[:, :d_in]

    def channel(rho: np.ndarray) -> np.ndarray:
        out = (V @ rho @ V.conj().T).reshape(d_out, d_env, d_out, d_env)
        return np.einsum("iaja->ij", out)

    return channel


def steer(rho: np.ndarray, M: np.ndarray, dim_a: int, dim_b: int) -> np.ndarray:
    """σ[x, a] = tr_A[(M_{a|x} ⊗ I) ρ] for a state ρ on A ⊗ B."""
    m, k = M.shape[:2]
    out = np.zeros((m, k, dim_b, dim_b), dtype=complex)
    for x in range(m):
        for a in range(k):
            t = (np.kron(M[x, a], np.eye(dim_b)) @ rho).reshape(dim_a, dim_b, dim_a, dim_b)
            out[x, a] = np.einsum("iaib->ab", t)
    return out


def quantum_standard(rng: np.random.Generator, m: int, k: int, d: int, dim_a: int | None = None) -> np.ndarray:
    dim_a = dim_a or k
    rho = random_state(rng, dim_a * d, rank=rng.integers(1, dim_a * d + 1))
    return steer(rho, random_projective_measurements(rng, m, k, dim_a), dim_a, d)


def quantum_bwi(rng: np.random.Generator, m: int, k: int, n: int, d: int, d_env: int = 2) -> np.ndarray:
    """σ[x, a, y] = E_y(tr_A[(M_{a|x} ⊗ I) ρ]) with random CPTP E_y : C^d → C^d (physics.md §3.2)."""
    sigma = quantum_standard(rng, m, k, d)
    channels = [random_channel(rng, d, d, d_env) for _ in range(n)]
    return np.array([[[channels[y](sigma[x, a]) for y in range(n)] for a in range(k)] for x in range(m)])


def quantum_instrumental(rng: np.random.Generator, m: int, k: int, d: int, d_env: int = 2) -> np.ndarray:
    """σ[x, a] = E_a(tr_A[(M_{a|x} ⊗ I) ρ]) (the y = a post-selection of a quantum BWI assemblage)."""
    omega = quantum_bwi(rng, m, k, k, d, d_env)
    return np.array([[omega[x, a, a] for a in range(k)] for x in range(m)])


def quantum_several_bobs(rng: np.random.Generator, m: int, k: int, dims: list[int]) -> list[np.ndarray]:
    """σ^(j)[x, a]: Bob j's marginal of tr_A[(M_{a|x} ⊗ I) ρ] for a random state ρ on A ⊗ B_1 ⊗ … ⊗ B_N."""
    dim_b = int(np.prod(dims))
    rho = random_state(rng, k * dim_b, rank=rng.integers(1, k * dim_b + 1))
    joint = steer(rho, random_projective_measurements(rng, m, k, k), k, dim_b)
    out = []
    for j in range(len(dims)):
        marg = np.zeros((m, k, dims[j], dims[j]), dtype=complex)
        for x in range(m):
            for a in range(k):
                marg[x, a] = partial_trace_keep(joint[x, a], dims, j)
        out.append(marg)
    return out


def partial_trace_keep(op: np.ndarray, dims: list[int], keep: int) -> np.ndarray:
    """The reduced operator of factor ``keep`` of an operator on ⊗_j C^dims[j]."""
    n = len(dims)
    t = op.reshape(dims + dims)
    letters = "abcdefghijklmnop"
    row = [letters[i] for i in range(n)]
    col = [letters[i] if i != keep else letters[n + i] for i in range(n)]
    return np.einsum("".join(row) + "".join(col) + "->" + row[keep] + col[keep], t)


# ------------------------------------------------------------------------------------------ values

def value(F: np.ndarray, sigma: np.ndarray) -> float:
    """Σ tr(F σ) over all indices of equally shaped arrays (standard, BWI, instrumental)."""
    return float(np.einsum("...ij,...ji->...", F, sigma).sum().real)


def value_several_bobs(Fs: list[np.ndarray], sigmas: list[np.ndarray]) -> float:
    return sum(value(F, s) for F, s in zip(Fs, sigmas, strict=True))


def is_ns_bwi(sigma: np.ndarray, tol: float = 1e-9) -> bool:
    """The exact BWI conditions of physics.md §2, to a tolerance."""
    m, k, n = sigma.shape[:3]
    psd = all(np.linalg.eigvalsh(sigma[x, a, y])[0] >= -tol
              for x in range(m) for a in range(k) for y in range(n))
    marg = sigma.sum(axis=1)                     # [x, y]
    no_a_to_b = np.allclose(marg, marg[:1], atol=tol)
    traces = np.einsum("xayii->xay", sigma).real
    no_b_to_a = np.allclose(traces, traces[:, :, :1], atol=tol)
    normalised = np.allclose(np.einsum("xayii->xy", sigma).real, 1, atol=tol)
    return bool(psd and no_a_to_b and no_b_to_a and normalised)


def is_ns_several_bobs(sigmas: list[np.ndarray], tol: float = 1e-9) -> bool:
    ok = True
    for s in sigmas:
        m, k = s.shape[:2]
        ok &= all(np.linalg.eigvalsh(s[x, a])[0] >= -tol for x in range(m) for a in range(k))
        marg = s.sum(axis=1)
        ok &= np.allclose(marg, marg[:1], atol=tol) and abs(np.trace(marg[0]).real - 1) <= tol
        ok &= np.allclose(np.einsum("xaii->xa", s).real, np.einsum("xaii->xa", sigmas[0]).real, atol=tol)
    return bool(ok)


# ------------------------------------------------------------- (c') optimised quantum BWI assemblages

def choi_apply(J: np.ndarray, X: np.ndarray, d_in: int, d_out: int) -> np.ndarray:
    """E(X) = tr_in[(Xᵀ ⊗ I) J] for the Choi matrix J = Σ |i⟩⟨j| ⊗ E(|i⟩⟨j|)."""
    t = (np.kron(X.T, np.eye(d_out)) @ J).reshape(d_in, d_out, d_in, d_out)
    return np.einsum("iaib->ab", t)


def choi_adjoint(J: np.ndarray, F: np.ndarray, d_in: int, d_out: int) -> np.ndarray:
    """E†(F) = (tr_out[J (I ⊗ F)])ᵀ, so that tr(F E(X)) = tr(E†(F) X)."""
    t = (J @ np.kron(np.eye(d_in), F)).reshape(d_in, d_out, d_in, d_out)
    return np.einsum("iaja->ij", t).T


def random_choi(rng: np.random.Generator, d: int, d_env: int = 2) -> np.ndarray:
    channel = random_channel(rng, d, d, d_env)
    J = np.zeros((d * d, d * d), dtype=complex)
    for i in range(d):
        for j in range(d):
            E = np.zeros((d, d), dtype=complex)
            E[i, j] = 1
            J += np.kron(E, channel(E))
    return J


def _best_channel(G: np.ndarray, d: int) -> np.ndarray:
    """argmax tr(J G) over Choi matrices of CPTP maps (J ⪰ 0, tr_out J = I)."""
    P = pc.Problem()
    J = pc.HermitianVariable("J", d * d)
    P.add_constraint(J >> 0)
    T = pc.partial_trace(J, subsystems=1, dimensions=(d, d))
    for i in range(d):                   # tr_out J = I as independent real equalities (upper triangle)
        P.add_constraint(T[i, i].real == 1)
        for j in range(i + 1, d):
            P.add_constraint(T[i, j].real == 0)
            P.add_constraint(T[i, j].imag == 0)
    _solve(P, (pc.Constant(G) | J).real)
    J = np.array(J.value, dtype=complex)
    return (J + J.conj().T) / 2


def seesaw_bwi(F: np.ndarray, rng: np.random.Generator, instrumental: bool = False, dim_a: int = 2,
               restarts: int = 2, iterations: int = 25) -> tuple[float, np.ndarray]:
    """A lower bound on the quantum maximum of a BWI functional (F[x, a, y]; instrumental: F[x, a], y = a):
    alternate over the pure state on A ⊗ B, Alice's two-outcome projective measurements and Bob's channels
    E_y : C^d → C^d (Choi matrices).  Returns (value, the BWI assemblage σ[x, a, y] that attains it)."""
    if instrumental:
        m, k, d, _ = F.shape
        n = k
        Fb = np.zeros((m, k, n, d, d), dtype=complex)
        for x in range(m):
            for a in range(k):
                Fb[x, a, a] = F[x, a]
    else:
        Fb = F
        m, k, n, d, _ = F.shape
    assert k == 2, "two outcomes (projectors onto positive parts)"
    best = (-np.inf, None)
    for _ in range(restarts):
        M = random_projective_measurements(rng, m, k, dim_a)
        chans = [random_choi(rng, d) for _ in range(n)]
        psi = None
        for _ in range(iterations):
            # state: value = <ψ| Σ M_{a|x} ⊗ E_y†(F_{a|xy}) |ψ>
            W = sum(np.kron(M[x, a], choi_adjoint(chans[y], Fb[x, a, y], d, d))
                    for x in range(m) for a in range(k) for y in range(n))
            vals, vecs = np.linalg.eigh((W + W.conj().T) / 2)
            psi = vecs[:, -1]
            rho = np.outer(psi, psi.conj())
            # measurements: G_{a|x} = tr_B[(I ⊗ Σ_y E_y†(F_{a|xy})) ρ]; M_{0|x} = projector on (G_0 - G_1) > 0
            for x in range(m):
                G = []
                for a in range(k):
                    H = sum(choi_adjoint(chans[y], Fb[x, a, y], d, d) for y in range(n))
                    t = (np.kron(np.eye(dim_a), H) @ rho).reshape(dim_a, d, dim_a, d)
                    G.append(np.einsum("iaja->ij", t))
                w, v = np.linalg.eigh((G[0] - G[1] + (G[0] - G[1]).conj().T) / 2)
                pos = v[:, w > 0]
                M[x, 0] = pos @ pos.conj().T
                M[x, 1] = np.eye(dim_a) - M[x, 0]
            # channels: value_y = tr(J_y Σ_{x,a} σ_{a|x}ᵀ ⊗ F_{a|xy})
            sigma = steer(rho, M, dim_a, d)
            for y in range(n):
                G = sum(np.kron(sigma[x, a].T, Fb[x, a, y]) for x in range(m) for a in range(k))
                chans[y] = _best_channel((G + G.conj().T) / 2, d)
        sigma = steer(np.outer(psi, psi.conj()), M, dim_a, d)
        omega = np.array([[[choi_apply(chans[y], sigma[x, a], d, d) for y in range(n)] for a in range(k)]
                          for x in range(m)])
        v = value(Fb, omega)
        if v > best[0]:
            best = (v, omega)
    return best
