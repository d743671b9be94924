"""`sitegen init` (a new working site with CI workflows) and `sitegen theme copy`."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

from babel import Locale, UnknownLocaleError
from slugify import slugify

from ..cache.layout import CACHE_DIR
from ..settings.config import source_date
from ..settings.safety import SHIPPED_THEMES, SOURCE_THEMES
from ..errors import UsageError
from ..settings.starter_text import BASE_URL_NOTE, TEXT
from .ci_files import ci_files
from .install_spec import Install, given, how_installed

GITIGNORE = f"/public/\n/.public.building/\n/.public.previous/\n/{CACHE_DIR}/\n__pycache__/\n"

def language_entry(code: str) -> str:
    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise UsageError(f"--languages: '{code}' is not a language code; use codes such as en,fr,de")
    name = locale.get_display_name(code) or code
    return f"  - {{code: {code}, name: {name[:1].upper() + name[1:]}, locale: {locale}}}\n"


def localized(key: str, codes: list[str], indent: str = "", **values: str) -> str:
    def text(code: str) -> str:
        return quote(elide(TEXT[key].get(code, TEXT[key]["en"]), code, values.get("name", "")).format(**values))
    if len(codes) == 1:
        return f" {text(codes[0])}\n"
    return "\n" + "".join(f"{indent}  {code}: {text(code)}\n" for code in codes)


def elide(template: str, code: str, name: str) -> str:
    """French elides "de" before a vowel or a mute h: "Portrait d’Hélène",
    not "Portrait de Hélène"."""
    if code == "fr" and name[:1].lower() in "aeiouyhàâéèêëîïôûü":
        return template.replace("de {name}", "d’{name}")
    return template


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def starter_files(codes: list[str], name: str, today: date, install: Install) -> dict[str, str]:
    slug_host = slugify(name) or "me"  # ASCII: "Hélène Marchand" → helene-marchand.example
    email = f"hello@{slug_host}.example"
    files = {
        "site.yml": (f"title: {quote(name)}\ntagline:{localized('tagline', codes)}"
                     f"base_url: https://{slug_host}.example   # {BASE_URL_NOTE}\nlanguages:\n"
                     + "".join(language_entry(c) for c in codes)
                     + "theme: default\nposts_per_page: 10\nfeed: {items: 20, full_content: true}\n"
                       "timezone: UTC\n# cname: www.example.com   # custom domain on GitHub Pages\n"),
        "content/profile.yml": (f"name: {quote(name)}\n# photo: /img/me.jpg   # put the file in content/static/img/\n"
                                f"photo_alt:{localized('photo_alt', codes, name=name)}"
                                f"job_title:{localized('job_title', codes)}"
                                f"headline:{localized('headline', codes)}"
                                f"bio:{localized('bio', codes)}"
                                f"location: Your city\nemail: {email}\n"
                                "links:\n  - {name: GitHub, url: \"https://github.com/your-name\"}\n"
                                "availability: []\n"
                                "#  - {from: 2026-12-20, until: 2027-01-05, note: {en: Closed for the holidays.}}\n"),
        "content/talks/signature-talk.yml": (
            f"title:{localized('talk_title', codes)}summary:{localized('talk_summary', codes)}"
            f"body:{localized('talk_body', codes)}tags: [expertise]\nweight: 1\n"
            "duration: 45 min\n"
            f"audience:{localized('audience', codes)}formats: [in-person, online]\n"
            f"languages: [{', '.join(codes)}]\noutcomes:"
            + "\n" + "".join(f"  {c}: [{quote(TEXT['outcome'].get(c, TEXT['outcome']['en']))}]\n" for c in codes)
            + f"pricing:{localized('pricing', codes)}expertise: [your-expertise]\nsessions: []\n"
              "#  - {date: 2027-03-12, event: Conference name, city: Lyon, url: \"https://conf.example\"}\n"),
        "content/expertise/your-expertise.yml": (
            f"title:{localized('expertise_title', codes)}summary:{localized('expertise_summary', codes)}"
            f"body:{localized('expertise_body', codes)}tags: [expertise]\nweight: 1\n"),
    }
    default = codes[0]
    for code in codes:
        suffix = "" if code == default else f".{code}"
        post = f"content/posts/{today.isoformat()}-welcome{suffix}.md"
        text = lambda key, **v: elide(TEXT[key].get(code, TEXT[key]["en"]), code, name).format(**v)  # noqa: E731
        files[post] = (f"---\ntitle: {quote(text('post_title'))}\ndate: {today.isoformat()}\n"
                       f"tags: [expertise]\nsummary: {quote(text('post_summary'))}\n---\n\n"
                       + text("post_body", file=post))
        files[f"content/pages/contact{suffix}.md"] = (
            f"---\ntitle: {quote(text('contact_title'))}\n"
            f"summary: {quote(text('contact_summary', name=name))}\n---\n\n"
            + text("contact_body", email=email) + "\n")
    files.update(ci_files(install))
    files.update({".gitignore": GITIGNORE,
                  "content/static/img/.gitkeep": ""})
    return files


def refuse_links_on_the_way(target: Path, rel: str) -> None:
    """With --force, a symbolic link in the folder (even a dangling one) would
    have the starter written wherever it points: refuse before writing."""
    path = target
    for part in Path(rel).parts:
        path = path / part
        if path.is_symlink():
            raise UsageError(f"{path} is a symbolic link (to {os.readlink(path)}); sitegen init writes only inside "
                             f"{target}: remove the link or start in an empty folder")
        if not path.exists():
            return


def init_site(target: Path, languages: str, name: str, force: bool,
              install: str | None = None) -> tuple[list[Path], Install]:
    """Writes the starter files that are missing; `install` (--install) is
    what the CI files pip install, else sitegen as installed here."""
    codes = [c.strip() for c in languages.split(",") if c.strip()]
    if not codes or len(set(codes)) != len(codes):
        raise UsageError(f"--languages {languages!r}: give distinct codes separated by commas, e.g. en,fr")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target} is not empty; choose an empty folder, or add --force to add the "
                         f"starter files that are missing (existing files are kept)")
    if not name.strip():
        raise UsageError('--name is empty; give your name as people search for it, e.g. --name "Jane Doe"')
    how = given(install) if install is not None else how_installed()
    files = starter_files(codes, name.strip(), source_date().date(), how)
    for rel in files:
        refuse_links_on_the_way(target, rel)
    written = []
    for rel, text in files.items():
        path = target / rel
        if path.exists():
            continue  # never overwrite the user's files, even with --force
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written, how


def shipped_theme() -> Path:
    for base in (SHIPPED_THEMES, SOURCE_THEMES):
        if (base / "default" / "templates").is_dir():
            return base / "default"
    raise UsageError("the default theme is missing from this sitegen installation; reinstall sitegen")


def copy_theme(root: Path, name: str, force: bool) -> Path:
    if not name or "/" in name or name.startswith("."):
        raise UsageError(f"'{name}' is not a theme name; use a plain name such as mytheme")
    target = root / "themes" / name
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; choose another name or add --force to replace it")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(shipped_theme(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target
