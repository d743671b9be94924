"""Images: every `<img>` a page shows gets its `width` and `height`, and large
ones are also offered in smaller sizes and as WebP.

Before pages are rendered, every image the build copies (the site's static
files, folder posts' files, the theme's) is looked at once: its size (read
with Pillow, or from an SVG's own attributes) and the hash of its bytes.
Rasters wider than `LARGE` get variants, written as ordinary outputs under
`/_img/<name>-<hash8>-<width>.<ext>`, named by content so a changed image
gets new names and browsers may cache them forever. Encoded variants are
kept in the folder the builder gives (`.sitegen-cache/images/`) under a key
of the bytes, the width, the encoding recipe and Pillow's version: a rebuild
never encodes one again.
Encoding uses fixed parameters and writes no metadata, so the same image
always gives the same bytes.

Each rendered page then goes through `ImageTable.rewrite`, which sizes the
`<img>` tags that point to such files (Markdown bodies and templates alike,
so both Markdown renderers give the same HTML) and wraps large ones in a
`<picture>`. Remote images are left as they are. An image without a
`loading` or `fetchpriority` attribute is assumed below the fold: lazy.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from slugify import slugify

from ..site.files import FileCopy, Output, cached_bytes
from ..sources.hashing import RACY_SECONDS
from ..site.urls import output_file

LARGE = 800
"""Rasters wider than this (in pixels) also get smaller sizes and WebP."""
WIDTHS = (480, 800, 1200, 1600)
"""Variant widths; an image is never enlarged, and nothing wider than the last is made."""
SIZES = "(min-width: 46rem) 42rem, 100vw"
"""The default theme's measure: what a body image is shown at. A template's own `sizes` wins."""
VARIANT_DIR = "_img"
RECIPE = "1"
"""Bump when the encoding below changes, so cached variants are made again."""
RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
RACY_NS = int(RACY_SECONDS * 1_000_000_000)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """One image file the site copies, as far as `<img>` tags need it."""

    width: int
    height: int
    digest: str
    """Hash of the file's bytes."""
    kind: str
    """PNG, JPEG, GIF, WEBP or SVG."""
    animated: bool = False


@dataclass(frozen=True, slots=True)
class Variant:
    """A smaller or WebP copy of an image, an ordinary output of the build."""

    path: str
    """Relative to the output folder."""
    width: int
    kind: str
    """PNG, JPEG or WEBP."""


def is_image(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in (*RASTER, ".svg")


def load_pillow() -> None:
    """Pillow imported ahead (10 ms), where a build would otherwise wait:
    the builder does it while the reading workers work, before the site's
    images are measured."""
    import PIL.Image  # noqa: F401


def read_info(source: Path) -> ImageInfo:
    """Size and kind of an image file; ValueError when it cannot be read."""
    data = source.read_bytes()
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if source.suffix.lower() == ".svg":
        width, height = svg_size(data)
        return ImageInfo(width, height, digest, "SVG")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            # A phone photo turned by its EXIF orientation is shown turned.
            if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):
                width, height = height, width
            kind = image.format or ""
            animated = getattr(image, "n_frames", 1) > 1
    except UnidentifiedImageError:
        raise ValueError("Pillow does not know its format") from None
    except Image.DecompressionBombError:
        raise ValueError("too many pixels to be safe to open") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None
    return ImageInfo(width, height, digest, kind, animated)


