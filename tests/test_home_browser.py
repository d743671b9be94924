"""The home and service pages as a client sees them first (issue 14), in headless Chromium.

The call to action is measured inside the first screen on a laptop
(1280x800) and a phone (390x844); talks and workshops are cards; the
phone menu is one row; and the details seen on screenshots (heading
anchors, wide tables and code, the business card's address, the footer's
links) hold. Fixtures come from test_browser.py: the example site built
once, served on 127.0.0.1, one Chromium.
"""

from __future__ import annotations

import pytest
from cdp import Browser
from test_browser import MAIN_PAGES, browser, served_example  # noqa: F401 - pytest fixtures

SCREENS = {"desktop": (1280, 800, False), "phone": (390, 844, True)}

# (page, language) -> the call to action's text and where it writes.
CTA_PAGES = [
    ("/", "Get in touch", "mailto:bonjour@camille-durand.example"),
    ("/fr/", "Me contacter", "mailto:bonjour@camille-durand.example"),
    (MAIN_PAGES["talk"][0], "Interested? Get in touch",
     "mailto:bonjour@camille-durand.example?subject=Your%20flaky%20tests%20are%20trying%20to%20tell%20you%20something"),
    (MAIN_PAGES["talk"][1], "Cela vous intéresse\u202f? Contactez-moi",
     "mailto:bonjour@camille-durand.example?subject=Vos%20tests%20instables%20essaient%20de%20vous%20dire%20quelque%20chose"),
]


def open_at(browser: Browser, url: str, screen: str, dark: bool = False) -> None:
    width, height, mobile = SCREENS[screen]
    browser.set_viewport(width, height, mobile=mobile)
    browser.set_media(dark=dark)
    browser.goto(url)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize(("path", "text", "href"), CTA_PAGES, ids=[p for p, _, _ in CTA_PAGES])
def test_the_call_to_action_is_in_the_first_screen(browser: Browser, served_example: str, screen: str,  # noqa: F811
                                                   path: str, text: str, href: str) -> None:
    open_at(browser, served_example + path, screen)
    cta = browser.evaluate("""(() => {
      const a = document.querySelector('main .cta a');
      if (!a) return null;
      const r = a.getBoundingClientRect(), s = getComputedStyle(a);
      return {text: a.textContent.trim(), href: a.getAttribute('href'), top: r.top, bottom: r.bottom,
              left: r.left, right: r.right, w: innerWidth, h: innerHeight, scrollY,
              visible: s.visibility === 'visible' && s.display !== 'none' && r.width > 0};
    })()""")
    assert cta, f"{path}: no call to action"
    assert (cta["text"], cta["href"]) == (text, href), cta
    assert cta["scrollY"] == 0 and cta["visible"], cta
    assert 0 <= cta["top"] and cta["bottom"] <= cta["h"], f"{path} at {screen}: the CTA is below the first screen: {cta}"
    assert 0 <= cta["left"] and cta["right"] <= cta["w"], cta


@pytest.mark.parametrize("path", ["/", "/fr/"])
def test_hero_shows_who_what_and_availability(browser: Browser, served_example: str, path: str) -> None:  # noqa: F811
    open_at(browser, served_example + path, "phone")
    hero = browser.evaluate("""(() => {
      const h = document.querySelector('.hero'), shown = sel => { const e = h.querySelector(sel);
        return e && e.getBoundingClientRect().height > 0 ? e.textContent.trim() : null; };
      return {photo: !!h.querySelector('img.u-photo'), name: shown('h1'), job: shown('.job-title'),
              headline: shown('.headline'), availability: shown('.notices li')};
    })()""")
    assert hero["photo"] and hero["name"] == "Camille Durand", hero
    assert hero["job"] and hero["headline"] and hero["availability"], hero


CARD_JS = """(section => [...document.querySelectorAll(section + ' .card')].map(card => {
  const text = sel => { const e = card.querySelector(sel); return e ? e.textContent.trim() : ''; };
  const r = card.getBoundingClientRect();
  return {title: text('.service-item-title'), summary: text('.service-item-summary'),
          duration: text('.service-duration'), formats: text('.service-formats'),
          next: card.querySelector('.service-next time') ? card.querySelector('.service-next time').getAttribute('datetime') : null,
          top: Math.round(r.top), width: r.width};
}))"""


