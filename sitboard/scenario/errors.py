"""Problems found in a scenario, each tied to a place in the user's file."""

from __future__ import annotations

from typing import NamedTuple


class Problem(NamedTuple):
    file: str
    line: int  # 1-based
    column: int  # 1-based
    path: str  # key path such as `events[3].control.homz`; empty for file-level problems
    message: str
    severity: str = "error"  # or "warning": the file is usable, but claims more than its sources carry

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: {self.severity}: "
        return where + (f"{self.path}: {self.message}" if self.path else self.message)


class ScenarioError(Exception):
    """The one exception the loader lets escape: a scenario that cannot be used.

    It carries every problem found (up to a cap), so the author fixes a file in
    one pass rather than one error per run.
    """

    def __init__(self, problems: list[Problem], truncated: int = 0, *, counting_stopped: bool = False) -> None:
        self.problems = problems
        self.truncated = truncated
        # A hopeless file (10,000 problems and counting) is not read to its end:
        # then `truncated` is a lower bound, and the message says so.
        self.counting_stopped = counting_stopped
        super().__init__(str(self))

    def in_words(self, count: int) -> str:
        """A count of problems that includes the ones not shown: '13' or 'at least 10,200'."""
        return f"at least {count:,}" if self.counting_stopped else f"{count}"

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.truncated:
            lines.append(f"... and {self.in_words(self.truncated)} more problem(s) not shown")
        return "\n".join(lines)
