"""Languages: localized values and interface strings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple


from ..errors import TemplateError, path_for_messages
from .yamlio import parse_yaml, read_text


@dataclass(frozen=True, slots=True)
class Language:
    """One language of the site; the first in site.yml is the default."""

    code: str
    """ISO code used in URLs and file suffixes (`fr`)."""
    name: str
    """Name shown in the language switcher (`Français`)."""
    locale: str
    """Babel locale for dates (`fr_FR`)."""

    @property
    def hreflang(self) -> str:
        return self.locale.replace("_", "-")


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")


def language_name(value: str, locale: str) -> str:
    """A language code in the reader's words: `de` is "German" to an English
    reader and "allemand" to a French one (Babel's names). Anything that is
    not a code Babel knows ("French (native)") stays as written."""
    if not LANGUAGE_CODE.match(value):
        return value
    names = _language_names(locale)
    code = value.replace("-", "_")
    return names.get(code) or names.get(code.split("_")[0], value)


@lru_cache(maxsize=64)
def _language_names(locale: str) -> Mapping[str, str]:
    from babel import Locale  # imported here: loading settings must stay light

    return Locale.parse(locale).languages


def is_localized(value: Any, codes: set[str]) -> bool:
    """A mapping whose keys are all language codes is a per-language value."""
    return isinstance(value, dict) and bool(value) and all(isinstance(k, str) and k in codes for k in value)


def localize(value: Any, codes: list[str], warn: Callable[[str], None] | None = None,
             field: str = "value") -> dict[str, Any]:
    """Expand a plain or per-language value to one entry per language.

    A missing language falls back to the default (first) language, with a
    warning; a plain value is the same in every language.
    """
    if not is_localized(value, set(codes)):
        return {code: value for code in codes}
    default = codes[0]
    fallback = value.get(default)
    if fallback is None:
        fallback = next(iter(value.values()))
    result = {}
    for code in codes:
        if code in value and value[code] is not None:
            result[code] = value[code]
        else:
            result[code] = fallback
            if warn:
                warn(f"{field} has no '{code}' text; using the '{default}' one")
    return result


class FootnoteNames(NamedTuple):
    """What screen readers hear for a Markdown body's footnotes: the section's
    (visually hidden) heading and each back link; from the theme's strings
    `footnotes_title` and `footnote_back`."""

    heading: str
    back: str


class Strings:
    """A theme's interface strings for one language, with `{name}` placeholders."""

    def __init__(self, lang: str, table: dict[str, str], fallback: dict[str, str], source: str):
        self.lang = lang
        self.table = table
        self.fallback = fallback
        self.source = source

    def __call__(self, key: str, **values: Any) -> str:
        text = self.table.get(key)
        if text is None:
            text = self.fallback.get(key)
        if text is None:
            raise TemplateError(
                f"interface string '{key}' is not defined", self.source,
                hint=f"add '{key}: ...' to the theme's i18n/{self.lang}.yml",
            )
        return text.format(**values) if values else text


def load_strings(i18n_dirs: list[Path], lang: str, default_lang: str, root: Path) -> Strings:
    """Merge a language's strings from the theme chain (site theme wins)."""

    def load(code: str) -> tuple[dict[str, str], str]:
        merged: dict[str, str] = {}
        source = ""
        for directory in reversed(i18n_dirs):  # shipped first, site theme overrides
            path = directory / f"{code}.yml"
            if path.is_file():
                display = path_for_messages(path, root)
                data = parse_yaml(read_text(path, display), display, error_class=TemplateError) or {}
                if not isinstance(data, dict):
                    raise TemplateError("interface strings must be a mapping of key: text", display, 1)
                merged.update({str(k): str(v) for k, v in data.items()})
                source = display
        return merged, source

    table, source = load(lang)
    fallback = load(default_lang)[0] if lang != default_lang else {}
    if not fallback and lang != "en":
        fallback = load("en")[0]
    return Strings(lang, table, fallback, source or f"i18n/{lang}.yml")


def footnote_names(strings: Strings) -> FootnoteNames:
    return FootnoteNames(strings("footnotes_title"), strings("footnote_back"))


def string_gaps(i18n_dirs: list[Path], codes: list[str]) -> dict[str, list[str] | None]:
    """Site languages whose interface strings are missing: code → the keys its
    files lack, or None when no theme in the chain has a file for it at all.

    Pages would silently show another language's text, so settings warn.
    The keys expected are those any site language (or the shipped English)
    defines, so a custom theme's own keys count too.
    """
    tables: dict[str, set[str] | None] = {}
    for code in dict.fromkeys([*codes, "en"]):
        keys: set[str] | None = None
        for directory in i18n_dirs:
            path = directory / f"{code}.yml"
            if path.is_file():
                data = parse_yaml(read_text(path, str(path)), str(path), error_class=TemplateError) or {}
                keys = (keys or set()) | (set(map(str, data)) if isinstance(data, dict) else set())
        tables[code] = keys
    expected = set().union(*(keys for keys in tables.values() if keys))
    gaps: dict[str, list[str] | None] = {}
    for code in codes:
        keys = tables[code]
        if keys is None:
            gaps[code] = None
        elif expected - keys:
            gaps[code] = sorted(expected - keys)
    return gaps
