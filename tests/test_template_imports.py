"""Imported macros are made once per language, not per page (pages/imports.py),
and every page still renders exactly as Jinja renders it."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from sitegen.pages.escaping import TextEscapingEnvironment

PAGE = '{% import "_m.html" as m with context %}[{{ m.show(item) }}]'

MACROS = {
    "reads the language and strings": (
        "{% macro show(x) %}{{ t(lang) }}:{{ x }}{% endmacro %}", {}),
    "reads a name that differs on every page": (
        "{% macro show(x) %}{{ page_title }}/{{ x }}{% endmacro %}", {}),
    "hands the context to a function": (
        "{% macro show(x) %}{{ title_of() }}|{{ x|with_page }}{% endmacro %}", {}),
    "includes another template": (
        '{% macro show(x) %}{% include "_part.html" %}{{ x }}{% endmacro %}', {"_part.html": "<{{ page_title }}>"}),
    "sets a value at its top": (
        '{% set greeting = t(lang) ~ "!" %}{% macro show(x) %}{{ greeting }} {{ x }}{% endmacro %}', {}),
    "a macro calling another": (
        "{% macro inner(x) %}({{ lang }} {{ x }}){% endmacro %}{% macro show(x) %}{{ inner(x) }}{% endmacro %}", {}),
}


@jinja2.pass_context
def title_of(context):
    return context["page_title"]


@jinja2.pass_context
def with_page(context, value):
    return f"{value}@{context['page_title']}"


def environments(folder: Path) -> tuple[jinja2.Environment, jinja2.Environment]:
    options = dict(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, undefined=jinja2.StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)
    ours, jinjas = TextEscapingEnvironment(**options), jinja2.Environment(**options)
    for env in (ours, jinjas):
        env.filters["with_page"] = with_page
    return ours, jinjas


PAGES = [dict(lang=lang, page_title=f"Page {n} <{lang}>", item=f"item {n}") for n, lang in
         enumerate(["en", "fr", "en", "en", "fr", "de"])]
STRINGS = {"en": "hello", "fr": "bonjour", "de": "hallo"}


@pytest.mark.parametrize("case", MACROS)
def test_pages_importing_macros_render_as_jinja_renders_them(tmp_path: Path, case: str):
    macros, others = MACROS[case]
    (tmp_path / "_m.html").write_text(macros, encoding="utf-8")
    for name, text in others.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    ours, jinjas = environments(tmp_path)
    strings = {lang: (lambda text: lambda _: text)(text) for lang, text in STRINGS.items()}
    for values in PAGES:
        page = {**values, "t": strings[values["lang"]], "title_of": title_of}
        assert ours.get_template("page.html").render(page) == jinjas.get_template("page.html").render(page)


def test_imported_macros_are_made_once_per_language(tmp_path: Path):
    made: list[str] = []

    def count(lang: str) -> str:
        made.append(lang)
        return ""

    (tmp_path / "_m.html").write_text("{% set _ = count(lang) %}{% macro show(x) %}{{ lang }} {{ x }}{% endmacro %}",
                                      encoding="utf-8")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    ours, _ = environments(tmp_path)
    shown = [ours.get_template("page.html").render(**values, count=count) for values in PAGES]
    assert shown == [f"[{v['lang']} {v['item']}]" for v in PAGES]
    assert made == ["en", "fr", "de"], "the module was made again for a language it was made for"


def test_an_import_inside_a_loop_sees_the_loop(tmp_path: Path):
    """Imported where the page has names of its own (a loop variable), the
    macros are made for each import, as Jinja does."""
    (tmp_path / "_m.html").write_text("{% macro show() %}{{ item }}{% endmacro %}", encoding="utf-8")
    (tmp_path / "page.html").write_text(
        '{% for item in items %}{% import "_m.html" as m with context %}{{ m.show() }},{% endfor %}', encoding="utf-8")
    ours, jinjas = environments(tmp_path)
    for items in (["a", "b"], ["c"]):
        assert ours.get_template("page.html").render(items=items) == jinjas.get_template("page.html").render(items=items)
