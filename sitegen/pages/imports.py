"""`{% import "_macros.html" as m with context %}` without new macros for every page.

Jinja runs an imported template again for each import with context: on
every page, the theme's `_macros.html` made a dozen macro objects and a
context (7 % of re-rendering the post pages after a template edit). Its
module depends only on the values it reads from the page's context (`lang`,
`t`, `site`…; the names are known when it is compiled). So the module made
for one set of those values (one per language, in practice) is given to
every import with the same ones, its context pointed at the importing
page's variables, as Jinja's would be: a filter or function handed the
context (`@pass_context`) still sees the page it is called on.

A template that includes, imports or extends another (which could import
it again while one of its macros runs) is run for every import, as Jinja does.
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.environment import TemplateModule
from jinja2.runtime import Context, missing

READS = "sitegen_module_reads"
"""The compiled template's name for the context names it reads, or None when it is not shared."""

_LOADS_OTHERS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
_MODULES = "_sitegen_modules"
_KEPT = 8
"""Modules kept per template: one per set of values (a language) in practice."""


def module_reads(template: nodes.Template, loaded: set[str]) -> tuple[str, ...] | None:
    """The names `template` reads from its context (`loaded`: those the
    compiler resolves there), or None when its module must not be shared."""
    if "self" in loaded or next(template.find_all(_LOADS_OTHERS), None) is not None:
        return None
    return tuple(sorted(loaded))


def forget_modules(env: jinja2.Environment) -> None:
    """The modules made for the last build dropped: their values and the last
    page they were given are of its site model, which must be let go."""
    for template in (env.cache or {}).values():
        template.__dict__.pop(_MODULES, None)


def _same(a: Any, b: Any) -> bool:
    return a is b or (type(a) is str and a == b)


class SharedModuleTemplate(jinja2.Template):
    """A template whose module, imported with context, is shared by the
    imports that give it the same values for what it reads."""

    def make_module(self, vars: dict[str, Any] | None = None, shared: bool = False,
                    locals: dict[str, Any] | None = None) -> TemplateModule:
        reads = self.root_render_func.__globals__.get(READS)
        if reads is None or vars is None or (locals and any(v is not missing for v in locals.values())):
            return super().make_module(vars, shared, locals)
        values = tuple(vars.get(name, missing) for name in reads)
        kept: list[tuple[tuple[Any, ...], Context, TemplateModule]] = self.__dict__.setdefault(_MODULES, [])
        for known, context, module in kept:
            if all(_same(a, b) for a, b in zip(known, values)):
                context.parent = vars if shared else dict(vars)
                return module
        context = self.new_context(vars, shared)
        module = TemplateModule(self, context)
        if len(kept) >= _KEPT:
            del kept[0]
        kept.append((values, context, module))
        return module
