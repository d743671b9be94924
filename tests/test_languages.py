"""Site languages and the theme's interface strings: German, Spanish and
Italian work out of the box; a language the theme cannot speak is never silent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import fill_in_starter, run_sitegen as run


def new_site(tmp_path: Path, languages: str) -> Path:
    site = tmp_path / "site"
    result = run("init", str(site), "--languages", languages, "--name", "Ada Muster", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fill_in_starter(site)
    return site


@pytest.mark.parametrize("code, latest_posts, all_posts", [
    ("de", "Neueste Beiträge", "Alle Beiträge"),
    ("es", "Últimos artículos", "Todos los artículos"),
    ("it", "Ultimi articoli", "Tutti gli articoli"),
])
def test_shipped_languages_build_strict_in_their_own_words(tmp_path: Path, code: str, latest_posts: str,
                                                          all_posts: str):
    site = new_site(tmp_path, f"{code},en")
    result = run("build", "--strict", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    page = (site / "public" / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{code}' in page
    assert latest_posts in page and all_posts in page
    assert "Latest posts" not in page


def test_a_language_without_strings_is_named_with_its_line_and_fails_strict(tmp_path: Path):
    site = new_site(tmp_path, "en,pt")
    lines = (site / "site.yml").read_text(encoding="utf-8").splitlines()
    pt_line = next(n for n, line in enumerate(lines, 1) if "code: pt" in line)
    result = run("build", cwd=site)
    assert result.returncode == 0, result.stderr
    expected = (f"warning: site.yml:{pt_line}: the theme has no interface strings for language 'pt', "
                f"so its pages show 'en' words; create themes/default/i18n/pt.yml")
    assert expected in result.stderr
    strict = run("build", "--strict", cwd=site)
    assert strict.returncode == 1
    assert f"site.yml:{pt_line}: the theme has no interface strings for language 'pt'" in strict.stderr
    assert "Traceback" not in strict.stderr


def test_missing_keys_are_listed_and_a_complete_file_silences_the_warning(tmp_path: Path):
    site = new_site(tmp_path, "en,pt")
    strings = site / "themes" / "default" / "i18n"
    strings.mkdir(parents=True)
    shipped = Path(__file__).parent.parent / "themes" / "default" / "i18n" / "en.yml"
    complete = shipped.read_text(encoding="utf-8")
    partial = "\n".join(line for line in complete.splitlines() if not line.startswith(("home:", "about:")))
    (strings / "pt.yml").write_text(partial, encoding="utf-8")
    result = run("build", "--strict", cwd=site)
    assert result.returncode == 1
    assert "the theme's strings for language 'pt' miss about, home; add them to themes/default/i18n/pt.yml" \
        in result.stderr
    (strings / "pt.yml").write_text(complete.replace('latest_posts: "Latest posts"', 'latest_posts: "Últimos artigos"'), encoding="utf-8")
    result = run("build", "--strict", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "Últimos artigos" in (site / "public" / "pt" / "index.html").read_text(encoding="utf-8")


def _facts(page: str, label: str) -> str:
    """The <dd> that follows a <dt> label in a facts list."""
    import html5lib

    tree = html5lib.parse(page, namespaceHTMLElements=False)
    for dt in tree.iter("dt"):
        if "".join(dt.itertext()).strip() == label:
            parent = next(p for p in tree.iter() if dt in list(p))
            children = list(parent)
            return "".join(children[children.index(dt) + 1].itertext()).strip()
    raise AssertionError(f"no <dt>{label}</dt>")


def test_language_codes_are_shown_as_names_in_the_readers_language(mini_site: Path):
    profile = mini_site / "content" / "profile.yml"
    text = profile.read_text(encoding="utf-8")
    text = "\n".join("languages_spoken: [en, fr, de, Klingon (basic)]" if line.startswith("languages_spoken:")
                     else line for line in text.splitlines()) + "\n"
    profile.write_text(text, encoding="utf-8")
    result = run("build", "--strict", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    public = mini_site / "public"
    en_talk = (public / "talks" / "test-talk" / "index.html").read_text(encoding="utf-8")
    fr_talk = (public / "fr" / "talks" / "test-talk" / "index.html").read_text(encoding="utf-8")
    assert _facts(en_talk, "Languages") == "English, French"
    assert _facts(fr_talk, "Langues") == "anglais, français"
    en_home = (public / "index.html").read_text(encoding="utf-8")
    fr_home = (public / "fr" / "index.html").read_text(encoding="utf-8")
    assert _facts(en_home, "Languages spoken") == "English, French, German, Klingon (basic)"
    assert _facts(fr_home, "Langues parlées") == "anglais, français, allemand, Klingon (basic)"


def test_an_abstract_is_shown_at_the_top_of_its_own_post_in_its_language(built_mini: Path):
    import html5lib

    page = (built_mini / "fr" / "posts" / "seulement" / "index.html").read_text(encoding="utf-8")
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    article = tree.find(".//article")
    blocks = [div for div in article.iter("div") if "post-abstract" in div.get("class", "").split()]
    assert [(b.get("lang"), " ".join("".join(b.itertext()).split())) for b in blocks] == [
        ("en", "[en] Only in French, with an English abstract.")]
    # Before the body: a reader from a search meets it first.
    body = next(el for el in article.iter() if "prose" in el.get("class", "").split())
    order = list(article.iter())
    assert order.index(blocks[0]) < order.index(body)


def _section_links(page: str, css_class: str) -> list[str]:
    import html5lib

    tree = html5lib.parse(page, namespaceHTMLElements=False)
    section = next((s for s in tree.iter("section") if css_class in s.get("class", "").split()), None)
    return [] if section is None else [a.get("href") for a in section.iter("a")]


def test_talk_and_workshop_tags_list_related_posts_on_their_pages(built_mini: Path):
    """SPEC §2: `tags` links a service to posts; newest first, in the reader's listing."""
    read = lambda url: (built_mini / url.strip("/") / "index.html").read_text(encoding="utf-8")  # noqa: E731
    assert _section_links(read("/talks/test-talk/"), "related-posts") == [
        "/posts/bundle/", "/posts/second/", "/posts/hello/"]
    assert _section_links(read("/fr/talks/test-talk/"), "related-posts") == ["/posts/second/"]
    assert _section_links(read("/fr/workshops/test-workshop/"), "related-posts") == ["/fr/posts/hello/"]
    assert _section_links(read("/workshops/test-workshop/"), "related-posts") == []


