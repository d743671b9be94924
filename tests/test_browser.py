"""What a person sees: the built example site in a real browser (Debian's Chromium).

The site is served over HTTP on 127.0.0.1 and Chromium is driven headless
through the Chrome DevTools Protocol over a pipe (tests/cdp.py), so no Python
package beyond the standard library is needed.

Screenshots (desktop 1280 px, mobile 375 px, dark scheme) of the main pages are
written to $SITEGEN_SCREENSHOTS (default: a pytest temporary folder) to look at.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from cdp import Browser, find_chromium

# (path in English, path in French) of the pages a visitor lands on most.
MAIN_PAGES = {
    "home": ("/", "/fr/"),
    "post": ("/posts/testing-pyramid-revisited/", "/fr/posts/pyramide-des-tests/"),
    "talk": ("/talks/flaky-tests-are-bugs/", "/fr/talks/flaky-tests-are-bugs/"),
}
MAIN_PATHS = [path for pair in MAIN_PAGES.values() for path in pair]


# ---------- Fixtures ----------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def served_example(built_example: Path):
    """The built example on http://127.0.0.1:<free port>."""
    handler = functools.partial(_QuietHandler, directory=str(built_example))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    instance = Browser(find_chromium(), tmp_path_factory.mktemp("chromium-profile"))
    yield instance
    instance.close()


@pytest.fixture
def page(browser: Browser) -> Browser:
    """The browser reset to a light desktop screen."""
    browser.set_viewport(1280)
    browser.set_media()
    return browser


def all_page_paths(root: Path) -> list[str]:
    """Site paths of every HTML page, redirect pages left out."""
    paths = []
    for file in sorted(root.rglob("*.html")):
        text = file.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text:
            continue
        relative = file.relative_to(root).as_posix()
        paths.append("/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative))
    return paths


# ---------- Tests ----------

def test_main_pages_exist(built_example: Path) -> None:
    for path in MAIN_PATHS:
        assert (built_example / path.lstrip("/") / "index.html").is_file(), path


OVERFLOW_JS = """(() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  // Which elements stick out is only worth finding when the page scrolls sideways.
  if (document.documentElement.scrollWidth > width) for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    // Content inside a horizontally scrollable box (code, tables) may be wider: that box scrolls.
    let scroller = el.parentElement, scrolls = false;
    while (scroller && scroller !== document.body) {
      const o = getComputedStyle(scroller).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { scrolls = true; break; }
      scroller = scroller.parentElement;
    }
    const textOverflows = el.children.length === 0 && el.scrollWidth > el.clientWidth + 1
                          && getComputedStyle(el).overflowX === 'visible';
    if (!scrolls && (box.right > width + 0.5 || box.left < -0.5 || textOverflows))
      wide.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
                + ' ' + Math.round(box.left) + '..' + Math.round(box.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
})()"""


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_no_horizontal_scrolling_on_a_phone(browser: Browser, served_example: str, built_example: Path,
                                            dark: bool) -> None:
    """At 375 px (a small phone) no page is wider than the screen, in either colour scheme."""
    browser.set_viewport(375, 740, mobile=True)
    browser.set_media(dark=dark)
    paths = all_page_paths(built_example) if not dark else MAIN_PATHS
    too_wide = {}
    for path in paths:
        browser.goto(served_example + path)
        result = browser.evaluate(OVERFLOW_JS)
        if result["scrollWidth"] > result["width"] or result["wide"]:
            too_wide[path] = result
    assert not too_wide, "pages wider than a 375 px screen:\n" + "\n".join(
        f"{path}: scrollWidth {r['scrollWidth']} > {r['width']}; {r['wide']}" for path, r in too_wide.items())


@pytest.mark.parametrize("path", ["/", "/fr/", MAIN_PAGES["post"][0], MAIN_PAGES["talk"][1]])
def test_skip_link_is_first_and_shows_on_focus(page: Browser, served_example: str, path: str) -> None:
    page.goto(served_example + path)
    hidden = page.evaluate("""(() => { const r = document.querySelector('.skip-link').getBoundingClientRect();
                                      return r.bottom <= 0 || r.right <= 0; })()""")
    assert hidden, "the skip link is visible before it gets the focus"
    page.press_tab()
    focused = page.evaluate("""(() => {
      const el = document.activeElement, r = el.getBoundingClientRect(), s = getComputedStyle(el);
      return {cls: el.className, href: el.getAttribute('href'), text: el.textContent.trim(),
              top: r.top, left: r.left, bottom: r.bottom, right: r.right, w: innerWidth, h: innerHeight,
              outline: s.outlineStyle, visibility: s.visibility, opacity: s.opacity};
    })()""")
    assert focused["cls"] == "skip-link" and focused["href"] == "#main", focused
    assert focused["text"] == ("Aller au contenu" if path.startswith("/fr/") else "Skip to content"), focused
    assert 0 <= focused["top"] and focused["bottom"] <= focused["h"], f"skip link off screen: {focused}"
    assert 0 <= focused["left"] and focused["right"] <= focused["w"], f"skip link off screen: {focused}"
    assert focused["visibility"] == "visible" and float(focused["opacity"]) > 0.9, focused
    page.press_enter()
    page.evaluate("new Promise(r => requestAnimationFrame(() => r(true)))")
    assert page.evaluate("document.activeElement.id") == "main", "Enter on the skip link does not move to main"
    # The next Tab goes to the first link inside the content, not back to the header.
    page.press_tab()
    assert page.evaluate("!!document.activeElement.closest('main')"), \
        page.evaluate("document.activeElement.outerHTML.slice(0, 200)")


def _luminance_js() -> str:
    return """
    function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return m; }
    function lum(c) {
      const [r, g, b] = rgb(c).slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    }
    function contrast(a, b) { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
    """


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("path", [MAIN_PAGES["home"][0], MAIN_PAGES["post"][1], MAIN_PAGES["talk"][0]])
def test_colour_scheme_follows_the_reader(page: Browser, served_example: str, path: str, dark: bool) -> None:
    """The reader's light or dark setting is honoured, with readable text and links."""
    page.set_media(dark=dark)
    page.goto(served_example + path)
    result = page.evaluate("(() => {" + _luminance_js() + """
      const body = getComputedStyle(document.body);
      const bg = body.backgroundColor;
      // Buttons (the call to action) carry their own background: measured on it.
      const link = getComputedStyle(document.querySelector('main a:not(.button)')).color;
      const button = document.querySelector('main a.button');
      const buttonContrast = button ? contrast(getComputedStyle(button).color, getComputedStyle(button).backgroundColor) : 21;
      const muted = document.querySelector('.post-meta, .lead, .location, .label');
      return {bg, fg: body.color, bgLum: lum(bg), fgLum: lum(body.color), text: contrast(body.color, bg),
              link: contrast(link, bg), button: buttonContrast, muted: muted ? contrast(getComputedStyle(muted).color, bg) : 21,
              rootBg: getComputedStyle(document.documentElement).backgroundColor};
    })()""")
    if dark:
        assert result["bgLum"] < 0.05 and result["fgLum"] > 0.6, f"not a dark page: {result}"
    else:
        assert result["bgLum"] > 0.9 and result["fgLum"] < 0.05, f"not a light page: {result}"
    assert result["text"] >= 7, f"body text contrast too low: {result}"
    assert result["link"] >= 4.5 and result["muted"] >= 4.5, f"link or secondary text contrast too low: {result}"
    assert result["button"] >= 4.5, f"call to action contrast too low: {result}"


def test_every_image_loads(page: Browser, served_example: str, built_example: Path) -> None:
    """The profile photo and every image in posts are there and decoded (no broken image icons)."""
    page.goto(served_example + "/")
    photo = page.evaluate("""(() => { const img = document.querySelector('img.profile-photo');
      return img && {w: img.naturalWidth, shown: img.getBoundingClientRect().width, alt: img.alt}; })()""")
    assert photo, "no profile photo on the home page"
    assert photo["w"] > 0 and photo["shown"] >= 100, photo
    assert photo["alt"] == "Camille Durand’s avatar, a yellow circle on a teal background", photo
    broken = []
    for path in all_page_paths(built_example):
        file = built_example / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        if "<img" not in file.read_text(encoding="utf-8"):
            continue
        page.goto(served_example + path)
        bad = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                            ".map(i => i.getAttribute('src'))")
        broken += [f"{path}: {src}" for src in bad]
    assert not broken, "images that do not load:\n" + "\n".join(broken)


