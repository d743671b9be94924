"""Markdown to HTML: CommonMark plus tables, strikethrough, footnotes,
heading anchors and Pygments-highlighted fenced code."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from slugify import slugify

from ..settings.i18n import FootnoteNames
from . import markdown_fast

_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=256)
def _lexer(name: str):
    """Looking a lexer up by name walks Pygments' whole list: once per language is enough."""
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


def _highlight(code: str, lang: str, _attrs: str) -> str:
    """Fenced code: Pygments spans with CSS classes; the theme styles them."""
    name = (lang or "").split()[0] if lang else ""
    body = _highlighted(code, name)
    cls = f' class="language-{html.escape(name)}"' if name else ""
    # Starting with "<pre" tells markdown-it to use this as the whole block.
    return f'<pre class="highlight"><code{cls}>{body}</code></pre>\n'


@lru_cache(maxsize=1024)
def _highlighted(code: str, name: str) -> str:
    # The translations of a post share its code, and read one after the other
    # (name.md, name.fr.md), they are highlighted once.
    lexer = _lexer(name) if name else None
    return highlight(code, lexer, _FORMATTER) if lexer else html.escape(code)


@lru_cache(maxsize=4096)
def _anchor_slug(title: str) -> str:
    return slugify(title) or "section"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"highlight": _highlight, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=_anchor_slug,
           permalink=True, permalinkSymbol="#", permalinkBefore=False)
    return md


def _render_fence(token: Token) -> str:
    python = _parser()
    return python.renderer.fence([token], 0, python.options, {})


# Screen readers would read the permalink "#" as part of every heading's
# name, and the footnotes section and its "↩︎" links need names of their own
# (FootnoteNames, from the theme's strings).
_PERMALINK = re.compile(r'<a class="header-anchor" href="#([^"]*)">#</a>')
_FOOTNOTES_OPEN = '<section class="footnotes">\n'
_BACKREF = re.compile(r'<a href="(#fnref[^"]*)" class="footnote-backref">')


def render_markdown(text: str, footnotes: FootnoteNames) -> str:
    html_text = markdown_fast.render(text, _render_fence, _anchor_slug) if markdown_fast.AVAILABLE else None
    if html_text is None:
        html_text = _parser().render(text)
    if 'class="header-anchor"' in html_text:
        html_text = _PERMALINK.sub(r'<a class="header-anchor" href="#\1" aria-hidden="true" tabindex="-1">#</a>',
                                   html_text)
    if _FOOTNOTES_OPEN in html_text:
        heading, back = html.escape(footnotes.heading), html.escape(footnotes.back)
        html_text = html_text.replace(
            _FOOTNOTES_OPEN, f'<section class="footnotes">\n<h2 class="visually-hidden">{heading}</h2>\n')
        html_text = _BACKREF.sub(lambda m: f'<a href="{m[1]}" class="footnote-backref" aria-label="{back}">',
                                 html_text)
    return html_text


_TAG = re.compile(r"<[^>]+>")
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_WORD = re.compile(r"\w+")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, whitespace folded."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def first_paragraph(body_html: str) -> str:
    """The default summary: the first paragraph's text."""
    match = _FIRST_PARAGRAPH.search(body_html)
    return html_to_text(match.group(1)) if match else ""


# Words are runs of `\w` characters, as the `\w+` regex finds them, counted
# without making a string of each: ASCII bytes are mapped to "a" (word) or
# " " (not), then each " a" starts a word. Non-ASCII characters that are not
# `\w` (typographic quotes, dashes, emoji) are made spaces first; the others
# are letters, whose UTF-8 bytes all map to "a".
_WORD_MARKS = bytes(97 if byte >= 128 or chr(byte).isalnum() or byte == 95 else 32 for byte in range(256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_IS_WORD: dict[str, bool] = {}


def count_words(body_html: str) -> int:
    """How many `\\w+` words the text of an HTML fragment has."""
    text = _TAG.sub(" ", body_html)
    if not text.isascii():
        for char in set(_NON_ASCII.findall(text)):
            is_word = _NON_ASCII_IS_WORD.get(char)
            if is_word is None:
                is_word = _NON_ASCII_IS_WORD[char] = _WORD.fullmatch(char) is not None
            if not is_word:
                text = text.replace(char, " ")
    return (" " + text).encode("utf-8", "surrogatepass").translate(_WORD_MARKS).count(b" a")