_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)
_SVG_ATTR = re.compile(rb"""\b(width|height|viewBox)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$")


def svg_size(data: bytes) -> tuple[int, int]:
    """An SVG's size from its `width`/`height` (in pixels) or its `viewBox`;
    (0, 0) when it states neither (the `<img>` is then left unsized)."""
    tag = _SVG_TAG.search(data[:8192])
    if tag is None:
        return 0, 0
    attrs = {k.decode().lower(): v.decode("utf-8", "replace") for k, v in _SVG_ATTR.findall(tag.group())}
    width, height = (_LENGTH.match(attrs.get(k, "")) for k in ("width", "height"))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = attrs.get("viewbox", "").replace(",", " ").split()
    try:
        w, h = float(box[2]), float(box[3])
    except (IndexError, ValueError):
        return 0, 0
    return (round(w), round(h)) if w > 0 and h > 0 else (0, 0)


def variant_widths(width: int) -> list[int]:
    """The smaller widths of an image; its own too, when it is not wider than the largest."""
    return [w for w in WIDTHS if w < width] + ([width] if width <= WIDTHS[-1] else [])


def plan_variants(name: str, info: ImageInfo) -> list[Variant]:
    """The variants an image gets: none unless it is a large still PNG, JPEG or WebP."""
    if info.kind not in EXTENSIONS or info.animated or info.width <= LARGE:
        return []
    stem = slugify(os.path.splitext(os.path.basename(name))[0]) or "image"
    tag = hashlib.blake2b(f"{info.digest}:{RECIPE}".encode(), digest_size=4).hexdigest()
    widths = variant_widths(info.width)
    variants = [Variant(f"{VARIANT_DIR}/{stem}-{tag}-{w}.webp", w, "WEBP") for w in widths]
    if info.kind != "WEBP":  # the fallback for browsers without WebP: the same format, smaller
        ext = EXTENSIONS[info.kind]
        variants += [Variant(f"{VARIANT_DIR}/{stem}-{tag}-{w}.{ext}", w, info.kind)
                     for w in widths if w < info.width]
    return variants


@lru_cache(maxsize=2)
def _decoded(source: Path, digest: str):
    """The upright image, once per worker for its several variants."""
    from PIL import Image, ImageOps

    with Image.open(source) as opened:
        image = ImageOps.exif_transpose(opened)
        image.load()
    if image.mode == "P" or "transparency" in image.info:
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGB")
    return image


def encode(source: Path, info: ImageInfo, variant: Variant) -> bytes:
    """A variant's bytes: fixed parameters, no EXIF, no text chunks, no dates;
    the colour profile is kept so colours stay right."""
    from PIL import Image

    image = _decoded(source, info.digest)
    if variant.width != image.width:
        height = max(1, round(image.height * variant.width / image.width))
        image = image.resize((variant.width, height), Image.Resampling.LANCZOS)
    icc = image.info.get("icc_profile")
    out = io.BytesIO()
    if variant.kind == "WEBP":
        # Graphics (PNG, GIF) stay exact; photographs are encoded lossy.
        lossless = info.kind in ("PNG", "GIF")
        image.save(out, "WEBP", lossless=lossless, quality=80, method=4, exact=False, icc_profile=icc or b"")
    elif variant.kind == "JPEG":
        if image.mode != "RGB":
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True, icc_profile=icc)
    else:
        image.save(out, "PNG", optimize=False, compress_level=9, icc_profile=icc)
    return out.getvalue()


def cached_encode(cache: Path | None, source: Path, info: ImageInfo, variant: Variant) -> bytes:
    """`encode`, through the folder `cache` when there is one."""
    if cache is None:
        return encode(source, info, variant)
    from PIL import __version__ as pillow_version

    key = hashlib.blake2b(f"{RECIPE}:{pillow_version}:{info.digest}:{variant.width}:{variant.kind}".encode(),
                          digest_size=16).hexdigest()
    return cached_bytes(cache / f"{key}.{variant.path.rsplit('.', 1)[-1]}", lambda: encode(source, info, variant))


class ImageMemo:
    """What each image file held when last read, by path and (time, size,
    inode): an unchanged image is not read again (kept by `sitegen serve`,
    and in the build cache between runs of `sitegen build`)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[tuple[int, int, int], ImageInfo | str]] = {}

    @classmethod
    def from_rows(cls, rows: dict) -> "ImageMemo":
        """The memo `rows()` gave the last build; an empty one when they are
        not what `rows` makes (they are only facts about files: read again)."""
        memo = cls()
        try:
            for name, (mtime, size, inode, width, height, digest, kind, animated) in rows.items():
                if not (type(name) is str and all(type(v) is int for v in (mtime, size, inode, width, height))
                        and type(digest) is str and kind in (*RASTER.values(), "SVG") and type(animated) is bool):
                    return cls()
                memo.entries[name] = ((mtime, size, inode), ImageInfo(width, height, digest, kind, animated))
        except (ValueError, TypeError, AttributeError):
            return cls()
        return memo

    def rows(self) -> dict[str, list[int | str | bool]]:
        """The readable images as plain values, for the build cache (a file
        that could not be read is tried again next time)."""
        return {name: [*key, info.width, info.height, info.digest, info.kind, info.animated]
                for name, (key, info) in sorted(self.entries.items()) if isinstance(info, ImageInfo)}

    def forget_others(self, kept: set[str]) -> None:
        """Drop the files this build did not copy (deleted, renamed)."""
        for name in set(self.entries) - kept:
            del self.entries[name]

    def info(self, source: Path, now_ns: int) -> ImageInfo | str:
        """The image's info, or why it cannot be read."""
        try:
            st = source.stat()
        except OSError as exc:
            return exc.strerror or str(exc)
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        known = self.entries.get(str(source))
        if known is not None and known[0] == key and now_ns - key[0] > RACY_NS:
            return known[1]
        try:
            found: ImageInfo | str = read_info(source)
        except (OSError, ValueError) as exc:
            found = str(exc)
        self.entries[str(source)] = (key, found)
        return found


