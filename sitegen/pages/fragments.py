"""`{% cache key, … %}…{% endcache %}`: a piece of a template rendered once
per build for each key, then reused, as Hugo's `partialCached`.

A big site lists each post on many pages (its blog page, each of its tags,
an expertise page, the similar posts of others), and rendering a list item
costs more than copying it. The key names what the piece shows: every
variable it reads that can differ from one place to the next (the post, the
page's language, the heading level…). The pieces are kept for one build
only, in memory, so they never outlive the model they were made from.

The block is compiled to "if the key is known, output its piece; else render
the body into a buffer, keep it, output it": no macro call, which would cost
as much as the body.
"""

from __future__ import annotations

from typing import Any, Hashable

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup


MAX_PIECES = 3000
"""Pieces kept at most, then the store starts again: the pages that list the
same posts come one after the other (a tag's pages, the blog's), and at
16,000 posts keeping every piece in every worker would cost more memory than
it saves time."""


class FragmentCache(Extension):
    tags = {"cache"}

    def __init__(self, environment: jinja2.Environment):
        super().__init__(environment)
        self.pieces: dict[Hashable, Markup] = {}

    def parse(self, parser: Parser) -> list[nodes.Node]:
        lineno = next(parser.stream).lineno
        # Which block it is is part of its key: two blocks keyed by the same
        # post show different things, even on one line.
        number = getattr(parser, "sitegen_cache_blocks", 0) + 1
        parser.sitegen_cache_blocks = number  # type: ignore[attr-defined]
        keys: list[nodes.Expr] = [nodes.Const(f"{parser.name}#{number}")]
        keys.append(parser.parse_expression())
        while parser.stream.skip_if("comma"):
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        key, piece = f"_cache_key_{number}", f"_cache_piece_{number}"
        return [
            nodes.Assign(nodes.Name(key, "store"), nodes.Tuple(keys, "load")).set_lineno(lineno),
            nodes.If(
                self.call_method("_known", [nodes.Name(key, "load")]),
                [nodes.Output([self.call_method("_piece", [nodes.Name(key, "load")])])],
                [],
                [nodes.AssignBlock(nodes.Name(piece, "store"), None, body),
                 nodes.Output([self.call_method("_keep", [nodes.Name(key, "load"), nodes.Name(piece, "load")])])],
            ).set_lineno(lineno),
        ]

    def _known(self, key: tuple[Any, ...]) -> bool:
        try:
            return key in self.pieces
        except TypeError:
            raise jinja2.TemplateRuntimeError(
                "a {% cache %} key must be made of text, numbers or other simple values "
                "(e.g. post.url, lang), not of a list or a mapping") from None

    def _piece(self, key: tuple[Any, ...]) -> Markup:
        return self.pieces[key]

    def _keep(self, key: tuple[Any, ...], piece: Markup) -> Markup:
        if len(self.pieces) >= MAX_PIECES:
            self.pieces.clear()
        self.pieces[key] = piece
        return piece


def forget_fragments(env: jinja2.Environment) -> None:
    """A new build, or a model updated in place: every piece is made again."""
    extension = env.extensions.get(FragmentCache.identifier)
    if isinstance(extension, FragmentCache):
        extension.pieces.clear()
