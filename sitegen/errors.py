"""Errors a user can fix: each names the file, the line when known, what is
wrong and how to fix it. The CLI prints them without a traceback."""

from __future__ import annotations

import functools
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable


class SitegenError(Exception):
    """A problem in the user's site (content, settings, theme), not a bug."""

    def __init__(self, message: str, path: Path | str | None = None,
                 line: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def report_lines(self) -> list[str]:
        """The report, one prefixed line each (`error: file:line: …`, then
        `hint: file:line: …`), so that grepping a CI log finds every one."""
        where = self.location()
        first, *rest = self.message.splitlines() or [""]
        lines = [f"error: {where}: {first}" if where else f"error: {first}"]
        lines += [f"error: {line.strip()}" for line in rest if line.strip()]
        if self.hint:
            lines.append(f"hint: {where}: {self.hint}" if where else f"hint: {self.hint}")
        return lines


class SitegenErrors(SitegenError):
    """Several mistakes, each reported (the first MAX_REPORTED of them)."""

    MAX_REPORTED = 20

    def __init__(self, errors: list[SitegenError]):
        self.errors = [e for error in errors for e in getattr(error, "errors", [error])]
        first = self.errors[0]
        super().__init__(first.message, first.path, first.line, first.hint)

    def __str__(self) -> str:
        return "\n".join(self.report_lines())

    def report_lines(self) -> list[str]:
        lines = [line for error in self.errors[:self.MAX_REPORTED] for line in error.report_lines()]
        more = len(self.errors) - self.MAX_REPORTED
        if more > 0:
            lines.append(f"error: … and {more} more")
        return lines


_PROBLEMS: ContextVar[list[SitegenError] | None] = ContextVar("problems", default=None)
"""The mistakes found so far in the file being read (see `every_mistake`)."""


def every_mistake(reader: Callable[..., Any]) -> Callable[..., Any]:
    """Run a reader so that every mistake in its file is reported in one run:
    `FileContext.report` notes a problem and the reader goes on with a stand-in
    value; a mistake it cannot read past is raised with those found before it."""
    @functools.wraps(reader)
    def read(*args: Any, **kwargs: Any) -> Any:
        problems: list[SitegenError] = []
        token = _PROBLEMS.set(problems)
        try:
            record = reader(*args, **kwargs)
        except SitegenError as exc:
            if not problems:
                raise
            problems.append(exc)
        finally:
            _PROBLEMS.reset(token)
        if problems:
            ordered = sorted(problems, key=lambda e: e.line or 0)
            raise ordered[0] if len(ordered) == 1 else SitegenErrors(ordered) from None
        return record
    return read


def note_problem(error: SitegenError) -> None:
    """Note a mistake for the reader that collects them (`every_mistake`);
    raise it when no reader does."""
    problems = _PROBLEMS.get()
    if problems is None:
        raise error
    problems.append(error)


class ConfigError(SitegenError):
    """site.yml or a command-line setting is wrong."""


class ContentError(SitegenError):
    """A post, page, service or profile file is wrong."""


class TemplateError(SitegenError):
    """A theme template is missing or does not render."""


class UsageError(SitegenError):
    """The command line itself is wrong (exit status 2)."""


def path_for_messages(path: Path, root: Path, *, resolve: bool = False) -> str:
    """A path as messages show it: relative to `root`, with `/`, when inside it; else as given.
    `resolve`: symbolic links followed first (the output folder, which may be one)."""
    if resolve:
        path, root = path.resolve(), root.resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
