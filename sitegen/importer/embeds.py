"""Embedded media from an archive → a plain link; never a live frame or script.

sitegen has no embed of its own, and a third-party frame costs the reader's
privacy and the page's speed, so a known provider's embed (an `<iframe>`, a
Gutenberg `wp:embed` block, a bare URL alone on its line as WordPress's
oEmbed shows it, an `[embed]`/`[youtube]`/`[tweet]` shortcode) becomes one
paragraph holding a link: "Video on YouTube: <title>". Any other `<iframe>`
(ads, forms, widgets) is left out and named in the report.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

# host pattern, provider, kind, how to make the page URL from an embed URL (None: as it is)
PROVIDERS: list[tuple[re.Pattern, str, str]] = [
    (re.compile(r"(^|\.)(youtube\.com|youtube-nocookie\.com|youtu\.be)$"), "YouTube", "Video"),
    (re.compile(r"(^|\.)vimeo\.com$"), "Vimeo", "Video"),
    (re.compile(r"(^|\.)(twitter\.com|x\.com)$"), "X", "Post"),
    (re.compile(r"(^|\.)(dailymotion\.com|dai\.ly)$"), "Dailymotion", "Video"),
    (re.compile(r"(^|\.)soundcloud\.com$"), "SoundCloud", "Audio"),
    (re.compile(r"(^|\.)spotify\.com$"), "Spotify", "Audio"),
    (re.compile(r"(^|\.)slideshare\.net$"), "SlideShare", "Slides"),
    (re.compile(r"(^|\.)speakerdeck\.com$"), "Speaker Deck", "Slides"),
    (re.compile(r"(^|\.)ted\.com$"), "TED", "Video"),
    (re.compile(r"(^|\.)codepen\.io$"), "CodePen", "Code"),
    (re.compile(r"^gist\.github\.com$"), "GitHub Gist", "Code"),
    (re.compile(r"(^|\.)(flickr\.com|flic\.kr)$"), "Flickr", "Photo"),
    (re.compile(r"(^|\.)instagram\.com$"), "Instagram", "Post"),
    (re.compile(r"(^|\.)tiktok\.com$"), "TikTok", "Video"),
    (re.compile(r"(^|\.)loom\.com$"), "Loom", "Video"),
    (re.compile(r"(^|\.)twitch\.tv$"), "Twitch", "Video"),
    (re.compile(r"^(www\.)?google\.[a-z.]+$"), "Google Maps", "Map"),
    (re.compile(r"^maps\.google\.[a-z.]+$"), "Google Maps", "Map"),
    (re.compile(r"(^|\.)openstreetmap\.org$"), "OpenStreetMap", "Map"),
    (re.compile(r"(^|\.)mastodon\.social$"), "Mastodon", "Post"),
]
IFRAME = re.compile(r"<iframe\b([^>]*)>.*?(?:</iframe\s*>|$)|<iframe\b([^>]*)/?>", re.S | re.I)
SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
TITLE = re.compile(r"""\btitle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
BLOCK = re.compile(r"<!--\s*wp:(core-embed/[\w-]+|embed)\s*(\{.*?\})?\s*/?-->(.*?)<!--\s*/wp:\1\s*-->", re.S)
BARE_URL_LINE = re.compile(r"(?m)^[ \t]*(https?://[^\s<>\"']+)[ \t]*$")
CAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.S | re.I)


def provider(url: str) -> tuple[str, str] | None:
    host = urlsplit(url).hostname or ""
    if host == "www.google.com" and "/maps" not in urlsplit(url).path:
        return None
    for pattern, name, kind in PROVIDERS:
        if pattern.search(host):
            return name, kind
    return None


def page_url(url: str) -> str:
    """The address a reader opens (`/embed/ID` → the video's page)."""
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    host = parts.hostname or ""
    youtube = re.match(r"/(?:embed|shorts|v)/([\w-]{6,})", parts.path)
    if "youtube" in host and youtube:
        return f"https://www.youtube.com/watch?v={youtube.group(1)}"
    if host == "youtu.be" and len(parts.path) > 1:
        return f"https://www.youtube.com/watch?v={parts.path.strip('/')}"
    vimeo = re.match(r"/video/(\d+)", parts.path)
    if host == "player.vimeo.com" and vimeo:
        return f"https://vimeo.com/{vimeo.group(1)}"
    motion = re.match(r"/embed/video/(\w+)", parts.path)
    if "dailymotion" in host and motion:
        return f"https://www.dailymotion.com/video/{motion.group(1)}"
    if host == "open.spotify.com" and parts.path.startswith("/embed/"):
        return f"https://open.spotify.com/{parts.path[len('/embed/'):]}"
    if host == "w.soundcloud.com":
        inner = parse_qs(parts.query).get("url")
        if inner and inner[0].startswith("https://"):
            return inner[0]
    return url


def embed_html(url: str, title: str = "") -> str | None:
    """The paragraph that stands for an embed of `url`, or None when the provider is not known."""
    url = page_url(html.unescape(url.strip()))
    known = provider(url) if url.startswith(("http://", "https://")) else None
    if known is None:
        return None
    name, kind = known
    label = f"{kind} on {name}" + (f": {title.strip()}" if title.strip() else "")
    return f'\n\n<p><a href="{html.escape(url)}">{html.escape(label)}</a></p>\n\n'


def replace_embeds(content: str, notes: list[str]) -> str:
    """Gutenberg embed blocks, bare oEmbed URL lines and iframes → links or nothing (with a note)."""
    content = BLOCK.sub(lambda m: _block(m, notes), content)
    content = IFRAME.sub(lambda m: _iframe(m.group(1) if m.group(1) is not None else m.group(2) or "", notes), content)
    return BARE_URL_LINE.sub(lambda m: embed_html(m.group(1)) or m.group(0), content)


def _block(match: re.Match, notes: list[str]) -> str:
    try:
        attrs = json.loads(match.group(2) or "{}")
    except ValueError:
        attrs = {}
    inner = match.group(3)
    url = attrs.get("url") if isinstance(attrs, dict) else None
    if not isinstance(url, str):
        found = re.search(r"https?://[^\s<>\"']+", inner)
        url = found.group(0) if found else ""
    caption = CAPTION.search(inner)
    title = re.sub(r"<[^>]+>", "", html.unescape(caption.group(1))).strip() if caption else ""
    made = embed_html(url, title)
    if made is not None:
        return made
    if url.startswith(("http://", "https://")):
        notes.append(f"embed of {url}: not a known provider, kept as a link")
        label = html.escape(title or url)
        return f'\n\n<p><a href="{html.escape(url)}">{label}</a></p>\n\n'
    notes.append("an embed block without an address: left out")
    return ""


def _iframe(attrs: str, notes: list[str]) -> str:
    found = SRC.search(attrs)
    src = next((g for g in found.groups() if g is not None), "") if found else ""
    titled = TITLE.search(attrs)
    title = html.unescape(next((g for g in titled.groups() if g is not None), "")) if titled else ""
    made = embed_html(src, title)
    if made is not None:
        return made
    notes.append(f"iframe from {urlsplit(html.unescape(src)).hostname or src or 'nowhere'}: left out "
                 "(only known video, audio, slides and post providers become links)")
    return ""
