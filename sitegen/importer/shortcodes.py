"""WordPress shortcodes → plain HTML, before the HTML becomes Markdown.

`[caption]` becomes the image and its caption, `[gallery]` the images it
names (a gallery whose images are not in the export is named in the report),
`[embed]`, `[video]`, `[audio]`, `[youtube]`, `[vimeo]`, `[tweet]` and the other
WordPress.com embeds a link to the media (embeds.py). Code shortcodes were
taken out before (code.py). Any other shortcode is left as text and named in
the report.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .embeds import embed_html

ATTR = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
CAPTION = re.compile(r"\[(caption|wp_caption)([^\]]*)\](.*?)\[/\1\]", re.S)
EMBEDS = "embed|video|audio|youtube|vimeo|tweet|dailymotion|soundcloud|gist|slideshare|ted|googlemaps|instagram|spotify"
ENCLOSING = re.compile(r"\[(" + EMBEDS + r")([^\]]*)\](.*?)\[/\1\]", re.S)
SELF_CLOSING = re.compile(r"\[(gallery|playlist|" + EMBEDS + r")((?:\s|=)[^\]]*)?\]")
ANY = re.compile(r"\[/?([a-z][a-z0-9_-]*)(\s[^\]]*)?\]")
MEDIA_KEYS = ("src", "url", "mp4", "m4v", "webm", "ogv", "mp3", "ogg", "wav", "m4a", "id")


@dataclass
class Shortcodes:
    """Expands one site's shortcodes; `attachments` maps ids to media URLs and
    `children` a post id to the media attached to it (for a bare [gallery])."""

    attachments: dict[str, str] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)

    def expand(self, content: str, post_id: str, ignore: set[str],
               notes: list[str] | None = None) -> tuple[str, list[str]]:
        """(HTML, names of the shortcodes not understood); what was lost goes to `notes`."""
        notes = notes if notes is not None else []
        content = CAPTION.sub(caption, content)
        content = ENCLOSING.sub(lambda m: media_link(attributes(m.group(2)), m.group(3).strip()), content)
        content = SELF_CLOSING.sub(lambda m: self.single(m.group(1), attributes(m.group(2) or ""), post_id, notes),
                                   content)
        unknown = sorted({m.group(1) for m in ANY.finditer(content) if m.group(1) not in ignore})
        return content, unknown

    def single(self, name: str, attrs: dict[str, str], post_id: str, notes: list[str]) -> str:
        if name == "gallery":
            ids = [i.strip() for i in attrs.get("ids", attrs.get("include", "")).split(",") if i.strip()]
            urls = [self.attachments[i] for i in ids if i in self.attachments] if ids else self.children.get(post_id, [])
            missing = [i for i in ids if i not in self.attachments]
            if not urls:
                notes.append("[gallery]: its images are not in the export (attachments missing): left out; "
                             "add them by hand")
            elif missing:
                notes.append(f"[gallery]: {len(missing)} of its {len(ids)} images are not in the export; "
                             f"the other {len(urls)} kept")
            return "".join(f'<p><img src="{html.escape(u)}" alt="{html.escape(alt_from(u))}"></p>' for u in urls)
        if name == "playlist":
            notes.append("[playlist]: left out (an audio or video playlist)")
            return ""
        return media_link(attrs, "")


def caption(match: re.Match) -> str:
    """`[caption]<img …> Text[/caption]` → the image, then the caption in italics."""
    inner = match.group(3)
    attrs = attributes(match.group(2))
    image = re.search(r"(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*</a>)?", inner)
    text = (inner[:image.start()] + inner[image.end():]) if image else inner
    text = attrs.get("caption") or text.strip()
    image_html = image.group(0) if image else ""
    return f"\n\n<p>{image_html}</p>\n\n" + (f"<p><em>{text}</em></p>\n\n" if text else "")


def media_link(attrs: dict[str, str], inner: str) -> str:
    url = inner or next((attrs[k] for k in MEDIA_KEYS if attrs.get(k)), "") or attrs.get("0", "")
    if not url:
        return ""
    if re.fullmatch(r"[\w-]{11}", url):  # a bare YouTube video id
        url = f"https://www.youtube.com/watch?v={url}"
    elif re.fullmatch(r"\d{5,}", url):  # [vimeo 123456]
        url = f"https://vimeo.com/{url}"
    return embed_html(url) or f'\n\n<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>\n\n'


def attributes(text: str) -> dict[str, str]:
    text = text.strip()
    if text.startswith(("http://", "https://")):  # `[youtube https://…?v=…]`: the URL is not key=value
        url, _, rest = text.partition(" ")
        return {**attributes(rest), "0": url}
    attrs = {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in ATTR.finditer(text)}
    bare = ATTR.sub("", text).strip().strip("=").strip()
    if bare and "0" not in attrs:  # `[youtube https://…]`, `[embed]` written without a key
        attrs["0"] = bare.split()[0]
    return attrs


def alt_from(url: str) -> str:
    """A gallery has no alt text: the file name, in words, is better than none."""
    stem = url.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[-_]+", " ", re.sub(r"-\d+x\d+$", "", stem)).strip() or "image"
