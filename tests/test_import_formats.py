"""Export formats as real exports have them (issue 28): the recovering read,
Blogger's current backup, feeds refused, qTranslate-X, the export's language,
tags merged, comments kept and threaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_sitegen
from sitegen.errors import ContentError
from sitegen.importer.detect import read_export

WXR_HEAD = ('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Blog</title>\n<link>https://blog.test</link>\n'
            '<language>{lang}</language>\n<wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_blog_url>https://blog.test</wp:base_blog_url>\n')


def item(title: str, content: str, *, post_id: int = 1, kind: str = "post", slug: str = "", extra: str = "") -> str:
    slug = slug or f"post-{post_id}"
    return (f"<item><title>{title}</title><link>https://blog.test/2020/01/{slug}/</link>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
            f"<wp:post_id>{post_id}</wp:post_id><wp:post_date>2020-01-0{post_id % 9 + 1} 10:00:00</wp:post_date>"
            f"<wp:post_date_gmt>2020-01-0{post_id % 9 + 1} 09:00:00</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name>"
            f"<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>{kind}</wp:post_type>"
            f"<wp:post_password></wp:post_password>{extra}</item>\n")


def wxr(*items: str, lang: str = "en-US", head: str = WXR_HEAD) -> str:
    return head.format(lang=lang) + "".join(items) + "</channel>\n</rss>\n"


def write(tmp_path: Path, text: str | bytes, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# --- the recovering read -------------------------------------------------------------------

def test_an_undeclared_prefix_is_declared_and_listed(tmp_path: Path):
    """WordPress.com exports use <atom:link> without xmlns:atom; WordPress's importer takes them."""
    text = wxr(item("Hello", "Body")).replace("<title>Blog</title>",
                                              '<title>Blog</title>\n<atom:link rel="search" href="https://blog.test/osd.xml" />')
    export = read_export(write(tmp_path, text), "export.xml")
    assert [i.title for i in export.items] == ["Hello"]
    assert export.repairs == ["line 5, column 1: prefix `atom:` used without a declaration: declared as "
                              "http://www.w3.org/2005/Atom"]


def test_control_characters_and_a_bad_byte_are_mended_and_listed(tmp_path: Path):
    text = wxr(item("Pasted\x0bfrom Word", "Smart\x02 quotes")).encode("utf-8").replace(b"Body", b"")
    text = text.replace("quotes".encode(), b"quot\xe9s")
    export = read_export(write(tmp_path, text), "export.xml")
    assert export.items[0].title == "Pastedfrom Word"
    assert export.items[0].content == "Smart quot\ufffds"
    assert "line 9, column 20: control character U+000B removed" in export.repairs
    assert any("U+0002 removed" in r for r in export.repairs)
    assert any("not UTF-8, replaced by U+FFFD" in r for r in export.repairs)


def test_nested_cdata_is_read(tmp_path: Path):
    text = wxr(item("Nested", "Content with nested <![CDATA[ tags ]]> :)"))
    export = read_export(write(tmp_path, text), "export.xml")
    assert export.items[0].content == "Content with nested <![CDATA[ tags ]]> :)"
    assert any("nested CDATA" in r for r in export.repairs)


def test_html_entities_outside_cdata_are_mended(tmp_path: Path):
    export = read_export(write(tmp_path, wxr(item("Tom&nbsp;&amp; Jerry & co", "x"))), "export.xml")
    assert export.items[0].title == "Tom & Jerry & co"
    assert len(export.repairs) == 2


def test_what_cannot_be_read_names_line_column_and_character(tmp_path: Path):
    text = wxr(item("Hello", "Body")).replace("</channel>", "<wp:broken x='1' </channel>")
    with pytest.raises(ContentError) as raised:
        read_export(write(tmp_path, text), "export.xml")
    assert raised.value.line == 4 + text.count("\n", 0, text.index("<wp:broken")) - 3
    assert re.search(r"not well-formed XML \(.+\), column \d+, at '<' \(U\+003C\)", str(raised.value))


