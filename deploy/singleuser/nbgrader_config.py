"""nbgrader settings for every learner's server on the hub (JUPYTER_CONFIG_PATH points here).

Courses come from hub groups (``nbgrader-COURSE``), so one learner server serves every
course the person takes; fetched units land in ``~/COURSE/UNIT``.
"""

import os

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821  (provided by nbgrader's config loader)

c.Exchange.root = os.environ.get("WORKBENCH_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True
c.Authenticator.plugin_class = JupyterHubAuthPlugin

# The hub account is the learner's identity in the exchange. With one OS account per
# person it is the OS user name anyway; with container spawners (OS user "jovyan") or the
# test's single-account spawner, nbgrader would otherwise file every submission under one
# OS name.
if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
