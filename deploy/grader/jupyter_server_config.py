"""Jupyter Server settings of a course's grading service (formgrader) on the hub.

JupyterHub >= 4.1 sends ``Content-Security-Policy: frame-ancestors 'none'`` from every
single-user server and service, which blocks formgrader inside JupyterLab's tab (an
iframe; nbgrader issues #1870, #1947). The policy protects same-origin deployments: there
every server shares one origin, and allowing ``'self'`` would let any learner's page frame
the grading service. So the iframe is allowed only when the hub gives every server and
service its own origin (subdomains); otherwise formgrader opens as a page of its own.
"""

import os

c = get_config()  # noqa: F821  (provided by Jupyter's config loader)

if os.environ.get("WORKBENCH_FORMGRADER_IFRAME") == "1":
    c.ServerApp.tornado_settings = {
        "headers": {"Content-Security-Policy": "frame-ancestors 'self'"}
    }
