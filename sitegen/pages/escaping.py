"""Autoescaping without a Markup object per `{{ value }}`.

Jinja compiles each autoescaped `{{ value }}` to `escape(value)`, markupsafe's
Python wrapper, which builds a Markup string only for the page to join it:
with its type checks that was a fifth of rendering a post page (about 160
values a page). The themes' templates compile here to
`environment.escape_text(value)`, which gives the same characters as plain
text; everywhere else (filters, macros' return values, `|safe`) Jinja's own
escaping is untouched.
"""

from __future__ import annotations

from typing import Any

import jinja2
import markupsafe
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

from .calls import DirectCallContext
from .imports import READS, SharedModuleTemplate, module_reads

# markupsafe's C escaping of a str, the core of `escape`; private, so looked up
# once with a fallback: a markupsafe without it only makes this path slower.
_escape_str = getattr(markupsafe, "_escape_inner", None) or (lambda text: str(escape(text)))


def escape_text(value: Any) -> str:
    """`str(markupsafe.escape(value))`, faster for the common cases."""
    kind = type(value)
    if kind is str:
        return _escape_str(value)
    if kind is Markup:
        return value
    return escape(value)


class TextEscapingCodeGenerator(CodeGenerator):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.context_loads: set[str] = set()
        """The names the template reads from its context, anywhere (imports.py)."""

    def enter_frame(self, frame: Any) -> None:
        super().enter_frame(frame)
        self.context_loads.update(name for action, name in frame.symbols.loads.values() if action == "resolve")

    def visit_Template(self, node: nodes.Template, frame: Any = None) -> None:
        super().visit_Template(node, frame)
        self.writeline(f"{READS} = {module_reads(node, self.context_loads)!r}")

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        # Only where autoescaping is known at compile time; `{% autoescape %}`
        # with a runtime value (volatile) keeps Jinja's own code.
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escape_text(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class TextEscapingEnvironment(jinja2.Environment):
    """The themes' environment: the escaping above, calls without Jinja's
    introspection on every call (calls.py), imported macros made once per
    language, not per page (imports.py), and `entry.url` on a mapping
    without an AttributeError first."""

    code_generator_class = TextEscapingCodeGenerator
    context_class = DirectCallContext
    template_class = SharedModuleTemplate
    escape_text = staticmethod(escape_text)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Jinja tries the attribute, then the item: on a plain dict the
        # attribute exists only for dict's own names (items, get…), so the
        # others go straight to the item (about 25 a page raised and caught).
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)
