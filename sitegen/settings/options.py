"""The keys of site.yml, declared once: name, default, docstring and the
check that turns what a person wrote into a typed value.

`OPTIONS` is the table `load_settings` loops over (in this order, which is
the order problems are reported in: `languages` first, since the localized
keys need its codes). A check reports through `Reading.problem`, which
blames the key's own line, and returns the value to use meanwhile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError
from .i18n import Language, Strings, load_strings, localize
from .safety import SHIPPED_THEMES, SOURCE_THEMES, base_url_problem, hostname_problem, link_problem
from .yamlio import key_line, path_line, quoted

SETTINGS_FILE = "site.yml"
THEME_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


@dataclass(frozen=True, slots=True)
class FeedSettings:
    items: int = 20
    """How many posts a feed carries."""
    full_content: bool = True
    """Whole post bodies in feeds (else the summary)."""


@dataclass(frozen=True, slots=True)
class MenuItem:
    title: dict[str, str]
    """Label per language."""
    url: str
    """Path relative to the language root (`/posts/`) or an absolute URL."""


@dataclass
class Reading:
    """One reading of site.yml: its text, the command-line overrides, and
    the problems and warnings found so far."""

    root: Path
    text: str
    raw: dict
    overrides: dict[str, str | None]
    """A value given on the command line or in the environment, by key."""
    blame: dict[str, str | None]
    """Where an override came from (`--base-url`): site.yml may not even have the key."""
    problems: list[ConfigError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=lambda: ["en"])
    theme_dirs: tuple[Path, ...] = ()

    def value(self, option: Option) -> Any:
        return self.overrides.get(option.key) or self.raw.get(option.key, option.default)

    def problem(self, key: str, message: str) -> None:
        if self.blame.get(key):
            self.problems.append(ConfigError(message, self.blame[key]))
            return
        # `menu[2].url` → the line of that very value, else of its top key;
        # a key that is missing is reported at line 1.
        parts = tuple(int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", key))
        line = (path_line(self.text, parts) if len(parts) > 1 else None) or key_line(self.text, str(parts[0]))
        self.problems.append(ConfigError(f"{key}: {message}", SETTINGS_FILE, line or 1))

    def warn_for(self, key: str) -> Callable[[str], None]:
        return lambda msg: self.warnings.append(f"{SETTINGS_FILE}:{key_line(self.text, key) or 1}: {msg}")

    def strings(self, code: str) -> Strings:
        """The theme chain's interface strings for one language (once the theme is read)."""
        return load_strings([d / "i18n" for d in self.theme_dirs], code, self.codes[0], self.root)


@dataclass(frozen=True, slots=True)
class Option:
    """One key of site.yml."""

    key: str
    default: Any
    doc: str
    check: Callable[[Any, Reading], Any]
    """What was written (or the default) → the typed value; problems go to the reading."""
    field: str = ""
    """The Settings field it fills, when not named as the key."""
    finish: Callable[[Any, Reading], Any] | None = None
    """Run once every key is valid (localizing, whose warnings come after the others)."""

    @property
    def target(self) -> str:
        return self.field or self.key


def _localized(value: Any, reading: Reading, key: str) -> dict[str, Any]:
    return localize(value, reading.codes, reading.warn_for(key), key)


def check_title(value: Any, reading: Reading) -> Any:
    if not value:
        reading.problem("title", "missing; give the site a title, e.g. title: Jane Doe")
    return value


def check_base_url(base: Any, reading: Reading) -> str:
    if not base:
        reading.problem("base_url", "missing; set the absolute address of the published site, e.g. https://jane.example")
    elif not isinstance(base, str) or urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
        reading.problem("base_url", f"must be an absolute URL such as https://jane.example, not {str(base)[:80]!r}")
    elif base_url_problem(base):
        # A line break here would write rules of its own into robots.txt and the pages.
        reading.problem("base_url", base_url_problem(base))
    elif urlsplit(base).path.strip("/"):
        # Pages link to each other with root-relative URLs (/posts/…), so a
        # site under a sub-path would publish broken links.
        reading.problem("base_url", f"{base!r} has a path; sitegen sites live at the root of their domain: use a "
                                    f"domain or sub-domain such as https://jane.example or https://jane.github.io")
    return str(base).rstrip("/")


