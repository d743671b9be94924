"""What a reader needs to report a problem in one file precisely: the file's
context (`FileContext`), the path as shown to the user, and dates as written.

Apart from the readers so that the key and session checks, which the readers
call, can take a context without importing the readers back.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Callable

from ..errors import ContentError, SitegenError, SitegenErrors, note_problem
from ..settings.config import Settings
from ..settings.i18n import is_localized, localize
from ..settings.yamlio import path_line, quoted


class ContentErrors(SitegenErrors):
    """Several files, or several places in one file, are wrong; each error is reported."""


class FileContext:
    """What a reader needs to report a problem in one file precisely."""

    def __init__(self, settings: Settings, path: Path, text: str, first_line: int = 1):
        self.settings = settings
        self.path = path
        self.display = display_path(path, settings.root)
        self.text = text
        self.first_line = first_line

    def error(self, message: str, *keys: Any, hint: str | None = None) -> ContentError:
        line = path_line(self.text, keys, self.first_line) if keys else None
        return ContentError(message, self.display, line or max(1, self.first_line - 1), hint)

    def report(self, message: str, *keys: Any, hint: str | None = None) -> None:
        """Note a mistake and let the reader go on (raised if no reader collects)."""
        self.note(self.error(message, *keys, hint=hint))

    def note(self, error: SitegenError) -> None:
        note_problem(error)

    def warn(self, message: str, *keys: Any) -> None:
        keys = tuple(k for k in keys if k is not None)
        line = path_line(self.text, keys, self.first_line) if keys else None
        where = f"{self.display}:{line}" if line else self.display
        self.settings.warnings.append(f"{where}: {message}")

    def localized(self, raw: dict, key: str, *, required: bool = False, kind: type = str) -> dict[str, Any] | None:
        value = raw.get(key)
        if value is None:
            if required:
                raise self.error(f"'{key}' is required", hint=f"add a line '{key}: ...'")
            return None
        codes = self.settings.codes
        if isinstance(value, dict) and not is_localized(value, set(codes)):
            unknown = [k for k in value if k not in codes]
            self.report(f"{key}: {', '.join(map(quoted, unknown))} is not a language of this site "
                        f"({', '.join(codes)})", key,
                        hint=f"write {key}: {{{codes[0]}: ..., ...}} with the codes from site.yml")
            return None
        result = localize(value, codes, lambda msg: self.warn(msg, key), key)
        for code, text in result.items():
            if kind is str and isinstance(text, (int, float)) and not isinstance(text, bool):
                result[code] = str(text)
            elif not isinstance(text, kind):
                expected = "text" if kind is str else "a list"
                self.report(f"{key} must be {expected}", key)
                return None
        return result

    def date(self, value: Any, key_path: tuple[Any, ...]) -> datetime:
        label = ".".join(str(k) for k in key_path)
        try:
            return parse_datetime(value, self.settings, lambda msg: self.error(f"{label}: {msg}", *key_path))
        except ContentError as exc:
            self.note(exc)
            return self.settings.now  # a stand-in: the file's record is thrown away


def display_path(path: Path, root: Path) -> str:
    """A source's identity, as records and messages name it (`content/posts/x.md`):
    `errors.path_for_messages` for a file inside the root, worked out on the
    text (it runs for every file of a site; tests/test_paths.py checks that
    the two agree)."""
    text, base = str(path), str(root)
    if base == ".":
        return path.as_posix() if not path.is_absolute() else text
    if text.startswith(base + os.sep):
        return text[len(base) + 1:].replace(os.sep, "/")
    return text


EARLIEST_DATE, LATEST_DATE = date(1, 1, 2), date(9999, 12, 30)
"""Dates sitegen takes: a day inside Python's range at each end, so that any
UTC offset and "the day after" (when a notice expires) stay representable."""


def parse_datetime(value: Any, settings: Settings, error: Callable[[str], ContentError]) -> datetime:
    """`2026-11-22` or an ISO datetime (with offset, else the site's time zone)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            if re.fullmatch(r"\s*\d{4}-\d{1,2}-\d{1,2}.*", value):
                raise error(f"{quoted(value)} is not a real date", ) from None
            raise error(f"{quoted(value)} is not a date; write it as 2026-11-22 or 2026-11-22T09:30:00+01:00") from None
    else:
        raise error(f"{quoted(value)} is not a date; write it as 2026-11-22 or 2026-11-22T09:30:00+01:00")
    if not EARLIEST_DATE <= parsed.date() <= LATEST_DATE:
        raise error(f"{quoted(value)} is too far in time: dates go from {EARLIEST_DATE} to {LATEST_DATE} "
                    "(for a notice with no end, a date such as 2999-12-31 will do)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=settings.timezone)
    return parsed
