"""The call to action: book a call when the profile says where, else write."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import run_sitegen


class CallsToAction(HTMLParser):
    """The links inside each `<p class="cta">` of a page: (class, href, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[list[tuple[str, str, str]]] = []
        self._in_cta = False
        self._link: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "p" and "cta" in (attrs.get("class") or "").split():
            self._in_cta = True
            self.found.append([])
        elif tag == "a" and self._in_cta:
            self._link = [attrs.get("class") or "", attrs.get("href") or "", ""]

    def handle_data(self, data):
        if self._link is not None:
            self._link[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.found[-1].append(tuple(self._link))
            self._link = None
        elif tag == "p":
            self._in_cta = False


def ctas(page: Path) -> list[list[tuple[str, str, str]]]:
    parser = CallsToAction()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def with_booking(site: Path, line: str) -> None:
    profile = site / "content/profile.yml"
    profile.write_text(profile.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


BOOKED = [
    # (what the person wrote, where the button goes)
    ("booking: https://cal.com/ada/30min", "https://cal.com/ada/30min"),
    ("booking: /contact/", "/contact/"),
]


@pytest.mark.parametrize("line, href", BOOKED)
def test_a_booking_page_is_the_first_call_to_action_and_the_email_the_second(mini_site: Path, line, href):
    with_booking(mini_site, line)
    result = run_sitegen("build", "--strict", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    out = mini_site / "public"
    for page, book, write in ((out / "index.html", "Book a call", "or write to me"),
                              (out / "fr/index.html", "Réserver un appel", "ou écrivez-moi")):
        first = ctas(page)[0]
        assert first[0] == ("button", href, book)
        assert first[1] == ("cta-secondary", "mailto:ada@ada.example", write)
    talk = ctas(out / "talks/test-talk/index.html")
    assert talk and all(links[0][1] == href for links in talk)
    assert all(links[1][1].startswith("mailto:ada@ada.example?subject=") for links in talk)


def test_without_a_booking_page_the_call_to_action_is_the_email(built_mini: Path):
    first = ctas(built_mini / "index.html")[0]
    assert first == [("button", "mailto:ada@ada.example", "Get in touch")]


def test_a_booking_link_that_is_not_a_link_is_refused_with_its_line(mini_site: Path):
    with_booking(mini_site, "booking: javascript:alert(1)")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 1
    assert "content/profile.yml:" in result.stderr and "booking" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
