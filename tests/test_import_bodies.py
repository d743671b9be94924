"""Bodies of imported posts: text stays text, code stays byte-exact, WordPress's
wpautop as WordPress does it, embeds, anchors, deep nesting (issue 28)."""

from __future__ import annotations

import pytest

from sitegen.importer.autop import wpautop

# --- wpautop: WordPress's own cases (wordpress-develop tests/phpunit/tests/formatting/wpAutop.php) ---

BLOCKS = ["table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td", "th", "div", "dl", "dd",
          "dt", "ul", "ol", "li", "pre", "form", "map", "area", "address", "math", "style", "p", "h1", "h2", "h3",
          "h4", "h5", "h6", "fieldset", "legend", "section", "article", "aside", "hgroup", "header", "footer",
          "nav", "figure", "details", "menu", "summary"]
INLINES = ["a", "em", "strong", "small", "s", "cite", "q", "dfn", "abbr", "data", "time", "code", "var", "samp",
           "kbd", "sub", "sup", "i", "b", "u", "mark", "span", "del", "ins", "noscript", "select"]


def test_wpautop_first_post():
    source = ("\nWelcome to WordPress!  This post contains important information.\n\nFirst things first:\n<ul>\n"
              '<li><a href="%1$s" title="Subscribe">Subscribe to the list</a></li>\n</ul>\n'
              "As a subscriber, you will receive an email.\nWhen a new version is released, "
              '<a href="%2$s" title="Log in">log in to the Dashboard</a> and follow the instructions.\n'
              "Upgrading is a couple of clicks!\n\nThen you can start:\n<ul>\n<li>Edit at <a href=\"%3$s\">"
              "Users &#8250; Profile</a></li>\n<li>Start at <a href=\"%4$s\">Posts</a></li>\n</ul>\n"
              "To keep this post, <a href=\"%11$s\">click to edit it</a>, go to the Publish box.\n\n"
              "Thank you for selecting WordPress.\n")
    expected = ("<p>Welcome to WordPress!  This post contains important information.</p>\n<p>First things first:</p>\n"
                '<ul>\n<li><a href="%1$s" title="Subscribe">Subscribe to the list</a></li>\n</ul>\n'
                "<p>As a subscriber, you will receive an email.<br />\nWhen a new version is released, "
                '<a href="%2$s" title="Log in">log in to the Dashboard</a> and follow the instructions.<br />\n'
                "Upgrading is a couple of clicks!</p>\n<p>Then you can start:</p>\n<ul>\n<li>Edit at <a href=\"%3$s\">"
                "Users &#8250; Profile</a></li>\n<li>Start at <a href=\"%4$s\">Posts</a></li>\n</ul>\n"
                "<p>To keep this post, <a href=\"%11$s\">click to edit it</a>, go to the Publish box.</p>\n"
                "<p>Thank you for selecting WordPress.</p>\n")
    assert wpautop(source) == expected


def test_wpautop_leaves_pre_alone():
    code = "function x() {\n\n  return a &lt; b;\n}"
    assert wpautop(f"<pre>{code}</pre>").strip() == f"<pre>{code}</pre>"
    assert wpautop(f"Look at this code\n\n<pre>{code}</pre>\n\nIsn't that cool?").strip() == (
        f"<p>Look at this code</p>\n<pre>{code}</pre>\n<p>Isn't that cool?</p>")
    source = "Look at this code\n\n<pre>Line1<br />Line2<br>Line3<br/>Line4\nActual Line 2\nActual Line 3</pre>\n\nCool, huh?"
    assert wpautop(source).strip() == (
        "<p>Look at this code</p>\n<pre>Line1<br />Line2<br>Line3<br/>Line4\nActual Line 2\nActual Line 3</pre>\n"
        "<p>Cool, huh?</p>")


