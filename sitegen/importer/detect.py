"""Read an export file safely and tell which engine wrote it.

Exports are untrusted XML: defusedxml refuses entity expansion bombs and
external entities. Any problem is one ContentError naming the file and line.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import ContentError, UsageError
from .records import Export

ATOM = "{http://www.w3.org/2005/Atom}"
WXR_NS_PREFIX = "http://wordpress.org/export/"


def read_export(path: Path, shown: str) -> Export:
    """The export at `path` (`shown` is how messages name it)."""
    if not path.is_file():
        raise UsageError(f"{shown}: no such export file",
                         hint="give the path of the .xml file your blog exported (WordPress: Tools → Export; "
                              "Blogger: Settings → Back up content)")
    root = parse_xml(path, shown)
    wxr_version = wxr_namespace(root)
    if root.tag == "rss" and wxr_version:
        from .wxr import read_wxr

        return read_wxr(root, wxr_version, shown)
    if root.tag == f"{ATOM}feed":
        from .blogger import read_blogger

        return read_blogger(root, shown)
    raise ContentError("not a WordPress (WXR) or Blogger export", shown, 1,
                       hint="export again from WordPress (Tools → Export → All content) or Blogger "
                            "(Settings → Back up content); RSS feeds are not full exports")


def parse_xml(path: Path, shown: str) -> Element:
    try:
        return SafeET.parse(path, forbid_dtd=False).getroot()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        reason = str(exc).split(":")[0]
        raise ContentError(f"the export is not well-formed XML ({reason})", shown, line,
                           hint="the file may be cut short or edited by hand; export it again") from None
    except DefusedXmlException as exc:
        raise ContentError(f"the export declares XML entities, refused for safety ({type(exc).__name__})",
                           shown, None, hint="WordPress and Blogger exports never need them; export again") from None
    except OSError as exc:
        raise ContentError(f"cannot read the export: {exc.strerror}", shown) from None


def wxr_namespace(root: Element) -> str | None:
    """The WXR version (`1.2`) from the `wp:` namespace used in the channel."""
    for element in root.iter():
        if element.tag.startswith("{" + WXR_NS_PREFIX):
            return element.tag[1 + len(WXR_NS_PREFIX):].split("/")[0]
    return None
