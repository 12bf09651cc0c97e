"""Import Mesa without the cost of its import-time stack inspection.

Mesa 3.5 names its module loggers at import (``mesa.mesa_logging.create_module_logger``,
called by ``mesa.model`` and ``mesa.batchrunner``) from ``inspect.stack()``: that reads the
source lines of every frame on the stack and, for each frozen importlib frame, searches every
loaded module's file. With pandas, scipy and networkx loaded it took about 0.1 s of the 0.6 s
``import mesa`` (``python -X importtime``: ``mesa.model`` 72 ms of its own, 0.5 ms without it).
While Mesa is first imported, ``inspect.stack``, ``inspect.getouterframes`` and
``inspect.getmodule`` of a frame answer from the frames themselves (no source lines; the
module from the frame's globals), which gives Mesa the same logger names; they are restored
as soon as the import is done. Every later use of ``inspect`` is untouched.

``mesa.discrete_space`` (cell spaces: grids, networks, Voronoi) is imported lazily
(``importlib.util.LazyLoader``): ``mesa/__init__.py`` binds it, but its code runs on first use
of one of its names. It imports networkx and scipy.spatial, about 0.23 s of the 0.29 s
``import mesa`` (``python -X importtime``, 2026-12-07), and the model uses no space. Mesa's
own modules use it only through attributes, which load it; it creates no module loggers.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import inspect
import sys
from collections.abc import Sequence
from types import FrameType, ModuleType

#: Mesa's subpackages whose code runs on first use rather than at ``import mesa`` (see the module docstring).
LAZY_SUBPACKAGES = frozenset({"mesa.discrete_space", "mesa.space", "mesa.experimental.continuous_space"})


class _LazySubpackages:
    """A meta path finder that hands out Mesa's ``LAZY_SUBPACKAGES`` with a ``LazyLoader`` (only while Mesa imports)."""

    @staticmethod
    def find_spec(
        fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in LAZY_SUBPACKAGES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def _frames(frame: FrameType | None) -> list[inspect.FrameInfo]:
    records = []
    while frame is not None:
        code = frame.f_code
        records.append(inspect.FrameInfo(frame, code.co_filename, frame.f_lineno, code.co_name, None, None))
        frame = frame.f_back
    return records


def _stack(context: int = 1) -> list[inspect.FrameInfo]:
    return _frames(sys._getframe(1))


def _outer_frames(frame: FrameType, context: int = 1) -> list[inspect.FrameInfo]:
    return _frames(frame)


def import_mesa() -> ModuleType:
    """``import mesa``, the first time without inspecting the source of the import stack and with its spaces lazy."""
    if "mesa" in sys.modules:
        return sys.modules["mesa"]
    stack, outer_frames, getmodule = inspect.stack, inspect.getouterframes, inspect.getmodule

    def module_of(value: object, _filename: str | None = None) -> ModuleType | None:
        if inspect.isframe(value):
            return sys.modules.get(value.f_globals.get("__name__", ""))
        return getmodule(value, _filename)

    inspect.stack, inspect.getouterframes, inspect.getmodule = _stack, _outer_frames, module_of
    finder = _LazySubpackages()
    sys.meta_path.insert(0, finder)
    try:
        import mesa
    finally:
        inspect.stack, inspect.getouterframes, inspect.getmodule = stack, outer_frames, getmodule
        sys.meta_path.remove(finder)
    return mesa
