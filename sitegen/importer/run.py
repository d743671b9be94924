"""The import, top to bottom: read, plan, convert, write, report."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..settings.config import load_settings
from ..errors import UsageError
from ..site.urls import Urls
from .comments import anchors_by_url
from .detect import read_export
from .document import Context, convert
from .media import Media
from .plan import link_map, plan_items
from .report import Report
from .shortcodes import Shortcodes


@dataclass
class ImportOptions:
    export: Path
    into: Path
    dry_run: bool = False
    media: bool = True
    comments: bool = True
    timeout: float = 10.0
    max_mb: int = 20


def run_import(options: ImportOptions, shown_export: str) -> Report:
    root = options.into
    if not (root / "site.yml").is_file():
        raise UsageError(f"no site.yml in {root}; import into a site made by sitegen init",
                         hint="run sitegen init DIR first, then sitegen import EXPORT --into DIR")
    settings = load_settings(root)
    export = read_export(options.export, shown_export)  # all read before anything is written
    urls = Urls(settings.default_lang, settings.base_url)
    planned = plan_items(export.items, list(settings.codes), urls)
    media = Media(root, export.site_url, download=options.media, dry_run=options.dry_run,
                  timeout=options.timeout, max_bytes=options.max_mb * 1024 * 1024,
                  attachments=set(export.attachments))
    ctx = Context(list(settings.codes), export.site_url, link_map(planned, export.site_url), media.local,
                  shortcodes(export), options.comments, autop=export.autop,
                  comment_anchors=anchors_by_url(planned) if options.comments else {})
    report = Report(export.format, options.dry_run, skipped=export.skipped, repairs=export.repairs,
                    changes=list(export.notes))
    for p in planned:
        converted = convert(p, ctx)
        outcome = write_new(root / p.path, converted.text, options.dry_run)
        report.add(p, converted, outcome)
    for url in export.attachments:  # attached but maybe not shown in any post
        media.local(url)
    report.media = media
    return report


def shortcodes(export) -> Shortcodes:
    """Galleries name attachments by id; a bare [gallery] shows the post's own."""
    return Shortcodes(dict(export.attachment_ids), export.attachment_children)


def write_new(path: Path, text: str, dry_run: bool) -> str:
    """Never overwrites: 'written', 'unchanged' (same text there), 'kept' (another
    text there, left alone) or 'would write'. A `.markdown` file of the same
    name counts as there: writing the `.md` beside it would make two posts of one."""
    twin = path.with_suffix(".markdown") if path.suffix == ".md" else None
    if twin is not None and twin.exists() and not path.exists():
        path = twin
    if path.exists():
        try:
            same = path.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        return "unchanged" if same else "kept"
    if dry_run:
        return "would write"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return "written"