def test_entities_stay_refused(tmp_path: Path):
    """The recovering read never gives up defusedxml's protections."""
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n'
            + wxr(item("&b;", "x")).split("\n", 1)[1])
    with pytest.raises(ContentError, match="declares XML entities"):
        read_export(write(tmp_path, bomb), "export.xml")
    external = ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                + wxr(item("&x;", "x")).split("\n", 1)[1].replace("<atom", "<atom"))
    with pytest.raises(ContentError, match="declares XML entities"):
        read_export(write(tmp_path, external + "<broken"), "export.xml")


# --- Blogger -------------------------------------------------------------------------------

BLOGGER_2018 = """<?xml version='1.0' encoding='utf-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>
  <id>tag:blogger.com,1999:blog-408</id>
  <title>Bernds Blog</title>
  <entry>
    <id>tag:blogger.com,1999:blog-408.post-940</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Bernd</name><uri>https://plus.google.com/1140</uri><blogger:type>BLOGGER</blogger:type></author>
    <title>Nach Suzhou</title>
    <content type='html'>&lt;div dir="ltr"&gt;Wir fahren nach Suzhou.&lt;br /&gt;&lt;br /&gt;Zweiter Absatz.&lt;/div&gt;</content>
    <blogger:created>2011-10-08T19:40:53.278Z</blogger:created>
    <published>2011-05-11T19:46:00Z</published>
    <updated>2011-11-11T19:26:59.997Z</updated>
    <category scheme='http://www.blogger.com/atom/ns#' term='Reisen'/>
    <blogger:location><blogger:name>Suzhou</blogger:name><blogger:latitude>31.29</blogger:latitude></blogger:location>
    <blogger:filename>/2011/10/nach-suzhou.html</blogger:filename>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-408.post-941</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>DRAFT</blogger:status>
    <title>Halb fertig</title>
    <content type='html'>Entwurf</content>
    <published>2012-01-01T10:00:00Z</published>
    <blogger:filename>/2012/01/halb-fertig.html</blogger:filename>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-408.page-5</id>
    <blogger:type>PAGE</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <title>Über mich</title>
    <content type='html'>Ich bin Bernd.</content>
    <published>2010-01-01T10:00:00Z</published>
    <blogger:filename>/p/uber-mich.html</blogger:filename>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-408.post-942</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>SOFT_TRASHED</blogger:status>
    <title>Weg</title><content type='html'>TRASHWORD</content><published>2012-02-01T10:00:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-408.post-7001</id>
    <blogger:parent>tag:blogger.com,1999:blog-408.post-940</blogger:parent>
    <blogger:inReplyTo/>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Anna</name><uri>https://anna.test/</uri></author>
    <content type='html'>Schöne Reise! &lt;a href="https://anna.test/suzhou"&gt;Meine Fotos&lt;/a&gt;</content>
    <published>2011-05-12T08:00:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-408.post-7002</id>
    <blogger:parent>tag:blogger.com,1999:blog-408.post-940</blogger:parent>
    <blogger:inReplyTo>tag:blogger.com,1999:blog-408.post-7001</blogger:inReplyTo>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Bernd</name></author>
    <content type='html'>Danke, Anna!</content>
    <published>2011-05-12T09:00:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-408.post-7003</id>
    <blogger:parent>tag:blogger.com,1999:blog-408.page-5</blogger:parent>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Carl</name></author>
    <content type='html'>Hallo Bernd</content>
    <published>2011-06-01T09:00:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-408.post-7004</id>
    <blogger:parent>tag:blogger.com,1999:blog-408.post-940</blogger:parent>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>SPAM</blogger:status>
    <author><name>Spammer</name></author>
    <content type='html'>SPAMWORD</content>
    <published>2011-06-01T09:00:00Z</published>
  </entry>
</feed>
"""


