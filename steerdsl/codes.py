"""Every diagnostic code, with the explanation ``steer explain CODE`` prints."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    # code: (title, explanation)
    "E001": ("unexpected character",
             "The file contains a character the language does not use here, such as '$' or a stray quote.\n"
             "Example:  let y = 3 $ 4\nFix: remove it. Transposes are T(M), daggers M† or dag(M)."),
    "E002": ("unexpected token",
             "The parser met a word or symbol where the grammar does not allow it; the message lists what "
             "could come instead.\nExample:  scenario { alice A inputs 2 }   (a ':' is missing after A)"),
    "E003": ("unexpected end of file",
             "The file ends in the middle of a statement: an expression, bracket or brace is unfinished.\n"
             "Example:  let x = (1 + 2"),
    "E101": ("unknown name",
             "A name is used that is not defined above, nor a built-in. Names must be defined before use; "
             "the hint suggests the nearest defined name.\nExample:  assemblage s[a|x] = sigm[a|x]"),
    "E102": ("wrong number of arguments",
             "A function, map or built-in is called with too many or too few arguments.\n"
             "Example:  proj(ket(0), ket(1))"),
    "E103": ("wrong kind of value",
             "An operation does not make sense on these values: adding a number to a matrix, indexing a "
             "number, a condition that is not true/false.\nExample:  let m = X + 1   (write X + I)"),
    "E104": ("dimension mismatch",
             "Two matrices of incompatible sizes meet, or a value does not have the dimension its role needs "
             "(Bob's dimension, a map's input). The message names both dimensions.\n"
             "Example:  assemblage s[a|x] = I(4)/8   with a qubit Bob"),
    "E105": ("index out of range",
             "A label is outside the declared range: an outcome ≥ k, an input ≥ m, a ket label that is not "
             "a qubit label.\nExample:  sigma[2|0] with 2 outputs"),
    "E106": ("index is not an integer",
             "Indices, labels, xor and mod take integers.\nExample:  sigma[1/2|0]"),
    "E107": ("division by zero or singular matrix",
             "A division by an exact zero, or inv(·) of a singular matrix."),
    "E108": ("not exactly representable",
             "The value is not an exact number the tool can represent (for example the square root of an "
             "irrational number, or cos of a non-rational multiple of π). Use float(·) to compute it "
             "numerically; checks then use a tolerance."),
    "E110": ("name defined twice",
             "A name is defined twice, or a definition reuses a party's name."),
    "E120": ("invalid scenario",
             "The scenario block is incomplete or inconsistent: a party without inputs, outputs or "
             "dimension, a second scenario block, or a definition that needs a scenario before it is "
             "declared."),
    "E121": ("wrong index header",
             "The indices written in a header or subscript do not match the scenario: e.g. sigma[a|x] in a "
             "scenario with two Alices needs sigma[a1 a2|x1 x2], and a Bob with input adds y."),
    "E122": ("missing definition",
             "A case block or a table does not cover every index combination. Add the missing case or an "
             "'otherwise' entry."),
    "E123": ("unknown or misused party",
             "A party name is not declared in the scenario, or is used in the wrong role (a state without a "
             "system for a party, a party measured twice)."),
    "E124": ("duplicate table entry",
             "A table lists the same element twice."),
    "E130": ("import failed",
             "An imported file cannot be found, imports itself (a cycle), does not define the requested "
             "name, or defines it over a different scenario. Paths are relative to the importing file."),
    "E131": ("cannot read file",
             "The model file (or an imported one) does not exist, is not a regular file, or cannot be read as "
             "UTF-8 text. Only regular files are read: a directory, a FIFO, a device such as /dev/zero, a file "
             "of /proc, /sys or /dev, or a loop of symbolic links is refused before anything is read, and the "
             "message never quotes the file's content.\nExample:  steer check /dev/zero"),
    "E132": ("input too large",
             "A model file, or standard input, is larger than the budget input_bytes (1 MiB by default; at "
             "most that many bytes plus one are read), or has more tokens than the budget tokens (10,000), "
             "counted before it is parsed: the parser takes up to 0.2 ms a token.\n"
             "Fix: split the model into files that import each other, write long sums as sum(… for k in "
             "0..n), or raise the budget: steer check --budget input_bytes=N (Python: load(path, "
             "budgets={'input_bytes': N}))."),
    "E133": ("import outside the model's folder",
             "An import names a file outside the folder of the importing model (an absolute path such as "
             "\"/etc/x.steer\", or one reached through \"..\"). Imports stay inside the top model's folder "
             "and its subfolders, so that a model cannot make the tool read arbitrary files.\n"
             "Fix: move the file into the model's folder, or allow a wider folder with steer check "
             "--import-root DIR (Python: load(path, import_root=DIR))."),
    "E134": ("out of memory",
             "The process ran out of memory while evaluating the model: the budgets (docs/reliability.md) keep "
             "a model within about 1 GiB, so this happens when the process has less (ulimit -v, a container) "
             "or budgets were raised. The location is the expression being evaluated, when known.\n"
             "Fix: a smaller model, lower budgets, or more memory for the process."),
    "E140": ("unknown property or task",
             "A check asks for a property that this kind of object does not have (e.g. 'trace_preserving' "
             "of an assemblage), or a solve asks for an unknown task."),
    "E150": ("map is not linear",
             "A map given by a formula must be linear in its argument. The formula is compared with its "
             "Choi-matrix extension on a generic Hermitian input."),
    "E151": ("invalid map parameters",
             "A library map was asked for with parameters it cannot take: e.g. breuer_hall(U) needs an exact "
             "antisymmetric unitary U (Uᵀ = −U, UU† = I; such U exist only in even dimension, e.g. X ⊗ Y), "
             "and dimensions are positive integers."),
    "E160": ("cannot sweep this parameter",
             "A sweep (or an override from Python) sets a name that is not a number defined by "
             "'let NAME = …': an assemblage, a function, a name swept twice, or a name the model never "
             "defines. A parameter that no let defines is declared by the sweep itself, at its position, "
             "so the definitions that use it must come after the sweep.\n"
             "Example:  sweep sigma in 0..1 points 5 { … }   (sigma is an assemblage)"),
    "E161": ("bad sweep values",
             "Sweep values must be real numbers (exact or numeric), and 'points n' needs n ≥ 2 for an "
             "interval.\nExample:  sweep v in 0..1 points 1 { … }   or   sweep v in {i, 1} { … }"),
    "E162": ("no sweep questions",
             "A sweep needs questions — solve, bound, value, check or expect lines between its braces — "
             "and 'steer sweep' needs a file with a sweep statement (or parameters given from Python)."),
    "E163": ("unreadable saved results",
             "The --out file of a sweep holds one JSON object per line, each with the key of its task. "
             "This file is not such a file (a torn last line from an interruption is fine and is dropped)."),
    "E164": ("Dask scheduler unavailable",
             "--scheduler ADDRESS runs the sweep on a Dask cluster: it needs the 'distributed' package "
             "(pip install 'steerdsl[dask]') and a reachable scheduler (dask scheduler; dask worker ADDRESS)."),
    "E170": ("not a qubit assemblage",
             "The Bloch sphere shows states of a qubit: every Bob of the drawn assemblage must have "
             "dimension 2. Other assemblages can be drawn as a bar chart of p(a|x).\n"
             "Example:  steer plot models/e05_breuer_map.steer sigma --out s.png   (Bob has dimension 4)\n"
             "Fix:  steer plot models/e05_breuer_map.steer sigma --kind probabilities --out p.png"),
    "E171": ("unknown image format",
             "Pictures are written as PNG or SVG, chosen by the file's extension.\n"
             "Example:  steer plot models/e02_bwi_transpose.steer --out e2.jpg   (write e2.png or e2.svg)"),
    "E172": ("matplotlib is not installed",
             "Drawing needs matplotlib, an optional dependency: pip install 'steerdsl[plot]' (or pip install "
             "matplotlib). Everything else works without it."),
    "E173": ("nothing to plot",
             "steer plot needs an assemblage (the name given, or the model's first one), or with --results a "
             "model whose solve or bound lines have values.\n"
             "Example:  steer plot models/e02_bwi_transpose.steer sigmaQ2 --out s.png   (no such assemblage)"),
    "E180": ("nested too deeply",
             "An expression nests more than 300 levels deep (brackets and calls inside each other, or a very "
             "long chain of operators such as 1 + 1 + … + 1). Reading it would exhaust the interpreter's "
             "stack, so it is refused.\nFix: split it into several let definitions, or write a long sum "
             "as sum(… for k in 0..n)."),
    "E181": ("too large for the exact engine",
             "A scenario or an exact value would be too large to build: more inputs, outputs or dimensions "
             "for one party than the budget party_labels (4096), or more exact entries in one value (a matrix, "
             "a ket, a tensor product) or one assemblage (elements × Bob's dimension²) than the budget "
             "exact_entries (2^17 = 131,072), or a number literal longer than 1000 digits. The message names "
             "the size and the budget.\n"
             "Example:  let big = kron(X, X, X, X, X, X, X, X, X, X, X)   (a 2048×2048 matrix)\n"
             "Fix: a smaller object, or raise the budget: steer check --budget exact_entries=N."),
    "E182": ("SDP too large",
             "The SDP of this line is estimated, before it is built, above a limit: 50000 real variables, or "
             "2 GiB of memory (128 MiB + 16 bytes per pair of variables: cvxopt's dense matrices, calibrated "
             "in steerdsl/sdp/size.py). The message gives the estimate: variables, PSD blocks and their side, "
             "and the memory. Deterministic strategies grow as Π k^m and moment-matrix words exponentially "
             "in the level.\nFix: a lower level, fewer inputs/outputs, or higher limits on a machine that has "
             "the memory: steer run --max-sdp-size N --max-sdp-memory GIB (Python: run_model(model, "
             "max_sdp_size=N, max_sdp_memory=GIB))."),
    "E200": ("check failed", "A check answered 'fail'."),
    "E250": ("number too large",
             "An exact number would have more bits (in a numerator or denominator) than the budget integer_bits "
             "(100,000 bits, about 30,000 digits). The size is estimated before a product or a power is "
             "computed: bits(a) + bits(b) for a·b, bits(a)·n for a^n, so (10^4096)^4096 is refused at once.\n"
             "Example:  let a = (10^4096)^4096\n"
             "Fix: use float(·) for a numeric value, or raise the budget: --budget integer_bits=N."),
    "E252": ("sum with too many terms",
             "A sum(…), prod(…) or kron(…) comprehension would have more terms than the budget sum_terms "
             "(50,000). The count is the product of its range sizes, computed before the first term.\n"
             "Example:  let s = sum(a for a, b, c in 0..1000)   (10^9 terms)\n"
             "Fix: a closed form, smaller ranges, or --budget sum_terms=N."),
    "E253": ("model with too many terms",
             "The comprehensions of one model, together, evaluated more terms than the budget model_terms "
             "(60,000), e.g. nested sums whose inner ranges are each below sum_terms.\n"
             "Fix: fewer or smaller sums, or --budget model_terms=N."),
    "E254": ("calls nested too deeply",
             "Let-defined functions call each other more than the budget call_depth (100) deep, e.g. a "
             "recursion whose stopping condition is too far away or never reached.\n"
             "Example:  let f(n) = f(n - 1) + 1 if n > 0 else 0   then f(100000)\n"
             "Fix: a closed form or a sum(…), or --budget call_depth=N."),
    "E255": ("too many function calls",
             "The model made more calls of let-defined functions than the budget calls (10,000). A function "
             "calling itself twice, such as fib(n) = fib(n − 1) + fib(n − 2), makes exponentially many calls.\n"
             "Fix: an iterative form (a sum or a table), or --budget calls=N."),
    "E256": ("recursion without end",
             "A let function always calls itself again, directly (let f(n) = f(n)) or through other functions "
             "(f calls g, g calls f), with no if … else, and/or or comprehension on the way that could stop "
             "it. This is found when the function is defined, before anything is evaluated.\n"
             "Fix: make the recursive call depend on a condition, e.g. f(n - 1) if n > 0 else 1."),
    "E257": ("too much exact work",
             "Exact arithmetic would take more operations than the budget exact_operations (500,000, about "
             "a microsecond each), in one operation or over the whole model: an n×m times m×p product costs "
             "n·m·p, a power of an n×n matrix about 2·log2(k)·n³, a sum, a scaling, building a matrix or "
             "passing it to a built-in one per entry (n per entry for inv and sqrtm), and each element of an "
             "assemblage, functional or behaviour max(64, d²) for Bob's dimension d. Entries of a large "
             "cyclotomic field Q(ζ_n) weigh φ(n)/2 each (an addition in degree 2052 took up to 1.5 ms), and "
             "so do scalar operations on them. The cost of a product or power is checked before it is "
             "computed.\n"
             "Example:  a product of two dense 1000×1000 exact matrices (10^9 operations)\n"
             "Fix: smaller matrices, float(·) for numeric work, or --budget exact_operations=N."),
    "E258": ("too much evaluation",
             "Evaluating the model visits more syntax nodes than the budget steps (120,000; each takes a few "
             "microseconds): sums, function calls and definitions together, when no narrower budget (terms, "
             "calls, exact operations) has stopped it first.\n"
             "Example:  assemblage s[a|x] = sum(I/4 for k in 0..99999) / 100000   (in each of its elements)\n"
             "Fix: fewer or smaller sums, or --budget steps=N."),
    "E259": ("too many statements",
             "The model file has more statements than the budget statements (1,000), counted before it is "
             "parsed.\nFix: split the model into files, use sums or tables instead of many let lines, or "
             "--budget statements=N."),
    "E260": ("imports nested too deeply",
             "Files import each other in a chain longer than the budget import_depth (16). (A file importing "
             "itself, directly or through others, is an import cycle: E130.)\n"
             "Fix: import the needed files from the top model directly, or --budget import_depth=N."),
    "E201": ("signalling assemblage",
             "An Alice's input changes Bob's reduced state: Σ_a σ[a|x] depends on x. The message names the "
             "party, the two inputs and the first differing entry, exactly.\n"
             "Example: σ[0|0] = I/2, σ[1|0] = 0, σ[0|1] = |0⟩⟨0|, σ[1|1] = |1⟩⟨1|/2"),
    "E202": ("not positive semidefinite",
             "An assemblage element, POVM element or state has a negative direction: an exact vector v with "
             "v†Mv < 0 is shown."),
    "E203": ("not normalised",
             "Probabilities do not sum to 1 (Σ_a tr σ[a|x] ≠ 1), a state's trace is not 1, or POVM elements "
             "do not sum to the identity."),
    "E204": ("map not trace preserving",
             "The Choi matrix J of the map does not satisfy tr_out J = I."),
    "E205": ("map not completely positive",
             "The Choi matrix of the map has a negative eigenvalue (shown exactly when it is rational or a "
             "simple surd)."),
    "E206": ("not Hermitian", "A matrix that must be Hermitian differs from its conjugate transpose."),
    "E207": ("Bobs disagree",
             "In a several-Bobs assemblage every Bob's element must have the same trace p(a|x)."),
    "E208": ("Bob signals to Alice",
             "In a Bob-with-input assemblage tr σ[a|x y] must not depend on Bob's input y."),
    "E209": ("map not positive",
             "A product vector x⊗y with ⟨x⊗y|J|x⊗y⟩ < 0 was found, so the map sends some state to a "
             "non-positive matrix."),
    "E214": ("map not co-completely positive",
             "The partial transpose J^Γ of the map's Choi matrix is not positive semidefinite, so the map is "
             "not a transpose composed with a completely positive map."),
    "E215": ("map not decomposable",
             "The map is not a sum Λ1 + T∘Λ2 of a CP map and a transpose of a CP map: the SDP J = P + Q^Γ, "
             "P, Q ⪰ 0 is infeasible. The certificate is a PPT operator W (W ⪰ 0, W^Γ ⪰ 0) with tr(WJ) < 0, "
             "verified exactly when its rounding succeeds (otherwise the answer says 'numeric')."),
    "E216": ("not an entanglement witness",
             "A witness must be Hermitian, not positive semidefinite (else it is a state), and non-negative on "
             "every product vector. The message shows which fails; positivity on product vectors is only "
             "estimated numerically, so a passing witness is reported as undecided."),
    "E210": ("negated claim is false",
             "The model claims an object does NOT have a property ('check M : not completely_positive'), but "
             "it has it."),
    "E211": ("assertion failed",
             "An 'assert' line is false for the binding shown; both sides of a comparison are printed "
             "exactly."),
    "E212": ("value differs from its expectation",
             "A 'value F on sigma expect …' line computed a value that does not match the expectation."),
    "E213": ("no GHJW realisation",
             "The GHJW construction applies to valid assemblages of the standard bipartite scenario; this one "
             "is of another kind, or is not valid."),
    "E220": ("unreadable certificate",
             "'steer verify' was given a file that is not a steerdsl certificate (not a regular file, not JSON, "
             "a JSON value other than an object, a field missing, unknown, of the wrong type or malformed). "
             "Certificates are written by 'steer run --certificates DIR' for lines with "
             "the 'certify' option."),
    "E221": ("certificate does not verify",
             "An exact re-check of a certificate failed: Z is not positive semidefinite, an equality of the "
             "moment classes does not hold exactly, or the witness value does not exceed the bound. The notes "
             "list every failed condition. The claim, the rows and the subject's sha256 written in the file "
             "must also equal the ones recomputed from its content. A file edited by hand fails this way; "
             "what a verified certificate proves is the claim 'steer verify' prints, about the subject it "
             "prints (check it is your object with --model FILE, E231)."),
    "E230": ("certificate beyond the verifier's limits",
             "'steer verify' reads a certificate within limits, so that a hostile file cannot exhaust memory or "
             "time: a regular file of at most 16 MiB, brackets nested at most 12 deep, at most 10^6 JSON "
             "values, exact numbers of at most 60 digits (numerator and denominator each; JSON floats such as "
             "1e1000000 are refused), cyclotomic coordinates in Q(ζ_n) with n ≤ 120, and a dual matrix Z of "
             "side at most 128 (level words × Bob's dimension, counted before anything is built), and an exact "
             "check of at most 60 s (steer verify --time-limit SECONDS). The message names the limit. "
             "Certificates written by 'steer run --certificates' are far below them."),
    "E231": ("certificate not about the model's object",
             "'steer verify CERT --model FILE' checks that the certificate is about FILE's functional or "
             "assemblage of the same name: the sha256 of the object's exact Collins–Gisin content (scenario, "
             "blocks, constant) must equal that of the certificate's subject. A certificate made for another "
             "model, or rebuilt for another functional (e.g. one halved, with its bound halved: a true statement, "
             "but about another functional), verifies on its own and fails this check."),
    "E232": ("bad sweep parameters",
             "The values given with 'steer sweep --param NAME=VALUES' (or sweep(params=…) in Python) cannot be "
             "read as a sweep range: VALUES must be an interval 'a..b points n' or a set '{x, y, …}' of real "
             "numbers. The message quotes the parameters and the position of the problem in them, not a line "
             "of the model.\nExample:  --param 'v=1/sqrt(2)'   (write --param 'v={1/sqrt(2)}')"),
    "E233": ("results file in use",
             "Another sweep (or search) holds the --out file: one process writes a results file at a time, "
             "so that two sweeps on one file do not both compute every task. Wait for the other to finish "
             "and run the same command again (it reuses the saved results), or give another --out file."),
    "E300": ("solver failed",
             "Every strategy for this SDP failed (cvxopt's KKT solvers qr, ldl and chol in turn, or the "
             "chosen solver). The notes list each attempt. Try another solver with 'solver NAME' on the line "
             "or steer run --solver NAME."),
    "E301": ("cannot set up the problem",
             "The SDP could not be built for this object, e.g. an assemblage that is not valid enough to be "
             "tested, or a noise model that does not fit the scenario."),
    "E302": ("set not declared for this scenario kind",
             "The question needs the no-signalling relations of the scenario kind, and they are not declared "
             "for it: several Bobs with inputs, and an Alice measured in rounds together with Bob inputs or "
             "several Bobs, have no no-signalling set yet, so 'bound … over nosignalling' there is refused "
             "rather than answered over a wrong set.\nFix: bound over lhs, or write the scenario without "
             "rounds or Bob inputs."),
    "E303": ("functional is not local on the Bobs",
             "With several Bobs the assemblage holds only each Bob's own states σ^(k) (physics.md §1), so a "
             "functional F[a|x] written on the joint space H_1 ⊗ … ⊗ H_N has a value only when it is a sum "
             "of single-Bob terms, Σ_k I ⊗ F^(k) ⊗ I (physics.md §9); then β(σ) = Σ_k Σ tr(F^(k) σ^(k)). "
             "This functional has a part acting on two Bobs at once (e.g. kron(Z, Z)).\n"
             "Fix: write it per Bob with 'on B1 : …' cases, or as a sum of kron(F1, I) + kron(I, F2)."),
    "E310": ("time limit reached",
             "The SDP solves of this line took longer than the time limit set with steer run --time-limit "
             "SECONDS (Python: run_model(model, time_limit_seconds=…)), and were stopped. The notes list "
             "the strategies tried.\nFix: a longer limit, a lower level or a smaller scenario."),
    "E350": ("no inner side for this scenario kind",
             "See-saw bounds ('bound max F over seesaw') and realisation search ('solve sigma : realisation') "
             "build explicit quantum realisations: a state, Alices' POVMs and Bob's channels. They are "
             "implemented for the standard, multipartite, Bell, Bob-with-input, instrumental and several-Bobs "
             "scenarios. In the sequential scenario a realisation is built by construction (GHJW and a Lüders "
             "instrument: 'solve sigma : realisation' without dims), but see-saw bounds and searches in given "
             "dimensions are not implemented yet.\nFix: drop 'dims', ask an outer relaxation instead, or model "
             "the scenario as one of the supported kinds."),
    "E351": ("dimensions of a realisation do not fit the scenario",
             "'dims' lists one Hilbert-space dimension per Alice (per measurement round), then optionally the "
             "dimension of Bob's system before his channels (Bob with input and instrumental scenarios only; "
             "by default Bob's own dimension).\nExample:  solve sigma : realisation dims 2 3   (Alice a qubit, "
             "Bob's internal system a qutrit)"),
    "E352": ("realisation search too large",
             "The least-squares realisation search has one real parameter per entry of the state, the POVM "
             "elements and Bob's channels; with the dimensions asked for there are more than it takes on "
             "(the message gives both numbers), and the run is refused before it starts.\nFix: smaller 'dims' "
             "(one Alice never needs more than Bob's dimension), or an outer relaxation instead."),
    "E370": ("option not taken",
             "The line gives an option that this question over this set does not take, e.g. 'solve sigma : "
             "lhs level 2' (the LHS set has no levels) or 'almost_quantum level 3' (almost_quantum is level "
             "1+AB). The hint lists the options it takes; docs/sets.md lists them for every set and question.\n"
             "Fix: drop the option, or ask over a set that takes it (npa level 3)."),
    "E371": ("set or question not defined for this scenario kind",
             "The set, or this question over it, does not apply to the scenario kind of the object: e.g. "
             "'solve sigma : bwi' on an assemblage without Bob's input, 'solve sigma : seesaw' (see-saw "
             "answers bounds only), or any moment relaxation of the sequential scenario. The hint names the "
             "kinds where it applies; docs/sets.md has the whole table.\n"
             "Fix: ask over a set the kind has (quantum is the default relaxation of each kind), or lhs."),
    "W301": ("undecided",
             "A check could not be decided: a numeric value within the tolerance of the boundary, or a "
             "property for which no exact test applies. Never read as pass or fail."),
    "E900": ("internal error",
             "Something went wrong inside steerdsl. Please report it with the model that caused it."),
}


def explain(code: str) -> str | None:
    """The explanation of a diagnostic code, or None if the code is unknown."""
    entry = CODES.get(code.upper())
    if entry is None:
        return None
    title, text = entry
    return f"{code.upper()}: {title}\n\n{text}\n"
