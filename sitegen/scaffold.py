"""`sitegen new`: skeletons for a post, talk, workshop or expertise area."""

from __future__ import annotations

from pathlib import Path

from slugify import slugify

from .config import Settings
from .errors import UsageError

KIND_FOLDERS = {"post": "posts", "talk": "talks", "workshop": "workshops", "expertise": "expertise"}


def new_content(settings: Settings, kind: str, title: str, lang: str | None) -> Path:
    lang = lang or settings.default_lang
    if lang not in settings.codes:
        raise UsageError(f"--lang {lang}: not a language of this site ({', '.join(settings.codes)})")
    slug = slugify(title)
    if not slug:
        raise UsageError(f"cannot make a file name from the title {title!r}; use letters or digits")
    folder = settings.content_dir / KIND_FOLDERS[kind]
    if kind == "post":
        suffix = "" if lang == settings.default_lang else f".{lang}"
        path = folder / f"{slug}{suffix}.md"
        day = settings.now.astimezone(settings.timezone).date().isoformat()
        text = (f"---\ntitle: {quote(title)}\ndate: {day}\ntags: []\nsummary: \"\"\ndraft: true\n---\n\n"
                f"Write your post here. Remove 'draft: true' above to publish it.\n")
    else:
        path = folder / f"{slug}.yml"
        text = service_skeleton(settings, kind, title)
    if path.exists():
        raise UsageError(f"{path.relative_to(settings.root)} already exists; choose another title or edit that file")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def localized_block(settings: Settings, key: str, value: str, indent: str = "") -> str:
    lines = [f"{indent}{key}:"]
    lines += [f"{indent}  {code}: {quote(value)}" for code in settings.codes]
    return "\n".join(lines) + "\n"


def service_skeleton(settings: Settings, kind: str, title: str) -> str:
    text = localized_block(settings, "title", title)
    text += localized_block(settings, "summary", "One or two sentences: the value for the client.")
    text += "body:\n" + "".join(f"  {code}: |\n    What it is, for whom, and what changes afterwards.\n"
                                for code in settings.codes)
    text += "tags: []\nweight: 10\n"
    if kind != "expertise":
        text += localized_block(settings, "duration", "45 minutes")
        text += localized_block(settings, "audience", "Who it is for")
        text += "formats: [in-person, online]\n"
        text += f"languages: [{', '.join(settings.codes)}]\n"
        text += "outcomes:\n" + "".join(f"  {code}:\n    - What the client gets\n" for code in settings.codes)
        text += "# pricing: {en: On request}\nexpertise: []\nsessions: []\n"
        text += "#  - {date: 2027-03-12, event: Conference name, city: Lyon, url: https://example.org}\n"
    return text
