"""Packaging that pyproject.toml cannot say: which folders outside workbench/ ship in a wheel.

The template notebooks stay in templates/ at the repository root, where authors edit them
next to their examples; a wheel carries them as the package data folder
``workbench/template_notebooks/`` (see workbench.paths.templates_dir). Everything else
about the project is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["workbench", "workbench.*"]),
        "workbench.learner",  # notebooks only: a data folder, no Python
        "workbench.template_notebooks",
    ],
    package_dir={"workbench.template_notebooks": "templates"},
    package_data={
        "workbench.learner": ["*.ipynb"],
        "workbench.app": ["*.ipynb"],  # the page Voilà serves (python -m workbench app)
        "workbench.grading.pages": ["*.html.j2", "*.css", "*.js"],
        "workbench.grading": ["formgrader_templates/formgrade/*.html.j2"],
        "workbench.estat": ["recorded/*.json", "recorded/README.md"],
        "workbench.template_notebooks": ["*.ipynb"],
    },
)
