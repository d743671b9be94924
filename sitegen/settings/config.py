"""site.yml: a typed, validated schema. Every problem is collected and
reported together, each with its key path, before the build starts."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError, SitegenErrors
from .i18n import Language, localize, string_gaps
from .placeholders import base_url_warning
from .safety import SHIPPED_THEMES, SOURCE_THEMES, base_url_problem, hostname_problem, link_problem
from .yamlio import key_line, parse_yaml, path_line, quoted, read_text

SETTINGS_FILE = "site.yml"
CACHE_DIR = Path(".sitegen-cache")
"""Where builds keep what they reuse (relative to the site root); safe to delete."""
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


KNOWN_KEYS = {"title", "tagline", "base_url", "languages", "theme", "output",
              "posts_per_page", "feed", "menu", "timezone", "cname", "social_images"}


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

    problems: list[ConfigError] = []
    warnings: list[str] = []
    # A value given on the command line or in the environment is blamed on
    # where it came from: site.yml may not even have the key.
    sources = {"base_url": "--base-url" if base_url else "SITEGEN_BASE_URL" if os.environ.get("SITEGEN_BASE_URL")
               else None, "output": "--output" if output else None}

    def problem(key: str, message: str) -> None:
        if sources.get(key):
            problems.append(ConfigError(message, sources[key]))
            return
        # `menu[2].url` → the line of that very value, else of its top key;
        # a key that is missing is reported at line 1.
        parts = tuple(int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", key))
        line = (path_line(text, parts) if len(parts) > 1 else None) or key_line(text, str(parts[0]))
        problems.append(ConfigError(f"{key}: {message}", SETTINGS_FILE, line or 1))

    for key in raw:
        if key not in KNOWN_KEYS:
            warnings.append(f"{SETTINGS_FILE}:{key_line(text, str(key)) or 1}: unknown key '{key}' is ignored "
                            f"(known keys: {', '.join(sorted(KNOWN_KEYS))})")

    languages = _languages(raw.get("languages"), problem)
    codes = [lang.code for lang in languages] or ["en"]

    def warn_for(key: str) -> Callable[[str], None]:
        return lambda msg: warnings.append(f"{SETTINGS_FILE}:{key_line(text, key) or 1}: {msg}")

    title = raw.get("title")
    if not title:
        problem("title", "missing; give the site a title, e.g. title: Jane Doe")
    tagline = raw.get("tagline", "")

    base = base_url or os.environ.get("SITEGEN_BASE_URL") or raw.get("base_url")
    if not base:
        problem("base_url", "missing; set the absolute address of the published site, e.g. https://jane.example")
    elif not isinstance(base, str) or urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
        problem("base_url", f"must be an absolute URL such as https://jane.example, not {str(base)[:80]!r}")
    elif base_url_problem(base):
        # A line break here would write rules of its own into robots.txt and the pages.
        problem("base_url", base_url_problem(base))
    elif urlsplit(base).path.strip("/"):
        # Pages link to each other with root-relative URLs (/posts/…), so a
        # site under a sub-path would publish broken links.
        problem("base_url", f"{base!r} has a path; sitegen sites live at the root of their domain: use a "
                            f"domain or sub-domain such as https://jane.example or https://jane.github.io")

    theme = raw.get("theme", "default")
    theme_dirs: tuple[Path, ...] = ()
    if not isinstance(theme, str) or not theme:
        problem("theme", "must be a theme name, e.g. theme: default")
    elif not THEME_NAME.fullmatch(theme) or ".." in theme:
        # Themes come from themes/ or the package only: a path could read any folder.
        problem("theme", f"{theme[:80]!r} is not a theme name; name a folder of themes/ (or a shipped theme) "
                         f"such as theme: default, without '/', '\\' or '..'")
    else:
        theme_dirs = find_theme(root, theme)
        if not theme_dirs:
            problem("theme", f"no theme '{theme}' in themes/ nor shipped with sitegen; use theme: default "
                             f"or create themes/{theme}/templates/")
        for folder in theme_dirs:
            outside = _link_out_of_site(root, folder)
            if outside:
                problem("theme", outside)
                break

    output_dir = _output_dir(root, output or raw.get("output", "public"), problem)

    per_page = raw.get("posts_per_page", 10)
    if not isinstance(per_page, int) or isinstance(per_page, bool) or per_page < 1:
        problem("posts_per_page", f"must be a whole number of at least 1, not {quoted(per_page)}")
        per_page = 10

    feed = _feed(raw.get("feed", {}), problem)
    menu = _menu(raw.get("menu"), codes, problem, warn_for("menu"))

    social_images = raw.get("social_images", "site")
    if social_images not in ("site", "posts"):
        problem("social_images", f"must be 'site' (one generated image per language) or 'posts' (one per post "
                                 f"too, with its title), not {quoted(social_images)}")

    cname = raw.get("cname")
    if cname is not None and hostname_problem(cname):
        problem("cname", hostname_problem(cname))  # a line break would write a two-line CNAME

    tz_name = raw.get("timezone", "UTC")
    try:
        tz: ZoneInfo | timezone = ZoneInfo(str(tz_name))
    except (ZoneInfoNotFoundError, ValueError):
        problem("timezone", f"unknown time zone {quoted(tz_name)}; use a name such as Europe/Paris")
        tz = timezone.utc

    if problems:
        raise problems[0] if len(problems) == 1 else SitegenErrors(problems)

    warnings.extend(_string_gap_warnings(theme, theme_dirs, codes, text))
    warnings.extend(filter(None, [base_url_warning(text)]))
    return Settings(
        root=root,
        title=localize(title, codes, warn_for("title"), "title"),
        tagline=localize(tagline, codes, warn_for("tagline"), "tagline"),
        base_url=str(base).rstrip("/"),
        languages=tuple(languages),
        theme=theme,
        theme_dirs=theme_dirs,
        output=output_dir,
        posts_per_page=per_page,
        feed=feed,
        menu=menu,
        timezone=tz,
        now=source_date(),
        cname=cname.strip() if isinstance(cname, str) else None,
        post_social_images=social_images == "posts",
        drafts=drafts,
        future=future,
        warnings=warnings,
    )


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


def _languages(raw: Any, problem: Callable[[str, str], None]) -> list[Language]:
    if raw is None:
        return [Language("en", "English", "en")]
    if not isinstance(raw, list) or not raw:
        problem("languages", "must be a list such as [{code: en, name: English, locale: en_GB}]")
        return []
    result = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            item = {"code": item}
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            problem(f"languages[{i}]", "needs a code, e.g. {code: fr, name: Français, locale: fr_FR}")
            continue
        code = item["code"]
        if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", code):
            problem(f"languages[{i}].code", f"{quoted(code)} is not a language code such as 'en' or 'fr'")
            continue
        locale = str(item.get("locale", code))
        try:
            from babel import Locale
            Locale.parse(locale)
        except (ValueError, TypeError, Exception):  # babel raises UnknownLocaleError or ValueError
            problem(f"languages[{i}].locale", f"unknown locale {quoted(locale)}; use e.g. fr_FR")
            continue
        if any(lang.code == code for lang in result):
            problem(f"languages[{i}].code", f"'{code}' is listed twice")
            continue
        result.append(Language(code, str(item.get("name", code)), locale))
    return result


def _output_dir(root: Path, value: Any, problem: Callable[[str, str], None]) -> Path:
    if not isinstance(value, str) or not value.strip():
        problem("output", "must be a folder name such as public")
        return root / "public"
    out = (root / value).resolve()
    if out == root or out in root.parents:
        problem("output", f"'{value}' is the site root or contains it; the output folder is replaced on "
                          f"every build, so choose a folder of its own such as public")
    for place, label in ((root / "content", "content/"), (root / "themes", "themes/"),
                         (SHIPPED_THEMES, "the shipped themes"), (SOURCE_THEMES, "the shipped themes")):
        if out == place or place in out.parents:
            problem("output", f"'{value}' is inside {label}; the output folder is replaced on every build, "
                              f"so choose a folder of its own such as public")
            break
    return out


def _feed(raw: Any, problem: Callable[[str, str], None]) -> FeedSettings:
    if raw is None:
        return FeedSettings()
    if not isinstance(raw, dict):
        problem("feed", "must be a mapping such as {items: 20, full_content: true}")
        return FeedSettings()
    items = raw.get("items", 20)
    if not isinstance(items, int) or isinstance(items, bool) or items < 1:
        problem("feed.items", f"must be a whole number of at least 1, not {quoted(items)}")
        items = 20
    full = raw.get("full_content", True)
    if not isinstance(full, bool):
        problem("feed.full_content", f"must be true or false, not {quoted(full)}")
        full = True
    return FeedSettings(items, full)


DEFAULT_MENU = [
    ({"en": "Blog", "fr": "Blog"}, "/posts/"),
    ({"en": "Talks", "fr": "Conférences"}, "/talks/"),
    ({"en": "Workshops", "fr": "Ateliers"}, "/workshops/"),
    ({"en": "Expertise", "fr": "Expertise"}, "/expertise/"),
]


def _menu(raw: Any, codes: list[str], problem: Callable[[str, str], None],
          warn: Callable[[str], None]) -> tuple[MenuItem, ...]:
    if raw is None:
        return tuple(MenuItem({c: title.get(c, title["en"]) for c in codes}, url) for title, url in DEFAULT_MENU)
    if not isinstance(raw, list):
        problem("menu", "must be a list of {title, url}")
        return ()
    items = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or "title" not in item or not isinstance(item.get("url"), str):
            problem(f"menu[{i}]", "needs a title and a url, e.g. {title: Blog, url: /posts/}")
            continue
        if link_problem(item["url"]):
            problem(f"menu[{i}].url", link_problem(item["url"]))
            continue
        items.append(MenuItem(localize(item["title"], codes, warn, f"menu[{i}].title"), item["url"]))
    return tuple(items)