def test_blogger_back_up_content_format(tmp_path: Path):
    """Issue 28: this format imported 0 posts and exited 0."""
    export = read_export(write(tmp_path, BLOGGER_2018), "feed.atom")
    posts = {i.title: i for i in export.items}
    assert set(posts) == {"Nach Suzhou", "Halb fertig", "Über mich"}
    suzhou = posts["Nach Suzhou"]
    assert (suzhou.kind, suzhou.status, suzhou.slug, suzhou.link) == ("post", "publish", "nach-suzhou",
                                                                    "/2011/10/nach-suzhou.html")
    assert suzhou.tags == ["Reisen"] and posts["Halb fertig"].status == "draft"
    assert posts["Über mich"].kind == "page" and [c.author for c in posts["Über mich"].comments] == ["Carl"]
    assert [(c.author, c.parent) for c in suzhou.comments] == [("Anna", ""), ("Bernd", "tag:blogger.com,1999:blog-408.post-7001")]
    assert any("Weg" in s and "soft trashed" in s for s in export.skipped)
    assert export.notes == ["comments not kept: 1 comments spam"]


def test_blogger_back_up_content_imports_and_builds(tmp_path: Path):
    result = run_sitegen("init", str(tmp_path / "site"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    imported = run_sitegen("import", str(write(tmp_path, BLOGGER_2018, "feed.atom")), "--into", str(site), cwd=site)
    assert imported.returncode == 0, imported.stderr
    assert "wrote 2 posts" in imported.stdout and "wrote 1 pages" in imported.stdout
    assert "3 comments kept" in imported.stdout
    built = run_sitegen("build", cwd=site)
    assert built.returncode == 0, built.stderr
    post = (site / "public/posts/nach-suzhou/index.html").read_text(encoding="utf-8")
    assert "Wir fahren nach Suzhou." in post and "Zweiter Absatz." in post
    # the reply under its parent, the commenter's link kept, as nofollow ugc
    thread = post.split('class="comment-list"', 1)[1]
    assert re.search(r"Anna.*Meine Fotos.*<ol class=\"comment-replies\">.*Danke, Anna!", thread, re.S)
    assert '<a href="https://anna.test/suzhou" rel="nofollow ugc">Meine Fotos</a>' in thread
    page = (site / "public/p/uber-mich/index.html")
    pages = list((site / "public").rglob("index.html"))
    about = next(p for p in pages if "Ich bin Bernd" in p.read_text(encoding="utf-8"))
    assert "Hallo Bernd" in about.read_text(encoding="utf-8"), page
    assert "/2011/10/nach-suzhou.html /posts/nach-suzhou/ 301" in (site / "public/_redirects").read_text()
    html = "".join(p.read_text(encoding="utf-8") for p in (site / "public").rglob("*.html"))
    assert "TRASHWORD" not in html and "SPAMWORD" not in html


@pytest.mark.parametrize("feed, message", [
    ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><id>tag:blogger.com,1999:blog-1.post</id>"
     "<entry><id>x</id><category scheme='http://schemas.google.com/g/2005#kind' "
     "term='http://schemas.google.com/blogger/2008/kind#post'/><title>t</title></entry></feed>",
     "a Blogger feed (its latest posts), not a backup"),
    ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><id>urn:x</id><entry><id>y</id>"
     "<title>Hugo post</title></entry></feed>", "an Atom feed, not a backup"),
])
def test_a_feed_that_is_not_a_backup_is_refused(tmp_path: Path, feed: str, message: str):
    result = run_sitegen("init", str(tmp_path / "site"), cwd=tmp_path)
    assert result.returncode == 0
    imported = run_sitegen("import", str(write(tmp_path, feed, "feed.xml")), "--into", str(tmp_path / "site"),
                           cwd=tmp_path)
    assert imported.returncode == 1, imported.stdout
    assert message in imported.stderr and "Back up content" in imported.stderr
    assert not list((tmp_path / "site/content/posts").glob("*feed*"))


