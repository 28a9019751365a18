"""nbgrader settings a course's grading service adds to the course's own nbgrader_config.py.

The service runs in the course root, whose nbgrader_config.py (loaded last) sets the course
id, paths and gradebook; WORKBENCH_EXCHANGE_ROOT points both at the shared exchange.
"""

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821  (provided by nbgrader's config loader)

# Adding a student in formgrader (or `nbgrader db student add`) also adds them to the
# hub group nbgrader-COURSE, which is what lets them fetch and submit.
c.Authenticator.plugin_class = JupyterHubAuthPlugin