@pytest.mark.parametrize(("path", "formats"), [("/", "In person"), ("/fr/", "En présentiel")])
@pytest.mark.parametrize("heading", ["talks-heading", "workshops-heading"])
def test_talks_and_workshops_are_cards(browser: Browser, served_example: str, path: str, formats: str,  # noqa: F811
                                       heading: str) -> None:
    open_at(browser, served_example + path, "desktop")
    cards = browser.evaluate(f"{CARD_JS}('section[aria-labelledby=\"{heading}\"]')")
    assert len(cards) >= 2, cards
    for card in cards:
        assert card["title"] and card["summary"] and card["duration"], card
        assert formats in card["formats"], card
    # Every talk and workshop of the example has a session to come (its next date).
    assert all(card["next"] for card in cards), cards
    # Side by side on a laptop, one above the other on a phone.
    assert len({card["top"] for card in cards}) == 1, cards
    open_at(browser, served_example + path, "phone")
    cards = browser.evaluate(f"{CARD_JS}('section[aria-labelledby=\"{heading}\"]')")
    assert len({card["top"] for card in cards}) == len(cards), cards


def test_cards_get_the_width_and_prose_keeps_its_measure(browser: Browser, served_example: str) -> None:  # noqa: F811
    open_at(browser, served_example + "/", "desktop")
    widths = browser.evaluate("""(() => {
      const w = sel => document.querySelector(sel).getBoundingClientRect().width;
      const prose = document.querySelector('.bio .prose'), zero = document.createElement('span');
      zero.textContent = '0'.repeat(70);
      prose.append(zero);
      const seventy = zero.getBoundingClientRect().width;
      zero.remove();
      return {cards: w('.service-list.cards'), prose: w('.bio .prose'), seventy};
    })()""")
    # A readable line (70 characters at most) for the bio; the cards use the page's width.
    assert widths["prose"] <= widths["seventy"] + 1, widths
    assert widths["cards"] >= 1000 and widths["cards"] > 1.3 * widths["prose"], widths


@pytest.mark.parametrize("path", ["/", "/fr/", MAIN_PAGES["talk"][1], MAIN_PAGES["post"][0]])
def test_the_phone_menu_is_one_row(browser: Browser, served_example: str, path: str) -> None:  # noqa: F811
    """At 390 px every menu entry is on the same row and inside the screen (no lone entry below)."""
    open_at(browser, served_example + path, "phone")
    items = browser.evaluate("""[...document.querySelectorAll('.site-nav li')].map(li => {
      const r = li.getBoundingClientRect(); return [li.textContent.trim(), Math.round(r.top), r.right]; })""")
    assert len(items) == 5, items
    assert len({top for _, top, _ in items}) == 1, f"the menu wraps: {items}"
    assert all(right <= 390 for _, _, right in items), f"entries off screen: {items}"


def test_wide_tables_scroll_with_a_cue(browser: Browser, served_example: str) -> None:  # noqa: F811
    open_at(browser, served_example + "/posts/accessibility-audit-checklist/", "phone")
    table = browser.evaluate("""(() => { const t = document.querySelector('.prose table'), s = getComputedStyle(t);
      return {scroll: t.scrollWidth, client: t.clientWidth, overflow: s.overflowX, bg: s.backgroundImage,
              page: document.documentElement.scrollWidth, w: innerWidth}; })()""")
    assert table["scroll"] > table["client"], f"the example's table fits: the test shows nothing: {table}"
    assert table["overflow"] == "auto" and table["page"] <= table["w"], table
    assert table["bg"].count("gradient") == 4, f"no scroll shadow: {table}"
    scrolled = browser.evaluate("(() => { const t = document.querySelector('.prose table');"
                                " t.scrollLeft = 40; return t.scrollLeft; })()")
    assert scrolled == 40, "the table does not scroll"


