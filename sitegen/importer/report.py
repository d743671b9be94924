"""The summary printed at the end of an import, with the files concerned."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .document import Converted
    from .media import Media
    from .plan import Planned

MAX_LISTED = 50


@dataclass
class Report:
    format: str
    dry_run: bool
    posts: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    comments: int = 0
    translations: set[str] = field(default_factory=set)
    shortcodes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # what the recovering read of the export mended
    changes: list[str] = field(default_factory=list)  # what was changed or left out in bodies and comments
    media: Media | None = None

    def add(self, p: Planned, converted: Converted, outcome: str) -> None:
        if outcome == "unchanged":
            self.unchanged.append(p.path)
            return
        if outcome == "kept":
            self.kept.append(p.path)
            return
        (self.posts if p.item.kind == "post" else self.pages).append(p.path)
        if converted.draft:
            self.drafts.append(p.path)
        self.comments += converted.comments
        if p.translation_key:
            self.translations.add(p.translation_key)
        self.shortcodes += [f"{p.path}: [{name}]" for name in converted.unknown_shortcodes]
        self.changes += [f"{p.path}: {note}" for note in converted.notes]

    def lines(self) -> list[str]:
        verb = "would write" if self.dry_run else "wrote"
        out = [f"{self.format} export"]
        if self.repairs:
            section(out, f"{len(self.repairs)} repairs to read the export", self.repairs)
        section(out, f"{verb} {len(self.posts)} posts", self.posts)
        section(out, f"{verb} {len(self.pages)} pages", self.pages)
        section(out, f"{len(self.drafts)} drafts (draft: true, not published)", self.drafts)
        out.append(f"{self.comments} comments kept (approved ones only)")
        out.append(f"{len(self.translations)} translation groups linked (translation_key)")
        media = self.media
        if media is not None:
            if not media.download:
                out.append("media not downloaded (--no-media): links kept remote")
            else:
                section(out, f"{len(media.downloaded)} media {'to download' if self.dry_run else 'downloaded'}",
                        media.downloaded)
                if media.existing:
                    out.append(f"{len(media.existing)} media already there, left alone")
                section(out, f"{len(media.remote)} media kept remote (not downloaded)",
                        [f"{url}: {why}" for url, why in media.remote])
        section(out, f"{len(self.shortcodes)} shortcodes not understood (left as text)", self.shortcodes)
        if self.changes:
            section(out, f"{len(self.changes)} changes to bodies and comments", self.changes)
        section(out, f"{len(self.kept)} files already there with other content, not overwritten", self.kept)
        if self.unchanged:
            out.append(f"{len(self.unchanged)} files already imported, unchanged")
        section(out, f"{len(self.skipped)} entries skipped", self.skipped)
        return out


def section(out: list[str], title: str, items: list[str]) -> None:
    out.append(title + (":" if items else ""))
    out.extend(f"  {item}" for item in items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        out.append(f"  … and {len(items) - MAX_LISTED} more")
