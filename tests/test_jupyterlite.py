"""JupyterLite: the course builds as a static site that runs in the browser alone.

lite/jupyter_lite_config.py describes the site; this test builds it the way README.md
says, in a scratch folder: the course's wheel into pypi/ (`pip wheel . --no-deps`), then
`jupyter lite build` beside lite/'s config. It checks that the site has its pages, the
learner edition of every lesson under files/ (no answer, no hidden test), exactly the front-end extensions the apps need (the
ipywidgets manager, anywidget (the apps' figures), the Pyodide kernel; no server-side
extension of the build environment), and the course's wheel in the piplite index.

Running the lessons in the site needs the Pyodide kernel's runtime, which the browser
loads from a CDN; no CDN is reachable here, so in-browser execution is not tested.
"""
import json
import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

from backprop_lab import edition

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "anywidget", "@jupyterlite/pyodide-kernel-extension")


def run(args, cwd):
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{args} exited {proc.returncode}:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site (lite/_output of a scratch copy of lessons/ and lite/)."""
    scratch = tmp_path_factory.mktemp("lite")
    shutil.copytree(ROOT / "lessons", scratch / "lessons", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    lite = scratch / "lite"
    lite.mkdir()
    shutil.copy(ROOT / "lite" / "jupyter_lite_config.py", lite)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", "pypi", str(ROOT)], cwd=lite)
    run([str(pathlib.Path(sys.executable).parent / "jupyter"), "lite", "build"], cwd=lite)
    return lite / "_output"


def test_site_has_its_pages(site):
    for page in ("index.html", "lab/index.html", "notebooks/index.html", "jupyter-lite.json"):
        assert (site / page).is_file(), page


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_site_holds_the_learner_edition_of_the_lesson(site, lesson):
    served = site / "files" / lesson.name
    assert served.is_file()
    text = served.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    learner = edition.learner_notebook(json.loads(lesson.read_text()))
    assert json.loads(text) == json.loads(edition.dumps(learner))
    assert sorted(p.name for p in (site / "files").glob("*.ipynb")) == [p.name for p in LESSONS]


def test_site_has_exactly_the_extensions_the_apps_need(site):
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    listed = sorted(ext["name"] for ext in config["federated_extensions"])
    assert listed == sorted(EXTENSIONS)
    for name in EXTENSIONS:
        assert (site / "extensions" / name / "package.json").is_file(), name


def test_site_offers_the_course_wheel(site):
    wheels = sorted((site / "pypi").glob("backprop_lab-*-py3-none-any.whl"))
    assert len(wheels) == 1, sorted(p.name for p in (site / "pypi").iterdir())
    index = json.loads((site / "pypi" / "all.json").read_text())
    assert "backprop-lab" in index or "backprop_lab" in index, sorted(index)
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "backprop/__init__.py" in names and "widgets/__init__.py" in names
    assert any(n.startswith("backprop/data/") for n in names), "the digits data ship with the wheel"
    shipped = sorted(n for n in names if n.startswith("backprop_lab/lessons/") and n.endswith(".ipynb"))
    assert [n.rsplit("/", 1)[1] for n in shipped] == [p.name for p in LESSONS], "hints and solutions need them"