def test_wpautop_inputs_and_selects_stay_inline():
    source = 'Username: <input type="text" id="username" name="username" /><br />Password: <input type="password" />'
    assert wpautop(source).strip() == f"<p>{source}</p>"
    source = 'Country: <select id="state" name="state"><option value="1">Alabama</option><option value="2">Alaska</option></select>'
    assert wpautop(source).strip() == f"<p>{source}</p>"


def test_wpautop_source_and_track_elements():
    source = ("Paragraph one.\n\n"
              '<video class="v" id="video-0-1" controls="controls">\n\t\t\t\t<source type="video/mp4" src="x.mp4" />\n'
              '\t\t\t\t<!-- WebM -->\n\t\t\t\t<source type="video/webm" src="myvideo.webm" />\n'
              '\t\t\t\t<track kind="subtitles" src="subtitles.srt" srclang="en" />\n'
              '\t\t\t\t<a href="x.mp4">x.mp4</a>\n\t\t\t</video>' "\n\nParagraph two.")
    expected = ("<p>Paragraph one.</p>\n"
                '<p><video class="v" id="video-0-1" controls="controls"><source type="video/mp4" src="x.mp4" />'
                '<!-- WebM --><source type="video/webm" src="myvideo.webm" />'
                '<track kind="subtitles" src="subtitles.srt" srclang="en" />'
                '<a href="x.mp4">x.mp4</a></video></p>\n<p>Paragraph two.</p>')
    assert wpautop(source).strip() == expected


def test_wpautop_param_embed_elements():
    source = ('\nParagraph one.\n\n<object width="400" height="224">\n\t<param name="src" value="x.swf" />\n'
              '\t<param name="allowfullscreen" value="true" />\n\n\t<embed width="400" src="x.swf" />\n</object>\n\n'
              "Paragraph two.")
    expected = ('<p>Paragraph one.</p>\n<p><object width="400" height="224"><param name="src" value="x.swf" />'
                '<param name="allowfullscreen" value="true" /><embed width="400" src="x.swf" /></object></p>\n'
                "<p>Paragraph two.</p>")
    assert wpautop(source).strip() == expected


def test_wpautop_block_level_elements_are_blocks():
    content = [f"<{b}>foo</{b}>" for b in BLOCKS]
    assert wpautop("\n\n".join(content)).strip() == "\n".join(content)
    assert wpautop("".join(content)).strip() == "\n".join(content)
    content = [f"<{b}/>" for b in BLOCKS]
    assert wpautop("".join(content)).strip() == "\n".join(content)
    content = [f"<{b} attr='value'>foo</{b}>" for b in BLOCKS]
    assert wpautop("".join(content)).strip() == "\n".join(content)


def test_wpautop_blockquote_contents_get_paragraphs():
    assert wpautop("<blockquote>foo</blockquote>").strip() == "<blockquote><p>foo</p></blockquote>"


def test_wpautop_inline_elements_are_inline():
    content = "\n\n".join(f"<{i}>foo</{i}>" for i in INLINES)
    assert wpautop(content).strip() == "\n".join(f"<p><{i}>foo</{i}></p>" for i in INLINES)


@pytest.mark.parametrize("source, expected", [
    ("Hello <a\nhref='world'>", "<p>Hello <a\nhref='world'></p>\n"),
    ("Hello <!-- a\nhref='world' -->", "<p>Hello <!-- a\nhref='world' --></p>\n"),
    ("Hello <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n -->",
     "<p>Hello <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n --></p>\n"),
    ("Hello <![CDATA[ a\nhttps://youtu.be/jgz0uSaOZbE\n ]]>", "<p>Hello <![CDATA[ a\nhttps://youtu.be/jgz0uSaOZbE\n ]]></p>\n"),
    ("Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 ]]> -->",
     "<p>Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 ]]> --></p>\n"),
])
def test_wpautop_element_sanity(source: str, expected: str):
    assert wpautop(source) == expected


