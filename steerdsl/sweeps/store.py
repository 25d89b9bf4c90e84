"""Saved sweep results: one JSON line per finished task, appended as it finishes.

The file is the sweep's memory: a rerun with the same file skips every task
whose key (:func:`steerdsl.sweeps.task.task_key`) is already there.  Lines are
written whole and flushed at once, so an interrupted run loses at most the line
being written; a torn last line is ignored on reading (its task runs again).
Records marked ``internal`` (an unexpected error) are not treated as done.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from steerdsl.diagnostics import error


class ResultStore:
    """The JSON-lines results of a sweep (``path=None``: kept in memory only)."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path is not None else None
        self.records: dict[str, dict] = {}
        if self.path is not None and self.path.exists():
            self._read()

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
            if not record.get("internal"):
                self.records[record["key"]] = record

    def __contains__(self, key: str) -> bool:
        return key in self.records

    def get(self, key: str) -> dict | None:
        return self.records.get(key)

    def add(self, record: dict) -> None:
        """Keep a finished task's record and append it to the file at once."""
        if not record.get("internal"):
            self.records[record["key"]] = record
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
