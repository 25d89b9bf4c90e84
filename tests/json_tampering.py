"""Tampering with certificate files field by field (physics.md §7): every path into the JSON value is changed,
dropped or given another type, and the edited file must fail verification with a coded reason — the only edit
allowed to pass is dropping a zero block of F, which says the same thing.  Shared by the tamper tests of the
moment-matrix and the BWI / instrumental hierarchy certificates."""

from __future__ import annotations

import copy
from fractions import Fraction

from steerdsl.exact.certificate_files import verify_certificate


def json_paths(node, prefix=()):
    """Every path into a JSON value (containers and leaves)."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from json_paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from json_paths(v, (*prefix, i))


def _get(node, path):
    for k in path:
        node = node[k]
    return node


def _changed(value):
    """The same kind of value, with another content."""
    if isinstance(value, str):
        try:
            return str(Fraction(value) + Fraction(1, 7))
        except ValueError:
            return value + "x"
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int):
        return value + 1
    if isinstance(value, list):
        return value + value[:1] if value else [0]
    return {**value, "extra": "0"}


def _other_type(value):
    if isinstance(value, str):
        try:
            return float(Fraction(value))
        except ValueError:
            return [value]
    if isinstance(value, int):
        return str(value)
    return "0" if isinstance(value, (list, dict)) else None


def _mutations(data: dict, where):
    for path in where:
        if not path:
            continue
        value = _get(data, path)
        for how in ("change", "drop", "type"):
            new = copy.deepcopy(data)
            parent = _get(new, path[:-1])
            if how == "drop":
                del parent[path[-1]]
            else:
                parent[path[-1]] = _changed(value) if how == "change" else _other_type(value)
            yield f"{how} {'/'.join(map(str, path))}", new


def _same_statement(check, original) -> bool:
    return (check.claim, check.digest, check.kind, check.label) == \
        (original.claim, original.digest, original.kind, original.label)


def assert_every_edit_fails(data: dict, where) -> int:
    """Every edit of ``data`` at the paths ``where`` fails to verify (with E220, E221 or E230) or, dropping a zero
    block of F, states the same claim about the same subject; the number of edits tried."""
    original = verify_certificate(copy.deepcopy(data))
    assert original.verified, original.reasons
    passed, count = [], 0
    for what, new in _mutations(data, where):
        count += 1
        check = verify_certificate(new)
        if check.verified:
            passed.append(what)
            # the only edit that may pass says the same thing: dropping a zero block of F
            assert _same_statement(check, original), what
            continue
        assert check.reasons and check.code in ("E220", "E221", "E230"), what
    assert all(p.startswith("drop functional/") for p in passed), passed
    return count