def test_code_is_not_cut_on_a_laptop(browser: Browser, served_example: str) -> None:  # noqa: F811
    """The example's longest code line (about 80 characters) shows whole at 1280 px; on a phone code scrolls."""
    open_at(browser, served_example + MAIN_PAGES["post"][0].replace("testing-pyramid-revisited", "flaky-tests"),
            "desktop")
    blocks = browser.evaluate("[...document.querySelectorAll('.prose pre')].map(p => [p.scrollWidth, p.clientWidth,"
                              " p.getBoundingClientRect().right])")
    assert blocks, "no code on the page"
    assert all(scroll <= client and right <= 1280 for scroll, client, right in blocks), blocks
    open_at(browser, served_example + "/posts/flaky-tests/", "phone")
    styles = browser.evaluate("[...document.querySelectorAll('.prose pre')].map(p => getComputedStyle(p).overflowX)")
    assert set(styles) == {"auto"}, styles


def test_heading_anchors_show_on_hover_only(browser: Browser, served_example: str) -> None:  # noqa: F811
    open_at(browser, served_example + "/posts/flaky-tests/", "desktop")
    opacity = "getComputedStyle(document.querySelector('.prose h2 .header-anchor')).opacity"
    assert browser.evaluate(opacity) == "0"
    box = browser.evaluate("(() => { const h = document.querySelector('.prose h2');"
                           " h.scrollIntoView({block: 'center'}); const r = h.getBoundingClientRect();"
                           " return [r.left + 20, r.top + r.height / 2]; })()")
    browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box[0], "y": box[1]})
    assert browser.evaluate(opacity) == "1", "the anchor stays hidden when its heading is hovered"
    browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 1, "y": 1})
    assert browser.evaluate(opacity) == "0"
    # A phone has no hover: the anchors stay out of the text.
    open_at(browser, served_example + "/posts/flaky-tests/", "phone")
    assert browser.evaluate(opacity) == "0"


@pytest.mark.parametrize(("path", "label"), [("/card/", "Location"), ("/fr/card/", "Localisation")])
def test_the_card_keeps_its_address_whole_and_labels_the_place(browser: Browser, served_example: str,  # noqa: F811
                                                               path: str, label: str) -> None:
    for width in (320, 390, 1280):
        browser.set_viewport(width, 800, mobile=width < 500)
        browser.set_media()
        browser.goto(served_example + path)
        card = browser.evaluate("""(() => {
          const a = document.querySelector('.bcard .u-email'), place = document.querySelector('.bcard .p-locality');
          return {text: a.textContent, parts: [...a.children].filter(e => e.tagName === 'SPAN')
                    .map(s => s.getClientRects().length),
                  label: place.parentElement.querySelector('.bcard-label').textContent.trim()};
        })()""")
        assert card["text"] == "bonjour@camille-durand.example", card
        assert card["parts"] == [1, 1], f"{path} at {width}: the address breaks inside a part: {card}"
        assert card["label"] == label, card


@pytest.mark.parametrize("path", ["/", "/fr/", MAIN_PAGES["post"][0], MAIN_PAGES["talk"][1]])
def test_footer_links_say_what_they_are(browser: Browser, served_example: str, path: str) -> None:  # noqa: F811
    """No footer link is only an address: each one's text says what it leads to."""
    open_at(browser, served_example + path, "desktop")
    links = browser.evaluate("""[...document.querySelectorAll('.site-footer a')].map(a =>
      [a.textContent.trim(), a.getAttribute('href')])""")
    bare = [(text, href) for text, href in links
            if text == href.removeprefix("mailto:") or text.startswith(("http:", "https:"))]
    assert links and not bare, f"bare links in the footer: {bare}"


@pytest.mark.parametrize("path", MAIN_PAGES["talk"])
def test_service_pages_list_related_posts(browser: Browser, served_example: str, path: str) -> None:  # noqa: F811
    open_at(browser, served_example + path, "desktop")
    posts = browser.evaluate("[...document.querySelectorAll('.related-posts li a')].map(a => a.getAttribute('href'))")
    assert posts and all(href.startswith(("/posts/", "/fr/posts/")) for href in posts), posts