def check_languages(raw: Any, reading: Reading) -> tuple[Language, ...]:
    if raw is None:
        return (Language("en", "English", "en"),)
    if not isinstance(raw, list) or not raw:
        reading.problem("languages", "must be a list such as [{code: en, name: English, locale: en_GB}]")
        return ()
    result: list[Language] = []
    for i, item in enumerate(raw):
        language = _language(i, {"code": item} if isinstance(item, str) else item, reading)
        if language is None:
            continue
        if any(lang.code == language.code for lang in result):
            reading.problem(f"languages[{i}].code", f"'{language.code}' is listed twice")
            continue
        result.append(language)
    reading.codes = [lang.code for lang in result] or ["en"]
    return tuple(result)


def _language(i: int, item: Any, reading: Reading) -> Language | None:
    if not isinstance(item, dict) or not isinstance(item.get("code"), str):
        reading.problem(f"languages[{i}]", "needs a code, e.g. {code: fr, name: Français, locale: fr_FR}")
        return None
    code = item["code"]
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", code):
        reading.problem(f"languages[{i}].code", f"{quoted(code)} is not a language code such as 'en' or 'fr'")
        return None
    locale = str(item.get("locale", code))
    try:
        from babel import Locale
        Locale.parse(locale)
    except (ValueError, TypeError, Exception):  # babel raises UnknownLocaleError or ValueError
        reading.problem(f"languages[{i}].locale", f"unknown locale {quoted(locale)}; use e.g. fr_FR")
        return None
    return Language(code, str(item.get("name", code)), locale)


def find_theme(root: Path, name: str) -> tuple[Path, ...]:
    """The theme chain: the site's own `themes/<name>/` wins over a shipped one."""
    chain = []
    own = root / "themes" / name
    if own.is_dir():
        chain.append(own)
    for shipped_root in (SHIPPED_THEMES, SOURCE_THEMES):
        shipped = shipped_root / name
        if shipped.is_dir() and shipped not in chain:
            chain.append(shipped)
            break
    default = next((p / "default" for p in (SHIPPED_THEMES, SOURCE_THEMES) if (p / "default").is_dir()), None)
    if chain and default and default not in chain and name != "default":
        chain.append(default)  # a partial theme falls back to the shipped templates
    return tuple(chain)


def _link_out_of_site(root: Path, folder: Path) -> str | None:
    """A theme folder, or a link in it, that leads out of the site and the
    shipped themes: templates and files there would be read and published."""
    from .safety import LinkOutside, walk_files
    try:
        for _ in walk_files(folder, root):
            pass
    except LinkOutside as exc:
        return f"{exc.path}: {exc.message}; {exc.hint}"
    return None


def check_theme(theme: Any, reading: Reading) -> Any:
    if not isinstance(theme, str) or not theme:
        reading.problem("theme", "must be a theme name, e.g. theme: default")
    elif not THEME_NAME.fullmatch(theme) or ".." in theme:
        # Themes come from themes/ or the package only: a path could read any folder.
        reading.problem("theme", f"{theme[:80]!r} is not a theme name; name a folder of themes/ (or a shipped "
                                 f"theme) such as theme: default, without '/', '\\' or '..'")
    else:
        reading.theme_dirs = find_theme(reading.root, theme)
        if not reading.theme_dirs:
            reading.problem("theme", f"no theme '{theme}' in themes/ nor shipped with sitegen; use theme: default "
                                     f"or create themes/{theme}/templates/")
        for folder in reading.theme_dirs:
            outside = _link_out_of_site(reading.root, folder)
            if outside:
                reading.problem("theme", outside)
                break
    return theme


def check_output(value: Any, reading: Reading) -> Path:
    root = reading.root
    if not isinstance(value, str) or not value.strip():
        reading.problem("output", "must be a folder name such as public")
        return root / "public"
    out = (root / value).resolve()
    if out == root or out in root.parents:
        reading.problem("output", f"'{value}' is the site root or contains it; the output folder is replaced on "
                                  f"every build, so choose a folder of its own such as public")
    for place, label in ((root / "content", "content/"), (root / "themes", "themes/"),
                         (SHIPPED_THEMES, "the shipped themes"), (SOURCE_THEMES, "the shipped themes")):
        if out == place or place in out.parents:
            reading.problem("output", f"'{value}' is inside {label}; the output folder is replaced on every build, "
                                      f"so choose a folder of its own such as public")
            break
    return out


def _whole_number(key: str, value: Any, default: int, reading: Reading) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        reading.problem(key, f"must be a whole number of at least 1, not {quoted(value)}")
        return default
    return value