class ImageTable:
    """The images of one build: their sizes and variants, by output path."""

    def __init__(self, root: Path, copies: list[FileCopy], memo: ImageMemo,
                 warn: Callable[[str], None], base_url: str = "", cache: Path | None = None):
        """`cache`: the folder encoded variants are kept in between builds."""
        now_ns = time.time_ns()
        self.root = root
        self.base_url = base_url.rstrip("/")
        """Templates show a post's or service's `image` as an absolute URL: it is ours all the same."""
        self.infos: dict[str, ImageInfo] = {}
        self.variants: dict[str, list[Variant]] = {}
        self.outputs: list[Output] = []
        """Every variant, each path once."""
        made: set[str] = set()
        seen: set[str] = set()
        for copy in copies:
            relative, shown, source = copy.path, copy.source, copy.file
            if not is_image(relative):
                continue
            seen.add(str(source))
            info = memo.info(source, now_ns)
            if isinstance(info, str):
                shown = source.relative_to(root).as_posix() if source.is_relative_to(root) else str(source)
                warn(f"{shown}: not an image that can be read ({info}); its <img> tags get no width and "
                     f"height: replace the file, or give it the extension of what it is")
                continue
            self.infos[relative] = info
            self.variants[relative] = plan_variants(relative, info)
            for variant in self.variants[relative]:
                if variant.path not in made:
                    made.add(variant.path)
                    self.outputs.append(Output(variant.path, shown, lambda s=source, i=info, v=variant:
                                                cached_encode(cache, s, i, v)))
        memo.forget_others(seen)
        self.digest = hashlib.blake2b("".join(f"{p}={i}\0" for p, i in sorted(self.infos.items())).encode(),
                                      digest_size=16).hexdigest()
        """Changes with any image: pages show their sizes and variant names."""

    def lookup(self, src: str, page_url: str) -> str | None:
        """The output path an `<img src>` on the page at `page_url` points to, when it is one of ours."""
        src = html.unescape(src).strip()
        if self.base_url and src.startswith(self.base_url + "/"):
            src = src[len(self.base_url):]
        if not src or src.startswith(("//", "data:")) or urlsplit(src).scheme:
            return None
        path = unquote(urlsplit(src).path)
        if not path.startswith("/"):
            base = page_url if page_url.endswith("/") else page_url.rsplit("/", 1)[0] + "/"
            path = base + path
        relative = output_file(path)
        return relative if relative in self.infos else None

    def rewrite(self, page: str, page_url: str) -> str:
        """The page with every local `<img>` sized, and large ones offered in
        smaller sizes and as WebP."""
        if "<img" not in page:
            return page
        return _IMG.sub(lambda match: self._rewrite_tag(match, page_url), page)

    def _rewrite_tag(self, match: re.Match, page_url: str) -> str:
        tag = match.group()
        attrs = {name.lower(): html.unescape(next(v for v in values if v) if any(values) else "")
                 for name, *values in _ATTR.findall(tag[4:])}
        relative = self.lookup(attrs.get("src", ""), page_url)
        if relative is None:
            return tag
        info = self.infos[relative]
        added: list[str] = []
        if info.width and info.height:
            added += _missing_size(attrs, info)
        if "loading" not in attrs and "fetchpriority" not in attrs:
            added += ['loading="lazy"', 'decoding="async"']
        variants = self.variants[relative]
        page = match.string
        in_picture = page.rfind("<picture", 0, match.start()) > page.rfind("</picture>", 0, match.start())
        if not variants or "srcset" in attrs or in_picture:
            return _with(tag, added)
        # A width written in the template is the width it is shown at.
        shown = attrs.get("width", "").strip()
        sizes = attrs.get("sizes") or (f"{shown}px" if shown.isdigit() else SIZES)
        own = "/" + relative
        webp = ", ".join(f"/{v.path} {v.width}w" for v in variants if v.kind == "WEBP")
        same = [f"/{v.path} {v.width}w" for v in variants if v.kind == info.kind]
        if info.kind == "WEBP":
            return _with(tag, [*added, f'srcset="{webp}"', *_sizes(attrs, sizes)])
        srcset = ", ".join([*same, f"{own} {info.width}w"])
        img = _with(tag, [*added, f'srcset="{html.escape(srcset)}"', *_sizes(attrs, sizes)])
        return (f'<picture><source type="image/webp" srcset="{html.escape(webp)}" sizes="{html.escape(sizes)}">'
                f"{img}</picture>")


def _missing_size(attrs: dict[str, str], info: ImageInfo) -> list[str]:
    """Width and height, or the one a template left out, in the image's proportions."""
    width, height = attrs.get("width", "").strip(), attrs.get("height", "").strip()
    if "width" not in attrs and "height" not in attrs:
        return [f'width="{info.width}"', f'height="{info.height}"']
    if width.isdigit() and "height" not in attrs:
        return [f'height="{round(int(width) * info.height / info.width)}"']
    if height.isdigit() and "width" not in attrs:
        return [f'width="{round(int(height) * info.width / info.height)}"']
    return []


def _sizes(attrs: dict[str, str], sizes: str) -> list[str]:
    return [] if "sizes" in attrs else [f'sizes="{html.escape(sizes)}"']


def _with(tag: str, added: list[str]) -> str:
    """The tag with attributes added before its end (`>` or `/>`)."""
    if not added:
        return tag
    end = len(tag) - len(tag[:-1].rstrip(" /")) if tag.endswith("/>") else 1
    return f"{tag[:-end]} {' '.join(added)}{tag[-end:]}"


# A start tag, quoted values may hold ">"; then its attributes.
_IMG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
