"""The default social images (`/social/<lang>.png`, `/social/<lang>/posts/<slug>.png`),
shown when a page shared in a chat or a social network has no image of its own.

Everything here is deterministic: the same site gives byte-identical files.
They are drawn with Pillow and the fonts shipped with sitegen (no system fonts),
and kept in the folder the build gives (`.sitegen-cache/social/`) under a digest of everything drawn, so a
rebuild with nothing changed never redraws one.
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..pages.presence import SOCIAL_SIZE, site_host
from ..site.files import cached_bytes
from ..site.urls import VCARD
from .vcard import vcard

if TYPE_CHECKING:
    from PIL import Image, ImageFont

    from ..site.sitemodel import Site
    from ..sources.models import Post

SOCIAL_DESIGN = "1"
"""Bump when the drawing code changes, so cached images are redrawn."""


def outputs(site: "Site", cache: Path) -> list[tuple[str, str, object]]:
    """The person's files, the vCard and the social images: (path in the output folder,
    source, bytes or a function making them). `cache`: the folder drawn images are kept in."""
    files: list[tuple[str, str, object]] = [(VCARD.lstrip("/"), "the vCard (content/profile.yml)",
                                             lambda: vcard(site))]
    drawer = SocialDrawer(site, cache)
    for lang in site.settings.codes:
        files.append((f"social/{lang}.png", f"the social image ({lang})",
                      lambda lang=lang: drawer.default_image(lang)))
    # Opt-in: drawing thousands of images would dominate a cold build.
    for post in site.posts if site.settings.post_social_images else ():
        if not post.image:
            files.append((site.urls.post_social(post).lstrip("/"), f"{post.source} (social image)",
                          lambda post=post: drawer.post_image(post)))
    return files


# Colours of the default theme.
ACCENT = (11, 85, 160)
INK = (28, 30, 33)
MUTED = (82, 87, 94)
PAPER = (253, 253, 252)
PALE = (214, 230, 248)
WHITE = (255, 255, 255)
RULE = (213, 216, 220)
HIGHLIGHT = (245, 197, 66)


class SocialDrawer:
    """Draws (or fetches from the cache) the social images of one site."""

    def __init__(self, site: "Site", cache_dir: Path):
        self.site = site
        self.cache_dir = cache_dir
        self._photo_checked = False
        self._photo_bytes: bytes | None = None

    # -- inputs

    def photo_bytes(self) -> bytes | None:
        """The profile photo's file, when it is a local file Pillow can read."""
        if not self._photo_checked:
            self._photo_checked = True
            path = local_photo(self.site)
            if path is not None:
                try:
                    data = path.read_bytes()
                    from PIL import Image

                    with Image.open(io.BytesIO(data)) as probe:
                        probe.verify()
                    self._photo_bytes = data
                except Exception:  # noqa: BLE001 - an unreadable photo is simply left out
                    self._photo_bytes = None
        return self._photo_bytes

    def default_image(self, lang: str) -> bytes:
        site, profile = self.site, self.site.profile
        title = site.settings.title[lang]
        third = title if title.strip() != profile.name.strip() else (site.settings.tagline[lang] or "")
        spec = {"layout": "profile", "name": profile.name, "job": profile.job_title[lang] or "",
                "line": third, "host": site_host(site)}
        return self.cached(spec, lambda photo: draw_profile(spec, photo))

    def post_image(self, post: "Post") -> bytes:
        site, profile = self.site, self.site.profile
        spec = {"layout": "post", "title": post.title, "name": profile.name,
                "job": profile.job_title[post.lang] or "", "host": site_host(site)}
        return self.cached(spec, lambda photo: draw_post(spec, photo))

    # -- cache

    def cached(self, spec: dict[str, str], draw: Callable[[bytes | None], bytes]) -> bytes:
        from PIL import __version__ as pillow_version

        photo = self.photo_bytes()
        key = hashlib.sha256(json.dumps(
            [SOCIAL_DESIGN, pillow_version, SOCIAL_SIZE, spec,
             hashlib.sha256(photo).hexdigest() if photo else None],
            sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]
        return cached_bytes(self.cache_dir / f"{key}.png", lambda: draw(photo))


def local_photo(site: "Site") -> Path | None:
    photo = site.profile.photo
    if not photo or photo.startswith(("http://", "https://")):
        return None
    url = site.urls.resolve(photo, "/")
    for static in site.static:
        if static.url == url:
            return static.source
    return None


FONTS = Path(__file__).parents[1] / "fonts"
"""DejaVu Sans, subset to Latin scripts: shipped with sitegen so every machine
draws the same pixels (Pillow's own bundled font has no accented letters)."""


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> "ImageFont.FreeTypeFont | ImageFont.ImageFont":
    from PIL import ImageFont

    try:
        return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)
    except OSError:  # no FreeType, or a packaging without the fonts
        return ImageFont.load_default(size=size)