def check_feed(raw: Any, reading: Reading) -> FeedSettings:
    if raw is None:
        return FeedSettings()
    if not isinstance(raw, dict):
        reading.problem("feed", "must be a mapping such as {items: 20, full_content: true}")
        return FeedSettings()
    items = _whole_number("feed.items", raw.get("items", 20), 20, reading)
    full = raw.get("full_content", True)
    if not isinstance(full, bool):
        reading.problem("feed.full_content", f"must be true or false, not {quoted(full)}")
        full = True
    return FeedSettings(items, full)


DEFAULT_MENU = (("menu_blog", "/posts/"), ("menu_talks", "/talks/"), ("menu_workshops", "/workshops/"),
                ("menu_expertise", "/expertise/"))
"""The menu when site.yml has none: each label's key in the theme's
i18n/<lang>.yml (a site theme may rename them), and its URL."""


def check_menu(raw: Any, reading: Reading) -> tuple[MenuItem, ...]:
    codes = reading.codes
    if raw is None:
        if not reading.theme_dirs:  # the theme's problem is reported already
            return ()
        strings = {code: reading.strings(code) for code in codes}
        return tuple(MenuItem({c: strings[c](key) for c in codes}, url) for key, url in DEFAULT_MENU)
    if not isinstance(raw, list):
        reading.problem("menu", "must be a list of {title, url}")
        return ()
    items = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or "title" not in item or not isinstance(item.get("url"), str):
            reading.problem(f"menu[{i}]", "needs a title and a url, e.g. {title: Blog, url: /posts/}")
            continue
        if link_problem(item["url"]):
            reading.problem(f"menu[{i}].url", link_problem(item["url"]))
            continue
        items.append(MenuItem(localize(item["title"], codes, reading.warn_for("menu"), f"menu[{i}].title"),
                              item["url"]))
    return tuple(items)


def check_social_images(value: Any, reading: Reading) -> bool:
    if value not in ("site", "posts"):
        reading.problem("social_images", f"must be 'site' (one generated image per language) or 'posts' (one per "
                                         f"post too, with its title), not {quoted(value)}")
    return value == "posts"


def check_cname(value: Any, reading: Reading) -> str | None:
    if value is not None and hostname_problem(value):
        reading.problem("cname", hostname_problem(value))  # a line break would write a two-line CNAME
    return value.strip() if isinstance(value, str) else None


def check_timezone(value: Any, reading: Reading) -> ZoneInfo | timezone:
    try:
        return ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        reading.problem("timezone", f"unknown time zone {quoted(value)}; use a name such as Europe/Paris")
        return timezone.utc


OPTIONS: tuple[Option, ...] = (
    Option("languages", None, "The site's languages, `{code, name, locale}` each; the first is the default, "
           "served at `/`, the others under `/<code>/`. `locale` drives date formats.", check_languages),
    Option("title", None, "The site's title (required; localized).", check_title,
           finish=lambda value, reading: _localized(value, reading, "title")),
    Option("tagline", "", "One line under the title (localized).", lambda value, reading: value,
           finish=lambda value, reading: _localized(value, reading, "tagline")),
    Option("base_url", None, "The absolute address of the published site, at the root of its domain "
           "(required; `--base-url` or SITEGEN_BASE_URL override it).", check_base_url),
    Option("theme", "default", "A folder of `themes/`, else a theme shipped with sitegen.", check_theme),
    Option("output", "public", "The output folder, replaced on every build (`--output` overrides it).",
           check_output),
    Option("posts_per_page", 10, "How many posts a blog index page lists.",
           lambda value, reading: _whole_number("posts_per_page", value, 10, reading)),
    Option("feed", {}, "`{items, full_content}`: posts per feed; whole bodies or summaries.", check_feed),
    Option("menu", None, "`{title, url}` entries; `url` written for the default language and prefixed "
           "for the others. Default: Blog, Talks, Workshops, Expertise (the theme's strings `menu_*`).", check_menu),
    Option("social_images", "site", "`site`: one generated share image per language; `posts`: one per "
           "post too, with its title.", check_social_images, field="post_social_images"),
    Option("cname", None, "A custom domain, for hosts that read a CNAME file (GitHub Pages).", check_cname),
    Option("timezone", "UTC", "The time zone of dates written without one, and of \"today\".", check_timezone),
)

KNOWN_KEYS = {option.key for option in OPTIONS}
