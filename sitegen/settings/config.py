"""site.yml → Settings: the keys are declared in `options.py`; reading them
is a loop over that table. Every problem is collected and reported together,
each with its key path, before the build starts."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from ..errors import ConfigError, SitegenErrors
from .i18n import FootnoteNames, Language, footnote_names, string_gaps
from .options import (KNOWN_KEYS, OPTIONS, SETTINGS_FILE, FeedSettings, MenuItem, Reading,  # noqa: F401
                      find_theme)
from .placeholders import base_url_warning
from .yamlio import key_line, parse_yaml, read_text

@dataclass(frozen=True)
class Settings:
    """Everything the build needs to know that is not content."""

    root: Path
    title: dict[str, str]
    tagline: dict[str, str]
    base_url: str
    """Absolute, without a trailing slash: `https://jane.example`."""
    languages: tuple[Language, ...]
    theme: str
    theme_dirs: tuple[Path, ...]
    """The site's theme first, then the shipped one it falls back to."""
    output: Path
    posts_per_page: int
    feed: FeedSettings
    menu: tuple[MenuItem, ...]
    timezone: ZoneInfo | timezone
    now: datetime
    """"Today": SOURCE_DATE_EPOCH when set, else the clock."""
    cname: str | None = None
    """Custom domain for hosts that read a CNAME file (GitHub Pages)."""
    post_social_images: bool = False
    """Draw a social image per post (with its title), not only one per language."""
    drafts: bool = False
    future: bool = False
    warnings: list[str] = field(default_factory=list)
    footnote_names: dict[str, FootnoteNames] = field(default_factory=dict)
    """By language, from the theme's strings: read here, before Markdown is
    rendered in forked workers, and part of what parsed sources depend on."""

    @property
    def default_lang(self) -> str:
        return self.languages[0].code

    @cached_property  # asked for on every page
    def codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.languages)

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"


def source_date() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except ValueError:
            raise ConfigError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}",
                              hint="unset it or set it to e.g. $(git log -1 --format=%ct)") from None
    return datetime.now(tz=timezone.utc)


def load_settings(root: Path, *, base_url: str | None = None, output: str | None = None,
                  drafts: bool = False, future: bool = False) -> Settings:
    """Read and validate `root/site.yml`; raise one ConfigError listing every problem."""
    root = root.resolve()
    text, raw = _read(root)
    env_base = os.environ.get("SITEGEN_BASE_URL")
    reading = Reading(root, text, raw, overrides={"base_url": base_url or env_base, "output": output},
                      blame={"base_url": "--base-url" if base_url else "SITEGEN_BASE_URL" if env_base else None,
                             "output": "--output" if output else None})
    for key in raw:
        if key not in KNOWN_KEYS:
            reading.warnings.append(f"{SETTINGS_FILE}:{key_line(text, str(key)) or 1}: unknown key '{key}' is "
                                    f"ignored (known keys: {', '.join(sorted(KNOWN_KEYS))})")
    values = {option.target: option.check(reading.value(option), reading) for option in OPTIONS}
    if reading.problems:
        problems = reading.problems
        raise problems[0] if len(problems) == 1 else SitegenErrors(problems)

    reading.warnings.extend(_string_gap_warnings(values["theme"], reading.theme_dirs, reading.codes, text))
    reading.warnings.extend(filter(None, [base_url_warning(text)]))
    for option in OPTIONS:
        if option.finish:
            values[option.target] = option.finish(values[option.target], reading)
    footnotes = {code: footnote_names(reading.strings(code)) for code in reading.codes}
    return Settings(root=root, theme_dirs=reading.theme_dirs, now=source_date(), drafts=drafts, future=future,
                    warnings=reading.warnings, footnote_names=footnotes, **values)


def _read(root: Path) -> tuple[str, dict]:
    """site.yml's text and mapping, once it is known to be a safe, readable mapping."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        raise ConfigError(f"no {SETTINGS_FILE} in {root}",
                          hint="run sitegen in your site's folder, or start one with 'sitegen init DIR'")
    from .safety import LinkOutside, check_path
    try:
        check_path(path, root)
    except LinkOutside as exc:
        raise ConfigError(exc.message, SETTINGS_FILE, hint=exc.hint) from None
    text = read_text(path, SETTINGS_FILE)
    raw = parse_yaml(text, SETTINGS_FILE, error_class=ConfigError) or {}
    if not isinstance(raw, dict):
        raise ConfigError("settings must be a mapping of key: value", SETTINGS_FILE, 1)
    return text, raw


def _string_gap_warnings(theme: str, theme_dirs: tuple[Path, ...], codes: list[str], text: str) -> list[str]:
    """A language the theme cannot speak would show another language's words
    on every page: say which, and how to add them."""
    warnings = []
    for code, missing in string_gaps([d / "i18n" for d in theme_dirs], codes).items():
        entry = re.search(rf"^.*\bcode:\s*[\"']?{re.escape(code)}\b", text, re.MULTILINE)
        line = text.count("\n", 0, entry.start()) + 1 if entry else key_line(text, "languages") or 1
        fallback = codes[0] if code != codes[0] else "en"  # as load_strings falls back
        target = f"themes/{theme}/i18n/{code}.yml"
        if missing is None:
            warnings.append(f"{SETTINGS_FILE}:{line}: the theme has no interface strings for language '{code}', "
                            f"so its pages show '{fallback}' words; create {target} (copy the keys of i18n/en.yml "
                            f"from 'sitegen theme copy' and translate them)")
        else:
            shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
            warnings.append(f"{SETTINGS_FILE}:{line}: the theme's strings for language '{code}' miss {shown}; "
                            f"add them to {target} (meanwhile those show in '{fallback}')")
    return warnings
