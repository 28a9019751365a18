"""Data-literacy workbench: courses, datasets, templates and grading for prefectural staff."""

__version__ = "0.1.0"
