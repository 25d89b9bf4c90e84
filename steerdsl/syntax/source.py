"""Reading model text safely: regular files only, sizes capped, counted before parsing.

A model path may name a FIFO with no writer (``open`` would block), a device (/dev/zero never
ends), a file of /proc (/proc/self/mem fails on read), a directory or a symbolic-link loop.  Each
is refused with E131 before a byte is read; a file or standard input longer than the budget
``input_bytes`` is refused with E132 after reading at most that many bytes plus one.  The reader
is an LALR parser in Python (up to 0.2 ms a token: a list of 10 000 numbers took 2.4 s), so the
tokens and statements of a text are counted by a regular expression before it is parsed (budgets
``tokens`` and ``statements``).
Messages never quote the content of a file that was refused.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from steerdsl.diagnostics import Span, SteerError, error
from steerdsl.limits import BUDGETS, active, raise_hint

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_SPECIAL = ("/proc", "/sys", "/dev")


def file_span(file: str) -> Span:
    """The location of a problem with a whole file: its first line and column."""
    return Span(file, 1, 1, 1, 2)


def _refuse(code: str, message: str, file: str, span: Span | None, hint: str | None = None) -> SteerError:
    return error(code, message, span or file_span(file), hint)


def read_model_file(path: str | Path, span: Span | None = None, shown: str | None = None) -> str:
    """The UTF-8 text of the model file ``path``, refused (E131, E132) unless it is a regular file no
    larger than the budget ``input_bytes``.  ``span`` locates the diagnostic (an import statement;
    by default the file's own first line); ``shown`` is how messages name the file."""
    name = shown if shown is not None else str(path)
    file = str(path)
    real = os.path.realpath(path)
    if any(real == d or real.startswith(d + "/") for d in _SPECIAL):
        raise _refuse("E131", f"{name} is in /{real.split('/')[1]}, not a model file; only regular files are read",
                      file, span)
    try:
        info = os.stat(path)  # follows links; never opens, so a FIFO cannot block here
    except OSError as exc:
        raise _open_error(exc, name, file, span) from None
    kind = next((what for test, what in _KINDS if test(info.st_mode)), None)
    if kind is not None or not stat.S_ISREG(info.st_mode):
        raise _refuse("E131", f"{name} is {kind or 'not a regular file'}; only regular files are read", file, span,
                      "give the path of a .steer file (or '-' for standard input)")
    cap = active().limit("input_bytes")
    if info.st_size > cap:
        raise too_big(name, info.st_size, file, span)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _open_error(exc, name, file, span) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between stat and open
            raise _refuse("E131", f"{name} is not a regular file; only regular files are read", file, span)
        data = read_capped(fd, cap)
    except OSError as exc:
        raise _open_error(exc, name, file, span) from None
    finally:
        os.close(fd)
    if len(data) > cap:
        raise too_big(name, None, file, span)
    return decode(data, name, file, span)


def read_capped(fd: int, cap: int) -> bytes:
    """At most ``cap + 1`` bytes of the open file ``fd`` (one more than allowed: enough to tell that it is
    too long without reading the rest)."""
    chunks, size = [], 0
    while size <= cap:
        chunk = os.read(fd, min(1 << 16, cap + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_stream(stream, name: str = "<stdin>") -> str:
    """The text of a binary stream (standard input), reading at most ``input_bytes`` + 1 bytes."""
    cap = active().limit("input_bytes")
    raw = getattr(stream, "buffer", stream)
    data = raw.read(cap + 1)
    if isinstance(data, str):  # a text stream without a buffer (tests replace sys.stdin)
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > cap:
        raise too_big(name, None, name, None)
    return decode(data, name, name, None)


def decode(data: bytes, name: str, file: str, span: Span | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse("E131", f"{name} is not UTF-8 text (an invalid byte at offset {exc.start})", file, span,
                      "save the model as UTF-8") from None


def too_big(name: str, size: int | None, file: str, span: Span | None) -> SteerError:
    cap = active().limit("input_bytes")
    size_text = f"{size:,} bytes" if size is not None else f"more than {cap:,} bytes"
    return _refuse(BUDGETS["input_bytes"].code, f"{name} has {size_text}, more than the budget input_bytes = {cap:,}"
                   if size is not None else f"{name} has {size_text}, the budget input_bytes", file, span,
                   raise_hint("input_bytes"))


def _open_error(exc: OSError, name: str, file: str, span: Span | None) -> SteerError:
    if exc.errno == errno.ELOOP:
        return _refuse("E131", f"{name} is a loop of symbolic links", file, span, "point the link at a real file")
    if exc.errno == errno.ENOENT:
        return _refuse("E131", f"no such file: {name}", file, span, "check the path")
    reason = exc.strerror or type(exc).__name__  # not str(exc): it repeats the path
    return _refuse("E131", f"cannot read {name}: {reason}", file, span)


_TOKEN = re.compile(r"#[^\n]*|[^\W_]\w*|_\w*|\S", re.UNICODE)
_STATEMENT = re.compile(r"#[^\n]*|\b(scenario|import|let|state|pseudostate|measurement|map|assemblage|functional|"
                        r"behaviour|check|solve|bound|value|expect|assert|sweep)\b")


def check_counts(text: str, file: str) -> None:
    """Refuse a text longer than the budgets input_bytes (in characters), tokens or statements, before
    the parser sees it; the location is where the budget ran out."""
    meter = active()
    cap = meter.limit("input_bytes")
    if len(text) > cap:
        raise _refuse(BUDGETS["input_bytes"].code, f"this text has {len(text):,} characters, more than the budget "
                      f"input_bytes = {cap:,}", file, None, raise_hint("input_bytes"))
    for name, pattern, unit in (("tokens", _TOKEN, "tokens"), ("statements", _STATEMENT, "statements")):
        top = meter.limit(name)
        count = 0
        for m in pattern.finditer(text):
            if m.group().startswith("#"):
                continue
            count += 1
            if count > top:
                line = text.count("\n", 0, m.start()) + 1
                column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                raise error(BUDGETS[name].code, f"this file has more than {top:,} {unit}, the budget {name} "
                            "(counted before parsing)", Span(file, line, column, line, column + 1),
                            raise_hint(name))


def sources_for(name: str, text: str | None = None, model=None) -> dict[str, str]:
    """The source texts a diagnostic about file ``name`` quotes: the model's, the text given, else the file
    read again only when it is a regular model file within the budgets (:func:`read_model_file`; a FIFO or
    device is never opened to quote it), none when it cannot be read."""
    if model is not None:
        return model.sources
    if text is not None:
        return {name: text}
    try:
        return {name: read_model_file(name)}
    except SteerError:
        return {}
