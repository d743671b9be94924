"""WordPress's wpautop, in Python: how WordPress shows a classic-editor post.

Raw WordPress content has no `<p>`: the editor stores text with newlines,
and `wpautop` (wp-includes/formatting.php) makes paragraphs of blank-line
separated runs and `<br />` of single newlines, *around* block-level tags:
`text\\n<h2>…` is a paragraph then a heading, with no `<br />` inside either.
Written from that function's documented behaviour, step by step in the same
order, and checked against WordPress's own test cases for it
(tests/test_import_bodies.py). Like WordPress, regexes are case-sensitive and
`<pre>` blocks are left exactly as they are.
"""

from __future__ import annotations

import re

ALLBLOCKS = (r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
             r"area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|"
             r"header|footer|nav|figure|figcaption|details|menu|summary)")
# What wp_html_split calls a tag: a comment, a CDATA section, or `<…>`.
HTML_SPLIT = re.compile(r"(<(?:!--.*?(?:-->|$)|!\[CDATA\[.*?(?:\]\]>|$)|[^>]*>?))", re.S)
NEWLINE_MARK = " <!-- wpnl --> "

_DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>")
_BLOCK_OPEN = re.compile(r"(<" + ALLBLOCKS + r"[\s/>])")
_BLOCK_CLOSE = re.compile(r"(</" + ALLBLOCKS + r">)")
_HR = re.compile(r"(<hr\s*?/?>)")
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")
_EMPTY_P = re.compile(r"<p>\s*</p>")
_P_BEFORE_CLOSE = re.compile(r"<p>([^<]+)</(div|address|form)>")
_P_AROUND_BLOCK = re.compile(r"<p>\s*(</?" + ALLBLOCKS + r"[^>]*>)\s*</p>")
_P_AROUND_LI = re.compile(r"<p>(<li.+?)</p>")
_P_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.I)
_P_BEFORE_BLOCK = re.compile(r"<p>\s*(</?" + ALLBLOCKS + r"[^>]*>)")
_P_AFTER_BLOCK = re.compile(r"(</?" + ALLBLOCKS + r"[^>]*>)\s*</p>")
_KEEP_NEWLINES = re.compile(r"<(script|style|svg|math).*?</\1>", re.S)
_NEWLINE_TO_BR = re.compile(r"(?<!<br />)\s*\n")
_BR_AFTER_BLOCK = re.compile(r"(</?" + ALLBLOCKS + r"[^>]*>)\s*<br />")
_BR_BEFORE_BLOCK = re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)")
_LAST_NEWLINE = re.compile(r"\n</p>$")


def wpautop(text: str, br: bool = True) -> str:
    if not text.strip():
        return ""
    text += "\n"
    text, pre_tags = _hide_pre(text)
    text = _DOUBLE_BR.sub("\n\n", text)
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    text = _HR.sub(r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = replace_in_html_tags(text, "\n", NEWLINE_MARK)
    text = _tighten_media(text)
    text = re.sub(r"\n\n+", "\n\n", text)
    text = "".join("<p>" + part.strip("\n") + "</p>\n" for part in _PARAGRAPH_SPLIT.split(text) if part)
    text = _EMPTY_P.sub("", text)
    text = _P_BEFORE_CLOSE.sub(r"<p>\1</p></\2>", text)
    text = _P_AROUND_BLOCK.sub(r"\1", text)
    text = _P_AROUND_LI.sub(r"\1", text)
    text = _P_BLOCKQUOTE.sub(r"<blockquote\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _P_BEFORE_BLOCK.sub(r"\1", text)
    text = _P_AFTER_BLOCK.sub(r"\1", text)
    if br:
        text = _KEEP_NEWLINES.sub(lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"), text)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = _NEWLINE_TO_BR.sub("<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")
    text = _BR_AFTER_BLOCK.sub(r"\1", text)
    text = _BR_BEFORE_BLOCK.sub(r"\1", text)
    text = _LAST_NEWLINE.sub("</p>", text)
    for name, pre in pre_tags.items():
        text = text.replace(name, pre)
    if "<!-- wpnl -->" in text:
        text = text.replace(NEWLINE_MARK, "\n").replace("<!-- wpnl -->", "\n")
    return text


def _hide_pre(text: str) -> tuple[str, dict[str, str]]:
    """Each `<pre>…</pre>` out of the way, as WordPress does, by a placeholder tag."""
    if "<pre" not in text:
        return text, {}
    parts = text.split("</pre>")
    last = parts.pop()
    out, pre_tags = [], {}
    for i, part in enumerate(parts):
        start = part.find("<pre")
        if start == -1:  # a stray </pre>: WordPress drops it too
            out.append(part)
            continue
        name = f"<pre wp-pre-tag-{i}></pre>"
        pre_tags[name] = part[start:] + "</pre>"
        out.append(part[:start] + name)
    out.append(last)
    return "".join(out), pre_tags


def replace_in_html_tags(text: str, old: str, new: str) -> str:
    """`old` → `new` inside tags and comments only, never in text (wp_replace_in_html_tags)."""
    parts = HTML_SPLIT.split(text)
    for i in range(1, len(parts), 2):
        if old in parts[i]:
            parts[i] = parts[i].replace(old, new)
    return "".join(parts)


def _tighten_media(text: str) -> str:
    """No paragraphs or breaks between the parts of an option list, an object,
    an audio or video element, a figure's caption."""
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    return text
