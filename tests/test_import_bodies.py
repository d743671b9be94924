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
