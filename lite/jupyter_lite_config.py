"""JupyterLite build of Backprop Lab: `jupyter lite build` run in this folder (lite/).

The site holds the learner edition of the lessons (no answers, no hidden tests; built
here into lite/_course from the course's source lessons each time the config loads), the front-end extensions the apps need (the ipywidgets manager
and anywidget's, which shows the apps' figures), the Pyodide kernel, and the course's own wheel in
pypi/ (build it first: `pip wheel .. --no-deps -w pypi`), so that `%pip install
backprop-lab` in the browser installs it from the site itself. Only these extensions
are copied from the Python environment doing the build: a development environment also
holds server-side ones (nbgrader, jupytext, ...) that have no place on a static site.
The output goes to lite/_output (a static site: publish that folder).
"""
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (jupyter lite provides get_config when it loads this file)

LABEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
EXTENSIONS = [
    "@jupyter-widgets/jupyterlab-manager",      # ipywidgets' manager (pip: jupyterlab_widgets)
    "anywidget",                                # the apps' figure view (widgets/canvas.py)
    "@jupyterlite/pyodide-kernel-extension",    # the Python kernel that runs in the browser
]

COURSE = Path(__file__).resolve().parent / "_course"


def learner_edition(folder):
    """Write the learner edition of every lesson into ``folder`` (replacing what was there)."""
    import json
    import shutil

    from backprop_lab import edition, exercises
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for source in exercises.lesson_paths():
        nb = edition.learner_notebook(json.loads(source.read_text(encoding="utf-8")))
        (folder / source.name).write_text(edition.dumps(nb), encoding="utf-8")


learner_edition(COURSE)
c.LiteBuildConfig.contents = [str(COURSE)]
c.LiteBuildConfig.output_dir = "_output"
c.LiteBuildConfig.ignore_sys_prefix = ["federated_extensions"]
c.LiteBuildConfig.federated_extensions = [str(LABEXTENSIONS / name) for name in EXTENSIONS]