def test_wpautop_line_breaks_and_brs():
    assert wpautop("\nline 1<br>\nline 2<br/>\nline 3<br />\nline 4\nline 5\n").strip() == (
        "<p>line 1<br />\nline 2<br />\nline 3<br />\nline 4<br />\nline 5</p>")
    assert wpautop("\nline 1<br>\n<br/>\nline 2<br/>\n<br />\n").strip() == "<p>line 1</p>\n<p>line 2</p>"


def test_wpautop_text_before_blocks_hr_figure_svg_script():
    assert wpautop("a<div>b</div>").strip() == "<p>a</p>\n<div>b</div>"
    figure = '<figure><img src="example.jpg" /><figcaption>Caption</figcaption></figure>'
    assert wpautop(figure).strip() == figure
    assert wpautop('<figure>\n<img src="example.jpg" />\n<figcaption>Caption</figcaption>\n</figure>').strip() == (
        '<figure>\n<img src="example.jpg" /><figcaption>Caption</figcaption></figure>')
    assert wpautop("paragraph1<hr>paragraph2").strip() == "<p>paragraph1</p>\n<hr>\n<p>paragraph2</p>"
    svg = '<svg xmlns="http://www.w3.org/2000/svg">\n\t<circle cx="50" cy="50" r="30" fill="blue">\n\t</circle>\n</svg>'
    assert wpautop(svg).strip() == f"<p>{svg}</p>"
    script = '<script type="text/javascript">\n\tvar dummy = 1;\n</script>'
    assert wpautop(script).strip() == f"<p>{script}</p>"


def test_wpautop_classic_editor_html_gets_no_br_inside_blocks():
    """The issue's case: `text\\n<h2>` and `text\\n<ul>\\n<li>` as the classic editor stores them."""
    out = wpautop("Intro text\n<h2>Title</h2>\nMore text\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\nEnd")
    assert out == ("<p>Intro text</p>\n<h2>Title</h2>\n<p>More text</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
                   "<p>End</p>\n")


# --- bodies: HTML as an archive stores it → Markdown → the HTML sitegen builds ---------------

import html as htmllib  # noqa: E402
import re  # noqa: E402
from html.parser import HTMLParser  # noqa: E402

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from sitegen.importer.bodies import convert_body  # noqa: E402
from sitegen.importer.shortcodes import Shortcodes  # noqa: E402
from sitegen.settings.i18n import FootnoteNames  # noqa: E402
from sitegen.sources.markdown import render_markdown  # noqa: E402


def body(content: str, autop: bool = True, attachments: dict | None = None):
    return convert_body(content, autop=autop, shortcodes=Shortcodes(attachments or {}, {}), post_id="1",
                        ignore={"en", "fr"}, hooks=[])


def built(markdown: str) -> str:
    return render_markdown(markdown, FootnoteNames("Footnotes", "Back"))


