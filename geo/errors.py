"""One error family for "this file has problems": every problem listed, each naming its place."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

MAX_PROBLEMS_SHOWN = 20


class FileProblems(ValueError):
    """A data file is unusable; `problems` lists every problem found, each naming its place.

    The message names the file and lists at most :data:`MAX_PROBLEMS_SHOWN` problems;
    :attr:`summary` is one line for a notice in the dashboard.
    """

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = Path(path)
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        lines = "\n".join(f"  - {p}" for p in shown) + (f"\n  - … and {more} more" if more > 0 else "")
        super().__init__(f"{self._where()}: {len(problems)} problem(s):\n{lines}")

    def _where(self) -> str:
        return str(self.path)

    @property
    def summary(self) -> str:
        """One line: the file and its first problem."""
        first = self.problems[0] if self.problems else "unusable"
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"{self.path.name}: {first}{more}"


def read_toml(path: Path, error: type[FileProblems] = FileProblems) -> dict[str, Any]:
    """Parse a UTF-8 TOML file; a missing or malformed file raises `error` naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(path, ["file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(path, [f"not valid TOML: {exc}"]) from None


__all__ = ["MAX_PROBLEMS_SHOWN", "FileProblems", "read_toml"]
