"""Saved sweep results: one JSON line per finished task, appended as it finishes.

The file is the sweep's memory: a rerun with the same file skips every task
whose key (:func:`steerdsl.sweeps.task.task_key`) is already there.  Lines are
written whole and flushed at once, so an interrupted run loses at most the line
being written; a torn last line is ignored on reading (its task runs again).
Records marked ``internal`` (an unexpected error) are not treated as done.

One writer per file: the store holds an exclusive ``flock`` on the file from opening it to
:meth:`ResultStore.close` (a second sweep on the same ``--out`` file is refused with E233 instead of
computing everything again beside the first).  Every line carries ``checksum``, the sha256 of the
rest of its record: a record edited by hand (or written by an older steerdsl, without one) is not
trusted, and its task is computed again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path

from steerdsl.diagnostics import error


def checksum(record: dict) -> str:
    """The sha256 of a record without its ``checksum`` field, in canonical JSON."""
    body = {k: v for k, v in record.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResultStore:
    """The JSON-lines results of a sweep (``path=None``: kept in memory only), locked for writing by
    this store until :meth:`close` (also a context manager); ``distrusted`` counts the saved records
    whose checksum did not match (their tasks run again)."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path is not None else None
        self.records: dict[str, dict] = {}
        self.distrusted = 0
        self._lock = None
        if self.path is not None:
            self._take_lock()
            if self.path.stat().st_size:
                self._read()

    def _take_lock(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            raise error("E163", f"cannot open the saved results {self.path}: {exc.strerror or exc}", None,
                        "give another --out file") from None
        if not self.path.is_file():
            handle.close()
            raise error("E163", f"{self.path} is not a regular file", None, "give another --out file")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise error("E233", f"another sweep is writing {self.path}: one writer per results file", None,
                        "wait for it to finish and run the same command again to reuse its results, or give "
                        "another --out file") from None
        self._lock = handle

    def close(self) -> None:
        """Release the file's lock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _read(self) -> None:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise error("E163", f"cannot read the saved results {self.path}: {exc}", None,
                        "give another --out file, or delete this one to start afresh") from None
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                if n == len(lines):  # torn by an interruption: drop it, its task runs again
                    self.path.write_text("".join(x + "\n" for x in lines[:-1]), encoding="utf-8")
                    continue
                raise error("E163", f"{self.path}:{n} is not a JSON line", None,
                            "the file is not a sweep's saved results; give another --out file") from None
            if not isinstance(record, dict) or "key" not in record:
                raise error("E163", f"{self.path}:{n} is not a sweep result (no key)", None,
                            "give another --out file")
            if record.pop("checksum", None) != checksum(record):
                self.distrusted += 1  # edited, or from an older version: computed again
                continue
            if not record.get("internal"):
                self.records[record["key"]] = record

    def __contains__(self, key: str) -> bool:
        return key in self.records

    def get(self, key: str) -> dict | None:
        return self.records.get(key)

    def add(self, record: dict) -> None:
        """Keep a finished task's record and append it, with its checksum, to the file at once."""
        if not record.get("internal"):
            self.records[record["key"]] = record
        if self.path is None:
            return
        saved = json.loads(json.dumps(record, ensure_ascii=False, default=str))  # as it will read back
        saved["checksum"] = checksum(saved)
        line = json.dumps(saved, ensure_ascii=False) + "\n"
        f = self._lock
        f.write(line)
        f.flush()
        os.fsync(f.fileno())