@pytest.mark.parametrize("written, en_shown, fr_shown", [
    ("[in person, online]", "In person, Online", "En présentiel, En ligne"),
    ("[In-Person]", "In person", "En présentiel"),
    ("[on site, in person]", "In person", "En présentiel"),
    ("[online]", "Online", "En ligne"),
])
def test_formats_accept_the_words_people_write(mini_site: Path, written: str, en_shown: str, fr_shown: str):
    talk = mini_site / "content" / "talks" / "test-talk.yml"
    talk.write_text(talk.read_text(encoding="utf-8").replace("formats: [in-person, online]", f"formats: {written}"),
                    encoding="utf-8")
    result = run("build", "--strict", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    public = mini_site / "public"
    assert _facts((public / "talks/test-talk/index.html").read_text(encoding="utf-8"), "Formats") == en_shown
    assert _facts((public / "fr/talks/test-talk/index.html").read_text(encoding="utf-8"), "Formats") == fr_shown


def test_an_unknown_format_names_the_file_and_line(mini_site: Path):
    talk = mini_site / "content" / "talks" / "test-talk.yml"
    lines = talk.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("formats:"))
    talk.write_text("\n".join(lines).replace("formats: [in-person, online]", "formats: [telepathy]") + "\n",
                    encoding="utf-8")
    result = run("build", cwd=mini_site)
    assert result.returncode == 1
    assert (f"content/talks/test-talk.yml:{line}: formats: 'telepathy' is not a format; "
            f"write in person (or on site) or online") in result.stderr
    assert "Traceback" not in result.stderr


def _menu_and_footnotes(page: str) -> tuple[list[str], str, list[str]]:
    """(the main menu's labels, the footnotes' heading, the back links' names) as a screen reader gets them."""
    import html5lib

    tree = html5lib.parse(page, namespaceHTMLElements=False)
    nav = next(n for n in tree.iter("nav") if "site-nav" in n.get("class", "").split())
    footnotes = next(s for s in tree.iter("section") if "footnotes" in s.get("class", "").split())
    backs = [a.get("aria-label") for a in footnotes.iter("a") if "footnote-backref" in a.get("class", "")]
    return ["".join(a.itertext()).strip() for a in nav.iter("a")], "".join(footnotes.find("h2").itertext()), backs


FOOTNOTE_POST = "---\ntitle: Notes\ndate: 2026-01-05\n---\nA claim[^1].\n\n[^1]: Its source.\n"