class Elements(HTMLParser):
    """The elements and the visible text of built HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse(html_text: str) -> Elements:
    parser = Elements()
    parser.feed(html_text)
    parser.close()
    return parser


def test_escaped_markup_in_a_post_stays_text():
    """Issue 28: `Never trust &lt;script&gt;…` was built as a live <script>."""
    out = built(body("Never trust &lt;script&gt;alert(1)&lt;/script&gt; and no ‘&lt;html&gt;’ here").markdown)
    heading = re.sub(r'<a class="header-anchor".*?</a>', "", built(body("<h2>Issue #</h2>").markdown))
    assert re.sub(r"<[^>]+>", "", heading).strip() == "Issue #"  # a closing `#` kept, not read as markup
    page = parse(out)
    assert page.tags == ["p"]
    assert "".join(page.text).strip() == "Never trust <script>alert(1)</script> and no ‘<html>’ here"


def test_script_and_style_contents_are_never_published():
    result = body("<p>Before</p><script>var jQueryDemo = 1;</script><style>p { color: red }</style><p>After</p>")
    out = built(result.markdown)
    assert "jQueryDemo" not in out and "color: red" not in out
    assert parse(out).tags == ["p", "p"]
    assert any("<script> left out" in note for note in result.notes)


VISIBLE = st.text(alphabet=st.sampled_from(list("<>&*_[]()`#!-+=|~\\:;.,'\"/ \n0123456789abcXYZé\u00a0")) |
                  st.characters(blacklist_categories=("Cs", "Cc", "Co")), min_size=1, max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VISIBLE)
def test_any_text_node_survives_as_the_same_visible_text(text: str):
    """Any text, escaped in the archive, is the same visible text once built, and never an element."""
    for autop in (False, True):
        out = built(body(f"<p>{htmllib.escape(text)}</p>", autop=autop).markdown)
        page = parse(out)
        assert set(page.tags) <= {"p", "br"}, (text, out)  # a newline is a <br> where WordPress made one
        assert " ".join("".join(page.text).split()) == " ".join(text.split()), (text, out)


@settings(max_examples=100, deadline=None)
@given(VISIBLE, VISIBLE)
def test_text_inside_inline_markup_stays_text(first: str, second: str):
    first, second = first.replace("\n", " "), second.replace("\n", " ")
    content = f"<p><strong>{htmllib.escape(first)}</strong> <a href=\"https://x.test/\">{htmllib.escape(second)}</a></p>"
    page = parse(built(body(content).markdown))
    assert set(page.tags) <= {"p", "strong", "a"}
    expected = " ".join(f"{first} {second}".split())
    assert " ".join("".join(page.text).split()) == expected


# --- code ----------------------------------------------------------------------------------

CODE = 'if ($a < $b) {\n    echo "<b>bold</b> \\\\n";\n\t\treturn \'\\\\\';\n}'


@pytest.mark.parametrize("shortcode, lang", [
    ('[code lang="php"]{}[/code]', "php"), ('[sourcecode language="php"]{}[/sourcecode]', "php"),
    ("[php]{}[/php]", "php"), ("[cce_php]{}[/cce_php]", "php"), ('[cc lang="php"]{}[/cc]', "php"),
    ("[code]{}[/code]", ""), ('<pre class="brush: php; title: ; notranslate">{}</pre>', "php"),
    ('<pre lang="php">{}</pre>', "php"),
])
def test_code_shortcodes_become_fenced_code_byte_exact(shortcode: str, lang: str):
    """Issue 28: indentation, backslashes and `<b>` kept; entities decoded once."""
    stored = CODE if shortcode.startswith("[") else htmllib.escape(CODE, quote=False)
    source = "Some text\n\n" + shortcode.format(stored) + "\n\nMore text"
    markdown = body(source).markdown
    assert f"```{lang}\n{CODE}\n```" in markdown
    assert built(markdown).count("<pre") == 1


def test_code_entities_are_decoded_once():
    markdown = body("[code]a &lt; b &amp;&amp; c &amp;lt; d[/code]").markdown
    assert "```\na < b && c &lt; d\n```" in markdown


def test_br_inside_pre_is_a_newline():
    markdown = body("<pre>line one<br>line two<br />\n    indented</pre>").markdown
    assert "```\nline one\nline two\n\n    indented\n```" in markdown or "```\nline one\nline two\n    indented\n```" in markdown
    assert "\\" not in markdown


def test_gutenberg_code_block_keeps_its_language():
    source = ('<!-- wp:code {"language":"python"} -->\n<pre class="wp-block-code"><code>def f():\n    return 1 &lt; 2</code>'
              "</pre>\n<!-- /wp:code -->")
    assert "```python\ndef f():\n    return 1 < 2\n```" in body(source).markdown


def test_code_in_a_list_item_is_indented_with_it():
    markdown = body("<ul><li>Run:\n[code lang=\"bash\"]make\n  install[/code]</li></ul>").markdown
    out = built(markdown)
    assert "<li>" in out and "make\n  install" in htmllib.unescape(re.sub(r"<[^>]+>", "", out))


# --- wpautop in the pipeline: no stray backslashes -----------------------------------------

def test_classic_editor_html_has_no_stray_backslash():
    markdown = body("Intro text\n<h2>Title</h2>\nMore text\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\nEnd<br />\n\n&nbsp;<br />").markdown
    assert markdown == "Intro text\n\n## Title\n\nMore text\n\n- one\n- two\n\nEnd\n"


def test_line_breaks_inside_a_paragraph_stay_breaks():
    out = built(body("first line\nsecond line").markdown)
    assert out == "<p>first line<br />\nsecond line</p>\n"


def test_blogger_html_breaks_before_a_list_leave_no_backslash():
    out = built(body("Options:<br /><ol><li>one</li></ol>Done.<br />", autop=False).markdown)
    assert "\\" not in out


# --- embeds and iframes --------------------------------------------------------------------

def test_embeds_become_links_and_other_iframes_a_note():
    source = ('<iframe width="560" src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="A talk"></iframe>\n\n'
              "https://vimeo.com/123456\n\n"
              '<!-- wp:embed {"url":"https://twitter.com/jane/status/1","type":"rich","providerNameSlug":"twitter"} -->\n'
              '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\nhttps://twitter.com/jane/status/1\n'
              "</div><figcaption>Her thread</figcaption></figure>\n<!-- /wp:embed -->\n\n"
              '<iframe src="https://ads.example/frame"></iframe>\n\n[tweet https://x.com/jane/status/2]')
    result = body(source)
    assert "[Video on YouTube: A talk](https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in result.markdown
    assert "[Video on Vimeo](https://vimeo.com/123456)" in result.markdown
    assert "[Post on X: Her thread](https://twitter.com/jane/status/1)" in result.markdown
    assert "[Post on X](https://x.com/jane/status/2)" in result.markdown
    assert "ads.example" not in result.markdown and "iframe" not in built(result.markdown)
    assert any("iframe from ads.example: left out" in note for note in result.notes)


# --- galleries, anchors, summary ------------------------------------------------------------

def test_a_gallery_without_its_images_is_reported():
    result = body('[gallery ids="10,11"]\n\nText')
    assert "gallery" not in result.markdown
    assert any("[gallery]: its images are not in the export" in note for note in result.notes)
    partial = body('[gallery ids="10,11"]', attachments={"10": "https://blog.test/a.jpg"})
    assert "![a](https://blog.test/a.jpg)" in partial.markdown
    assert any("1 of its 2 images are not in the export" in note for note in partial.notes)


def test_ids_and_named_anchors_are_kept_for_in_page_links():
    markdown = body('<p><a href="#part-2">Skip</a></p>\n<h2 id="part-2">Second part</h2>\n'
                    '<p><a name="notes"></a>Notes</p>\n<p><a href="#notes">to notes</a></p>').markdown
    out = built(markdown)
    assert 'id="part-2"' in out and 'id="notes"' in out and 'href="#part-2"' in out and 'href="#notes"' in out
    blocks = built(body('<ul id="list"><li id="first">one</li><li>two</li></ul><table id="grid"><tr><td>a</td></tr></table>'
                        '<blockquote id="quote"><p>q</p></blockquote>').markdown)
    assert "<li><a id=\"first\"></a>one</li>" in blocks and blocks.count("<li>") == 2  # the list stays a list
    assert 'id="list"' in blocks and 'id="grid"' in blocks and "<table>" in blocks and '<p><a id="quote"></a>q</p>' in blocks


# --- deep input ---------------------------------------------------------------------------

def test_html_nested_500_levels_deep_converts():
    """Issue 28: valid HTML with omitted </li> and </p> reached ~500 levels and aborted the import."""
    source = "<ul>" + "<li>item <ul>" * 500 + "deep" + "</ul>" * 500 + "</ul>" + "<p>para" * 600
    result = body(source)
    assert "deep" in result.markdown and result.markdown.count("para") == 600
    built(result.markdown)
    blockquotes = body("<blockquote>" * 3000 + "quoted" + "</blockquote>" * 3000)
    assert "quoted" in blockquotes.markdown and "quoted" in built(blockquotes.markdown)
