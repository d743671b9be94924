"""Read an export file safely and tell which engine wrote it.

Exports are untrusted XML: defusedxml refuses entity expansion bombs and
external entities. The quirks of real exports are mended (xmlread.py) and
listed; anything else is one ContentError naming the file, line and column.
An Atom feed that is not a Blogger backup (a blog's public feed, another
engine's feed) is refused: it holds the latest posts, never the whole blog.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException

from ..errors import ContentError, UsageError
from .records import Export
from .tidy import tidy
from .xmlread import Unreadable, read_root

ATOM = "{http://www.w3.org/2005/Atom}"
WXR_NS_PREFIX = "http://wordpress.org/export/"
BLOGGER_2018 = "{http://schemas.google.com/blogger/2018}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"


def read_export(path: Path, shown: str) -> Export:
    """The export at `path` (`shown` is how messages name it)."""
    if not path.is_file():
        raise UsageError(f"{shown}: no such export file",
                         hint="give the path of the .xml file your blog exported (WordPress: Tools → Export; "
                              "Blogger: Settings → Back up content)")
    root, repairs = parse_xml(path, shown)
    wxr_version = wxr_namespace(root)
    if root.tag == "rss" and wxr_version:
        from .wxr import read_wxr

        export = read_wxr(root, wxr_version, shown)
    elif root.tag == f"{ATOM}feed":
        refuse_feed(root, shown)
        from .blogger import read_blogger

        export = read_blogger(root, shown)
    else:
        raise ContentError("not a WordPress (WXR) or Blogger export", shown, 1,
                           hint="export again from WordPress (Tools → Export → All content) or Blogger "
                                "(Settings → Back up content); RSS feeds are not full exports")
    export.repairs = repairs + export.repairs
    if not export.items:
        raise ContentError(f"the {export.format} export holds no post and no page", shown, None,
                           hint="export again with all content (WordPress: Tools → Export → All content; "
                                "Blogger: Settings → Back up content)")
    return tidy(export)


def parse_xml(path: Path, shown: str) -> tuple[Element, list[str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(f"cannot read the export: {exc.strerror}", shown) from None
    try:
        return read_root(data)
    except Unreadable as exc:
        raise ContentError(str(exc), shown, exc.line,
                           hint="the file may be cut short or edited by hand; export it again") from None
    except DefusedXmlException as exc:
        raise ContentError(f"the export declares XML entities, refused for safety ({type(exc).__name__})",
                           shown, None, hint="WordPress and Blogger exports never need them; export again") from None


def refuse_feed(root: Element, shown: str) -> None:
    """A Blogger backup has typed entries (2018) or settings/template entries
    and an `.archive` id (older backups); a feed has neither."""
    entries = root.findall(f"{ATOM}entry")
    if any(entry.find(f"{BLOGGER_2018}type") is not None for entry in entries):
        return
    kinds = {c.get("term", "").rsplit("#", 1)[-1] for e in entries for c in e.findall(f"{ATOM}category")
             if c.get("scheme") == KIND_SCHEME}
    feed_id = (root.findtext(f"{ATOM}id") or "").strip()
    if kinds & {"settings", "template"} or feed_id.endswith(".archive"):
        return
    what = "a Blogger feed (its latest posts)" if "blogger.com" in feed_id or kinds else "an Atom feed"
    raise ContentError(f"{what}, not a backup of the whole blog: nothing imported", shown, 1,
                       hint="in Blogger: Settings → Back up content → Download; for WordPress: Tools → Export "
                            "→ All content")


def wxr_namespace(root: Element) -> str | None:
    """The WXR version (`1.2`) from the `wp:` namespace used in the channel.
    WordPress.com wrote `https://wordpress.org/export/1.2/` for a while (the
    Theme Unit Test data has it): those names are read as the `http://` ones."""
    version = None
    https = "{https" + WXR_NS_PREFIX[4:]
    for element in root.iter():
        if element.tag.startswith(https):
            element.tag = "{" + WXR_NS_PREFIX + element.tag[len(https):]
        if version is None and element.tag.startswith("{" + WXR_NS_PREFIX):
            version = element.tag[1 + len(WXR_NS_PREFIX):].split("/")[0]
    return version
