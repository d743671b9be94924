"""`sitegen check` lists every request a built page makes to another host
(GDPR: what visitors' browsers send elsewhere), grouped by host with the
pages; form actions apart. The default theme makes none."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO, run_sitegen

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Every kind of request</title>
<meta name="description" content="A page that fetches from many hosts.">
<link rel="canonical" href="https://ada.example/every-kind.html">
<link rel="stylesheet" href="https://styles.example/site.css">
<link rel="stylesheet" href="/css/extra.css">
<link rel="icon" href="https://icons.example/favicon.ico">
<link rel="preconnect" href="https://pre.example">
<link rel="dns-prefetch" href="//dns.example">
<link rel="prefetch" href="https://prefetch.example/next.html">
<link rel="preload" as="font" href="https://preload.example/font.woff2" crossorigin>
<link rel="alternate" type="application/rss+xml" href="https://alt.example/feed.xml">
<link rel="me" href="https://mastodon.example/@ada">
<script src="https://scripts.example/analytics.js"></script>
<script src="//cdn.example/lib.js"></script>
<script>var s = document.createElement("script"); s.src = "https://inlined.example/tag.js";</script>
<script type="application/ld+json">{"@context": "https://schema.org", "url": "https://jsonld.example/"}</script>
<style>@import "https://styleblock.example/theme.css"; body { background: url(data:image/png;base64,AAAA) }</style>
</head><body>
<a href="https://links.example/not-a-request">a link is not a request</a>
<img src="https://img.example/a.png" alt="a">
<img src="/own.png" srcset="https://srcset.example/a-480.png 480w, /own-800.png 800w" alt="b">
<img src="https://ada.example/own-absolute.png" alt="the site's own address">
<picture><source type="image/webp" srcset="https://picture.example/a.webp 1x"><img src="/own.png" alt="c"></picture>
<iframe src="https://frames.example/embed/42" title="map"></iframe>
<video src="https://video.example/v.mp4" poster="https://poster.example/p.jpg">
  <source src="https://media.example/v.webm" type="video/webm">
  <track src="https://tracks.example/v.vtt" kind="captions">
</video>
<audio src="https://audio.example/a.mp3"></audio>
<object data="https://object.example/doc.pdf"></object>
<embed src="https://embed.example/widget.swf">
<div style="background-image: url('https://inline.example/bg.jpg')">styled</div>
<svg><image href="https://svg.example/pic.png"/></svg>
<form action="https://newsletter.example/subscribe" method="post"><input type="email" name="email"></form>
</body></html>
"""

EXTRA_CSS = """/* url(https://commented.example/x.png) is a comment */
@import "/css/more.css";
@import 'https://imports.example/reset.css';
@font-face { font-family: Sans; src: url("https://fonts.example/sans.woff2") format("woff2"); }
"""
MORE_CSS = ".hero { background: url(https://deep.example/hero.jpg) }\n"


def check_json(site: Path, *args: str) -> dict:
    result = run_sitegen("check", "--format", "json", *args, cwd=site)
    return json.loads(result.stdout)


def test_every_kind_of_request_is_listed_by_host_with_its_pages(mini_site: Path):
    static = mini_site / "content" / "static"
    (static / "css").mkdir(parents=True, exist_ok=True)
    (static / "every-kind.html").write_text(PAGE, encoding="utf-8")
    (static / "css" / "extra.css").write_text(EXTRA_CSS, encoding="utf-8")
    (static / "css" / "more.css").write_text(MORE_CSS, encoding="utf-8")
    build = run_sitegen("build", cwd=mini_site)
    assert build.returncode == 0, build.stderr
    found = check_json(mini_site)["third_parties"]
    kinds = {host: sorted({entry["kind"] for entry in entries}) for host, entries in found["requests"].items()}
    assert kinds == {
        "styles.example": ["stylesheet"], "icons.example": ["icon"], "pre.example": ["preconnect"],
        "dns.example": ["dns-prefetch"], "prefetch.example": ["prefetch"], "preload.example": ["preload"],
        "scripts.example": ["script"], "cdn.example": ["script"], "styleblock.example": ["CSS @import"],
        "img.example": ["image"], "srcset.example": ["image"], "picture.example": ["image"],
        "frames.example": ["iframe"], "video.example": ["video"], "poster.example": ["image"],
        "media.example": ["media"], "tracks.example": ["track"], "audio.example": ["audio"],
        "object.example": ["object"], "embed.example": ["embed"], "inline.example": ["CSS url()"],
        "svg.example": ["image"], "imports.example": ["CSS @import in /css/extra.css"],
        "fonts.example": ["CSS url() in /css/extra.css"], "deep.example": ["CSS url() in /css/more.css"],
        "inlined.example": ["inline script mentions"],
    }
    assert found["requests"]["fonts.example"] == [{"kind": "CSS url() in /css/extra.css",
                                                   "url": "https://fonts.example/sans.woff2",
                                                   "pages": ["/every-kind.html"]}]
    assert found["requests"]["cdn.example"][0]["url"] == "https://cdn.example/lib.js"
    assert found["form_actions"] == {"newsletter.example": [{"url": "https://newsletter.example/subscribe",
                                                             "pages": ["/every-kind.html"]}]}
    text = run_sitegen("check", cwd=mini_site).stdout
    assert "third-party requests (what visitors' browsers fetch from 26 other host(s)" in text
    assert "  fonts.example: CSS url() in /css/extra.css on 1 page(s): /every-kind.html" in text
    assert "form sends to newsletter.example when submitted, from 1 page(s): /every-kind.html" in text


def test_a_stylesheet_outside_the_output_is_never_read(mini_site: Path, tmp_path: Path):
    """A stylesheet that is a link out of the output is not followed (sitegen
    refuses links in content, so the link is planted in the built output)."""
    outside = tmp_path / "outside.css"
    outside.write_text("body { background: url(https://outside.example/x.png) }", encoding="utf-8")
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    public = mini_site / "public"
    (public / "planted.css").symlink_to(outside)
    page = public / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", '<link rel="stylesheet" href="/planted.css">'
                                                                       "</head>"), encoding="utf-8")
    assert check_json(mini_site)["third_parties"]["requests"] == {}


def test_the_default_theme_makes_no_third_party_request(built_example: Path):
    report = check_json(REPO, "--output", str(built_example))
    assert report["pages"] > 50
    assert report["third_parties"] == {"requests": {}, "form_actions": {}}
    text = run_sitegen("check", "--output", str(built_example), cwd=REPO).stdout
    assert "third-party requests: none" in text
