"""「分析テンプレート」: the point-and-click app for policy teams (ipywidgets served by Voilà).

One job per module: ``columns`` (which columns fit which parameter), ``session`` (the
state: file → preview → template → parameters → run; testable without a browser),
``kernel`` (the warm kernel that keeps a second analysis fast), ``widgets`` (the page),
``launch`` (``python -m workbench app``).  The analysis itself is ``workbench.templates``,
the same code and the same Japanese messages as ``workbench template run``.
"""
