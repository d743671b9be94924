"""Calls from templates without Jinja's introspection on every call.

Jinja compiles every call in a template (`t('next')`, `theme_url(…)`, a
macro, the `{% cache %}` block's checks) to `context.call(f, …)`, which asks
`f` and `f.__call__` each time whether it wants the context, the evaluation
context or the environment passed first: about 40 calls a post page, a
tenth of rendering it. The answer depends only on the function, so it is
worked out once per function (per class for callable objects of the types
below) and kept; every other callable goes Jinja's own way.
"""

from __future__ import annotations

from types import FunctionType, MethodType
from typing import Any

from jinja2.runtime import Context, Macro
from jinja2.utils import _PassArg, internalcode

from ..settings.i18n import Strings

_BY_CLASS = (Macro, Strings)
"""Callable objects whose class alone says how Jinja calls them."""

_takes_nothing: dict[Any, bool] = {}
"""Function (or class) → whether Jinja passes it nothing before the arguments."""


def _passes_nothing(obj: Any) -> bool:
    # Context.call's own questions, in its order.
    if hasattr(obj, "__call__") and _PassArg.from_obj(obj.__call__) is not None:  # noqa: B004
        return False
    return _PassArg.from_obj(obj) is None


class DirectCallContext(Context):
    @internalcode
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own signature
        kind = type(__obj)
        if kind is MethodType:
            key = __obj.__func__
        elif kind is FunctionType:
            key = __obj
        elif kind in _BY_CLASS:
            key = kind
        else:
            return super().call(__obj, *args, **kwargs)
        plain = _takes_nothing.get(key)
        if plain is None:
            if len(_takes_nothing) >= 4096:  # functions made anew for each page
                _takes_nothing.clear()
            plain = _takes_nothing[key] = _passes_nothing(__obj)
        if not plain:
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")