def test_old_blogger_comments_without_in_reply_to_are_kept(tmp_path: Path):
    feed = ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><id>tag:blogger.com,1999:blog-1.archive</id>"
            "<link rel='alternate' href='http://old.blogspot.com/'/>"
            "<entry><id>tag:blogger.com,1999:blog-1.post-10</id><published>2010-01-01T10:00:00Z</published>"
            "<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#post'/>"
            "<title>Post</title><content type='html'>Body</content>"
            "<link rel='alternate' href='http://old.blogspot.com/2010/01/post.html'/></entry>"
            "<entry><id>tag:blogger.com,1999:blog-1.post-20</id><published>2010-01-02T10:00:00Z</published>"
            "<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>"
            "<content type='html'>Via the feed link</content><author><name>A</name></author>"
            "<link rel='self' href='http://www.blogger.com/feeds/1/10/comments/default/20'/></entry>"
            "<entry><id>tag:blogger.com,1999:blog-1.post-21</id><published>2010-01-03T10:00:00Z</published>"
            "<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>"
            "<content type='html'>Via the page link</content><author><name>B</name></author>"
            "<link rel='related' href='http://www.blogger.com/feeds/1/comments/default/20'/>"
            "<link rel='alternate' href='http://old.blogspot.com/2010/01/post.html?showComment=1#c21'/></entry>"
            "</feed>")
    export = read_export(write(tmp_path, feed), "blog.xml")
    comments = export.items[0].comments
    assert [(c.author, c.parent) for c in comments] == [("A", ""), ("B", "tag:blogger.com,1999:blog-1.post-20")]


# --- qTranslate-X, language, tags ------------------------------------------------------------

def test_qtranslate_items_become_translations(tmp_path: Path):
    text = wxr(
        item("[:en]Pricing for 2013[:fr]Tarifs 2013[:]", "[:en]<p>Our prices.</p>[:fr]<p>Nos tarifs.</p>[:]",
             extra='<category domain="post_tag" nicename="p"><![CDATA[[:en]Pricing[:fr]Tarifs[:]]]></category>'),
        item("&lt;!--:en--&gt;Hello&lt;!--:--&gt;&lt;!--:fr--&gt;Bonjour&lt;!--:--&gt;", "{:en}Hi all{:}{:fr}Salut{:}",
             post_id=2))
    export = read_export(write(tmp_path, text), "export.xml")
    got = sorted((i.title, i.lang, i.content.strip(), tuple(i.tags), i.translation_group) for i in export.items)
    assert got == [("Bonjour", "fr", "Salut", (), "qtranslate-2"), ("Hello", "en", "Hi all", (), "qtranslate-2"),
                   ("Pricing for 2013", "en", "<p>Our prices.</p>", ("Pricing",), "qtranslate-1"),
                   ("Tarifs 2013", "fr", "<p>Nos tarifs.</p>", ("Tarifs",), "qtranslate-1")]


def test_qtranslate_blog_builds_as_two_languages(tmp_path: Path):
    result = run_sitegen("init", str(tmp_path / "site"), cwd=tmp_path)
    assert result.returncode == 0
    site = tmp_path / "site"
    text = wxr(item("[:en]Pricing for 2013[:fr]Tarifs 2013[:]", "[:en]Our prices.[:fr]Nos tarifs.[:]", slug="pricing"))
    imported = run_sitegen("import", str(write(tmp_path, text)), "--into", str(site), "--no-media", cwd=site)
    assert imported.returncode == 0, imported.stderr
    assert run_sitegen("build", cwd=site).returncode == 0
    english = (site / "public/posts/pricing/index.html").read_text(encoding="utf-8")
    french = (site / "public/fr/posts/pricing/index.html").read_text(encoding="utf-8")
    assert "Pricing for 2013</h1>" in english and "Tarifs" not in english.split("<main", 1)[1].split("</article>")[0]
    assert "Tarifs 2013</h1>" in french and 'href="/posts/pricing/" hreflang="en"' in french


