"""nbgrader configuration for the workbench course (the course root is this folder).

Source notebooks live in ``../courses`` (one folder per unit = one assignment), so the
course content is edited in one place and nbgrader's ``release/``, ``submitted/``,
``autograded/`` and ``feedback/`` folders, the gradebook and the exchange are generated
here and kept out of git. Paths are absolute so every command finds the same course
whatever folder it is started from.
"""

import os
from importlib.util import find_spec

HERE = os.path.dirname(os.path.abspath(__file__))

c = get_config()  # noqa: F821  (provided by nbgrader's config loader)

c.CourseDirectory.course_id = "data_literacy"
c.CourseDirectory.root = HERE
c.CourseDirectory.source_directory = os.path.join(os.pardir, "courses")
c.CourseDirectory.db_url = os.environ.get(
    "WORKBENCH_GRADEBOOK_URL", "sqlite:///" + os.path.join(HERE, "gradebook.db")
)
# Files learners' notebooks write (output/) and built data are not course material.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "output"]

# On one machine the exchange lives here; on JupyterHub every server shares one exchange
# folder (deploy/jupyterhub_config.py sets WORKBENCH_EXCHANGE_ROOT for all of them).
c.Exchange.root = os.environ.get("WORKBENCH_EXCHANGE_ROOT", os.path.join(HERE, "exchange"))
c.Exchange.path_includes_course = True

# Learners see Japanese placeholders instead of "YOUR CODE HERE".
c.ClearSolutions.code_stub = {
    "python": "# ここに答えのコードを書いてください\n"
    'raise NotImplementedError("まだ解答が書かれていません")'
}
c.ClearSolutions.text_stub = "ここに回答を書いてください。"

# Rubrics for written answers sit in the locked question cell, between
# <!-- BEGIN MARK SCHEME --> and <!-- END MARK SCHEME -->. generate_assignment saves the
# full cell in the gradebook and strips the region from release/; autograde puts the locked
# cell back (OverwriteCells), so formgrader shows the rubric to the grader and learners never
# get it. nbgrader only allows mark schemes in "task" cells by default; our written answers
# are manually graded answer cells (their points live there), so the question cell carries
# the rubric instead. It has a grade_id and is locked, which is what the restore needs.
c.ClearMarkScheme.enforce_metadata = False

# Each cell may run at most this long at autograde (nbgrader's default is 30 s).
c.ExecutePreprocessor.timeout = 60

# Formgrader works offline (a closed network such as LGWAN reaches no CDN): MathJax comes
# from the jupyter_server_mathjax extension of the same server. The workbench's
# formgrade/mathjax.html.j2 is found before nbconvert's CDN one; nbgrader's own templates
# (formgrade/, feedback/) stay next in line, as nbgrader would set them itself.
_nbgrader_templates = os.path.join(
    os.path.dirname(find_spec("nbgrader").origin), "server_extensions", "formgrader", "templates"
)
_workbench_templates = os.path.join(
    os.path.dirname(find_spec("workbench.grading").origin), "formgrader_templates"
)
c.HTMLExporter.extra_template_basedirs = [_workbench_templates, _nbgrader_templates]
