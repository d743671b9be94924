"""Text that looks like markup, in every field a person fills in, comes out
of every output as the same text: never as markup, never breaking a page,
a feed, the sitemap, the JSON-LD or the vCard. Judged by independent parsers
(html5lib like a browser, feedparser, ElementTree, json, vobject)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import vobject

from conftest import FIXTURES, run_sitegen
from sitecheck import broken_links, head_info, html_files, parse_html

BASE = "https://ada.example"
# Each piece has broken a generator somewhere: markup, entities, a comment
# opener and a script closer inside <script>, CDATA's end, both quotes.
NASTY = 'Q&A <i>x</i> (<!--) </script> ]]> "quoted" it\'s élève ça Straße'
POST_TITLE = f"HTML comments {NASTY}"
POST_SUMMARY = f"Summary: {NASTY} &amp; done"
POST_BODY_TEXT = "Body survives: 1 < 2 & 3 > 2."
TAG = "R&D <b>"
TALK_TITLE = f"Talk {NASTY}"
TALK_SUMMARY = f"Talk summary {NASTY}"
JOB = f"Consultant {NASTY}"
HEADLINE = f"Headline {NASTY}"
CONTROL_TITLE = "Bell\x07 and\x01 escape\x1b in a title"
CONTROL_CLEAN = "Bell and escape in a title"


def yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("hostile") / "site"
    shutil.copytree(FIXTURES / "mini", site)
    posts = site / "content" / "posts"
    (posts / "nasty.md").write_text(
        f"---\ntitle: {yaml_str(POST_TITLE)}\ndate: 2026-03-01\ntags: [{yaml_str(TAG)}, testing]\n"
        f"summary: {yaml_str(POST_SUMMARY)}\nabstract: {{fr: {yaml_str('Résumé ' + NASTY)}}}\n---\n"
        f"{POST_BODY_TEXT}\n\nA literal tag in code: `<!-- </script> -->`.\n", encoding="utf-8")
    (posts / "control.md").write_text(
        f"---\ntitle: {yaml_str(CONTROL_TITLE)}\ndate: 2026-03-02\n---\nBody with a form feed\x0c and a NUL-free "
        f"backspace\x08 here.\n", encoding="utf-8")
    talk = site / "content" / "talks" / "test-talk.yml"
    text = talk.read_text(encoding="utf-8")
    text = text.replace("title: {en: Tests that pay, fr: Des tests rentables}",
                        f"title: {{en: {yaml_str(TALK_TITLE)}, fr: Des tests rentables}}")
    text = text.replace("summary: {en: Why tests pay for themselves., fr: Pourquoi les tests se remboursent.}",
                        f"summary: {{en: {yaml_str(TALK_SUMMARY)}, fr: Pourquoi les tests se remboursent.}}")
    talk.write_text(text, encoding="utf-8")
    profile = site / "content" / "profile.yml"
    text = profile.read_text(encoding="utf-8")
    text = text.replace("job_title: {en: Test consultant, fr: Consultante en tests}",
                        f"job_title: {{en: {yaml_str(JOB)}, fr: Consultante en tests}}")
    text = text.replace("headline: {en: I help teams test what matters., fr: J’aide les équipes à tester l’essentiel.}",
                        f"headline: {{en: {yaml_str(HEADLINE)}, fr: J’aide les équipes à tester l’essentiel.}}")
    profile.write_text(text, encoding="utf-8")
    assert yaml_str(TALK_TITLE) in talk.read_text(encoding="utf-8") and yaml_str(JOB) in text  # replaced for real
    result = run_sitegen("build", cwd=site)
    assert result.returncode == 0, result.stderr
    return site / "public"


def page(out: Path, url: str):
    return html5lib.parse((out / url.strip("/") / "index.html").read_bytes(), namespaceHTMLElements=False)


def text_of(element) -> str:
    return "".join(element.itertext())


def meta(tree, attr: str, name: str) -> str:
    return next(m.get("content") for m in tree.iter("meta") if m.get(attr) == name)


def jsonld(tree) -> list[dict]:
    blocks = [s for s in tree.iter("script") if s.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    return json.loads(text_of(blocks[0]))["@graph"]


def find_type(graph: list[dict], kind: str) -> dict:
    return next(node for node in graph if node.get("@type") == kind)


def html_text(fragment: str) -> str:
    return text_of(html5lib.parse(fragment, namespaceHTMLElements=False).find("body"))


def test_every_page_parses_strictly_and_every_link_resolves(hostile: Path):
    for path in html_files(hostile):
        parse_html(path)  # html5lib strict: raises on any parse error (control characters included)
    assert broken_links(hostile, BASE) == []


def test_a_post_title_is_text_everywhere_in_its_page(hostile: Path):
    tree = page(hostile, "/posts/nasty/")
    h1 = next(tree.iter("h1"))
    assert text_of(h1) == POST_TITLE
    assert list(h1.iter("i")) == []  # escaped, not turned into an element
    assert text_of(next(tree.iter("title"))).startswith(POST_TITLE)
    assert meta(tree, "name", "description") == POST_SUMMARY
    assert meta(tree, "property", "og:title") == POST_TITLE
    assert meta(tree, "name", "twitter:title") == POST_TITLE
    posting = find_type(jsonld(tree), "BlogPosting")
    assert posting["headline"] == POST_TITLE
    assert posting["description"] == POST_SUMMARY


def test_comment_and_script_openers_in_json_ld_do_not_swallow_the_page(hostile: Path):
    html = (hostile / "posts/nasty/index.html").read_text(encoding="utf-8")
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script and "&" not in script
    tree = page(hostile, "/posts/nasty/")
    body = next(tree.iter("body"))
    # Parsed as a browser does: everything after the JSON-LD is still there.
    assert POST_BODY_TEXT in text_of(body)
    assert any(el.tag == "footer" for el in body.iter())


def test_a_tag_with_markup_is_text_on_its_pages_and_in_its_feed(hostile: Path):
    tree = page(hostile, "/posts/nasty/")
    tag_links = [a for a in tree.iter("a") if (a.get("href") or "").startswith("/tags/r-d")]
    assert tag_links and {text_of(a).strip() for a in tag_links} == {TAG}
    href = tag_links[0].get("href")
    tag_page = page(hostile, href)
    assert TAG in text_of(next(tag_page.iter("h1")))
    feed = feedparser.parse((hostile / href.strip("/") / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == [POST_TITLE]


def test_feeds_carry_the_text_exactly_and_parse_cleanly(hostile: Path):
    feed = feedparser.parse((hostile / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    entry = next(e for e in feed.entries if e.link == BASE + "/posts/nasty/")
    assert entry.title == POST_TITLE
    # RSS descriptions are HTML to feed readers: what a reader shows is the text of that HTML.
    assert entry.summary_detail.type == "text/html"
    assert html_text(entry.summary) == POST_SUMMARY
    assert TAG in [t.term for t in entry.tags]
    body = html5lib.parse(entry.content[0].value, namespaceHTMLElements=False)
    assert POST_BODY_TEXT in text_of(body)
    fr = feedparser.parse((hostile / "fr/feed.xml").read_bytes())
    assert not fr.bozo, fr.get("bozo_exception")
    foreign = next(e for e in fr.entries if e.link == BASE + "/posts/nasty/")
    assert foreign.title == f"[en] {POST_TITLE}"
    assert html_text(foreign.summary) == "Résumé " + NASTY


def test_control_characters_are_dropped_from_pages_and_feeds(hostile: Path):
    tree = page(hostile, "/posts/control/")
    assert text_of(next(tree.iter("h1"))) == CONTROL_CLEAN
    raw = (hostile / "posts/control/index.html").read_bytes()
    assert not any(byte < 32 and byte not in (9, 10, 13) for byte in raw)
    for feed in ["feed.xml", "fr/feed.xml", "sitemap.xml"]:
        data = (hostile / feed).read_bytes()
        assert not any(byte < 32 and byte not in (9, 10, 13) for byte in data), feed
    parsed = feedparser.parse((hostile / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert CONTROL_CLEAN in [e.title for e in parsed.entries]
    ET.fromstring((hostile / "feed.xml").read_bytes())  # a strict XML parser agrees


def test_sitemap_parses_and_lists_the_pages(hostile: Path):
    root = ET.fromstring((hostile / "sitemap.xml").read_bytes())
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE + "/posts/nasty/" in locs and BASE + "/posts/control/" in locs


def test_a_service_title_and_summary_are_text_in_page_json_ld_and_lists(hostile: Path):
    tree = page(hostile, "/talks/test-talk/")
    assert text_of(next(tree.iter("h1"))) == TALK_TITLE
    assert meta(tree, "name", "description") == TALK_SUMMARY
    assert meta(tree, "property", "og:title") == TALK_TITLE
    graph = jsonld(tree)
    crumbs = find_type(graph, "BreadcrumbList")["itemListElement"]
    assert crumbs[-1]["name"] == TALK_TITLE
    listing = page(hostile, "/talks/")
    assert TALK_TITLE in [text_of(a).strip() for a in listing.iter("a")]


def test_the_profile_is_text_on_the_home_page_json_ld_and_vcard(hostile: Path):
    tree = page(hostile, "/")
    person = find_type(jsonld(tree), "Person")
    assert person["jobTitle"] == JOB
    assert person["description"] == HEADLINE
    body = text_of(next(tree.iter("body")))
    assert JOB in body and HEADLINE in body
    assert head_info(parse_html(hostile / "index.html"))["lang"] == "en"
    card = vobject.readOne((hostile / "contact.vcf").read_text(encoding="utf-8"))
    assert card.title.value == JOB
    assert card.note.value == HEADLINE


def test_the_hostile_site_passes_the_nu_html_checker(hostile: Path):
    from test_vnu import _assert_valid

    _assert_valid(hostile)


def test_theme_escaping_gives_exactly_jinjas_own_for_every_kind_of_value():
    """Themes compile `{{ value }}` to sitegen's faster escaping (pages/escaping.py):
    every kind of value, in every autoescape mode, must come out as Jinja's
    own escaping would write it."""
    import jinja2
    from markupsafe import Markup

    from sitegen.pages.escaping import TextEscapingEnvironment

    class Html:
        def __html__(self):
            return "<b>trusted</b>"

        def __str__(self):
            return "<b>untrusted</b>"

    source = (
        "{% macro item(x) %}<li>{{ x }}</li>{% endmacro %}"
        "{% for v in values %}[{{ v }}|{{ v|e }}|{{ item(v) }}|{{ v ~ '&' }}]{% endfor %}"
        "{% autoescape false %}{% for v in values %}({{ v }}){% endfor %}{% endautoescape %}"
        "{% autoescape flag %}{% for v in values %}<{{ v }}>{% endfor %}{% endautoescape %}"
        "{% set block %}{{ values[0] }}{% endset %}{{ block }}"
    )
    values = [NASTY, Markup("<i>safe</i>"), Html(), 42, 1.5, None, True, ["<x>"], {"k": "<v>"}]
    for flag in (True, False):
        ours = TextEscapingEnvironment(autoescape=True).from_string(source).render(values=values, flag=flag)
        jinjas = jinja2.Environment(autoescape=True).from_string(source).render(values=values, flag=flag)
        assert ours == jinjas
        assert "&lt;i&gt;x&lt;/i&gt;" in ours and "<b>trusted</b>" in ours and "<b>untrusted</b>" not in ours.split("(")[0]


def test_theme_calls_pass_what_jinja_passes_to_every_kind_of_callable():
    """Themes call functions without Jinja's per-call checks (pages/calls.py):
    functions, methods and callable objects that ask for the context, the
    evaluation context or the environment must still get it, in loops and
    blocks, and a StopIteration must still give an undefined value."""
    import jinja2

    from sitegen.pages.escaping import TextEscapingEnvironment

    @jinja2.pass_context
    def with_context(context, x):
        return f"{context['name']}:{x}"

    @jinja2.pass_eval_context
    def with_eval_context(eval_ctx, x):
        return f"{eval_ctx.autoescape}:{x}"

    @jinja2.pass_environment
    def with_environment(environment, x):
        return f"{type(environment).__name__ != ''}:{x}"

    class Callable:
        @jinja2.pass_context
        def __call__(self, context, x):
            return f"object {context['name']}:{x}"

        def method(self, x):
            return f"method {x}"

        @jinja2.pass_context
        def context_method(self, context, x):
            return f"context method {context.get('inner', '-')}:{x}"

    def stops(x):
        raise StopIteration

    thing = Callable()
    source = (
        "{% macro m(x) %}<{{ x }}>{% endmacro %}"
        "{% for i in [1, 2] %}{% set inner = 'loop' ~ i %}"
        "{{ c(i) }} {{ e(i) }} {{ v(i) }} {{ o(i) }} {{ thing.method(i) }} {{ thing.context_method(i) }} "
        "{{ m(i) }} {{ stops(i) is undefined }} {{ plain(i) }}|{% endfor %}"
        "{% block b %}{% set inner = 'block' %}{{ thing.context_method(0) }}{{ c(0) }}{% endblock %}"
    )
    values = dict(name="N", c=with_context, e=with_eval_context, v=with_environment, o=thing, thing=thing,
                  stops=stops, plain=lambda x: x * 10)
    ours = TextEscapingEnvironment(autoescape=True).from_string(source)
    jinjas = jinja2.Environment(autoescape=True).from_string(source)
    for _ in range(2):  # the second time from what the first call learnt
        assert ours.render(**values) == jinjas.render(**values)
    assert "N:1" in ours.render(**values) and "context method loop2:2" in ours.render(**values)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**63, max_value=2**63) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=5), max_size=3))
def test_json_ld_text_is_what_json_itself_writes(graph):
    """The JSON-LD script is written by msgspec (pages/jsonld.py): the very
    characters of json.dumps, whatever the text holds (controls, quotes,
    "</script>", emoji, lone surrogates, Markup)."""
    from markupsafe import Markup

    from sitegen.pages.jsonld import to_json_script

    for nodes in (graph, graph + [{"name": Markup("<b>x</b>"), "odd": "\ud800"}]):
        expected = json.dumps({"@context": "https://schema.org", "@graph": nodes}, ensure_ascii=False,
                              separators=(",", ":"))
        expected = expected.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        assert to_json_script(nodes) == expected


def test_theme_attribute_lookups_give_jinjas_own_values_and_errors():
    """`entry.url` on a mapping skips Jinja's AttributeError first
    (pages/escaping.py): dict's own names (items, get) must still be its
    methods, keys that shadow nothing the item, a missing key the same
    undefined error, and objects of other kinds untouched."""
    import jinja2

    from sitegen.pages.escaping import TextEscapingEnvironment

    class Mapping(dict):
        def url(self):
            return "method"

    source = ("{{ d.url }}|{{ d.items is callable }}|{{ d.get('url') }}|{{ d.keys()|list }}|{{ d['items'] }}|"
              "{{ d.missing is undefined }}|{{ sub.url() }}|{{ n.real }}|{{ (d.nested).deep }}")
    values = dict(d={"url": "<u>", "items": 3, "nested": {"deep": "x"}}, sub=Mapping(url="item"), n=5)
    ours = TextEscapingEnvironment(autoescape=True).from_string(source).render(**values)
    assert ours == jinja2.Environment(autoescape=True).from_string(source).render(**values)
    assert ours.startswith("&lt;u&gt;|True|&lt;u&gt;|") and "|method|" in ours
    for environment in (TextEscapingEnvironment, jinja2.Environment):
        with pytest.raises(jinja2.UndefinedError, match="'dict object' has no attribute 'nope'"):
            environment(undefined=jinja2.StrictUndefined).from_string("{{ d.nope }}").render(d={})


def _xml_char(c: str) -> bool:
    """XML 1.0's Char production, written out from the specification."""
    n = ord(c)
    return n in (0x9, 0xA, 0xD) or 0x20 <= n <= 0xD7FF or 0xE000 <= n <= 0xFFFD or 0x10000 <= n <= 0x10FFFF


_NEAR_THE_EDGES = st.sampled_from(["\x00", "\x08", "\x0b", "\x1f", "\t", "\r", "\ud800", "\udfff", "\ufffe", "\uffff",
                                   "\ufffd", "\ufeff", "\uf000", "\uefff", "é", "’", "\U0001f600"])


@settings(max_examples=400)
@given(st.lists(st.characters(blacklist_categories=()) | _NEAR_THE_EDGES | st.text(max_size=5), max_size=40))
def test_output_bytes_are_utf8_of_the_text_without_what_xml_forbids(parts):
    """Every page, feed and sitemap goes through output_bytes: exactly the
    UTF-8 of the characters XML 1.0 allows, whatever the text holds."""
    from sitegen.pages.safetext import output_bytes

    text = "".join(parts)
    assert output_bytes(text) == "".join(c for c in text if _xml_char(c)).encode("utf-8")
