"""Images: every `<img>` of every page is sized; large images are also
written smaller and as WebP, offered with `<picture>`/`srcset`, cached by
content and byte-identical from one build to the next.

Real images drawn with Pillow in a copy of the mini site, built with the
real CLI; the pages are read with an HTML parser and the variants with Pillow.
"""

from __future__ import annotations

import os
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from conftest import run_sitegen
from treediff import differing_files
from sitegen.sources import markdown, markdown_fast
from sitegen.build.builder import Builder
from sitegen.cache import cachefile, layout
from sitegen.pages.images import svg_size

REMOTE = "https://images.example/remote.png"


def photo(path: Path, size: tuple[int, int], seed: int = 0, fmt: str | None = None) -> None:
    """A picture with gradients and shapes (not a flat colour, so encoders work for real)."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x, y = (i * 97 + seed * 31) % width, (i * 53 + seed * 17) % height
        draw.ellipse((x, y, x + width // 6, y + height // 5), fill=((i * 40) % 256, 120, (seed * 70) % 256))
    image.save(path, fmt)


@pytest.fixture
def image_site(mini_site: Path) -> Path:
    """The mini site with a large JPEG photo, a large PNG in a folder post,
    an SVG, a small image and a remote one."""
    static = mini_site / "content/static/img"
    photo(static / "harbour.jpg", (1800, 1200), fmt="JPEG")
    photo(mini_site / "content/posts/bundle/diagram.png", (1000, 600), seed=1)
    (static / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40">'
                                     '<rect width="120" height="40"/></svg>', encoding="utf-8")
    (mini_site / "content/posts/gallery.md").write_text(
        "---\ntitle: Gallery\ndate: 2026-02-01\n---\nSome text first.\n\n"
        "![The harbour at dawn](/img/harbour.jpg \"Harbour\")\n\n![Our logo](/img/logo.svg)\n\n"
        f"![Ada](/img/ada.png)\n\n![Remote]({REMOTE})\n", encoding="utf-8")
    return mini_site


class Images(HTMLParser):
    """The `<img>` and `<source>` tags of a page, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[dict[str, str]] = []
        self.sources: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "source"):
            (self.imgs if tag == "img" else self.sources).append({k: v or "" for k, v in attrs})


def parsed(page: Path) -> Images:
    found = Images()
    found.feed(page.read_text(encoding="utf-8"))
    return found


def candidates(srcset: str) -> list[tuple[str, int]]:
    return [(url, int(w.rstrip("w"))) for url, w in (c.split() for c in srcset.split(","))]


def build(site: Path, *args: str) -> Path:
    result = run_sitegen("build", *args, cwd=site)
    assert result.returncode == 0, result.stderr
    return site / "public"


def test_every_img_of_every_page_has_its_width_and_height(image_site: Path):
    out = build(image_site)
    pages = sorted(out.rglob("*.html"))
    seen = 0
    for page in pages:
        for img in parsed(page).imgs:
            if img["src"] == REMOTE:
                assert "width" not in img and "loading" not in img, "a remote image is left as it is"
                continue
            seen += 1
            assert img.get("width", "").isdigit() and img.get("height", "").isdigit(), (page, img)
    assert seen >= 6
    gallery = {img["src"]: img for img in parsed(out / "posts/gallery/index.html").imgs}
    assert (gallery["/img/harbour.jpg"]["width"], gallery["/img/harbour.jpg"]["height"]) == ("1800", "1200")
    assert (gallery["/img/logo.svg"]["width"], gallery["/img/logo.svg"]["height"]) == ("120", "40")
    assert (gallery["/img/ada.png"]["width"], gallery["/img/ada.png"]["height"]) == (
        str(Image.open(image_site / "content/static/img/ada.png").width),
        str(Image.open(image_site / "content/static/img/ada.png").height))
    assert "srcset" not in gallery["/img/ada.png"], "a small image gets no variants"


@pytest.mark.parametrize("page, src, size", [
    ("posts/gallery/index.html", "/img/harbour.jpg", (1800, 1200)),
    ("posts/bundle/index.html", "diagram.png", (1000, 600)),
])
def test_large_images_get_smaller_sizes_and_webp_that_exist(image_site: Path, page: str, src: str, size):
    out = build(image_site)
    found = parsed(out / page)
    img = next(i for i in found.imgs if i["src"] == src)
    webp = next(s for s in found.sources if s.get("type") == "image/webp")
    assert webp["sizes"] and img["sizes"]
    fallback = candidates(img["srcset"])
    assert fallback[-1][1] == size[0], "the original is the largest fallback"
    for url, width in candidates(webp["srcset"]) + fallback:
        with Image.open(out / url.lstrip("/")) as variant:
            assert variant.width == width <= size[0], url
            assert abs(variant.height - round(size[1] * width / size[0])) <= 1
            expected = "WEBP" if url.endswith(".webp") else Image.open(out / img["src"].lstrip("/")).format \
                if src.startswith("/") else "PNG"
            assert variant.format == expected, url
    widths = [w for _, w in candidates(webp["srcset"])]
    assert widths == sorted(widths) and widths[:2] == [480, 800]
    assert all("/_img/" in url for url, _ in candidates(webp["srcset"]))
    check = run_sitegen("check", cwd=image_site)
    assert check.returncode == 0, check.stdout + check.stderr


