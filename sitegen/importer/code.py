"""Code in a post, taken out whole before anything else touches the body.

WordPress code blogs hold code in shortcodes (WordPress.com's and
SyntaxHighlighter's `[code lang=…]`, `[sourcecode language=…]`, `[php]`…;
Code Colorer's `[cc]`, `[cce_php]`) and in `<pre>` elements (`class="brush: php"`,
`lang="php"`, Gutenberg's `<pre class="wp-block-code"><code>`). Each becomes a
placeholder (`\\ue000N\\ue001`) that wpautop, the sanitizer and the Markdown
writer leave alone, and html2md puts back as fenced code with its language:
indentation, backslashes and `<b>` kept as they were, entities decoded once.
"""

from __future__ import annotations

import html
import re

LANGUAGE_SHORTCODES = (
    "as3 actionscript3 bash shell sh c cpp c-sharp csharp css delphi pascal diff patch erl erlang go groovy "
    "haskell java javafx jfx js jscript javascript json kotlin latex lua matlab objc perl pl php plain text "
    "powershell ps py python r rails ror ruby rust scala sql swift vb vbnet xml xhtml xslt html yaml").split()
SHORTCODE = re.compile(
    r"\[(code|sourcecode|source|cc[a-z]*|" + "|".join(re.escape(n) for n in sorted(LANGUAGE_SHORTCODES, key=len, reverse=True))
    + r")(?:_([\w+#-]+))?((?:\s|=)[^\]]*)?\](.*?)\[/\1(?:_\2)?\]", re.S | re.I)
PRE = re.compile(r"<pre\b([^>]*)>(.*?)</pre\s*>", re.S | re.I)
ATTR_LANG = re.compile(r"""\b(?:lang|language|brush)\s*[=:]\s*["']?([\w+#.-]+)""", re.I)
CLASS_LANG = re.compile(r"""\bclass\s*=\s*["'][^"']*?\b(?:language|lang)-([\w+#.-]+)""", re.I)
GUTENBERG_LANG = re.compile(r'<!-- wp:[\w/-]*code\s+(\{.*?\})\s*-->', re.S)
TAG = re.compile(r"<[^>]+>")
BR = re.compile(r"<br\s*/?>", re.I)
ALIASES = {"as3": "actionscript3", "sh": "bash", "shell": "bash", "c-sharp": "csharp", "jscript": "javascript",
           "js": "javascript", "javafx": "java", "jfx": "java", "pl": "perl", "ps": "powershell", "py": "python",
           "rails": "ruby", "ror": "ruby", "erl": "erlang", "vb": "vbnet", "xhtml": "html", "patch": "diff",
           "objc": "objective-c", "plain": "", "text": "", "none": "", "plaintext": "", "code": "",
           "sourcecode": "", "source": ""}
PLACEHOLDER = "\ue000{}\ue001"


def language(name: str) -> str:
    name = (name or "").strip().lower()
    name = ALIASES.get(name, name)
    return name if re.fullmatch(r"[a-z0-9+#.-]{1,30}", name) else ""


class CodeBlocks:
    """The code taken out of one body: (exact code, language) by placeholder number."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, str]] = []

    def take(self, content: str) -> str:
        content = SHORTCODE.sub(self._shortcode, content)
        return PRE.sub(self._pre, content)

    def _add(self, code: str, lang: str, block: bool) -> str:
        self.blocks.append((code, language(lang)))
        mark = PLACEHOLDER.format(len(self.blocks) - 1)
        return f"\n\n{mark}\n\n" if block else mark

    def _shortcode(self, match: re.Match) -> str:
        name, suffix, attrs, body = match.group(1).lower(), match.group(2), match.group(3) or "", match.group(4)
        found = ATTR_LANG.search(attrs)
        lang = suffix or (found.group(1) if found else "")
        if not lang and name not in ("code", "sourcecode", "source") and not name.startswith("cc"):
            lang = name
        if not lang and attrs.strip().startswith("="):  # [code="php"]
            lang = attrs.strip().lstrip("=").strip("\"' ")
        code = html.unescape(body.replace("\r\n", "\n"))
        if name == "cci":  # Code Colorer's inline code
            return self._add(code.strip("\n"), lang, False)
        return self._add(trim_code(code), lang, True)

    def _pre(self, match: re.Match) -> str:
        attrs, inner = match.group(1), match.group(2)
        if re.fullmatch(r"\s*\ue000\d+\ue001\s*", inner):  # <pre>[code]…[/code]</pre>: already taken
            return inner
        found = ATTR_LANG.search(attrs) or CLASS_LANG.search(attrs) or CLASS_LANG.search(inner[:200])
        lang = found.group(1) if found else ""
        before = match.string[max(0, match.start() - 400):match.start()]
        gutenberg = list(GUTENBERG_LANG.finditer(before))
        if not lang and gutenberg:
            declared = re.search(r'"language"\s*:\s*"([^"]+)"', gutenberg[-1].group(1))
            lang = declared.group(1) if declared else ""
        code = BR.sub("\n", inner.replace("\r\n", "\n"))
        code = html.unescape(TAG.sub("", code))
        return self._add(trim_code(code), lang, True)


def trim_code(code: str) -> str:
    """Blank lines around the code go; the first line's indentation stays."""
    lines = code.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip("\r") for line in lines)
