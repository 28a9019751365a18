"""The statistics behind the template notebooks, one function per template.

Each function takes the cleaned DataFrame and the template's parameters, checks them
(raising TemplateInputError with a Japanese message naming the column and the fix), and
returns a JSON-ready dict: the numbers that go to result.json, plus a Japanese
``conclusion`` and ``caveats``.  The runner calls the same function before starting a
kernel, so bad input is reported in a second rather than after a notebook run.

One module per analysis; ``common`` holds the input checks and number prose they share.
``ANALYSES``, declared once here, is the registry the runner and the notebooks use.
"""

from __future__ import annotations

from workbench.templates.analyses.anova import anova
from workbench.templates.analyses.common import (
    SECRET,
    TemplateInputError,
    _label,
    fmt,
    fmt_p,
    labels_of,
    p_text,
    rows_to_draw,
)
from workbench.templates.analyses.consolidate import consolidate
from workbench.templates.analyses.correlation import correlation
from workbench.templates.analyses.crosstab import crosstab, suppress
from workbench.templates.analyses.describe import describe
from workbench.templates.analyses.did import _binary, did
from workbench.templates.analyses.logistic import logistic
from workbench.templates.analyses.regression import quote_formula, regression
from workbench.templates.analyses.trend import _time_axis, trend
from workbench.templates.analyses.ttest import points_to_draw, samples_for_chart, ttest

__all__ = [
    "TemplateInputError",
    "anova",
    "correlation",
    "describe",
    "logistic",
    "ttest",
    "regression",
    "crosstab",
    "trend",
    "did",
    "consolidate",
    "quote_formula",
    "suppress",
    "samples_for_chart",
    "points_to_draw",
    "rows_to_draw",
    "labels_of",
    "fmt",
    "fmt_p",
    "p_text",
    "SECRET",
    "ANALYSES",
    "_binary",
    "_label",
    "_time_axis",
]

#: Template name → analysis function; the one registry of the package.
ANALYSES = {
    "ttest": ttest,
    "regression": regression,
    "crosstab": crosstab,
    "trend": trend,
    "did": did,
    "consolidate": consolidate,
    "anova": anova,
    "describe": describe,
    "correlation": correlation,
    "logistic": logistic,
}