@pytest.mark.parametrize("code, menu, heading, back, card", [
    ("de", ["Blog", "Vorträge", "Workshops", "Fachgebiete"], "Anmerkungen", "Zurück zum Text",
     ("Visitenkarte", "Zu Ihren Kontakten hinzufügen (vCard)")),
    ("es", ["Blog", "Charlas", "Talleres", "Especialidades"], "Notas", "Volver al texto",
     ("Tarjeta de visita", "Añadir a sus contactos (vCard)")),
    ("it", ["Blog", "Interventi", "Workshop", "Competenze"], "Note", "Torna al testo",
     ("Biglietto da visita", "Aggiungi ai contatti (vCard)")),
])
def test_the_default_menu_footnotes_and_card_speak_the_site_language(tmp_path: Path, code: str, menu: list[str],
                                                                      heading: str, back: str,
                                                                      card: tuple[str, str]):
    """Without `menu:` in site.yml the menu's labels, and a post's footnote names, come from the theme's strings;
    so do the business card page's words."""
    site = new_site(tmp_path, f"{code},en")
    (site / "content" / "posts" / "notes.md").write_text(FOOTNOTE_POST, encoding="utf-8")
    result = run("build", "--strict", cwd=site)
    assert result.returncode == 0, result.stderr
    page = (site / "public" / "posts" / "notes" / "index.html").read_text(encoding="utf-8")
    assert _menu_and_footnotes(page) == (menu, heading, [back])
    card_page = (site / "public" / "card" / "index.html").read_text(encoding="utf-8")
    title, download = card
    assert f"<title>{title}" in card_page and download in card_page
    assert "Business card" not in card_page and "Add to your contacts" not in card_page


SAME_AS_ENGLISH = {
    # Words these languages really share with English; anything else equal to the English text is untranslated.
    "fr": {"blog_title", "blog_page_title", "menu_blog", "expertise_title", "menu_expertise", "footnotes_title",
           "contact", "formats"},
    "de": {"blog_title", "menu_blog", "workshops_title", "menu_workshops", "format_online", "online",
           "session_video", "details", "calendar_details"},
    "es": {"blog_title", "menu_blog"},
    "it": {"blog_title", "menu_blog", "format_online", "online", "session_video", "home"},
}


@pytest.mark.parametrize("code", sorted(SAME_AS_ENGLISH))
def test_shipped_strings_are_translated(code: str):
    import yaml

    folder = Path(__file__).parent.parent / "themes" / "default" / "i18n"
    english = yaml.safe_load((folder / "en.yml").read_text(encoding="utf-8"))
    other = yaml.safe_load((folder / f"{code}.yml").read_text(encoding="utf-8"))
    assert set(other) == set(english)
    # A value made of placeholders and punctuation only ("{site}") has nothing to translate.
    untranslated = {key for key, text in english.items() if other[key] == text
                    and any(c.isalpha() for c in re.sub(r"{\w+}", "", text))}
    assert untranslated == SAME_AS_ENGLISH[code]


def test_a_site_theme_renames_the_default_menu_and_footnotes_and_the_next_build_shows_it(mini_site: Path):
    """The strings are the theme's: an override in the site's themes/ wins, in a
    build that reuses the cache too (the records hold rendered Markdown)."""
    strings = mini_site / "themes" / "default" / "i18n"
    strings.mkdir(parents=True)
    (strings / "en.yml").write_text('skip_link: "Skip to the text"\n', encoding="utf-8")
    first = run("build", "--strict", cwd=mini_site)
    assert first.returncode == 0, first.stderr
    post = mini_site / "public" / "posts" / "hello" / "index.html"
    assert _menu_and_footnotes(post.read_text(encoding="utf-8")) == (
        ["Blog", "Talks", "Workshops", "Expertise"], "Notes", ["Back to the text"])
    (strings / "en.yml").write_text('menu_talks: "Speaking"\nfootnotes_title: "Sources & notes"\n'
                                    'footnote_back: "Back to \\"the text\\""\n', encoding="utf-8")
    again = run("build", "--strict", cwd=mini_site)
    assert again.returncode == 0, again.stderr
    assert _menu_and_footnotes(post.read_text(encoding="utf-8")) == (
        ["Blog", "Speaking", "Workshops", "Expertise"], "Sources & notes", ['Back to "the text"'])
    clean = run("build", "--no-cache", "--output", "clean", cwd=mini_site)
    assert clean.returncode == 0, clean.stderr
    assert (mini_site / "clean" / "posts" / "hello" / "index.html").read_text(encoding="utf-8") == \
        post.read_text(encoding="utf-8")
