"""The preview as a writer sees it: `sitegen serve` and headless Chromium.

A post is open in the browser; the test edits files on disk, as an editor
would, and watches the page change by itself.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from cdp import Browser, CDPError, find_chromium
from test_serve import Preview

LONG_POST = """---
title: A long post
date: 2026-03-01
tags: [testing]
---
""" + "\n\n".join(f"Paragraph {i}: " + "words " * 60 for i in range(60)) + "\n"


@pytest.fixture
def browser(tmp_path: Path):
    executable = find_chromium()
    chromium = Browser(executable, tmp_path / "profile")
    chromium.set_viewport(1000, 700)
    yield chromium
    chromium.close()


@pytest.fixture
def writing(mini_site: Path):
    (mini_site / "content/posts/long.md").write_text(LONG_POST, encoding="utf-8")
    running = Preview(mini_site)
    yield running
    running.stop()


def wait_until(browser: Browser, expression: str, timeout: float = 20) -> object:
    """Poll a JavaScript expression until it is truthy (the page may be reloading)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = browser.evaluate(expression)
        except (CDPError, KeyError):
            last = None
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"{expression} stayed {last!r} for {timeout} s")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_appears_without_reloading_by_hand_and_keeps_the_scroll(writing: Preview, mini_site: Path,
                                                                          browser: Browser):
    browser.goto(f"http://127.0.0.1:{writing.port}/posts/long/")
    assert browser.evaluate("document.querySelector('h1').textContent.trim()") == "A long post"
    wait_until(browser, "document.documentElement.scrollHeight > 3000")
    browser.evaluate("window.scrollTo(0, 1500); window.__before_reload = true")
    wait_until(browser, "Math.abs(window.scrollY - 1500) < 2")
    edit(mini_site / "content/posts/long.md", "Paragraph 3:", "Paragraph 3 (edited in the editor):")
    wait_until(browser, "document.body.textContent.includes('edited in the editor')")
    assert browser.evaluate("window.__before_reload === undefined"), "the page was not reloaded"
    wait_until(browser, "Math.abs(window.scrollY - 1500) < 2")


def test_broken_front_matter_shows_an_overlay_that_goes_away_when_fixed(writing: Preview, mini_site: Path,
                                                                         browser: Browser):
    browser.goto(f"http://127.0.0.1:{writing.port}/posts/long/")
    post = mini_site / "content/posts/long.md"
    edit(post, "title: A long post", "title: [A long post")
    message = wait_until(browser, "document.getElementById('sitegen-error')?.textContent")
    assert "content/posts/long.md:" in message and "invalid YAML" in message
    # The last good page is still there underneath.
    assert browser.evaluate("document.querySelector('h1').textContent.trim()") == "A long post"
    edit(post, "title: [A long post", "title: A long post, fixed")
    wait_until(browser, "document.querySelector('h1')?.textContent.includes('fixed')")
    assert browser.evaluate("document.getElementById('sitegen-error') === null")


def test_a_stylesheet_change_applies_without_a_reload(mini_site: Path, browser: Browser):
    css = mini_site / "themes/default/static/style.css"
    css.parent.mkdir(parents=True)
    shipped = Path(__file__).parent.parent / "themes/default/static/style.css"
    shutil.copyfile(shipped, css)
    running = Preview(mini_site)
    try:
        browser.goto(f"http://127.0.0.1:{running.port}/posts/second/")
        browser.evaluate("window.__no_reload = true")
        with css.open("a", encoding="utf-8") as f:
            f.write("\nh1 { color: rgb(1, 2, 3) !important }\n")
        wait_until(browser, "getComputedStyle(document.querySelector('h1')).color === 'rgb(1, 2, 3)'")
        assert browser.evaluate("window.__no_reload === true"), "the page reloaded for a CSS change"
    finally:
        running.stop()


def test_a_hidden_tab_drops_its_connection_and_catches_up_when_shown(writing: Preview, mini_site: Path,
                                                                      browser: Browser):
    browser.goto(f"http://127.0.0.1:{writing.port}/posts/long/")
    wait_until(browser, "document.readyState === 'complete'")
    time.sleep(1)  # the event stream is open
    # Hidden: simulate with the visibility API the script listens to.
    browser.evaluate("Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
                     "document.dispatchEvent(new Event('visibilitychange')); window.__hidden_marker = true")
    edit(mini_site / "content/posts/long.md", "Paragraph 5:", "Paragraph 5 (while hidden):")
    writing.wait_for_line("rebuilt", after=1)
    time.sleep(0.5)
    assert browser.evaluate("window.__hidden_marker === true"), "a hidden tab reloaded"
    browser.evaluate("Object.defineProperty(document, 'hidden', {value: false, configurable: true});"
                     "document.dispatchEvent(new Event('visibilitychange'))")
    wait_until(browser, "document.body.textContent.includes('(while hidden)')")


CONTRAST_PAIRS = """
(() => {
  const rgba = s => s.match(/[\\d.]+/g).map(Number);
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const root = document.getElementById('sitegen-error');
  return [root, ...root.querySelectorAll('*')]
    .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => [rgba(getComputedStyle(e).color).slice(0, 3), background(e)]);
})()
"""


def contrast(fg: list[float], bg: list[float]) -> float:
    def luminance(rgb: list[float]) -> float:
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_error_overlay_is_readable_in_light_and_dark(writing: Preview, mini_site: Path, browser: Browser,
                                                         dark: bool):
    browser.set_media(dark=dark)
    browser.goto(f"http://127.0.0.1:{writing.port}/posts/long/")
    assert browser.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") is dark
    edit(mini_site / "content/posts/long.md", "title: A long post", "title: [A long post")
    wait_until(browser, "document.getElementById('sitegen-error')?.textContent")
    pairs = browser.evaluate(CONTRAST_PAIRS)
    assert pairs, "no text in the overlay"
    ratios = [round(contrast(fg, bg), 2) for fg, bg in pairs]
    assert min(ratios) >= 4.5, (ratios, pairs)  # WCAG AA for body text


def test_a_list_page_open_in_a_tab_shows_a_new_title_once_the_lists_are_written(writing: Preview, mini_site: Path,
                                                                                  browser: Browser):
    """The edited post's own page is announced first; a tab on a page listing
    it must not stay on the list as it was before the lists were rewritten."""
    browser.goto(f"http://127.0.0.1:{writing.port}/archive/")
    assert browser.evaluate("document.body.textContent.includes('Second part')")
    edit(mini_site / "content/posts/second.md", "title: Second part", "title: Part two, retitled")
    wait_until(browser, "document.body.textContent.includes('Part two, retitled')")
    assert "Second part" not in browser.evaluate("document.body.textContent")