def test_body_images_are_lazy_and_the_profile_photo_is_not(image_site: Path):
    out = build(image_site)
    for img in parsed(out / "posts/gallery/index.html").imgs:
        if img["src"] != REMOTE:
            assert (img.get("loading"), img.get("decoding")) == ("lazy", "async"), img
    photo_tag = next(i for i in parsed(out / "index.html").imgs if "profile-photo" in i.get("class", ""))
    assert photo_tag.get("loading") != "lazy" and photo_tag.get("fetchpriority") == "high"


def test_two_builds_give_identical_bytes_and_the_second_encodes_nothing(image_site: Path):
    first = build(image_site, "--output", "first")
    cache = image_site / layout.IMAGE_VARIANTS
    encoded = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache.iterdir()}
    assert len(encoded) >= 8
    (image_site / "content/posts/second.md").touch()  # so the build does run
    second = build(image_site, "--output", "second")
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache.iterdir()} == encoded
    assert differing_files(first, second) == []
    shutil.rmtree(cache)
    third = build(image_site, "--output", "third")
    assert differing_files(first, third) == [], "encoding again gives the same bytes"


def test_an_edited_image_is_picked_up_by_the_next_incremental_build(image_site: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    builder = Builder(image_site)  # kept between builds, as `sitegen serve` does
    builder.build()
    out = image_site / "public"
    before = parsed(out / "posts/gallery/index.html").sources[0]["srcset"]
    photo(image_site / "content/static/img/harbour.jpg", (1300, 650), seed=5, fmt="JPEG")
    builder.build()
    img = next(i for i in parsed(out / "posts/gallery/index.html").imgs if i["src"] == "/img/harbour.jpg")
    assert (img["width"], img["height"]) == ("1300", "650")
    after = parsed(out / "posts/gallery/index.html").sources[0]["srcset"]
    assert after != before and [w for _, w in candidates(after)] == [480, 800, 1200, 1300]
    assert not any((out / url.lstrip("/")).exists() for url, _ in candidates(before)), "old variants removed"
    clean = image_site / "clean"
    Builder(image_site, output=str(clean)).build()
    assert differing_files(clean, out) == []


def test_a_missing_variant_is_a_broken_link_for_check(image_site: Path):
    out = build(image_site)
    url, _ = candidates(parsed(out / "posts/gallery/index.html").sources[0]["srcset"])[0]
    (out / url.lstrip("/")).unlink()
    check = run_sitegen("check", cwd=image_site)
    assert check.returncode != 0 and url in check.stdout + check.stderr


def test_an_unreadable_image_is_a_warning_naming_the_file(image_site: Path):
    (image_site / "content/static/img/broken.png").write_bytes(b"not a png at all")
    result = run_sitegen("build", cwd=image_site)
    assert result.returncode == 0
    assert "content/static/img/broken.png: not an image that can be read (Pillow does not know its format)" \
        in result.stderr
    assert run_sitegen("build", "--strict", cwd=image_site).returncode == 1


@pytest.mark.parametrize("svg, size", [
    ('<svg viewBox="0 0 120 40">', (120, 40)),
    ('<svg width="64" height="32px" viewBox="0 0 8 4">', (64, 32)),
    ('<svg width="100%" height="100%" viewBox="0,0,300,150">', (300, 150)),
    ("<svg width='10em' height='2em'>", (0, 0)),
    ('<?xml version="1.0"?>\n<svg\n  xmlns="http://www.w3.org/2000/svg"\n  viewBox="0 0 24.5 24.5">', (24, 24)),
    ("<html>not an svg</html>", (0, 0)),
])
def test_svg_sizes_come_from_its_own_attributes(svg: str, size):
    assert svg_size(svg.encode()) == size


@pytest.mark.skipif(not markdown_fast.AVAILABLE, reason="markdown-it-pyrs is not installed")
@pytest.mark.parametrize("text", [
    "![A photo](/img/a.jpg)\n",
    '![A photo](a.png "A title")\n',
    "Text and ![inline](x.png) image.\n",
    "[![linked](a.png)](/posts/x/)\n",
    "![ref image][r]\n\n[r]: /img/r.png\n",
])
def test_both_markdown_paths_give_the_same_img_markup(text: str):
    fast = markdown_fast.render(text, markdown._render_fence, markdown._anchor_slug)
    assert fast is not None and fast == markdown._parser().render(text)


@pytest.fixture
def table(tmp_path: Path):
    """An image table over two real files: a small PNG (200×100) and a large one (1000×500)."""
    from sitegen.pages.images import ImageMemo, ImageTable
    from sitegen.site.files import FileCopy

    Image.new("RGB", (200, 100), "teal").save(tmp_path / "small.png")
    photo(tmp_path / "big.png", (1000, 500))
    warnings: list[str] = []
    copies = [FileCopy("img/small.png", "small.png", tmp_path / "small.png"),
              FileCopy("img/big.png", "big.png", tmp_path / "big.png")]
    return ImageTable(tmp_path, copies, ImageMemo(), warnings.append, "https://ada.example")


@pytest.mark.parametrize("written, shown", [
    ('<img src="/img/small.png" alt="">',
     '<img src="/img/small.png" alt="" width="200" height="100" loading="lazy" decoding="async">'),
    ('<img src="../../img/small.png" alt="" />',
     '<img src="../../img/small.png" alt="" width="200" height="100" loading="lazy" decoding="async" />'),
    ('<img src="/img/small.png" alt="" width="100">',
     '<img src="/img/small.png" alt="" width="100" height="50" loading="lazy" decoding="async">'),
    ('<img src="/img/small.png" alt="" fetchpriority="high">',
     '<img src="/img/small.png" alt="" fetchpriority="high" width="200" height="100">'),
    ('<img src="/img/small.png?v=2" alt="" loading="eager" width="20" height="20">',
     '<img src="/img/small.png?v=2" alt="" loading="eager" width="20" height="20">'),
    ('<img src="https://cdn.example/img/small.png" alt="">', '<img src="https://cdn.example/img/small.png" alt="">'),
    ('<img src="https://ada.example/img/small.png" alt="">',
     '<img src="https://ada.example/img/small.png" alt="" width="200" height="100" loading="lazy" decoding="async">'),
    ('<img src="missing.png" alt="">', '<img src="missing.png" alt="">'),
    ('<img src="/img/big.png" alt="" srcset="/img/big.png 1x" loading="lazy">',
     '<img src="/img/big.png" alt="" srcset="/img/big.png 1x" loading="lazy" width="1000" height="500">'),
    ('<picture><source srcset="/x.avif"><img src="/img/big.png" alt="" loading="lazy"></picture>',
     '<picture><source srcset="/x.avif"><img src="/img/big.png" alt="" loading="lazy" width="1000" height="500">'
     '</picture>'),
])
def test_what_a_page_wrote_and_what_it_shows(table, written: str, shown: str):
    assert table.rewrite(f"<p>{written}</p>", "/posts/x/") == f"<p>{shown}</p>"


@pytest.mark.parametrize("written, sizes", [
    ('<img src="/img/big.png" alt="">', "(min-width: 46rem) 42rem, 100vw"),
    ('<img src="/img/big.png" alt="" sizes="50vw">', "50vw"),
    ('<img src="/img/big.png" alt="" width="300" height="150" fetchpriority="high">', "300px"),
])
def test_a_large_image_is_offered_in_a_picture(table, written: str, sizes: str):
    found = Images()
    found.feed(table.rewrite(written, "/"))
    (img,), (source,) = found.imgs, found.sources
    assert source["type"] == "image/webp" and source["sizes"] == img["sizes"] == sizes
    assert [w for _, w in candidates(source["srcset"])] == [480, 800, 1000]
    assert candidates(img["srcset"])[-1] == ("/img/big.png", 1000)


def test_what_images_hold_is_remembered_between_runs_and_a_damaged_memo_is_ignored(image_site: Path):
    past = time.time_ns() - 3600 * 1_000_000_000  # older than the racy window, so the memo is trusted
    for path in (image_site / "content").rglob("*"):
        os.utime(path, ns=(past, past))
    # An earlier version's memo, in its own JSON file: removed, never read.
    old_memo = image_site / layout.IMAGE_VARIANTS / "memo.json"
    old_memo.parent.mkdir(parents=True)
    old_memo.write_text('{"x": [1, 2]}', encoding="utf-8")
    build(image_site)
    assert not old_memo.exists()
    state_file = image_site / layout.BUILD_STATE
    state = cachefile.loads(state_file.read_bytes())
    harbour = next(name for name in state["images"] if name.endswith("harbour.jpg"))
    assert state["images"][harbour][3:5] == [1800, 1200]
    # The memo is what the next run believes, for a file whose time, size and inode are unchanged:
    state["images"][harbour][3] = 1799
    state_file.write_bytes(cachefile.dumps(state))
    (image_site / "content/posts/second.md").touch()
    img = next(i for i in parsed(build(image_site) / "posts/gallery/index.html").imgs if i["src"] == "/img/harbour.jpg")
    assert img["width"] == "1799"
    state = cachefile.loads(state_file.read_bytes())
    state["images"] = {"x": [1, 2]}
    state_file.write_bytes(cachefile.dumps(state))
    (image_site / "content/posts/second.md").touch()
    result = run_sitegen("build", cwd=image_site)
    assert result.returncode == 0 and "damaged" not in result.stderr, "a memo of another shape is only read again"
    img = next(i for i in parsed(image_site / "public/posts/gallery/index.html").imgs if i["src"] == "/img/harbour.jpg")
    assert img["width"] == "1800"
