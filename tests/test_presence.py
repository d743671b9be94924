"""Issue 4, "Google me": the JSON-LD graph, the head metadata, the generated
social images, the vCard and the printable business card, checked on the
built mini fixture with independent tools (html5lib, json, Pillow, vobject,
segno)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
import segno
import vobject
from PIL import Image

from conftest import FIXTURES, run_sitegen
from sitecheck import head_info, html_files, parse_html, page_url

BASE = "https://ada.example"
PERSON = BASE + "/#person"
PERSON_REF = {"@id": PERSON}
OFFSET = re.compile(r"T\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)$")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture, built once for the read-only checks of this module."""
    root = tmp_path_factory.mktemp("presence") / "site"
    shutil.copytree(FIXTURES / "mini", root)
    result = run_sitegen("build", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def out(site: Path) -> Path:
    return site / "public"


def head(out: Path, url: str) -> dict:
    path = out / url.lstrip("/") / "index.html" if url.endswith("/") else out / url.lstrip("/")
    return head_info(parse_html(path))


def graph(out: Path, url: str) -> list[dict]:
    info = head(out, url)
    assert len(info["jsonld"]) == 1, f"{url}: one JSON-LD script"
    data = info["jsonld"][0]
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


def nodes(graph_: list[dict], kind: str) -> list[dict]:
    return [n for n in graph_ if n.get("@type") == kind]


def node(graph_: list[dict], kind: str) -> dict:
    found = nodes(graph_, kind)
    assert len(found) == 1, f"expected one {kind}, got {len(found)}"
    return found[0]


# ---------------------------------------------------------------- JSON-LD


@pytest.mark.parametrize("lang, url, expertise, spoken, job", [
    ("en", "/", "Software testing", ["English", "French"], "Test consultant"),
    ("fr", "/fr/", "Tests logiciels", ["anglais", "français"], "Consultante en tests"),
])
def test_home_profile_page_and_person(out, lang, url, expertise, spoken, job):
    g = graph(out, url)
    page = node(g, "ProfilePage")
    assert page["mainEntity"] == PERSON_REF
    assert page["url"] == BASE + url and page["inLanguage"] == lang
    person = node(g, "Person")
    assert person["@id"] == PERSON  # the same id in every language
    assert person["name"] == "Ada Test"
    assert person["url"] == BASE + "/"
    assert person["image"] == BASE + "/img/ada.png"
    assert person["jobTitle"] == job
    assert person["description"]
    assert person["sameAs"] == ["https://social.example/@ada", "https://github.com/ada-test"]
    assert person["knowsAbout"] == [expertise]
    assert person["knowsLanguage"] == spoken
    assert person["address"] == {"@type": "PostalAddress", "addressLocality": "Nantes, France"}
    assert person["email"] == "ada@ada.example"
    website = node(g, "WebSite")
    assert website["publisher"] == PERSON_REF and page["isPartOf"] == {"@id": website["@id"]}


def test_blog_posting_of_a_republished_column(out):
    url = "/posts/second/"
    info = head(out, url)
    g = info["jsonld"][0]["@graph"]
    article = node(g, "BlogPosting")
    assert article["headline"] == "Second part"
    assert article["datePublished"] == "2026-02-10T09:30:00+01:00"
    assert article["dateModified"] == "2026-02-10T09:30:00+01:00"
    assert article["inLanguage"] == "en"
    assert article["author"] == PERSON_REF
    assert article["mainEntityOfPage"] == BASE + url == info["canonical"]
    assert article["isBasedOn"] == "https://magazine.example/col/1"
    assert article["image"] == info["metas"]["og:image"]
    # The author reference resolves inside the page's own graph.
    assert node(g, "Person")["@id"] == PERSON


def test_blog_posting_with_updated_date_and_own_image(out):
    hello = node(graph(out, "/posts/hello/"), "BlogPosting")
    assert hello["dateModified"].startswith("2026-02-01") and hello["datePublished"].startswith("2026-01-10")
    assert "isBasedOn" not in hello
    french = node(graph(out, "/fr/posts/hello/"), "BlogPosting")
    assert french["inLanguage"] == "fr" and french["author"] == PERSON_REF
    bundle = node(graph(out, "/posts/bundle/"), "BlogPosting")
    assert bundle["image"] == head(out, "/posts/bundle/")["metas"]["og:image"]
    assert "/social/" not in bundle["image"]  # its own image, not the generated one


def test_talk_service_and_event_for_the_upcoming_session_only(out):
    url = "/talks/test-talk/"
    g = graph(out, url)
    service = node(g, "Service")
    assert service["provider"] == PERSON_REF and service["serviceType"] and service["name"] == "Tests that pay"
    assert service["audience"] == {"@type": "Audience", "audienceType": "Team leads"}
    events = nodes(g, "Event")
    assert len(events) == 1  # the 2025 session is past
    event = events[0]
    assert event["name"].startswith("Tests that pay")
    assert event["startDate"] == "2099-02-10T14:00:00+01:00" and OFFSET.search(event["startDate"])
    assert event["location"] == {"@type": "VirtualLocation", "url": "https://future.example"}
    assert event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["performer"] == PERSON_REF and event["organizer"] == PERSON_REF
    assert event["@id"].startswith(BASE + url + "#")


def test_in_person_event_has_a_place_with_an_address(mini_site: Path):
    talk = mini_site / "content/talks/test-talk.yml"
    talk.write_text(talk.read_text(encoding="utf-8")
                    + '  - {date: "2099-05-20T09:30:00+02:00", event: LyonConf, city: Lyon}\n'
                    + "  - {date: 2099-06-01, event: Whole day, online: true}\n", encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    out = mini_site / "public"
    events = {e["location"].get("name"): e for e in nodes(graph(out, "/talks/test-talk/"), "Event")}
    lyon = events["LyonConf"]
    assert lyon["startDate"] == "2099-05-20T09:30:00+02:00"
    assert lyon["location"] == {"@type": "Place", "name": "LyonConf",
                                "address": {"@type": "PostalAddress", "addressLocality": "Lyon"}}
    assert lyon["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    whole_day = next(e for e in events.values() if e["name"].endswith("(Whole day)"))
    assert whole_day["startDate"] == "2099-06-01"  # no invented midnight
    # An online session without its own address points to the talk's page.
    assert whole_day["location"] == {"@type": "VirtualLocation", "url": BASE + "/talks/test-talk/"}


def test_workshop_is_a_course_with_course_instances(out):
    g = graph(out, "/workshops/test-workshop/")
    course = node(g, "Course")
    assert course["name"] == "Testing workshop" and course["description"]
    assert course["provider"]["@id"] == PERSON
    instances = course["hasCourseInstance"]
    assert len(instances) == 1
    instance = instances[0]
    assert instance["@type"] == "CourseInstance"
    assert instance["courseMode"] == "onsite"
    assert instance["startDate"] == "2099-03-01"
    assert instance["location"]["@type"] == "Place"
    assert instance["location"]["address"]["addressLocality"] == "Nantes"
    assert instance["instructor"] == PERSON_REF


def test_expertise_is_a_service_provided_by_the_person(out):
    for url in ("/expertise/testing/", "/fr/expertise/testing/"):
        service = node(graph(out, url), "Service")
        assert service["provider"] == PERSON_REF and service["serviceType"] and service["url"] == BASE + url


def content_pages(out: Path) -> list[Path]:
    return [p for p in html_files(out) if b'http-equiv="refresh"' not in p.read_bytes()]


def test_breadcrumbs_on_inner_pages_and_person_everywhere(out):
    for path in content_pages(out):
        url = page_url(out, path)
        g = head_info(parse_html(path))["jsonld"][0]["@graph"]
        assert any(n.get("@id") == PERSON and n.get("@type") == "Person" for n in g), url
        crumbs = nodes(g, "BreadcrumbList")
        if url in ("/", "/fr/") or path.name == "404.html":
            assert not crumbs, url
            continue
        assert len(crumbs) == 1, url
        items = crumbs[0]["itemListElement"]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1)), url
        assert all(i["@type"] == "ListItem" and i["name"] and i["item"].startswith(BASE + "/") for i in items)
        assert items[0]["item"] == BASE + ("/fr/" if url.startswith("/fr/") else "/"), url
        assert items[-1]["item"] == BASE + url, url


def test_tag_breadcrumb_goes_through_the_tag_index(out):
    items = node(graph(out, "/tags/testing/"), "BreadcrumbList")["itemListElement"]
    assert [i["item"] for i in items] == [BASE + "/", BASE + "/tags/", BASE + "/tags/testing/"]


# Every type and property sitegen emits; each exists in schema.org.
SCHEMA_TYPES = {"ProfilePage", "WebSite", "Person", "PostalAddress", "BlogPosting", "BreadcrumbList", "ListItem",
                "Service", "Event", "Place", "VirtualLocation", "Course", "CourseInstance", "Audience",
                "ContactPage"}
SCHEMA_PROPERTIES = {
    "name", "url", "inLanguage", "mainEntity", "isPartOf", "publisher", "image", "jobTitle", "description",
    "sameAs", "knowsAbout", "knowsLanguage", "address", "addressLocality", "email", "mainEntityOfPage",
    "headline", "datePublished", "dateModified", "author", "wordCount", "keywords", "isBasedOn",
    "itemListElement", "position", "item", "provider", "serviceType", "audience", "audienceType", "startDate",
    "eventStatus", "eventAttendanceMode", "location", "performer", "organizer", "teaches", "hasCourseInstance",
    "courseMode", "instructor",
}


def test_only_schema_org_types_and_properties(out):
    types: set[str] = set()
    properties: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "@type":
                    types.add(item)
                elif not key.startswith("@"):
                    properties.add(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in content_pages(out):
        walk(head_info(parse_html(path))["jsonld"])
    assert types - SCHEMA_TYPES == set()
    assert properties - SCHEMA_PROPERTIES == set()


# ---------------------------------------------------------------- head metadata


def test_home_is_an_opengraph_profile(out):
    metas = head(out, "/")["metas"]
    assert metas["og:type"] == "profile"
    assert metas["profile:first_name"] == "Ada" and metas["profile:last_name"] == "Test"
    assert metas["og:locale"] == "en_GB" and metas["og:locale:alternate"] == "fr_FR"
    french = head(out, "/fr/")["metas"]
    assert french["og:locale"] == "fr_FR" and french["og:locale:alternate"] == "en_GB"


def test_posts_are_opengraph_articles(out):
    metas = head(out, "/posts/hello/")["metas"]
    assert metas["og:type"] == "article"
    assert metas["article:published_time"].startswith("2026-01-10T")
    assert metas["article:modified_time"].startswith("2026-02-01T")
    assert metas["article:tag"]  # one meta per tag (head_info keeps the last)
    assert metas["og:locale:alternate"] == "fr_FR"  # it has a French translation
    assert "og:locale:alternate" not in head(out, "/posts/second/")["metas"]  # English only


def test_every_page_has_a_large_social_card_and_short_title_and_description(out):
    for path in content_pages(out):
        metas = head_info(parse_html(path))["metas"]
        title = head_info(parse_html(path))["title"]
        assert len(title) <= 60, (path, title)
        assert len(metas["description"]) <= 160, path
        assert metas["twitter:card"] == "summary_large_image", path
        assert metas["og:image"].startswith(BASE + "/") and metas["twitter:image"] == metas["og:image"], path
        assert metas["og:image:alt"] and metas["twitter:image:alt"], path


# ---------------------------------------------------------------- social images


def png_size(data: bytes) -> tuple[str, tuple[int, int]]:
    with Image.open(io.BytesIO(data)) as image:
        return image.format, image.size


@pytest.mark.parametrize("lang, url", [("en", "/"), ("fr", "/fr/"), ("en", "/tags/"), ("fr", "/fr/card/")])
def test_pages_without_an_image_get_the_language_social_image(out, lang, url):
    metas = head(out, url)["metas"]
    assert metas["og:image"] == f"{BASE}/social/{lang}.png"
    assert (metas["og:image:width"], metas["og:image:height"], metas["og:image:type"]) == ("1200", "630", "image/png")
    assert "Ada Test" in metas["og:image:alt"]
    assert png_size((out / "social" / f"{lang}.png").read_bytes()) == ("PNG", (1200, 630))


def per_post_images(site: Path) -> Path:
    settings = site / "site.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "social_images: posts\n", encoding="utf-8")
    return site


def test_posts_use_the_language_social_image_by_default(out):
    assert head(out, "/posts/second/")["metas"]["og:image"] == BASE + "/social/en.png"
    assert not (out / "social/en/posts").exists()


def test_posts_without_an_image_get_their_own_social_image(mini_site: Path):
    assert run_sitegen("build", cwd=per_post_images(mini_site)).returncode == 0
    out = mini_site / "public"
    metas = head(out, "/posts/second/")["metas"]
    assert metas["og:image"] == BASE + "/social/en/posts/second.png"
    assert "Second part" in metas["og:image:alt"]
    assert png_size((out / "social/en/posts/second.png").read_bytes()) == ("PNG", (1200, 630))
    assert (out / "social/fr/posts/seulement.png").is_file()
    # A post with its own image keeps it and gets no generated one.
    assert not (out / "social/en/posts/bundle.png").exists()
    assert "og:image:width" not in head(out, "/posts/bundle/")["metas"]


def test_social_images_are_drawn_the_same_every_time_and_cached(mini_site: Path):
    first = run_sitegen("build", cwd=mini_site)
    assert first.returncode == 0, first.stderr
    out = mini_site / "public"
    images = sorted(p.relative_to(out) for p in (out / "social").rglob("*.png"))
    assert images
    before = {p: (out / p).read_bytes() for p in images}
    # Drawn again from scratch: byte-identical.
    shutil.rmtree(mini_site / ".sitegen-cache")
    again = run_sitegen("build", "--no-cache", cwd=mini_site)
    assert again.returncode == 0, again.stderr
    assert {p: (out / p).read_bytes() for p in images} == before
    # Nothing changed: images come from the cache, not drawn again (a planted
    # marker in the cache shows up in the output).
    cache = sorted((mini_site / ".sitegen-cache/social").glob("*.png"))
    assert len(cache) == len(images)
    marker = io.BytesIO()
    Image.new("RGB", (1200, 630), (255, 0, 0)).save(marker, format="PNG")
    for path in cache:
        path.write_bytes(marker.getvalue())
    third = run_sitegen("build", cwd=mini_site)
    assert third.returncode == 0, third.stderr
    assert all((out / p).read_bytes() == marker.getvalue() for p in images)


def test_a_changed_title_draws_a_new_image(mini_site: Path):
    assert run_sitegen("build", cwd=per_post_images(mini_site)).returncode == 0
    out = mini_site / "public"
    old = (out / "social/en/posts/second.png").read_bytes()
    default = (out / "social/en.png").read_bytes()
    post = mini_site / "content/posts/second.md"
    post.write_text(post.read_text(encoding="utf-8").replace("title: Second part", "title: Second part, renamed"),
                    encoding="utf-8")
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    assert (out / "social/en/posts/second.png").read_bytes() != old
    assert (out / "social/en.png").read_bytes() == default


def test_a_profile_without_photo_still_gets_social_images(mini_site: Path):
    profile = mini_site / "content/profile.yml"
    profile.write_text("\n".join(line for line in profile.read_text(encoding="utf-8").splitlines()
                                 if not line.startswith(("photo:", "photo_alt:"))) + "\n", encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert png_size((mini_site / "public/social/fr.png").read_bytes()) == ("PNG", (1200, 630))
    card = vobject.readOne((mini_site / "public/contact.vcf").read_text(encoding="utf-8"))
    assert "photo" not in card.contents


# ---------------------------------------------------------------- vCard and card page


def test_vcard_parses_back_with_every_field(out):
    text = (out / "contact.vcf").read_bytes().decode("utf-8")  # CRLF kept, as RFC 2426 wants
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    card = vobject.readOne(text)
    assert card.fn.value == "Ada Test"
    assert (card.n.value.given, card.n.value.family) == ("Ada", "Test")
    assert card.title.value == "Test consultant"
    assert card.email.value == "ada@ada.example"
    urls = [u.value for u in card.contents["url"]]
    assert urls[0] == BASE + "/"
    assert set(urls[1:]) == {"https://social.example/@ada", "https://github.com/ada-test"}
    assert card.adr.value.city == "Nantes, France"
    assert card.photo.value == BASE + "/img/ada.png"
    assert card.photo.params["VALUE"] == ["URI"]
    socials = {s.params["TYPE"][0]: s.value for s in card.contents["x-socialprofile"]}
    assert socials == {"mastodon": "https://social.example/@ada", "github": "https://github.com/ada-test"}
    assert card.note.value == "I help teams test what matters."
    assert card.uid.value == PERSON


def qr_paths(svg: str) -> list[str]:
    return re.findall(r'<path[^>]* d="([^"]+)"', svg)


@pytest.mark.parametrize("url, home, lang", [("/card/", BASE + "/", "en"), ("/fr/card/", BASE + "/fr/", "fr")])
def test_card_page_has_a_qr_code_to_the_home_page(out, url, home, lang):
    path = out / url.lstrip("/") / "index.html"
    root = parse_html(path)
    info = head_info(root)
    assert info["lang"] == lang and info["canonical"] == BASE + url
    assert info["hreflang"] == {"en": BASE + "/card/", "fr": BASE + "/fr/card/", "x-default": BASE + "/card/"}
    html = path.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) == 1 and 'role="img"' in svgs[0] and "aria-label=" in svgs[0]
    expected = segno.make_qr(home, error="m").svg_inline(scale=1, border=4, light="#fff")
    assert qr_paths(svgs[0]) == qr_paths(expected)
    assert qr_paths(svgs[0]) != qr_paths(segno.make_qr(BASE + "/elsewhere/", error="m").svg_inline(
        scale=1, border=4, light="#fff"))
    body = root.find("body")
    links = [a.get("href") for a in body.iter("a")]
    assert "/contact.vcf" in links and "mailto:ada@ada.example" in links and home in links
    text = " ".join("".join(body.itertext()).split())
    assert "Ada Test" in text and ("Test consultant" if lang == "en" else "Consultante en tests") in text
    assert "/theme/card.css" in [l[2] for l in info["links"]]


def test_card_page_is_a_contact_page_about_the_person(out):
    g = graph(out, "/card/")
    page = node(g, "ContactPage")
    assert page["mainEntity"] == PERSON_REF and page["url"] == BASE + "/card/"
    assert node(g, "Person")["email"] == "ada@ada.example"


def test_card_page_is_in_the_sitemap_with_alternates(out):
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    entry = re.search(r"<url>\s*<loc>https://ada\.example/card/</loc>(.*?)</url>", sitemap, re.S)
    assert entry, "no /card/ in the sitemap"
    assert 'hreflang="fr" href="https://ada.example/fr/card/"' in entry.group(1)
    assert "<lastmod>" not in entry.group(1)  # no real date for it: none rather than a made-up one
    assert "<loc>https://ada.example/fr/card/</loc>" in sitemap


def test_card_print_css_is_business_card_sized(out):
    css = (out / "theme/card.css").read_text(encoding="utf-8")
    assert re.search(r"@page\s*{\s*size:\s*85mm 55mm;\s*margin:\s*0;", css)


def test_card_strings_can_be_overridden_by_the_theme(mini_site: Path):
    i18n = mini_site / "themes/default/i18n"
    i18n.mkdir(parents=True)
    (i18n / "en.yml").write_text('card_title: "Contact card"\n', encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    out = mini_site / "public"
    assert head(out, "/card/")["title"].startswith("Contact card")
    assert head(out, "/fr/card/")["title"].startswith("Carte de visite")  # the built-in French text


def test_a_free_page_named_card_is_a_collision(mini_site: Path):
    (mini_site / "content/pages/card.md").write_text("---\ntitle: Card\n---\nText.\n", encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 1
    assert "card" in result.stderr and "Traceback" not in result.stderr


def test_long_titles_drop_the_site_name_and_long_summaries_are_cut(mini_site: Path):
    heading = "A rather long post title that says a lot about testing in two languages"
    assert len(heading) > 60
    summary = " ".join(["Testing what matters, in small steps, every day."] * 6)
    (mini_site / "content/posts/long.md").write_text(
        f"---\ntitle: {heading}\ndate: 2026-03-05\nsummary: {summary}\n---\nBody.\n", encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    info = head(mini_site / "public", "/posts/long/")
    assert info["title"] == heading  # whole, without " · Ada Test"
    description = info["metas"]["description"]
    assert len(description) <= 160 and description.endswith("…")
    assert head(mini_site / "public", "/posts/second/")["title"] == "Second part · Ada Test"