def test_the_exports_language_is_honoured(tmp_path: Path):
    export = read_export(write(tmp_path, wxr(item("Bonjour", "Texte"), item("[en] Hello", "Text", post_id=2),
                                              lang="fr-FR")), "export.xml")
    assert [(i.title, i.lang) for i in export.items] == [("Bonjour", "fr-fr"), ("[en] Hello", None)]


def test_tags_differing_only_in_case_are_merged(tmp_path: Path):
    tags = ('<category domain="category" nicename="bitcoin"><![CDATA[Bitcoin]]></category>'
            '<category domain="post_tag" nicename="bitcoin-2"><![CDATA[bitcoin]]></category>')
    text = wxr(item("One", "x", extra=tags), item("Two", "y", post_id=2, extra=tags),
               item("Three", "z", post_id=3, extra='<category domain="post_tag" nicename="b"><![CDATA[bitcoin]]></category>'))
    export = read_export(write(tmp_path, text), "export.xml")
    assert [i.tags for i in export.items] == [["bitcoin"], ["bitcoin"], ["bitcoin"]]
    assert export.notes == ["tags `Bitcoin` merged into `bitcoin` (one tag page; the same name but for case or accents)"]


def test_comment_threads_and_comments_on_pages(tmp_path: Path):
    def comment(cid: int, parent: int, text: str, approved: str = "1", kind: str = "") -> str:
        return (f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author>C{cid}</wp:comment_author>"
                f"<wp:comment_author_email>c{cid}@mail.test</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url>"
                f"<wp:comment_date>2020-02-0{cid} 10:00:00</wp:comment_date><wp:comment_date_gmt>2020-02-0{cid} 09:00:00</wp:comment_date_gmt>"
                f"<wp:comment_content><![CDATA[{text}]]></wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>"
                f"<wp:comment_type>{kind}</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>")
    text = wxr(item("Post", "Body", extra=comment(1, 0, 'First <a href="https://c.test/">link</a><script>x()</script>')
                    + comment(2, 1, "Reply") + comment(3, 2, "Reply to reply") + comment(4, 0, "Pending", "0")
                    + comment(5, 0, "Ping", "1", "pingback")),
               item("About", "Page body", post_id=2, kind="page", slug="about", extra=comment(6, 0, "On a page")))
    result = run_sitegen("init", str(tmp_path / "site"), cwd=tmp_path)
    site = tmp_path / "site"
    imported = run_sitegen("import", str(write(tmp_path, text)), "--into", str(site), "--no-media", cwd=site)
    assert imported.returncode == 0, imported.stderr
    assert "4 comments kept" in imported.stdout and "comments not kept: 1 pending, 1 pingbacks" in imported.stdout
    assert run_sitegen("build", cwd=site).returncode == 0
    post = (site / "public/posts/post-1/index.html").read_text(encoding="utf-8")
    assert re.search(r"C1.*First.*comment-replies.*C2.*Reply.*comment-replies.*C3.*Reply to reply", post, re.S)
    assert '<a href="https://c.test/" rel="nofollow ugc">link</a>' in post and "x()" not in post
    assert "On a page" in (site / "public/about/index.html").read_text(encoding="utf-8")
    check = run_sitegen("check", cwd=site)
    assert " 0 error(s)" in check.stdout, check.stdout


# --- links and anchors (issue 28, item 6) ----------------------------------------------------

