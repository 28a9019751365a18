"""The instructor's and learner's HTML pages: Jinja2 templates shipped in this package.

``feedback.html.j2`` (one learner's notebook) and ``report.html.j2`` (the cohort) share
``style.css``, inlined so each page is one self-contained file. Autoescaping is on:
every value a template shows may come from a learner.
"""

from __future__ import annotations

import functools

import jinja2


def points(value: float | None) -> str:
    """A score as people write it (``3``, ``2.5``); ``—`` when there is none yet."""
    return "—" if value is None else f"{value:g}"


@functools.cache
def environment() -> jinja2.Environment:
    """Autoescaping environment over the templates in this folder (package data)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("workbench.grading.pages", "."),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pts"] = points
    return env


def render(template: str, **context) -> str:
    """Render ``template`` (a file name in this folder) with ``context``."""
    return environment().get_template(template).render(**context)
