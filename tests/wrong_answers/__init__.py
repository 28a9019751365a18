"""Realistic wrong answers, one module per unit, collected into ``WRONG_ANSWERS``.

Each module sets ``UNIT`` (the course folder name) and ``WRONG_ANSWERS`` (a list of
:class:`harness.WrongAnswer`). tests/test_course_grading.py submits each one, with every
other exercise answered correctly, and checks that nbgrader scores the question below
full marks and that the learner saw the specific Japanese hint.
"""

import importlib
import pkgutil

WRONG_ANSWERS: dict[str, list] = {}

for _module in pkgutil.iter_modules(__path__):
    _loaded = importlib.import_module(f"{__name__}.{_module.name}")
    WRONG_ANSWERS[_loaded.UNIT] = _loaded.WRONG_ANSWERS
