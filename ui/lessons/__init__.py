"""The Lessons page's content: one lesson per module, as data (no Streamlit here).

A lesson is a module ``lNN_<topic>.py`` in this package that defines ``LESSON``, a
:class:`~ui.lessons.framework.Lesson` whose ``number`` is ``NN``: adding a lesson is adding
such a file. The framework (the ``Lesson`` type, controls, charts, metrics) is in
:mod:`ui.lessons.framework`.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import optimizers
from ui import scene as sc

from .framework import (  # noqa: F401  (re-exported: the package's API)
    CORE,
    Lesson,
    get_hp,
    nearest_option,
    run,
    set_hp,
)


def _discover() -> tuple[Lesson, ...]:
    modules = sorted(
        m.name for m in pkgutil.iter_modules(__path__) if re.fullmatch(r"l\d\d_\w+", m.name)
    )
    found = tuple(importlib.import_module(f"{__name__}.{m}").LESSON for m in modules)
    numbers = [lesson_.number for lesson_ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"lesson modules must be numbered 1..n in order, got {numbers}")
    return found


LESSONS: tuple[Lesson, ...] = _discover()
"""Every lesson, in order (``LESSONS[n - 1].number == n``)."""


def lesson(number: int) -> Lesson:
    """Return lesson ``number`` (1-based).

    Parameters
    ----------
    number : int

    Returns
    -------
    Lesson

    Raises
    ------
    ValueError
        If there is no such lesson.
    """
    if not 1 <= number <= len(LESSONS):
        raise ValueError(f"there is no lesson {number}; choose 1 to {len(LESSONS)}")
    return LESSONS[number - 1]


def parse_lesson(value) -> tuple[int, str | None]:
    """Read a ``?lesson=`` value from a link, never raising.

    Parameters
    ----------
    value : str, list of str or None
        As ``st.query_params`` gives it.

    Returns
    -------
    number : int
        The lesson to show (1 when the value is missing or invalid).
    warning : str or None
        A plain sentence when the value was invalid.
    """
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None or value == "":
        return 1, None
    text = str(value).strip()[:20]
    if text.isdigit() and 1 <= int(text) <= len(LESSONS):
        return int(text), None
    return 1, (
        f"The link asks for lesson '{text}', but lessons are numbered 1 to {len(LESSONS)}. "
        "Showing lesson 1."
    )


def latex_boxes(lesson_: Lesson, scene: sc.Scene) -> list[tuple[str, str]]:
    """Return ``(title, latex)`` for every rule the lesson shows.

    The optimizers' algorithm boxes come from ``optimizers.spec(name).latex`` (the
    docstring's text); a scene with a schedule adds the schedule's formula.

    Parameters
    ----------
    lesson_ : Lesson
    scene : Scene

    Returns
    -------
    list of (str, str)
    """
    boxes = [(optimizers.spec(n).title, optimizers.spec(n).latex) for n in lesson_.optimizers]
    schedule = scene.schedule_fn()
    if schedule is not None:
        boxes.append((f"Schedule: {optimizers.SCHEDULES[scene.schedule].title}", schedule.latex))
    return boxes