def wrap(text: str, size: int, width: int, max_lines: int, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` pixels; the last line gets an ellipsis when cut."""
    f = font(size, bold)
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if f.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while f.getlength(current) > width and len(current) > 1:  # a word longer than the line
            cut = len(current)
            while cut > 1 and f.getlength(current[:cut]) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and f.getlength(last + "…") > width:
            last = last[:-1].rstrip()
        lines[-1] = last.rstrip(",;:.-–—") + "…"
    return lines


def fit(text: str, sizes: tuple[int, ...], width: int, max_lines: int,
        bold: bool = False) -> tuple[int, list[str]]:
    """The largest size at which `text` fits in `max_lines` lines."""
    for size in sizes:
        f = font(size, bold)
        lines = wrap(text, size, width, max_lines + 1, bold)
        if len(lines) <= max_lines and all(f.getlength(line) <= width for line in lines):
            return size, lines
    return sizes[-1], wrap(text, sizes[-1], width, max_lines, bold)


def circle_photo(data: bytes, diameter: int, ring: int, ring_colour: tuple[int, int, int]) -> "Image.Image":
    """The photo cropped to a disc with a ring, antialiased, on transparency."""
    from PIL import Image, ImageDraw, ImageOps

    with Image.open(io.BytesIO(data)) as raw:
        raw.load()
        photo = ImageOps.exif_transpose(raw) or raw
        photo = photo.convert("RGBA")
    inner = diameter - 2 * ring
    photo = ImageOps.fit(photo, (inner, inner), Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    scale = 4
    mask = Image.new("L", (inner * scale, inner * scale), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, inner * scale - 1, inner * scale - 1), fill=255)
    mask = mask.resize((inner, inner), Image.Resampling.LANCZOS)
    alpha = Image.new("L", (inner, inner), 0)
    alpha.paste(photo.getchannel("A"), (0, 0), mask)
    photo.putalpha(alpha)
    out = Image.new("RGBA", (diameter, diameter), (0, 0, 0, 0))
    ring_mask = Image.new("L", (diameter * scale, diameter * scale), 0)
    ImageDraw.Draw(ring_mask).ellipse((0, 0, diameter * scale - 1, diameter * scale - 1), fill=255)
    ring_mask = ring_mask.resize((diameter, diameter), Image.Resampling.LANCZOS)
    out.paste(Image.new("RGBA", (diameter, diameter), (*ring_colour, 255)), (0, 0), ring_mask)
    out.alpha_composite(photo, (ring, ring))
    return out


def line_height(size: int) -> int:
    return round(size * 1.22)


def draw_lines(draw: Any, x: int, y: int, lines: list[str], size: int, fill: tuple[int, int, int],
               bold: bool = False) -> int:
    """Draw lines from top `y` (first baseline at y + size); return the y below them."""
    f = font(size, bold)
    for line in lines:
        draw.text((x, y + size), line, font=f, fill=fill, anchor="ls")
        y += line_height(size)
    return y


def png(image: "Image.Image") -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def draw_profile(spec: dict[str, str], photo: bytes | None) -> bytes:
    """Name, job title and site on the theme's accent colour, photo in a disc."""
    from PIL import Image, ImageDraw

    width, height = SOCIAL_SIZE
    image = Image.new("RGB", SOCIAL_SIZE, ACCENT)
    draw = ImageDraw.Draw(image)
    margin = 90
    x = margin
    if photo:
        diameter = 320
        disc = circle_photo(photo, diameter, 10, WHITE)
        image.paste(disc, (margin, (height - diameter) // 2), disc)
        x = margin + diameter + 70
    column = width - x - margin
    name_size, name_lines = fit(spec["name"], (72, 62, 52), column, 2, bold=True)
    job_size, job_lines = fit(spec["job"], (36, 32, 28), column, 3) if spec["job"] else (36, [])
    line_size, line_lines = fit(spec["line"], (28, 25), column, 2) if spec["line"] else (28, [])
    block = len(name_lines) * line_height(name_size) + len(job_lines) * line_height(job_size) + 20
    if line_lines:
        block += 40 + len(line_lines) * line_height(line_size)
    y = max(60, (height - 60 - block) // 2)
    y = draw_lines(draw, x, y, name_lines, name_size, WHITE, bold=True)
    y = draw_lines(draw, x, y + 14, job_lines, job_size, PALE)
    if line_lines:
        y += 26
        draw.rectangle((x, y, x + 90, y + 5), fill=HIGHLIGHT)
        draw_lines(draw, x, y + 22, line_lines, line_size, WHITE)
    draw.text((width - margin, height - 50), spec["host"], font=font(26), fill=PALE, anchor="rs")
    return png(image)


def draw_post(spec: dict[str, str], photo: bytes | None) -> bytes:
    """The post's title, large, over the author's name, job title and site."""
    from PIL import Image, ImageDraw

    width, height = SOCIAL_SIZE
    image = Image.new("RGB", SOCIAL_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 23, height), fill=ACCENT)
    margin = 90
    column = width - 2 * margin
    footer_top = height - 190
    title_size, title_lines = fit(spec["title"], (64, 56, 50, 44), column, 4, bold=True)
    title_block = len(title_lines) * line_height(title_size)
    y = max(60, (footer_top - 30 - title_block) // 2 + 10)
    draw_lines(draw, margin, y, title_lines, title_size, INK, bold=True)
    draw.rectangle((margin, footer_top, width - margin, footer_top + 2), fill=RULE)
    x = margin
    top = footer_top + 34
    if photo:
        diameter = 110
        disc = circle_photo(photo, diameter, 4, ACCENT)
        image.paste(disc, (margin, top), disc)
        x = margin + diameter + 30
    host_font = font(26)
    host_width = int(host_font.getlength(spec["host"]))
    name_size = 34
    name_width = int(font(name_size, True).getlength(spec["name"]))
    draw_lines(draw, x, top + 8, [spec["name"]], name_size, INK, bold=True)
    if x + name_width + 40 + host_width <= width - margin:
        draw.text((width - margin, top + 8 + name_size), spec["host"], font=host_font, fill=ACCENT, anchor="rs")
    if spec["job"]:
        job_lines = wrap(spec["job"], 26, width - margin - x, 1)
        draw_lines(draw, x, top + 8 + line_height(name_size) + 4, job_lines, 26, MUTED)
    return png(image)
