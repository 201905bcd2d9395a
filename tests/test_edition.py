"""The learner edition and the learner's workspace (backprop-lab workspace / progress).

- every lesson's learner edition holds no line of an answer and no hidden test, and its
  cells are exactly what nbgrader's own ClearSolutions + ClearHiddenTests make with the
  shipped stub;
- `backprop-lab workspace DIR` writes it; a second run keeps a learner's edit, adds a new
  lesson, restores a deleted one, replaces an untouched one that the course changed, and
  puts the new version of an edited, changed one beside it as "NN_topic (updated).ipynb";
- bad DIRs (a file, inside lessons/, not writable) get one line and exit status 2, and
  nothing is written;
- checks record outcomes in the workspace, and `backprop-lab progress` shows a passing and
  a failing exercise, with points.
"""
import copy
import json
import os
import pathlib
import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from backprop_lab import edition, exercises, workspace
from lab_server import stop

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in LESSONS]


def load(path):
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "backprop_lab.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def region_lines(nb, begin, end):
    """Stripped lines inside begin/end regions, and the stripped lines outside them."""
    inside, outside = set(), set()
    for cell in nb["cells"]:
        within = False
        for line in exercises.source_text(cell).splitlines():
            if begin in line:
                within = True
            elif end in line:
                within = False
            elif line.strip():
                (inside if within else outside).add(line.strip())
    return inside, outside


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_the_learner_edition_shows_no_answer_and_no_hidden_test(path):
    source = load(path)
    learner = edition.learner_notebook(source)
    lines = {line.strip() for c in learner["cells"] for line in exercises.source_text(c).splitlines()}
    for begin, end in (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")):
        inside, outside = region_lines(source, begin, end)
        secret = {line for line in inside - outside if len(line) > 3}
        assert secret, f"{path.name} has no {begin} region"
        assert not secret & lines, sorted(secret & lines)[:5]
        assert begin not in json.dumps(learner)
    for cell in learner["cells"]:
        assert "hints" not in cell["metadata"].get("backprop", {}), "hints come on request, not in the file"
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_the_learner_edition_is_what_nbgrader_makes(path):
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, LockCells
    nb = nbformat.read(path, as_version=4)
    theirs, resources = ClearSolutions(code_stub={"python": edition.STUB}).preprocess(copy.deepcopy(nb), {})
    theirs, _ = ClearHiddenTests().preprocess(theirs, resources)
    theirs, _ = LockCells().preprocess(theirs, {})
    ours = edition.learner_notebook(load(path))
    assert [(c.cell_type, c.source) for c in theirs.cells] == \
           [(c["cell_type"], exercises.source_text(c)) for c in ours["cells"]]
    locks = lambda meta: (meta.get("editable", True), meta.get("deletable", True))  # noqa: E731
    assert [locks(c.metadata) for c in theirs.cells] == [locks(c["metadata"]) for c in ours["cells"]]
    stub_config = (ROOT / "instructor" / "nbgrader_config.py").read_text()
    assert repr(edition.STUB)[1:-1] in stub_config.replace('"', "'"), "the same stub as the shipped config"


def test_workspace_keeps_the_learners_work_and_brings_what_is_new(tmp_path, monkeypatch, capsys):
    source_dir = tmp_path / "lessons"
    source_dir.mkdir()
    for path in LESSONS[:3]:
        (source_dir / path.name).write_text(path.read_text())
    monkeypatch.setattr(exercises, "lessons_dir", lambda: source_dir)
    course = tmp_path / "course"
    assert [line.split()[0] for line in workspace.build(course)] == ["added"] * 3
    first, second, third = (course / p.name for p in LESSONS[:3])

    mine = load(first)                       # the learner edits lesson 1 and runs lesson 2
    mine["cells"][-1]["source"] = "my own notes"
    first.write_text(json.dumps(mine))
    ran = load(second)
    ran["cells"][1].setdefault("outputs", []).append({"output_type": "stream", "name": "stdout", "text": "hi"})
    second.write_text(json.dumps(ran))
    third.unlink()                           # and deletes lesson 3
    (source_dir / LESSONS[3].name).write_text(LESSONS[3].read_text())   # the course gets lesson 4

    report = workspace.build(course)
    assert report == [f"restored {LESSONS[2].name} (it was deleted)", f"added {LESSONS[3].name}"]
    assert load(first)["cells"][-1]["source"] == "my own notes"
    assert load(second) == ran, "running a lesson is not a change, and nothing changed in the course"

    for path in LESSONS[:2]:                 # now the course changes lessons 1 and 2
        nb = load(source_dir / path.name)
        nb["cells"][0]["source"] = exercises.source_text(nb["cells"][0]) + "\n\nA new paragraph."
        (source_dir / path.name).write_text(json.dumps(nb))
    report = workspace.build(course)
    updated = course / f"{LESSONS[0].stem} (updated).ipynb"
    assert report == [f"kept your {LESSONS[0].name}; the lesson changed, its new version is {updated.name}",
                      f"updated {LESSONS[1].name} (a new version of the lesson)"]
    assert load(first)["cells"][-1]["source"] == "my own notes", "the learner's edit survives"
    assert "A new paragraph." in exercises.source_text(load(updated)["cells"][0])
    assert "A new paragraph." in exercises.source_text(load(second)["cells"][0])
    assert workspace.build(course) == [], "a third run has nothing to do"


@pytest.mark.parametrize("where, words", [
    ("a_file", "is a file, not a folder"),
    ("lessons/inside", "inside the course's source lessons"),
    ("/proc/self/course", "is not writable"),
])
def test_bad_folders_are_refused_and_nothing_is_written(tmp_path, where, words):
    (tmp_path / "a_file").write_text("not a folder")
    target = where if where.startswith("/") else (ROOT / where if where.startswith("lessons") else tmp_path / where)
    before = sorted(p.name for p in (ROOT / "lessons").iterdir())
    proc = cli("workspace", str(target), cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and words in proc.stderr and str(target).split("/")[-1] in proc.stderr
    assert sorted(p.name for p in (ROOT / "lessons").iterdir()) == before
    assert (tmp_path / "a_file").read_text() == "not a folder"
    assert not (ROOT / "lessons" / "inside").exists()


def test_progress_shows_what_passes_with_points(tmp_path):
    course = tmp_path / "course"
    proc = cli("workspace", str(course), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lesson = LESSONS[0]
    source, learner = load(lesson), load(course / lesson.name)
    names = [e.name for e in exercises.exercises_of(source, lesson.stem)]
    solved, unsolved = names[0], names[1]
    for cell in learner["cells"]:   # the learner solves the first exercise and tries the second wrongly
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid == solved:
            answer = next(c for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == solved)
            cell["source"] = exercises.without_markers(exercises.source_text(answer))
        elif gid == unsolved:
            cell["source"] = exercises.source_text(cell).replace("raise NotImplementedError()", "return 0")
    nb = nbformat.reads(json.dumps(learner), as_version=4)
    env_before = os.environ.pop("NBGRADER_EXECUTION", None)
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(course)}}).execute()
    finally:
        if env_before is not None:
            os.environ["NBGRADER_EXECUTION"] = env_before
    records = [json.loads(l) for l in (course / ".backprop-lab" / "progress.jsonl").read_text().splitlines()]
    assert {(r["exercise"], r["passed"], r["attempted"]) for r in records} >= {(solved, True, True),
                                                                              (unsolved, False, True)}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", r["time"]) for r in records)
    out = cli("progress", str(course), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    table = exercises.index()
    row = next(line for line in out.stdout.splitlines() if line.startswith(table[solved].title))
    assert f"✓ {solved} ({table[solved].points:g})" in row and f"✗ {unsolved}" in row
    assert f"{table[solved].points:g}/{table[solved].points + table[unsolved].points:g}" in row
    other = next(line for line in out.stdout.splitlines() if line.startswith(exercises.index()[
        exercises.exercises_of(load(LESSONS[1]), LESSONS[1].stem)[0].name].title))
    assert "✓" not in other and "✗" not in other and "·" in other
    assert cli("progress", str(tmp_path / "nowhere"), cwd=tmp_path).returncode == 2


def test_lab_serves_the_learner_edition(tmp_path):
    """`backprop-lab lab DIR` (what scripts/lab.sh runs) makes the workspace and serves it:
    JupyterLab's root is the workspace, and what it serves holds no answer."""
    import socket
    import time
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    course = tmp_path / "course"
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    args = [sys.executable, "-m", "backprop_lab.cli", "lab", str(course), "--", "--no-browser", "--ip=127.0.0.1",
            f"--port={port}", "--ServerApp.token=", "--ServerApp.password="]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/api/contents"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    listing = json.load(response)
                break
            except OSError:
                assert time.monotonic() < deadline, "JupyterLab did not answer"
                time.sleep(0.3)
        served = sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")
        assert served == [p.name for p in LESSONS]
        with urllib.request.urlopen(f"{url}/{LESSONS[0].name}", timeout=10) as response:
            notebook = json.load(response)["content"]
        text = json.dumps(notebook)
        assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
    finally:
        stop(proc)