def test_old_links_other_case_and_schemes_anchors_relative_images_and_more(tmp_path: Path):
    target = item("Target post", "<h2 id=\"deep\">Deep part</h2><p>Text</p>", post_id=2, slug="target-post")
    source = item("Source", "Teaser sentence for the list.\n<!--more-->\n"
                  '<a href="https://blog.test/2020/01/Target-Post/">other case</a>, '
                  '<a href="https://blog.test/index.php/2020/01/target-post/#deep">index.php</a>, '
                  '<a href="/2020/01/03/target-post/">old date scheme</a>, '
                  '<a href="https://blog.test/?p=2">by id</a>, <a href="#below">in this page</a>\n\n'
                  '<img src="images/photo.png" alt="relative"> <a href="/wp-content/other.pdf">a file</a>\n\n'
                  '<a name="below"></a>Below', post_id=1, slug="source")
    site = tmp_path / "site"
    assert run_sitegen("init", str(site), cwd=tmp_path).returncode == 0
    imported = run_sitegen("import", str(write(tmp_path, wxr(source, target))), "--into", str(site), "--no-media",
                           cwd=site)
    assert imported.returncode == 0, imported.stderr
    text = (site / "content/posts/2020-01-02-source.md").read_text(encoding="utf-8")
    assert "summary: Teaser sentence for the list." in text
    for label in ("other case", "index.php", "old date scheme", "by id"):
        assert re.search(rf"\[{re.escape(label)}\]\(/posts/target-post/(#deep)?\)", text), (label, text)
    assert "[index.php](/posts/target-post/#deep)" in text
    assert "![relative](https://blog.test/2020/01/source/images/photo.png)" in text
    assert "[a file](https://blog.test/wp-content/other.pdf)" in text
    assert run_sitegen("build", cwd=site).returncode == 0
    check = run_sitegen("check", cwd=site)
    assert " 0 error(s)" in check.stdout, check.stdout  # #deep and #below resolve


def test_a_french_blog_is_imported_as_french(tmp_path: Path):
    site = tmp_path / "site"
    assert run_sitegen("init", str(site), cwd=tmp_path).returncode == 0
    imported = run_sitegen("import", str(write(tmp_path, wxr(item("Bonjour", "Texte", slug="bonjour"), lang="fr-FR"))),
                           "--into", str(site), "--no-media", cwd=site)
    assert imported.returncode == 0, imported.stderr
    assert (site / "content/posts/2020-01-02-bonjour.fr.md").is_file()
    assert run_sitegen("build", cwd=site).returncode == 0
    assert '<html lang="fr"' in (site / "public/fr/posts/bonjour/index.html").read_text(encoding="utf-8")


def test_links_to_comments_keep_their_anchor_when_the_comment_is_kept(tmp_path: Path):
    def comment(cid: int, kind: str = "") -> str:
        return (f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author>A{cid}</wp:comment_author>"
                f"<wp:comment_date>2020-02-01 10:00:00</wp:comment_date><wp:comment_date_gmt>2020-02-01 09:00:00"
                f"</wp:comment_date_gmt><wp:comment_content>Text {cid}</wp:comment_content>"
                f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type>{kind}</wp:comment_type>"
                "<wp:comment_parent>0</wp:comment_parent></wp:comment>")
    target = item("Target", "Body", post_id=2, slug="target", extra=comment(5) + comment(6, "pingback"))
    source = item("Source", '<a href="https://blog.test/2020/01/target/#comment-5">kept</a> '
                            '<a href="https://blog.test/2020/01/target/#comment-6">pingback</a>', slug="source")
    site = tmp_path / "site"
    assert run_sitegen("init", str(site), cwd=tmp_path).returncode == 0
    assert run_sitegen("import", str(write(tmp_path, wxr(source, target))), "--into", str(site), "--no-media",
                       cwd=site).returncode == 0
    text = (site / "content/posts/2020-01-02-source.md").read_text(encoding="utf-8")
    assert "[kept](/posts/target/#comment-5)" in text and "[pingback](/posts/target/)" in text
    assert run_sitegen("build", cwd=site).returncode == 0
    assert 'id="comment-5"' in (site / "public/posts/target/index.html").read_text(encoding="utf-8")
    assert " 0 error(s)" in run_sitegen("check", cwd=site).stdout