def test_print_leaves_out_navigation(page: Browser, served_example: str) -> None:
    """Printed pages keep the content and drop what only works on a screen."""
    page.goto(served_example + MAIN_PAGES["post"][0])
    page.set_media("print")
    result = page.evaluate("""(() => {
      const shown = sel => [...document.querySelectorAll(sel)].some(e => getComputedStyle(e).display !== 'none');
      return {nav: shown('.site-nav'), switcher: shown('.lang-switcher'), skip: shown('.skip-link'),
              main: shown('main'), h1: shown('h1'), email: shown('.site-footer a[href^="mailto:"]'),
              bg: getComputedStyle(document.body).backgroundColor,
              fg: getComputedStyle(document.body).color};
    })()""")
    page.set_media()
    assert not result["nav"] and not result["switcher"] and not result["skip"], result
    assert result["main"] and result["h1"], result
    assert result["email"], "the printed page has no way to contact the consultant"
    assert result["fg"] == "rgb(0, 0, 0)", result


def test_printing_in_dark_mode_is_black_on_white(page: Browser, served_example: str) -> None:
    page.goto(served_example + "/")
    page.set_media("print", dark=True)
    colours = page.evaluate("[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]")
    page.set_media()
    assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"], colours


def test_tap_targets_in_the_header_are_large_enough(browser: Browser, served_example: str) -> None:
    """On a phone, menu and language links are at least 24 px high (WCAG 2.2 target size)."""
    browser.set_viewport(375, 740, mobile=True)
    browser.set_media()
    for path in ("/", "/fr/"):
        browser.goto(served_example + path)
        small = browser.evaluate("""[...document.querySelectorAll('.site-header a')]
          .map(a => [a.textContent.trim(), a.getBoundingClientRect()])
          .filter(([, r]) => r.height < 24 || r.width < 24).map(([t, r]) => t + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))""")
        assert not small, f"{path}: small tap targets: {small}"


def test_screenshots(browser: Browser, served_example: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Desktop, phone and dark screenshots of the main pages, for a person to look at."""
    folder = Path(os.environ.get("SITEGEN_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    shots = []
    for name, (en, fr) in MAIN_PAGES.items():
        for lang, path in (("en", en), ("fr", fr)):
            for mode, width, dark in (("desktop", 1280, False), ("mobile", 375, False), ("dark", 375, True)):
                browser.set_viewport(width, 900 if width > 400 else 740, mobile=width < 400)
                browser.set_media(dark=dark)
                browser.goto(served_example + path)
                file = folder / f"{name}-{lang}-{mode}.png"
                browser.screenshot(file)
                shots.append(file)
    for file in shots:
        data = file.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, file
    print(f"screenshots in {folder}")
